"""A UID's own fills (signed, read): `POST /swap-api/v3/swap_matchresults` and
`/swap-api/v3/swap_matchresults_exact` (ccxt's fetch_my_trades), `/swap-api/v1/swap_matchresults`
(page_index paging over the last `create_date` days) and `/swap-api/v1/swap_matchresults_exact`.

`contract` (v3) or `contract_code` (v1) and `trade_type` (0 all, 1-4 as swap_hisorders, 5/6
the fills of the UID's own liquidation orders selling/buying) are required. Each row is one
fill of the UID; its query_id is its place in the exchange's sequence of fills (unique, where
the match id is shared by every fill of one taker order). paging.py has the paging rules.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.types import Millis
from ...service.ports import Fill, HistoryQuery
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, private
from ..core.envelopes import V3_ENVELOPE
from ..shapes import history as shapes
from . import fields, paging


def _trade_type(body: Body) -> tuple[tuple[tuple[str, str], ...], tuple[int, ...]]:
    trade_type = fields.trade_type(body, required=True, allowed=paging.FILL_TRADE_TYPES)
    return fields.order_filter(trade_type)


@private("read", V3_ENVELOPE)
async def swap_matchresults_v3(call: Call) -> Any:
    return await _v3(call)


@private("read", V3_ENVELOPE)
async def swap_matchresults_exact(call: Call) -> Any:
    return await _v3(call)


async def _v3(call: Call) -> Any:
    """HTX documents the two v3 paths alike (the _exact one's page is a copy)."""
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    sides, order_types = _trade_type(body)
    cursor = paging.v3_cursor(body, call.now)
    uid = call.uid

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        found, _ = reads.fill_window(HistoryQuery(
            uid, contract.contract_code, sides=sides, order_types=order_types, **cursor.fields()
        ))  # fmt: skip
        return [shapes.fill(f) for f in found]

    return await call.read(read)


@private("read")
async def swap_matchresults(call: Call) -> Any:
    body = call.body
    code = fields.contract_code(body, required=True)
    assert code is not None
    sides, order_types = _trade_type(body)
    days = paging.history_days(body)
    index, size = fields.page(body)
    now, uid = call.now, call.uid

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        found, total = reads.fill_window(HistoryQuery(
            uid, contract.contract_code, Millis(now - days * paging.DAY_MS), Millis(now),
            sides=sides, order_types=order_types, size=size, skip=(index - 1) * size,
        ))  # fmt: skip
        rows = [shapes.fill(f, query_id=False) for f in found]
        return fields.paged("trades", rows, total, index, size)

    return await call.read(read)


def _query_id(fill: Fill) -> int:
    return fill.trade.query_id


@private("read")
async def swap_matchresults_exact_v1(call: Call) -> Any:
    body = call.body
    code = fields.contract_code(body, required=True)
    assert code is not None
    sides, order_types = _trade_type(body)
    cursor = paging.v1_cursor(body, call.now)
    uid = call.uid

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        query = HistoryQuery(
            uid, contract.contract_code, sides=sides, order_types=order_types, **cursor.fields()
        )
        return paging.v1_page(reads.fill_window, query, _query_id, shapes.fill, "trades")

    return await call.read(read)


routes = [
    Route(fields.V3 + "swap_matchresults_exact", swap_matchresults_exact, methods=["POST"]),
    Route(fields.V3 + "swap_matchresults", swap_matchresults_v3, methods=["POST"]),
    Route(fields.V1 + "swap_matchresults", swap_matchresults, methods=["POST"]),
    Route(fields.V1 + "swap_matchresults_exact", swap_matchresults_exact_v1, methods=["POST"]),
]
