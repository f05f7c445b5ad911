"""Invariants of trigger orders under random command sequences: the exchange machine of
test_exchange_invariants.py (every ordinary command, with its invariants) plus trigger orders
placed near the price, cancelled by id and cancelled all, by several UIDs.

After every command: the strategy indexes agree with the orders' statuses; a waiting trigger
order was not crossed by any trade of the command (its trades fire what they cross, in the
same command, cascades included) and a fired one was; a fired one names an ordinary order it
placed as it described, a failed one says why; nothing is left in `state.traded`; a rejected
command changes no strategy order either.
"""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test

from htx_sandbox.domain.commands import (
    CancelAllStrategy,
    CancelReply,
    CancelStrategyOrders,
    Command,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    PlaceTriggerOrder,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.events import OrderTraded
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderPriceType
from tests.invariants import Statuses

from .strategies import (
    codes,
    directions,
    filter_directions,
    filter_offsets,
    offsets,
    small_dt,
    uids,
)
from .test_exchange_invariants import ExchangeMachine

TRIGGER = StrategyKind.TRIGGER
S = StrategyStatus

trigger_types = st.sampled_from((TriggerType.GE, TriggerType.LE))
trigger_ticks = st.integers(min_value=-6, max_value=6)
"""Trigger prices within a few ticks of the reference price, where the orders trade."""
trigger_price_types = st.sampled_from(
    (*(StrategyPriceType.LIMIT,) * 4, StrategyPriceType.OPTIMAL_5, StrategyPriceType.FORMULA_PRICE)
)
trigger_volumes = st.sampled_from((1, 1, 2, 3, 5, 0, 100_000))
"""A volume of 0 is 1040; 100,000 contracts is more than any UID's margin (1047 on firing)."""
trigger_levers = st.sampled_from((None, None, 10, 10, 5, 20, 7))
order_price_flaws = st.sampled_from((None, None, None, None, "missing", "off_grid"))


class TriggerMachine(ExchangeMachine):
    def __init__(self) -> None:
        super().__init__()
        self.strategy_ids: list[OrderId] = []

    # -- plumbing ----------------------------------------------------------------------------

    def check_all(self) -> None:
        super().check_all()
        state = self.exchange.state
        check_strategy_indexes(state)
        check_fired_and_failed(state)
        assert state.traded == {}, state.traded

    def apply(self, command: Command) -> tuple[Outcome, Statuses]:
        state = self.exchange.state
        waiting = [o for o in state.strategies.orders.values() if o.status is S.WAITING]
        before = strategy_fingerprint(state)
        outcome, statuses = super().apply(command)
        if outcome.error is not None:
            assert strategy_fingerprint(state) == before, outcome.error
        check_fired_by_the_commands_trades(waiting, outcome)
        return outcome, statuses

    def record(self, command: Command, outcome: Outcome) -> None:
        if isinstance(command, PlaceTriggerOrder):
            assert isinstance(outcome.reply, OrderPlaced)
            self.strategy_ids.append(outcome.reply.order_id)
            return  # a strategy order id is not an ordinary order's
        super().record(command, outcome)
        # The ordinary orders the command's trades made trigger orders place follow its own.
        known = set(self.created)
        self.created.extend(oid for oid in self.exchange.state.orders if oid not in known)

    # -- rules -------------------------------------------------------------------------------

    @rule(
        uid=uids,
        code=codes,
        trigger_type=trigger_types,
        ticks=trigger_ticks,
        direction=directions,
        offset=offsets,
        volume=trigger_volumes,
        kind=trigger_price_types,
        price_ticks=trigger_ticks,
        flaw=order_price_flaws,
        lever=trigger_levers,
        dt=small_dt,
    )
    def place_trigger(
        self,
        uid: UID,
        code: str,
        trigger_type: TriggerType,
        ticks: int,
        direction: Direction,
        offset: Offset,
        volume: int,
        kind: StrategyPriceType,
        price_ticks: int,
        flaw: str | None,
        lever: int | None,
        dt: int,
    ) -> None:
        self.advance(dt)
        contract = self.exchange.contracts.get(code)
        tick = contract.price_tick
        order_price: Decimal | None = contract.reference_price + price_ticks * tick
        if flaw == "missing":
            order_price = None
        elif flaw == "off_grid":
            order_price = contract.reference_price + tick / 2
        self.apply(
            PlaceTriggerOrder(
                uid, code, trigger_type, contract.reference_price + ticks * tick,
                direction, offset, volume, kind, order_price, lever,
            )
        )  # fmt: skip

    @rule(
        uid=uids,
        code=codes,
        direction=directions,
        reach=st.integers(min_value=0, max_value=8),
        volume=st.integers(min_value=1, max_value=12),
        dt=small_dt,
    )
    def sweep(
        self, uid: UID, code: str, direction: Direction, reach: int, volume: int, dt: int
    ) -> None:
        """A limit order `reach` ticks across the reference price, the lever rate the holding
        has: it takes what rests there, so that trades (and firings) are frequent."""
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        holding = state.holdings.get((uid, contract.contract_code))
        lever = holding.lever_rate if holding is not None and holding.lever_rate else 10
        away = reach if direction is Direction.BUY else -reach
        price = contract.reference_price + away * contract.price_tick
        limit = OrderPriceType.LIMIT
        self.apply(PlaceOrder(uid, code, direction, Offset.OPEN, volume, lever, limit, price))

    @rule(
        uid=uids,
        code=codes,
        picks=st.lists(st.one_of(st.integers(0, 12), st.just("unknown"), st.just("x")), max_size=4),
        dt=small_dt,
    )
    def cancel_triggers(self, uid: UID, code: str, picks: list[int | str], dt: int) -> None:
        self.advance(dt)
        state = self.exchange.state
        mine = sorted(state.strategies.owned(uid, code.upper(), TRIGGER)) or self.strategy_ids
        ids = []
        for pick in picks:
            if pick == "x":
                ids.append("x")
            elif pick == "unknown" or not mine:
                ids.append(str(max(self.strategy_ids, default=0) + 7))
            else:
                ids.append(str(mine[-1 - int(pick) % len(mine)]))
        open_before = {o.order_id for o in state.strategies.orders.values() if o.is_open}
        outcome, _ = self.apply(CancelStrategyOrders(TRIGGER, uid, code, ids))
        if outcome.error is not None:
            assert outcome.error.code in (ErrorCode.FIELD_EMPTY,), outcome.error
            return
        reply = outcome.reply
        assert isinstance(reply, CancelReply)
        orders = state.strategies.orders
        cancelled = {str(o) for o in open_before if orders[o].status is S.CANCELLED}
        assert set(reply.successes) == cancelled
        assert len(reply.successes) + len(reply.errors) == len(ids)
        assert all(e.error.code == ErrorCode.CANCEL_ORDER_NOT_EXIST for e in reply.errors)
        for oid in cancelled:
            order = state.strategies.orders[OrderId(int(oid))]
            assert order.uid == uid and order.contract_code == code.upper()

    @rule(
        uid=uids,
        code=codes,
        direction=filter_directions,
        offset=filter_offsets,
        dt=small_dt,
    )
    def cancel_all_triggers(
        self, uid: UID, code: str, direction: Direction | None, offset: Offset | None, dt: int
    ) -> None:
        self.advance(dt)
        state = self.exchange.state
        targets = [
            o.order_id
            for o in state.strategies.owned(uid, code.upper(), TRIGGER).values()
            if (direction is None or o.direction is direction)
            and (offset is None or o.offset is offset)
        ]
        open_before = {o.order_id for o in state.strategies.orders.values() if o.is_open}
        outcome, _ = self.apply(CancelAllStrategy(TRIGGER, uid, code, direction, offset))
        if not targets:
            assert outcome.error is not None
            assert outcome.error.code == ErrorCode.NO_ORDERS_TO_CANCEL
            return
        assert isinstance(outcome.reply, CancelReply)
        assert outcome.reply.successes == [str(oid) for oid in targets]
        now_open = {o.order_id for o in state.strategies.orders.values() if o.is_open}
        assert open_before - now_open == set(targets)


# -- invariants ------------------------------------------------------------------------------


def strategy_fingerprint(state: ExchangeState) -> object:
    strategies = state.strategies
    return (
        tuple((oid, o.status, o.update_time) for oid, o in strategies.orders.items()),
        tuple(sorted(strategies.open_per_kind.items())),
        tuple(sorted((code, tuple(sorted(book.live))) for code, book in strategies.books.items())),
    )


def check_strategy_indexes(state: ExchangeState) -> None:
    """The indexes every operation relies on say what the statuses say: a UID's open orders of
    a kind on a contract are exactly its open ones (cancel-all, counts and limits read them), and
    the trigger books hold exactly the waiting ones (firing reads them)."""
    strategies = state.strategies
    expected: dict[tuple[UID, str, StrategyKind], set[OrderId]] = {}
    per_kind: dict[tuple[UID, StrategyKind], int] = {}
    waiting: dict[str, set[OrderId]] = {}
    for oid, order in strategies.orders.items():
        if not order.is_open:
            continue
        expected.setdefault((order.uid, order.contract_code, order.kind), set()).add(oid)
        key = (order.uid, order.kind)
        per_kind[key] = per_kind.get(key, 0) + 1
        if order.status is S.WAITING:
            waiting.setdefault(order.contract_code, set()).add(oid)
    assert {k: set(v) for k, v in strategies.by_owner.items()} == expected
    assert strategies.open_per_kind == per_kind
    live = {code: set(book.live) for code, book in strategies.books.items() if book.live}
    assert live == waiting
    for owned in strategies.by_owner.values():
        for oid, order in owned.items():
            assert strategies.orders[oid] is order


def check_fired_and_failed(state: ExchangeState) -> None:
    """A fired trigger order names the ordinary order it placed, which is what it described; a
    failed one names HTX's code and text and placed nothing; a waiting one has not triggered."""
    for order in state.strategies.orders.values():
        if order.status is S.PLACED:
            check_placed(state, order)
        elif order.status is S.FAILED:
            assert order.fail_code is not None and order.fail_reason, order
            assert order.relation_order_id is None and order.order_insert_at == 0, order
            assert order.triggered_at is not None and order.triggered_price is not None, order
        else:
            assert order.relation_order_id is None and order.triggered_at is None, order
            assert order.fail_code is None and order.fail_reason is None, order


def check_placed(state: ExchangeState, order: StrategyOrder) -> None:
    assert order.relation_order_id is not None, order
    child = state.orders[order.relation_order_id]
    assert child.order_source == "trigger", child
    assert (child.uid, child.contract_code, child.direction, child.offset) == (
        order.uid, order.contract_code, order.direction, order.offset,
    )  # fmt: skip
    assert 1 <= child.volume <= order.volume, (order, child)
    if order.offset is Offset.OPEN:
        assert child.volume == order.volume, (order, child)
    if order.lever_rate is not None:
        assert child.lever_rate == order.lever_rate, (order, child)
    if order.order_price_type is StrategyPriceType.LIMIT:
        assert child.price == order.order_price, (order, child)
    assert child.order_price_type.value == order.order_price_type.value, (order, child)
    assert child.created_at == order.triggered_at == order.order_insert_at, (order, child)
    assert order.fail_code is None and order.fail_reason is None, order


def check_fired_by_the_commands_trades(waiting: list[StrategyOrder], outcome: Outcome) -> None:
    """The command's trades (its own and those of the orders it fired, round after round) fire
    every trigger order they cross and no other: a ge order fires when a trade is at or above
    its price, an le order when one is at or below."""
    prices: dict[str, tuple[Decimal, Decimal]] = {}
    for event in outcome.events:
        if isinstance(event, OrderTraded):
            trade = event.trade
            low, high = prices.get(trade.contract_code, (trade.price, trade.price))
            prices[trade.contract_code] = (min(low, trade.price), max(high, trade.price))
    for order in waiting:
        span = prices.get(order.contract_code)
        crossed = span is not None and (
            span[1] >= order.trigger_price
            if order.trigger_type is TriggerType.GE
            else span[0] <= order.trigger_price
        )
        if order.status is S.CANCELLED:
            continue  # cancelled by this very command: nothing traded
        fired = order.status in (S.PLACED, S.FAILED)
        assert fired == crossed, (order, span)
        note(f"trigger {order.status.name.lower()}")
        if fired:  # at a price one of the trades reached, which meets its condition
            assert span is not None and order.triggered_price is not None
            assert span[0] <= order.triggered_price <= span[1], (order, span)
            if order.trigger_type is TriggerType.GE:
                assert order.triggered_price >= order.trigger_price, order
            else:
                assert order.triggered_price <= order.trigger_price, order


# 150 sequences of 120 steps take about 11 s of CPU here (60 about 5 s): a third of the base
# machine's budget, since every one of its rules runs here too.
SETTINGS = settings(
    max_examples=150 if os.environ.get("CI") else 60,
    stateful_step_count=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_trigger_invariants_hold_after_every_command() -> None:
    run_state_machine_as_test(TriggerMachine, settings=SETTINGS)
