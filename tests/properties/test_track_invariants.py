"""Invariants of trailing orders under random command sequences: the exchange machine of
test_exchange_invariants.py (every ordinary command, with its invariants) plus trailing orders
placed near the price, sweeps that move it, cancels by id and cancel-all, by several UIDs.

BTC-USD is listed with a coarse tick (0.5 at 100), so that a few ticks are a callback of
0.1 % to 2 % and orders activate, follow and fire often; ETH-USD keeps its fine tick, where
they activate and follow but seldom fire.

After every command: each open trailing order is in exactly the index its state needs (the
trigger book while inactive, the tracking book once active), an active one's extreme is on the
right side of its active price; against the command's trades (cascades included), an inactive
order activated (or fired) exactly when a trade reached its active price, an active one fired
exactly when a trade turned back by its callback from the extreme it had before the command,
and otherwise followed the command's extreme; a fired one placed what it described; nothing
is left in `state.traded`; a rejected command changes no strategy order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule, run_state_machine_as_test

from htx_sandbox.domain.commands import (
    CancelAllStrategy,
    CancelStrategyOrders,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    PlaceTrackOrder,
)
from htx_sandbox.domain.contracts import Contract, ContractRegistry, default_contracts
from htx_sandbox.domain.events import OrderTraded
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
)
from htx_sandbox.domain.tracking_book import reach
from htx_sandbox.domain.types import BUY, UID, Direction, Offset, OrderId, OrderPriceType
from tests.invariants import Statuses, strategy_fingerprint

from .strategies import (
    FUNDING,
    UIDS,
    codes,
    directions,
    filter_directions,
    filter_offsets,
    offsets,
    small_dt,
    uids,
)
from .test_exchange_invariants import ExchangeMachine

TRACK = StrategyKind.TRACK
S = StrategyStatus
P = StrategyPriceType

track_codes = st.sampled_from(("BTC-USD",) * 4 + ("btc-usd", "ETH-USD"))
"""Mostly BTC-USD, whose coarse tick lets trailing orders fire."""
callbacks = st.sampled_from(("0.001", "0.01", "0.005", "0.02", "0.001", "0.01", "0.0009", "0.2"))
"""Mostly valid; 0.0009 and 0.2 are 1425."""
active_distances = st.integers(min_value=1, max_value=6)
"""The active price, in ticks from the latest price on the side it activates from."""
wrong_sides = st.sampled_from((False,) * 9 + (True,))
"""Now and then at the latest price or beyond it: 1426."""
track_price_types = st.sampled_from((P.FORMULA_PRICE,) * 4 + (P.OPTIMAL_5,) * 3 + (P.LIMIT,))
track_volumes = st.sampled_from((1, 1, 1, 2, 3, 0, 100_000))
track_levers = st.sampled_from(("holding",) * 6 + (None, 5, 7))
"""Mostly the holding's lever rate (10 without one); None (1094 to open without a position),
5 (1349 against an exposed holding at 10) and 7 (1037) now and then."""


def coarse_contracts() -> ContractRegistry:
    registry = ContractRegistry()
    btc, eth = default_contracts()
    registry.add(Contract(btc.contract_code, btc.symbol, Decimal(1), Decimal("0.5"), Decimal(100)))
    registry.add(eth)
    return registry


@dataclass(frozen=True, slots=True)
class Before:
    """A waiting trailing order as it was before a command."""

    order: StrategyOrder
    active: bool
    extreme: Decimal | None


class TrackMachine(ExchangeMachine):
    def __init__(self) -> None:
        super().__init__()
        self.track_ids: list[OrderId] = []

    # -- plumbing ----------------------------------------------------------------------------

    def check_all(self) -> None:
        super().check_all()
        state = self.exchange.state
        check_track_indexes(state)
        for order in state.strategies.orders.values():
            check_outcome_fields(state, order)
        assert state.traded == {}, state.traded

    def apply(self, command: Command) -> tuple[Outcome, Statuses]:
        state = self.exchange.state
        waiting = [
            Before(o, o.is_active, o.market_limit_price)
            for o in state.strategies.orders.values()
            if o.status is S.WAITING
        ]
        before = strategy_fingerprint(state), _extremes(state)
        outcome, statuses = super().apply(command)
        if outcome.error is not None:
            assert (strategy_fingerprint(state), _extremes(state)) == before, outcome.error
        check_against_the_commands_trades(waiting, outcome)
        return outcome, statuses

    def record(self, command: Command, outcome: Outcome) -> None:
        if isinstance(command, PlaceTrackOrder):
            assert isinstance(outcome.reply, OrderPlaced)
            self.track_ids.append(outcome.reply.order_id)
            return  # a strategy order id is not an ordinary order's
        super().record(command, outcome)
        # The ordinary orders fired trailing orders placed follow the command's own.
        known = set(self.created)
        self.created.extend(oid for oid in self.exchange.state.orders if oid not in known)

    # -- rules -------------------------------------------------------------------------------

    @initialize(cancel_delay_ms=st.sampled_from((0, 50)))
    def open_and_fund(self, cancel_delay_ms: int) -> None:
        self.exchange = Exchange(coarse_contracts(), cancel_delay_ms=cancel_delay_ms)
        for uid in UIDS:
            self.advance(0)
            assert self.apply(OpenUser(uid))[0].error is None
            for symbol, amount in FUNDING[uid].items():
                assert self.apply(Deposit(uid, symbol, amount))[0].error is None

    @rule(
        uid=uids,
        code=track_codes,
        direction=directions,
        offset=offsets,
        volume=track_volumes,
        callback=callbacks,
        distance=active_distances,
        wrong_side=wrong_sides,
        kind=track_price_types,
        lever=track_levers,
        dt=small_dt,
    )
    def place_track(
        self,
        uid: UID,
        code: str,
        direction: Direction,
        offset: Offset,
        volume: int,
        callback: str,
        distance: int,
        wrong_side: bool,
        kind: StrategyPriceType,
        lever: int | str | None,
        dt: int,
    ) -> None:
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        if lever == "holding":
            holding = state.holdings.get((uid, contract.contract_code))
            lever = holding.lever_rate if holding is not None and holding.lever_rate else 10
        assert not isinstance(lever, str)
        ticks = -distance if direction is BUY else distance  # a buy activates below the price
        if wrong_side:
            ticks = -ticks if distance > 1 else 0
        active = state.mark_price(contract) + ticks * contract.price_tick
        command = PlaceTrackOrder(
            uid, code, direction, offset, volume, Decimal(callback), active, kind, lever
        )
        outcome, _ = self.apply(command)
        note("trailing placed" if outcome.error is None else f"refused {outcome.error.code}")

    @rule(
        uid=uids,
        code=codes,
        direction=directions,
        reach_ticks=st.integers(min_value=0, max_value=8),
        volume=st.integers(min_value=1, max_value=12),
        dt=small_dt,
    )
    def sweep(
        self, uid: UID, code: str, direction: Direction, reach_ticks: int, volume: int, dt: int
    ) -> None:
        """A limit order `reach_ticks` across the latest price: it takes what rests there and
        moves the price, so that trailing orders activate, follow and fire."""
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        holding = state.holdings.get((uid, contract.contract_code))
        lever = holding.lever_rate if holding is not None and holding.lever_rate else 10
        away = reach_ticks if direction is BUY else -reach_ticks
        price = state.mark_price(contract) + away * contract.price_tick
        limit = OrderPriceType.LIMIT
        self.apply(PlaceOrder(uid, code, direction, Offset.OPEN, volume, lever, limit, price))

    @rule(
        uid=uids,
        code=codes,
        direction=directions,
        reach_ticks=st.integers(min_value=0, max_value=8),
        volume=st.integers(min_value=1, max_value=12),
        dt=small_dt,
    )
    def sweep_again(
        self, uid: UID, code: str, direction: Direction, reach_ticks: int, volume: int, dt: int
    ) -> None:
        """The same rule twice: the price moves more often than the other rules act."""
        self.sweep(uid, code, direction, reach_ticks, volume, dt)

    @rule(
        maker=uids,
        taker=uids,
        code=track_codes,
        walk=st.lists(st.integers(min_value=-4, max_value=4), min_size=1, max_size=4),
        dt=small_dt,
    )
    def trade_near(self, maker: UID, taker: UID, code: str, walk: list[int], dt: int) -> None:
        """A short walk of the price: at each step one contract offered that many ticks from
        the latest price and taken there, so that trailing orders activate, follow and fire."""
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        for ticks in walk:
            price = state.mark_price(contract) + ticks * contract.price_tick
            side = Direction.SELL if ticks >= 0 else BUY
            for uid, direction in ((maker, side), (taker, side.opposite)):
                holding = state.holdings.get((uid, contract.contract_code))
                lever = holding.lever_rate if holding is not None and holding.lever_rate else 10
                limit = OrderPriceType.LIMIT
                self.apply(PlaceOrder(uid, code, direction, Offset.OPEN, 1, lever, limit, price))

    @rule(uid=uids, code=track_codes, picks=st.lists(st.integers(0, 12), max_size=3), dt=small_dt)
    def cancel_tracks(self, uid: UID, code: str, picks: list[int], dt: int) -> None:
        self.advance(dt)
        mine = sorted(self.exchange.state.strategies.owned(uid, code.upper(), TRACK))
        pool = mine or self.track_ids or [OrderId(1)]
        ids = [str(pool[-1 - pick % len(pool)]) for pick in picks]
        self.apply(CancelStrategyOrders(TRACK, uid, code, ids))

    @rule(
        uid=uids, code=track_codes, direction=filter_directions, offset=filter_offsets, dt=small_dt
    )
    def cancel_all_tracks(
        self, uid: UID, code: str, direction: Direction | None, offset: Offset | None, dt: int
    ) -> None:
        self.advance(dt)
        self.apply(CancelAllStrategy(TRACK, uid, code, direction, offset))


# -- invariants ------------------------------------------------------------------------------


def _extremes(state: ExchangeState) -> object:
    return tuple(
        (oid, o.is_active, o.market_limit_price) for oid, o in state.strategies.orders.items()
    )


def check_track_indexes(state: ExchangeState) -> None:
    """An open trailing order waits in the trigger book until it is active, then in the
    tracking book only (the trades check each index for a different thing); a finished one in
    neither. An active buy's low is at or below its active price, a sell's high at or above."""
    strategies = state.strategies
    for oid, order in strategies.orders.items():
        if order.kind is not TRACK:
            continue
        book = strategies.books.get(order.contract_code)
        tracking = strategies.tracking.get(order.contract_code)
        in_book = book is not None and oid in book.live
        in_tracking = tracking is not None and oid in tracking
        if not order.is_open:
            assert not in_book and not in_tracking, order
        elif order.is_active:
            assert in_tracking and not in_book, order
            extreme = order.market_limit_price
            assert extreme is not None, order
            if order.direction is BUY:
                assert extreme <= order.trigger_price, order
            else:
                assert extreme >= order.trigger_price, order
        else:
            assert in_book and not in_tracking, order
    for tracking in strategies.tracking.values():
        for oid, order in tracking.items():
            assert strategies.orders[oid] is order and order.is_open and order.is_active


def check_outcome_fields(state: ExchangeState, order: StrategyOrder) -> None:
    """A fired trailing order placed what it described; a failed one says why."""
    if order.kind is not TRACK:
        return
    if order.status is S.PLACED:
        assert order.relation_order_id is not None, order
        child = state.orders[order.relation_order_id]
        assert child.order_source == "track", child
        assert (child.uid, child.contract_code, child.direction, child.offset) == (
            order.uid, order.contract_code, order.direction, order.offset,
        )  # fmt: skip
        assert 1 <= child.volume <= order.volume and order.real_volume == child.volume
        if order.offset is Offset.OPEN:
            assert child.volume == order.volume, (order, child)
        assert order.market_limit_price is not None and order.triggered_price is not None
        fire_price = reach(order, order.market_limit_price)
        if order.direction is BUY:
            assert order.triggered_price >= fire_price, order
        else:
            assert order.triggered_price <= fire_price, order
        assert order.formula_price is not None and order.formula_price <= fire_price, order
        if order.order_price_type is P.FORMULA_PRICE:
            assert child.order_price_type is OrderPriceType.LIMIT, child
            assert child.price == order.formula_price, (order, child)
        else:
            assert child.order_price_type.value == order.order_price_type.value, child
    elif order.status is S.FAILED:
        assert order.fail_code is not None and order.fail_reason, order
        assert order.relation_order_id is None and order.real_volume == 0, order


def check_against_the_commands_trades(waiting: list[Before], outcome: Outcome) -> None:
    """What the command's trades (cascades included) did to each trailing order that waited
    before it. Each round of a command only lowers a buy's low (raises a sell's high), and so
    its fire price: an active order fires exactly when some trade reached the fire price of
    the extreme it had before, and otherwise ends at the farthest of that extreme and the
    trades; an inactive one activates exactly when some trade reached its active price."""
    spans: dict[str, tuple[Decimal, Decimal]] = {}
    for event in outcome.events:
        if isinstance(event, OrderTraded):
            trade = event.trade
            low, high = spans.get(trade.contract_code, (trade.price, trade.price))
            spans[trade.contract_code] = (min(low, trade.price), max(high, trade.price))
    for before in waiting:
        order = before.order
        if order.kind is not TRACK or order.status is S.CANCELLED:
            continue  # cancelled by this very command: nothing traded
        span = spans.get(order.contract_code)
        fired = order.status in (S.PLACED, S.FAILED)
        buy = order.direction is BUY
        if not before.active:
            crossed = span is not None and (
                span[0] <= order.trigger_price if buy else span[1] >= order.trigger_price
            )
            assert (order.is_active or fired) == crossed, (order, span)
            continue
        assert before.extreme is not None
        fire_price = reach(order, before.extreme)
        reached = span is not None and (span[1] >= fire_price if buy else span[0] <= fire_price)
        assert fired == reached, (order, before.extreme, span)
        note(f"active trailing {'fired' if fired else 'followed' if span else 'waited'}")
        if not fired:
            extreme = before.extreme
            if span is not None:
                extreme = min(extreme, span[0]) if buy else max(extreme, span[1])
            assert order.market_limit_price == extreme, (order, before.extreme, span)


# A third of the trigger machine's budget: every rule of the base machine runs here too.
SETTINGS = settings(
    max_examples=100 if os.environ.get("CI") else 40,
    stateful_step_count=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_track_invariants_hold_after_every_command() -> None:
    run_state_machine_as_test(TrackMachine, settings=SETTINGS)
