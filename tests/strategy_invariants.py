"""The invariants of TP/SL legs and trailing orders, and what every strategy order change must
be: checks over an `ExchangeState` (and a command's outcome), as in tests/invariants.py, whose
`check_state` runs 16-19 after every command; the state machine of tests/properties runs 20-23
around each command, and the crash test 16-19 on what a crash left."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_FLOOR, Decimal

from htx_sandbox.domain.commands import Outcome
from htx_sandbox.domain.events import Event, OrderTraded, StrategyOrderChanged
from htx_sandbox.domain.positions import closed_side
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from htx_sandbox.domain.types import Direction, Offset, OrderId, OrderStatus

SS = StrategyStatus
Statuses = dict[OrderId, OrderStatus]
StrategyStatuses = dict[OrderId, StrategyStatus]


# -- TP/SL legs ------------------------------------------------------------------------------


def check_tpsl_pairs(state: ExchangeState) -> None:
    """Invariant 16. Every TP/SL leg is a closing order without a lever rate (it closes at the
    holding's), waiting for the price to move in the position's favour (a TP) or against it
    (an SL): a sell TP and a buy SL fire at or above their price (ge), the others at or below.
    A TP and an SL set together are one pair: consecutive ids, TP first, naming each other, on
    the same UID, contract, closing direction and opening order; they are activated together
    (both 1 or neither) and end together when not activated (both 12). Once one of them placed
    its order, the other is no longer open and never placed one: a pair closes its position
    once (OCO), whichever fires first. Other kinds carry none of these fields."""
    orders = state.strategies.orders
    for leg in orders.values():
        if leg.kind is not StrategyKind.TPSL:
            assert leg.tpsl_order_type is None and leg.source_order_id is None, leg
            assert leg.relation_tpsl_order_id is None, leg
            continue
        assert leg.offset is Offset.CLOSE and leg.lever_rate is None, leg
        assert leg.tpsl_order_type is not None, leg
        rises = (leg.tpsl_order_type is TpslOrderType.TP) is (leg.direction is Direction.SELL)
        assert leg.trigger_type is (TriggerType.GE if rises else TriggerType.LE), leg
        sibling_id = leg.relation_tpsl_order_id
        if sibling_id is None:
            continue
        sibling = orders.get(sibling_id)
        assert sibling is not None and sibling.relation_tpsl_order_id == leg.order_id, (
            leg, sibling
        )
        take_profit, stop_loss = (
            (leg, sibling) if leg.tpsl_order_type is TpslOrderType.TP else (sibling, leg)
        )
        assert stop_loss.tpsl_order_type is TpslOrderType.SL, (leg, sibling)
        assert stop_loss.order_id == take_profit.order_id + 1, (leg, sibling)
        assert (leg.uid, leg.contract_code, leg.direction, leg.source_order_id) == (
            sibling.uid, sibling.contract_code, sibling.direction, sibling.source_order_id
        ), (leg, sibling)  # fmt: skip
        for status in (SS.NOT_ACTIVATED, SS.NOT_ACTIVATED_EXPIRED):
            assert (leg.status is status) == (sibling.status is status), (leg, sibling)
        if leg.status is SS.PLACED:
            assert sibling.status in (SS.EXPIRED, SS.CANCELLED, SS.FAILED), (leg, sibling)


def check_attached_legs_follow_their_order(state: ExchangeState) -> None:
    """Invariant 17. A leg attached to an opening order lives by that order: the order is an
    opening order of the same UID and contract in the other direction, marked is_tpsl, and
    made together with its one or two legs (their ids right after its own, TP first); every
    order marked is_tpsl has them. While the order has no fill its legs wait to be activated
    (1); if it ended without one they ended with it, not activated (12), and nothing else ends
    a leg in 1 (it cannot be cancelled: 1408). Once the order has filled, its legs are active
    or finished, never 1 or 12; an open leg covers exactly what the order has filled (its
    volume follows every fill), a finished one what had filled when it ended."""
    orders = state.orders
    legs_of: dict[OrderId, list[StrategyOrder]] = {}
    for leg in state.strategies.orders.values():
        if leg.source_order_id is not None:
            legs_of.setdefault(leg.source_order_id, []).append(leg)
    for oid, order in orders.items():
        assert order.is_tpsl == (oid in legs_of), (order, legs_of.get(oid))
    for source, legs in legs_of.items():
        opening = orders.get(source)
        assert opening is not None and opening.offset is Offset.OPEN, (source, legs)
        ids = [leg.order_id for leg in legs]
        assert ids == list(range(source + 1, source + 1 + len(legs))) and len(ids) <= 2, legs
        for leg in legs:
            assert (leg.uid, leg.contract_code) == (opening.uid, opening.contract_code), leg
            assert leg.direction is opening.direction.opposite, (leg, opening)
            assert leg.created_at == opening.created_at, (leg, opening)
            if not opening.trade_volume:
                expected = SS.NOT_ACTIVATED if opening.is_open else SS.NOT_ACTIVATED_EXPIRED
                assert leg.status is expected, (leg, opening)
                assert leg.volume == opening.volume, (leg, opening)
            else:
                assert leg.status not in (SS.NOT_ACTIVATED, SS.NOT_ACTIVATED_EXPIRED), leg
                if leg.is_open:
                    assert leg.volume == opening.trade_volume, (leg, opening)
                else:
                    assert 0 < leg.volume <= opening.trade_volume, (leg, opening)


def check_no_waiting_leg_without_position(state: ExchangeState) -> None:
    """Invariant 18. A waiting TP/SL leg always has something to protect: the position it
    closes has volume, or its opening order is still working (whose next fills build that
    position again). A command that leaves the position at zero with the opening order ended
    (a close, another leg firing, a lightning close, the opening order's cancel) expires the
    leg (11) in the same command; a leg left waiting would fire later on a position opened
    since, closing what it was never set for."""
    for (uid, code, kind), owned in state.strategies.by_owner.items():
        if kind is not StrategyKind.TPSL:
            continue
        holding = state.holdings.get((uid, code))
        for leg in owned.values():
            if leg.status is not SS.WAITING:
                continue
            source = leg.source_order_id
            opening = state.orders.get(source) if source is not None else None
            if opening is not None and opening.is_open:
                continue
            volume = holding.position(closed_side(leg.direction)).volume if holding else 0
            assert volume > 0, (leg, opening, holding)


# -- trailing orders -------------------------------------------------------------------------


def check_trailing_fields(state: ExchangeState) -> None:
    """Invariant 19. A trailing order waits for its active price the way its activation goes (a
    buy for a fall to it: le; a sell for a rise: ge), with a callback rate within HTX's bounds;
    until activated it has no extreme (market_limit_price) and no formula price; once active,
    its extreme is at or beyond its active price (a buy's low at or below it, a sell's high at
    or above). A fired one placed what it described: its trade (triggered_price) reached the
    fire price of its extreme (a buy's low x (1 + callback), a sell's high x (1 - callback)),
    its formula price is that fire price truncated to the tick, a formula_price order placed a
    limit there and an optimal one an optimal order; a failed one placed nothing. Other kinds
    carry none of these fields."""
    for order in state.strategies.orders.values():
        if order.kind is not StrategyKind.TRACK:
            assert order.callback_rate is None and not order.is_active, order
            assert order.market_limit_price is None and order.formula_price is None, order
            continue
        buy = order.direction is Direction.BUY
        assert order.trigger_type is (TriggerType.LE if buy else TriggerType.GE), order
        rate = order.callback_rate
        assert rate is not None and Decimal("0.001") <= rate <= Decimal("0.1"), order
        extreme = order.market_limit_price
        if not order.is_active:
            assert extreme is None and order.formula_price is None, order
            assert order.status not in (SS.PLACED, SS.FAILED), order
            continue
        assert extreme is not None, order
        assert (extreme <= order.trigger_price) if buy else (extreme >= order.trigger_price), order
        if order.status not in (SS.PLACED, SS.FAILED):
            assert order.formula_price is None, order
            continue
        fire_price = extreme * (1 + rate if buy else 1 - rate)
        assert order.triggered_price is not None, order
        if buy:
            assert order.triggered_price >= fire_price, (order, fire_price)
        else:
            assert order.triggered_price <= fire_price, (order, fire_price)
        tick = state.contracts.get(order.contract_code).price_tick
        ticks = max(int((fire_price / tick).to_integral_value(ROUND_FLOOR)), 1)
        assert order.formula_price == ticks * tick, (order, fire_price)
        formula = order.formula_price
        if order.status is SS.PLACED:
            assert order.relation_order_id is not None, order
            child = state.orders[order.relation_order_id]
            if order.order_price_type is StrategyPriceType.FORMULA_PRICE:
                assert child.price == formula, (order, child)
        else:
            assert order.relation_order_id is None and order.real_volume == 0, order


@dataclass(frozen=True, slots=True)
class TrailingBefore:
    """A waiting trailing order as it was before a command."""

    order: StrategyOrder
    active: bool
    extreme: Decimal | None


def trailing_before(state: ExchangeState) -> list[TrailingBefore]:
    return [
        TrailingBefore(order, order.is_active, order.market_limit_price)
        for order in state.strategies.orders.values()
        if order.kind is StrategyKind.TRACK and order.status is SS.WAITING
    ]


def trade_spans(events: list[Event]) -> dict[str, tuple[Decimal, Decimal]]:
    """Per contract, the lowest and highest price that the events' trades made: the matches
    in the book (a taker's side among them), not the liquidation's off-book fills (netting,
    the insurance fund's takeover), which print nothing and move no strategy order."""
    takers = {
        e.trade.trade_id for e in events if isinstance(e, OrderTraded) and e.trade.role == "taker"
    }
    spans: dict[str, tuple[Decimal, Decimal]] = {}
    for event in events:
        if isinstance(event, OrderTraded) and event.trade.trade_id in takers:
            trade = event.trade
            low, high = spans.get(trade.contract_code, (trade.price, trade.price))
            spans[trade.contract_code] = (min(low, trade.price), max(high, trade.price))
    return spans


def check_trailing_against_trades(
    state: ExchangeState, orders_before: Statuses, waiting: list[TrailingBefore], outcome: Outcome
) -> None:
    """Invariant 20. What a command's trades did to each trailing order that waited before it.
    The trades of one round of firing are one range, whose order is unknown: an order fires on
    the extreme it had before that round (triggered_price the round's farthest trade the way
    it fires), and follows the round's extreme only if it did not fire; an inactive order that
    a trade of the round reached activates at the round's extreme and does not fire in that
    round. The first round is the command's own trades; later ones are the trades of what the
    rounds before fired (the cascade) and of the liquidations the command's prices called for
    (liquidation orders, order_type 3, sent after the command's own trades), which come after
    them. Rounds only ever lower a buy's
    low (raise a sell's high), and so its fire price. Hence: an active order that the first
    round took to the fire price of its extreme fired in that round; one that fired otherwise
    fired in the cascade, on one of its trades, at the fire price of an extreme no farther
    than the command's farthest trade; one that did not fire saw no trade at the fire price of
    its extreme, and ends at the farthest of its extreme and the trades. An inactive order
    activated exactly when some trade reached its active price, and fired (if at all) in the
    cascade."""
    placed_by_strategies = {kind.order_source for kind in StrategyKind}

    def in_cascade(event: OrderTraded) -> bool:
        order_id = event.trade.order_id
        order = state.orders[order_id]
        return order_id not in orders_before and (
            order.order_source in placed_by_strategies or order.order_type == 3
        )

    trades = [event for event in outcome.events if isinstance(event, OrderTraded)]
    cascade_ids = {event.trade.trade_id for event in trades if in_cascade(event)}
    first = trade_spans([e for e in trades if e.trade.trade_id not in cascade_ids])
    cascade_prices = {
        (e.trade.contract_code, e.trade.price) for e in trades if e.trade.trade_id in cascade_ids
    }
    spans = trade_spans(list(trades))
    for before in waiting:
        order = before.order
        if order.status is SS.CANCELLED:
            continue  # cancelled by this very command: nothing traded
        code = order.contract_code
        span, first_span = spans.get(code), first.get(code)
        fired = order.status in (SS.PLACED, SS.FAILED)
        buy = order.direction is Direction.BUY
        assert order.callback_rate is not None
        rate = order.callback_rate

        def fire_price(extreme: Decimal, rate: Decimal = rate, buy: bool = buy) -> Decimal:
            return extreme * (1 + rate if buy else 1 - rate)

        def reaches(span: tuple[Decimal, Decimal] | None, price: Decimal, buy: bool = buy) -> bool:
            return span is not None and (span[1] >= price if buy else span[0] <= price)

        if before.active:
            assert before.extreme is not None
            extreme = before.extreme
            assert fired or not reaches(span, fire_price(extreme)), (order, extreme, span)
            if reaches(first_span, fire_price(extreme)):
                assert first_span is not None and fired, (order, extreme, first_span)
                farthest_first = first_span[1] if buy else first_span[0]
                assert order.triggered_price == farthest_first, (order, first_span)
                continue
        else:
            crossed = span is not None and (
                span[0] <= order.trigger_price if buy else span[1] >= order.trigger_price
            )
            assert order.is_active == crossed, (order, span)
            extreme = order.trigger_price  # at most as far as the activating round's
        if fired:  # in the cascade
            assert span is not None, order
            assert (code, order.triggered_price) in cascade_prices, (order, cascade_prices)
            farthest = min(extreme, span[0]) if buy else max(extreme, span[1])
            assert order.triggered_price is not None, order
            assert reaches((order.triggered_price,) * 2, fire_price(farthest)), (order, span)
        elif before.active:
            if span is not None:
                extreme = min(extreme, span[0]) if buy else max(extreme, span[1])
            assert order.market_limit_price == extreme, (order, before.extreme, span)


def check_trailing_extremes(
    state: ExchangeState, outcome: Outcome, extremes: dict[OrderId, Decimal]
) -> None:
    """Invariant 21. An active trailing order's market_limit_price is the extreme of every trade
    on its contract since it activated, the activating command's trades included: the lowest
    for a buy, the highest for a sell. `extremes` is the model of it, as it stood after the
    previous command; this brings it up to date with the command's trades."""
    for oid in [oid for oid in extremes if not state.strategies.orders[oid].is_open]:
        del extremes[oid]
    spans = trade_spans(outcome.events)
    for tracking in state.strategies.tracking.values():
        for oid, order in tracking.items():
            span = spans.get(order.contract_code)
            buy = order.direction is Direction.BUY
            previous = extremes.get(oid)
            if previous is None:  # activated by this command
                assert span is not None, f"{order} activated without a trade"
                expected = span[0] if buy else span[1]
            elif span is None:
                expected = previous
            else:
                expected = min(previous, span[0]) if buy else max(previous, span[1])
            assert order.market_limit_price == expected, (order, previous, span)
            extremes[oid] = expected


def check_strategy_endings(
    state: ExchangeState, before: StrategyStatuses, cancelled_kind: StrategyKind | None
) -> None:
    """Invariant 22. Nothing ends a strategy order but what is meant to: only a strategy cancel
    of its kind cancels it (6, `cancelled_kind` being the kind a cancel-by-id or cancel-all
    named, None for every other command and for time passing); only TP/SL legs expire (11:
    the sibling placed, the position closed) or end not activated (12), and 12 only from 1,
    the status of a leg whose opening order never filled (or from nothing, for the legs of an
    opening order that ended at once). The risk engine cancels too: every strategy order of
    an account it liquidates on that contract, at the moment it sends the account's liquidation
    orders (order_type 3) or cancels its ordinary orders (canceled_source "risk")."""
    for oid, order in state.strategies.orders.items():
        status = before.get(oid)
        if order.status is status:
            continue
        if order.status is SS.CANCELLED:
            assert order.kind is cancelled_kind or liquidated(state, order), (
                order, status, cancelled_kind,
            )  # fmt: skip
        elif order.status in (SS.EXPIRED, SS.NOT_ACTIVATED_EXPIRED):
            assert order.kind is StrategyKind.TPSL and cancelled_kind is None, (order, status)
            if order.status is SS.NOT_ACTIVATED_EXPIRED:
                assert status in (None, SS.NOT_ACTIVATED), (order, status)


def liquidated(state: ExchangeState, strategy: StrategyOrder) -> bool:
    """The risk engine reached the strategy order's account on its contract when it was
    cancelled."""
    at = strategy.canceled_at
    return any(
        o.uid == strategy.uid
        and o.contract_code == strategy.contract_code
        and (
            (o.order_type == 3 and o.created_at == at)
            or (o.canceled_source == "risk" and o.canceled_at == at)
        )
        for o in state.orders.values()
    )


StrategyRows = dict[OrderId, tuple[object, ...]]
_STRATEGY_FIELDS = tuple(field.name for field in fields(StrategyOrder))


def strategy_rows(state: ExchangeState) -> StrategyRows:
    """Every field of every strategy order: what storage writes of them."""
    return {
        oid: tuple(getattr(order, name) for name in _STRATEGY_FIELDS)
        for oid, order in state.strategies.orders.items()
    }


def check_strategy_changes_told(
    before: StrategyRows, state: ExchangeState, events: list[Event]
) -> None:
    """Invariant 23. Every change to a strategy order, a new one included, is told by a
    StrategyOrderChanged event of the same command (or of the same advance of time): the
    unit of work writes exactly the orders those events name, so a change without one would
    live in memory only and be lost on the next restart (and never pushed to a client)."""
    told = {event.order_id for event in events if isinstance(event, StrategyOrderChanged)}
    for oid, row in strategy_rows(state).items():
        if before.get(oid) != row:
            assert oid in told, (state.strategies.orders[oid], before.get(oid))
