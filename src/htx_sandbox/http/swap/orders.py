"""A UID's orders: open orders, orders by id, one order with its fills, and order history.

Reads run on the engine thread (`call.read`) through the read side (service/queries.py), after
the commit of everything submitted before them. A UID only ever sees its own orders: another
UID's are treated as absent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.orders import Order
from ...domain.types import Millis
from ...service.ports import OrderQuery
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, private
from ..core.wire import num
from ..shapes import orders as shapes
from . import fields, paging

MAX_IDS = 50
"""swap_order_info takes at most 50 order ids (and 50 client order ids)."""
DAY_MS = 86_400_000
# swap_hisorders also knows liquidations (5 sell, 6 buy: the account's liquidation orders,
# fields.order_filter), deliveries (7, 8) and reduce-only closes from the risk engine (11,
# 12): valid, but no such order exists in the sandbox (perpetuals are never delivered).
HISTORY_ONLY_TRADE_TYPES = frozenset({7, 8, 11, 12})
HISTORY_STATUSES = frozenset({0, 3, 4, 5, 6, 7})
FINISHED_STATUSES = (5, 6, 7)
ORDER_TYPES = frozenset({1, 2, 3, 4, 22})


@private("read")
async def swap_openorders(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = fields.contract_code(body, required=False)
    index, size = fields.page(body)
    sort_by = fields.sort_by(body, ("created_at", "update_time"))
    side = fields.TRADE_TYPES.get(fields.trade_type(body, required=False, allowed=range(5)))

    def read(reads: Reads) -> dict[str, Any]:
        orders = [
            o
            for o in reads.open_orders(uid, code)
            if side is None or (o.direction, o.offset) == side
        ]
        key: Callable[[Order], tuple[int, int]] = (
            (lambda o: (o.update_time, o.order_id))
            if sort_by == "update_time"
            else (lambda o: (o.created_at, o.order_id))
        )
        orders.sort(key=key, reverse=True)
        first = (index - 1) * size
        rows = [shapes.open_order(o) for o in orders[first : first + size]]
        return fields.paged("orders", rows, len(orders), index, size)

    return await call.read(read)


@private("read")
async def swap_order_info(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = fields.contract_code(body, required=True)
    assert code is not None
    order_ids = body.id_list("order_id")
    client_ids = body.id_list("client_order_id")
    if not order_ids and not client_ids:
        raise HtxError(ErrorCode.FIELD_EMPTY, "order_id")
    if len(order_ids) > MAX_IDS or len(client_ids) > MAX_IDS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        if order_ids:  # order_id wins when both are given
            ids = fields.order_ids(order_ids)
        else:
            ids = reads.order_ids_of(uid, fields.order_ids(client_ids))
        found = [reads.own_order(uid, contract, i) for i in ids]
        rows = [shapes.order(o, update_time=False) for o in found if o is not None]
        if not rows:
            raise HtxError(ErrorCode.ORDER_NOT_EXIST)
        return rows

    return await call.read(read)


@private("read")
async def swap_order_detail(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = fields.contract_code(body, required=True)
    order_id = body.integer("order_id", required=True)
    assert code is not None and order_id is not None
    # created_at and order_type only widen HTX's search window; the sandbox keeps everything.
    created_at = body.integer("created_at")
    if created_at is not None and created_at <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "created_at")
    order_type = body.integer("order_type")
    if order_type is not None and order_type not in ORDER_TYPES:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "order_type")
    index, size = fields.page(body)

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        order = reads.own_order(uid, contract, order_id)
        if order is None:
            raise HtxError(ErrorCode.ORDER_NOT_EXIST)
        first = (index - 1) * size
        fills = [shapes.trade(t) for t in order.trades[first : first + size]]
        return {
            **shapes.order(order, update_time=False),
            "instrument_price": num(shapes.instrument_price(order)),
            "final_interest": 0,
            "adjust_value": 0,
            **fields.paged("trades", fills, len(order.trades), index, size),
        }

    return await call.read(read)


@private("read")
async def swap_hisorders(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = fields.contract_code(body, required=True)
    assert code is not None
    trade_type = fields.trade_type(
        body,
        required=True,
        allowed=(0, *fields.TRADE_TYPES, *fields.LIQUIDATION_SIDES, *HISTORY_ONLY_TRADE_TYPES),
    )
    kind = body.integer("type", required=True)
    if kind not in (1, 2):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "type")
    statuses = _history_statuses(body)
    days = paging.history_days(body)  # past 90: the last 90 days
    index, size = fields.page(body)
    sort_by = fields.sort_by(body, ("create_date", "update_time"))
    if kind == 2:  # finished orders only
        statuses = tuple(s for s in (statuses or FINISHED_STATUSES) if s in FINISHED_STATUSES)
        matches_nothing = not statuses
    else:
        matches_nothing = False
    matches_nothing = matches_nothing or trade_type in HISTORY_ONLY_TRADE_TYPES
    sides, order_types = fields.order_filter(trade_type)
    now = call.gateway.now_ms()

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        if matches_nothing:
            return fields.paged("orders", [], 0, index, size)
        query = OrderQuery(
            uid=uid,
            contract_code=contract.contract_code,
            since=Millis(now - days * DAY_MS),
            statuses=statuses,
            sides=sides,
            sort_by="update_time" if sort_by == "update_time" else "created_at",
            page_index=index,
            page_size=size,
            order_types=order_types,
        )
        orders, total = reads.order_history(query)
        rows = [shapes.history_order(o) for o in orders]
        return fields.paged("orders", rows, total, index, size)

    return await call.read(read)


def _history_statuses(body: Body) -> tuple[int, ...]:
    """swap_hisorders' status: a comma list of 0, 3, 4, 5, 6, 7; 0 (or nothing else) is all."""
    statuses = fields.statuses(body, HISTORY_STATUSES)
    return () if 0 in statuses else tuple(sorted(statuses))


routes = [
    Route(fields.V1 + "swap_openorders", swap_openorders, methods=["POST"]),
    Route(fields.V1 + "swap_order_info", swap_order_info, methods=["POST"]),
    Route(fields.V1 + "swap_order_detail", swap_order_detail, methods=["POST"]),
    Route(fields.V1 + "swap_hisorders", swap_hisorders, methods=["POST"]),
]
