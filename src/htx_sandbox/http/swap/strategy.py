"""Cancel, cancel-all, open orders and history of the three strategy kinds:
swap_{trigger,tpsl,track}_{cancel,cancelall,openorders,hisorders}.

The twelve endpoints differ only by kind, by a few filters and by their rows, so each kind is one
`Family` and each action one handler factory. Cancels go through the single writer
(domain/strategy_cancel.py) and count in the strategy 5/s limit; open orders are read from
memory (Reads.open_strategy_orders), history from the store (Reads.strategy_history).

- cancel: `contract_code`, `order_id` (comma list, at most 10); HTX's errors/successes shape,
  1061 per unknown id.
- cancel-all: `contract_code`, `direction`, `offset` (TP/SL: direction only, all are closes);
  nothing to cancel is a top-level 1051.
- open orders: `contract_code` required, `page_index`, `page_size`, `trade_type` (TP/SL: 0, 3,
  4). Newest first.
- history: `contract_code`, `status` (a comma list of the kind's finished statuses, 0 for all of
  them), `create_date` (days back; more than 90 reads 90), `trade_type` (trigger and trailing;
  a type outside 0-4 matches nothing, as HTX documents), paging, `sort_by`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.routing import Route

from ...domain.commands import CancelAllStrategy, CancelReply, CancelStrategyOrders
from ...domain.errors import ErrorCode, HtxError
from ...domain.strategy_orders import StrategyKind, StrategyOrder
from ...domain.types import Direction, Millis, Offset
from ...service.ports import StrategyOrderQuery
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, Endpoint, Handler, private
from ..core.strategy_quota import strategy_limited
from ..shapes import strategy_orders as shapes
from . import fields
from .trade import cancel_reply

MAX_HISTORY_DAYS = 90
DAY_MS = 86_400_000
ALL_TRADE_TYPES = frozenset(range(5))

Row = Callable[[StrategyOrder, int | None], dict[str, Any]]
"""A row of one kind, given the lever rate to print (the order's own, else its holding's)."""


@dataclass(frozen=True, slots=True)
class Family:
    kind: StrategyKind
    finished: tuple[int, ...]
    """The statuses its history lists (and status 0 stands for)."""
    open_trade_types: frozenset[int]
    history_trade_type: bool
    """Whether its history takes (and requires) trade_type."""
    cancel_by_offset: bool
    sort_by: tuple[str, ...]
    """sort_by's values; the first is the default (creation time, newest first)."""
    open_row: Row
    history_row: Row

    def name(self, action: str) -> str:
        return f"swap_{self.kind.value}_{action}"


TRIGGER = Family(
    StrategyKind.TRIGGER,
    finished=(4, 5, 6),
    open_trade_types=ALL_TRADE_TYPES,
    history_trade_type=True,
    cancel_by_offset=True,
    sort_by=("created_at", "update_time"),
    open_row=shapes.trigger_open,
    history_row=shapes.trigger_history,
)
TPSL = Family(
    StrategyKind.TPSL,
    finished=(4, 5, 6, 11),
    open_trade_types=frozenset({0, 3, 4}),  # every TP/SL closes: buy-close, sell-close
    history_trade_type=False,
    cancel_by_offset=False,
    sort_by=("created_at", "update_time"),
    open_row=shapes.tpsl_open,
    history_row=shapes.tpsl_history,
)
TRACK = Family(
    StrategyKind.TRACK,
    finished=(4, 5, 6),
    open_trade_types=ALL_TRADE_TYPES,
    history_trade_type=True,
    cancel_by_offset=True,
    # HTX's page lists create_date and update_time, and names created_at as the default.
    sort_by=("create_date", "update_time", "created_at"),
    open_row=shapes.track_open,
    history_row=shapes.track_history,
)
FAMILIES = (TRIGGER, TPSL, TRACK)


def _named(name: str, handler: Handler) -> Handler:
    handler.__name__ = handler.__qualname__ = name
    return handler


def _required_code(body: Body) -> str:
    code = fields.contract_code(body, required=True)
    assert code is not None
    return code


# -- cancels ---------------------------------------------------------------------------------


def cancel_endpoint(family: Family) -> Endpoint:
    async def handler(call: Call) -> Any:
        body = call.body
        command = CancelStrategyOrders(
            family.kind, call.uid, _required_code(body), body.id_list("order_id")
        )
        reply = await call.execute(command)
        assert isinstance(reply, CancelReply)
        return cancel_reply(reply, call.lang)

    return private("trade")(strategy_limited(_named(family.name("cancel"), handler)))


def cancel_all_endpoint(family: Family) -> Endpoint:
    async def handler(call: Call) -> Any:
        body = call.body
        code = _required_code(body)
        direction = body.choice(
            "direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=False
        )
        offset = None
        if family.cancel_by_offset:
            offset = body.choice("offset", Offset, ErrorCode.INCORRECT_OFFSET, required=False)
        reply = await call.execute(
            CancelAllStrategy(family.kind, call.uid, code, direction, offset)
        )
        assert isinstance(reply, CancelReply)
        return cancel_reply(reply, call.lang)

    return private("trade")(strategy_limited(_named(family.name("cancelall"), handler)))


# -- reads -----------------------------------------------------------------------------------


def open_orders_endpoint(family: Family) -> Endpoint:
    async def handler(call: Call) -> Any:
        body, uid = call.body, call.uid
        code = _required_code(body)
        index, size = fields.page(body)
        trade_type = fields.trade_type(body, required=False, allowed=family.open_trade_types)
        side = fields.TRADE_TYPES.get(trade_type)

        def read(reads: Reads) -> dict[str, Any]:
            contract = reads.contract(code)
            orders = [
                o
                for o in reads.open_strategy_orders(family.kind, uid, contract)
                if side is None or (o.direction, o.offset) == side
            ]
            orders.sort(key=lambda o: (o.created_at, o.order_id), reverse=True)
            first = (index - 1) * size
            held = reads.lever_rate(uid, contract)
            rows = [
                family.open_row(o, held if o.lever_rate is None else o.lever_rate)
                for o in orders[first : first + size]
            ]
            return fields.paged("orders", rows, len(orders), index, size)

        return await call.read(read)

    return private("read")(_named(family.name("openorders"), handler))


def history_endpoint(family: Family) -> Endpoint:
    async def handler(call: Call) -> Any:
        body, uid = call.body, call.uid
        code = _required_code(body)
        side = None
        matches_nothing = False
        if family.history_trade_type:
            trade_type = body.integer("trade_type", required=True)
            assert trade_type is not None
            # HTX: "no data can be requested with parameter out of this range".
            matches_nothing = trade_type not in ALL_TRADE_TYPES
            side = fields.TRADE_TYPES.get(trade_type)
        statuses = _statuses(body, family.finished)
        days = body.integer("create_date", required=True)
        assert days is not None
        if days < 1:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "create_date")
        index, size = fields.page(body)
        sort_by = fields.sort_by(body, family.sort_by)
        since = Millis(call.gateway.now_ms() - min(days, MAX_HISTORY_DAYS) * DAY_MS)

        def read(reads: Reads) -> dict[str, Any]:
            contract = reads.contract(code)
            if matches_nothing:
                return fields.paged("orders", [], 0, index, size)
            query = StrategyOrderQuery(
                kind=family.kind,
                uid=uid,
                contract_code=contract.contract_code,
                since=since,
                statuses=statuses,
                sides=() if side is None else ((side[0].value, side[1].value),),
                sort_by="update_time" if sort_by == "update_time" else "created_at",
                page_index=index,
                page_size=size,
            )
            orders, total = reads.strategy_history(query)
            held = reads.lever_rate(uid, contract)
            rows = [
                family.history_row(o, held if o.lever_rate is None else o.lever_rate)
                for o in orders
            ]
            return fields.paged("orders", rows, total, index, size)

        return await call.read(read)

    return private("read")(_named(family.name("hisorders"), handler))


def _statuses(body: Body, finished: tuple[int, ...]) -> tuple[int, ...]:
    """status: a comma list of the finished statuses; 0 among them is all of them."""
    statuses = fields.statuses(body, {0, *finished})
    return finished if 0 in statuses else tuple(sorted(statuses))


routes = [
    Route(fields.V1 + family.name(action), make(family), methods=["POST"])
    for family in FAMILIES
    for action, make in (
        ("cancel", cancel_endpoint),
        ("cancelall", cancel_all_endpoint),
        ("openorders", open_orders_endpoint),
        ("hisorders", history_endpoint),
    )
]
