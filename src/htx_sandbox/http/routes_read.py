"""Private read endpoints: open orders, orders by id, one order with its fills, order history,
account and positions.

Every read runs on the engine thread (`call.read`), after the commit of everything submitted
before it: a client never sees an order the store does not have yet, and never a half-applied
command. Orders evicted from memory (finished longer ago than the engine's retention) are read
back from the store. A UID only ever sees its own orders: another UID's are treated as absent.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from starlette.routing import Route

from ..domain.contracts import Contract
from ..domain.errors import ErrorCode, HtxError
from ..domain.exchange import Exchange
from ..domain.orders import Order
from ..domain.types import UID, Direction, Millis, Offset, OrderId
from ..service.ports import OrderQuery, Store
from . import views
from .gateway import Call, private
from .inputs import Body, unsigned
from .wire import num

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_IDS = 50
"""swap_order_info takes at most 50 order ids (and 50 client order ids)."""
MAX_HISTORY_DAYS = 90
DAY_MS = 86_400_000

# trade_type: 1 buy-open (open long), 2 sell-open (open short), 3 buy-close (close short),
# 4 sell-close (close long). 0 is every order.
TRADE_TYPES: dict[int, tuple[Direction, Offset]] = {
    1: (Direction.BUY, Offset.OPEN),
    2: (Direction.SELL, Offset.OPEN),
    3: (Direction.BUY, Offset.CLOSE),
    4: (Direction.SELL, Offset.CLOSE),
}
# swap_hisorders also knows liquidations (5, 6), deliveries (7, 8) and reduce-only closes from
# the risk engine (11, 12): valid, but no such order exists in the sandbox.
HISTORY_ONLY_TRADE_TYPES = frozenset({5, 6, 7, 8, 11, 12})
HISTORY_STATUSES = frozenset({0, 3, 4, 5, 6, 7})
FINISHED_STATUSES = (5, 6, 7)
ORDER_TYPES = frozenset({1, 2, 3, 4, 22})


# -- request fields ------------------------------------------------------------------------


def _contract_code(body: Body, *, required: bool) -> str | None:
    return body.text("contract_code", required=required)


MAX_PAGE_INDEX = 1_000_000
"""Far past any real history, and small enough that the row offset fits a database integer."""


def _page(body: Body) -> tuple[int, int]:
    """page_index (default 1, at least 1) and page_size (default 20, 1 to 50); else 1067."""
    index = body.integer("page_index")
    size = body.integer("page_size")
    index = 1 if index is None else index
    size = DEFAULT_PAGE_SIZE if size is None else size
    if not 1 <= index <= MAX_PAGE_INDEX:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_index")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_size")
    return index, size


def _trade_type(body: Body, *, required: bool, allowed: Container[int]) -> int:
    value = body.integer("trade_type", required=required)
    if value is None:
        return 0
    if value not in allowed:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "trade_type")
    return value


def _sort_by(body: Body, choices: tuple[str, ...]) -> str:
    """The first choice is the default; every choice sorts newest first."""
    value = body.text("sort_by")
    if value is None:
        return choices[0]
    if value not in choices:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "sort_by")
    return value


def _paged(
    key: str, rows: list[dict[str, Any]], total: int, index: int, size: int
) -> dict[str, Any]:
    return {
        key: rows,
        "total_page": -(-total // size),
        "current_page": index,
        "total_size": total,
    }


def _order_ids(values: list[str]) -> list[int]:
    """The distinct ids that can name an order, in request order; anything else names none."""
    found: dict[int, None] = {}
    for value in values:
        # Ids are 64-bit: a longer number names no order (and must not reach the database).
        number = unsigned(value)
        if number is not None:
            found[number] = None
    return list(found)


# -- lookups on the engine thread ----------------------------------------------------------


def _store(call: Call) -> Store:
    return call.gateway.engine.store


def _find(exchange: Exchange, store: Store, order_id: int) -> Order | None:
    """An order from memory, else (evicted history) from the store."""
    found = exchange.order(OrderId(order_id))
    return found if found is not None else store.order(order_id)


def _own(order: Order | None, uid: UID, contract: Contract) -> Order | None:
    """The order if it is the caller's and on this contract; otherwise, for them, it is absent."""
    if order is None or order.uid != uid or order.contract_code != contract.contract_code:
        return None
    return order


def _contracts(exchange: Exchange, code: str | None) -> list[Contract]:
    return [exchange.contracts.get(code)] if code else list(exchange.contracts)


# -- endpoints -----------------------------------------------------------------------------


@private("read")
async def swap_openorders(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = _contract_code(body, required=False)
    index, size = _page(body)
    sort_by = _sort_by(body, ("created_at", "update_time"))
    side = TRADE_TYPES.get(_trade_type(body, required=False, allowed=range(5)))

    def read(exchange: Exchange) -> dict[str, Any]:
        if code:
            exchange.contracts.get(code)  # 1014 for an unknown contract
        orders = [
            o
            for o in exchange.open_orders(uid, code)
            if side is None or (o.direction, o.offset) == side
        ]
        key: Callable[[Order], tuple[int, int]] = (
            (lambda o: (o.update_time, o.order_id))
            if sort_by == "update_time"
            else (lambda o: (o.created_at, o.order_id))
        )
        orders.sort(key=key, reverse=True)
        first = (index - 1) * size
        rows = [views.order(o) for o in orders[first : first + size]]
        return _paged("orders", rows, len(orders), index, size)

    return await call.read(read)


@private("read")
async def swap_order_info(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = _contract_code(body, required=True)
    assert code is not None
    order_ids = body.id_list("order_id")
    client_ids = body.id_list("client_order_id")
    if not order_ids and not client_ids:
        raise HtxError(ErrorCode.FIELD_EMPTY, "order_id")
    if len(order_ids) > MAX_IDS or len(client_ids) > MAX_IDS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)
    store = _store(call)

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        contract = exchange.contracts.get(code)
        if order_ids:  # order_id wins when both are given
            ids = _order_ids(order_ids)
        else:
            index = exchange.state.client_orders
            ids = [
                index[(uid, client_id)]
                for client_id in _order_ids(client_ids)
                if (uid, client_id) in index
            ]
        found = [_own(_find(exchange, store, i), uid, contract) for i in ids]
        rows = [views.order(o, update_time=False) for o in found if o is not None]
        if not rows:
            raise HtxError(ErrorCode.ORDER_NOT_EXIST)
        return rows

    return await call.read(read)


@private("read")
async def swap_order_detail(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = _contract_code(body, required=True)
    order_id = body.integer("order_id", required=True)
    assert code is not None and order_id is not None
    # created_at and order_type only widen HTX's search window; the sandbox keeps everything.
    created_at = body.integer("created_at")
    if created_at is not None and created_at <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "created_at")
    order_type = body.integer("order_type")
    if order_type is not None and order_type not in ORDER_TYPES:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "order_type")
    index, size = _page(body)
    store = _store(call)

    def read(exchange: Exchange) -> dict[str, Any]:
        contract = exchange.contracts.get(code)
        order = _own(_find(exchange, store, order_id), uid, contract) if order_id > 0 else None
        if order is None:
            raise HtxError(ErrorCode.ORDER_NOT_EXIST)
        first = (index - 1) * size
        fills = [views.trade(t) for t in order.trades[first : first + size]]
        return {
            **views.order(order, update_time=False),
            "instrument_price": num(exchange.state.mark_price(contract)),
            "final_interest": 0,
            "adjust_value": 0,
            **_paged("trades", fills, len(order.trades), index, size),
        }

    return await call.read(read)


@private("read")
async def swap_hisorders(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = _contract_code(body, required=True)
    assert code is not None
    trade_type = _trade_type(
        body, required=True, allowed=(0, *TRADE_TYPES, *HISTORY_ONLY_TRADE_TYPES)
    )
    kind = body.integer("type", required=True)
    if kind not in (1, 2):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "type")
    statuses = _history_statuses(body)
    days = body.integer("create_date", required=True)
    assert days is not None
    if not 1 <= days <= MAX_HISTORY_DAYS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "create_date")
    index, size = _page(body)
    sort_by = _sort_by(body, ("create_date", "update_time"))
    if kind == 2:  # finished orders only
        statuses = tuple(s for s in (statuses or FINISHED_STATUSES) if s in FINISHED_STATUSES)
        matches_nothing = not statuses
    else:
        matches_nothing = False
    matches_nothing = matches_nothing or trade_type in HISTORY_ONLY_TRADE_TYPES
    side = TRADE_TYPES.get(trade_type)
    store = _store(call)
    now = call.gateway.now_ms()

    def read(exchange: Exchange) -> dict[str, Any]:
        contract = exchange.contracts.get(code)
        if matches_nothing:
            return _paged("orders", [], 0, index, size)
        query = OrderQuery(
            uid=uid,
            contract_code=contract.contract_code,
            since=Millis(now - days * DAY_MS),
            statuses=statuses,
            sides=() if side is None else ((side[0].value, side[1].value),),
            sort_by="update_time" if sort_by == "update_time" else "created_at",
            page_index=index,
            page_size=size,
        )
        orders, total = store.orders_of(query)
        return _paged("orders", [views.history_order(o) for o in orders], total, index, size)

    return await call.read(read)


def _history_statuses(body: Body) -> tuple[int, ...]:
    """swap_hisorders' status: a comma list of 0, 3, 4, 5, 6, 7; 0 (or nothing else) is all."""
    values = body.id_list("status")
    if not values:
        raise HtxError(ErrorCode.FIELD_EMPTY, "status")
    statuses: set[int] = set()
    for value in values:
        status = unsigned(value)
        if status not in HISTORY_STATUSES:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "status")
        statuses.add(status)
    return () if 0 in statuses else tuple(sorted(statuses))


@private("read")
async def swap_account_info(call: Call) -> Any:
    uid = call.uid
    code = _contract_code(call.body, required=False)

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        return [
            views.account(exchange.account(uid, c.symbol), c.contract_code)
            for c in _contracts(exchange, code)
        ]

    return await call.read(read)


@private("read")
async def swap_position_info(call: Call) -> Any:
    uid = call.uid
    code = _contract_code(call.body, required=False)

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        if code:
            exchange.contracts.get(code)  # 1014 for an unknown contract
        return [views.position(p) for p in exchange.positions(uid, code)]

    return await call.read(read)


PREFIX = "/swap-api/v1/"
routes = [
    Route(PREFIX + "swap_openorders", swap_openorders, methods=["POST"]),
    Route(PREFIX + "swap_order_info", swap_order_info, methods=["POST"]),
    Route(PREFIX + "swap_order_detail", swap_order_detail, methods=["POST"]),
    Route(PREFIX + "swap_hisorders", swap_hisorders, methods=["POST"]),
    Route(PREFIX + "swap_account_info", swap_account_info, methods=["POST"]),
    Route(PREFIX + "swap_position_info", swap_position_info, methods=["POST"]),
]
