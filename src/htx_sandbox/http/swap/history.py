"""A UID's order history with HTX's query_id paging (signed, read; paging.py has the rules):
`POST /swap-api/v3/swap_hisorders` (ccxt's fetch_orders, fetch_closed_orders and
fetch_canceled_orders), `/swap-api/v3/swap_hisorders_exact` and the v1
`/swap-api/v1/swap_hisorders_exact`. v1 `swap_hisorders` (page_index paging) is in orders.py.

All take `trade_type`, `type` and `status` as v1 swap_hisorders does; the _exact ones also an
order price type (`price_type` in v3, `order_price_type` in v1), which v3 swap_hisorders
accepts too (HTX's request example sends it). Orders are found by creation time; their
query_id is their order id.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.orders import Order
from ...service.queries import Reads
from ..core.endpoint import Call, private
from ..core.envelopes import V3_ENVELOPE
from ..shapes import history as shapes
from . import fields, paging


@private("read", V3_ENVELOPE)
async def swap_hisorders_v3(call: Call) -> Any:
    return await _v3(call, exact=False)


@private("read", V3_ENVELOPE)
async def swap_hisorders_exact_v3(call: Call) -> Any:
    return await _v3(call, exact=True)


async def _v3(call: Call, *, exact: bool) -> Any:
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    filters = paging.OrderFilters(body, "price_type")
    cursor = paging.v3_cursor(body, call.now)
    uid = call.uid

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        if filters.matches_nothing:
            return []
        query = filters.query(
            uid=uid, contract_code=contract.contract_code, **cursor.fields()
        )
        found, _ = reads.order_window(query)
        return [shapes.v3_order(o, update_time=not exact) for o in found]

    return await call.read(read)


def _query_id(order: Order) -> int:
    return order.order_id


@private("read")
async def swap_hisorders_exact(call: Call) -> Any:
    body = call.body
    code = fields.contract_code(body, required=True)
    assert code is not None
    filters = paging.OrderFilters(body, "order_price_type")
    cursor = paging.v1_cursor(body, call.now)
    uid = call.uid

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        if filters.matches_nothing:
            return {"orders": [], "remain_size": 0, "next_id": None}
        query = filters.query(
            uid=uid, contract_code=contract.contract_code, **cursor.fields()
        )
        return paging.v1_page(reads.order_window, query, _query_id, shapes.exact_order, "orders")

    return await call.read(read)


routes = [
    Route(fields.V3 + "swap_hisorders", swap_hisorders_v3, methods=["POST"]),
    Route(fields.V3 + "swap_hisorders_exact", swap_hisorders_exact_v3, methods=["POST"]),
    Route(fields.V1 + "swap_hisorders_exact", swap_hisorders_exact, methods=["POST"]),
]
