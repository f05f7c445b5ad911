"""Firing strategy orders: what a command's trades set off, inside the same command.

The exchange runs this after every command that traded. The trades' price range on each
contract takes the crossed orders out of the trigger books (O(log n) each); each fires in
acceptance order (ascending order id) by placing its ordinary order through swap_order's own
path. Orders fired by those orders' trades fire in the next round of the same command, until a
round trades nothing: a cascade is as atomic and as deterministic as the command that began it.
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from . import trailing
from .commands import PlaceOrder
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .events import StrategyOrderChanged
from .placement import place_order
from .positions import closed_side
from .state import ExchangeState
from .strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from .types import BUY, CLOSE, Millis

_BY_ID = attrgetter("order_id")


def settle_strategies(state: ExchangeState, now: Millis) -> None:
    """Fire what the current command's trades crossed, then what those orders' trades cross."""
    strategies = state.strategies
    while state.traded:
        traded, state.traded = state.traded, {}
        due: list[StrategyOrder] = []
        for code, (low, high) in traded.items():
            contract = state.contracts.get(code)
            tracking = strategies.tracking.get(code)
            if tracking:
                fired, moved = trailing.retraced(tracking, contract, low, high, now)
                due.extend(fired)
                state.events.extend(StrategyOrderChanged(order.order_id) for order in moved)
            book = strategies.books.get(code)
            if book is not None and book.live:
                for order in book.crossed(low, high):
                    if order.kind is StrategyKind.TRACK and not order.is_active:
                        trailing.activate(order, contract, low, high)
                        strategies.track(order)
                        order.update_time = now
                        state.events.append(StrategyOrderChanged(order.order_id))
                    else:
                        due.append(order)
        due.sort(key=_BY_ID)
        for order in due:
            if not order.is_open:  # ended earlier in this round: its TP/SL pair fired
                continue
            low, high = traded[order.contract_code]
            contract = state.contracts.get(order.contract_code)
            crossed = high if order.trigger_type is TriggerType.GE else low
            if order.kind is StrategyKind.TRACK:
                crossed = high if order.direction is BUY else low
            fire(state, order, contract, contract.price(crossed), now)
    if strategies.by_owner:
        expire_uncovered(state, now)


def fire(
    state: ExchangeState, order: StrategyOrder, contract: Contract, price: Decimal, now: Millis
) -> None:
    """Place the order's ordinary order and record the result: 4 and relation_order_id, or 5
    with HTX's code and text of the refusal."""
    order.triggered_price = price
    order.triggered_at = now
    try:
        placed_id = place_order(state, _child(state, order, contract), now).order_id
    except HtxError as error:
        order.fail_code = error.code
        order.fail_reason = error.message()
        state.events.append(state.strategies.finish(order, StrategyStatus.FAILED, now))
        return
    order.relation_order_id = placed_id
    order.order_insert_at = now
    order.real_volume = state.orders[placed_id].volume
    state.events.append(state.strategies.finish(order, StrategyStatus.PLACED, now))
    sibling_id = order.relation_tpsl_order_id
    if sibling_id is not None:  # the other leg of a TP and SL set together ends with it
        sibling = state.strategies.orders.get(sibling_id)
        if sibling is not None and sibling.is_open:
            state.events.append(state.strategies.finish(sibling, StrategyStatus.EXPIRED, now))


def _child(state: ExchangeState, order: StrategyOrder, contract: Contract) -> PlaceOrder:
    """The ordinary order a strategy order places. A closing one closes what can be closed
    now, at most its volume (HTX's rule for closing trigger orders); nothing left is 1048."""
    holding = state.holdings.get((order.uid, contract.contract_code))
    volume = order.volume
    if order.offset is CLOSE:
        available = holding.position(closed_side(order.direction)).available if holding else 0
        if available <= 0:
            raise HtxError(ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)
        volume = min(volume, available)
    lever_rate = order.lever_rate
    if lever_rate is None:
        lever_rate = holding.lever_rate if holding and holding.lever_rate else None
    if lever_rate is None:
        raise HtxError(ErrorCode.LEVERAGE_EMPTY)
    kind = order.order_price_type
    price = order.formula_price if kind is StrategyPriceType.FORMULA_PRICE else order.order_price
    return PlaceOrder(
        order.uid,
        contract.contract_code,
        order.direction,
        order.offset,
        volume,
        lever_rate,
        kind.placed_as,
        price=price,
        order_source=order.kind.order_source,
    )


def expire_uncovered(state: ExchangeState, now: Millis) -> None:
    """Active TP/SL legs whose position the command closed end as expired (11): there is
    nothing left for them to protect. A leg whose opening order is still open stays: that
    order's next fills build the position it guards again."""
    strategies = state.strategies
    attached = strategies.attached
    for uid, code in state.touched_holdings:
        legs = strategies.by_owner.get((uid, code, StrategyKind.TPSL))
        if not legs:
            continue
        holding = state.holdings.get((uid, code))
        for leg in list(legs.values()):
            if leg.status is not StrategyStatus.WAITING or leg.source_order_id in attached:
                continue
            if holding is None or not holding.position(closed_side(leg.direction)).volume:
                state.events.append(strategies.finish(leg, StrategyStatus.EXPIRED, now))
