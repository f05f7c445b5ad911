"""Invariants of the exchange core under random command sequences from several UIDs.

A rule-based state machine drives one `Exchange` (cancel delay 0 or 50 ms, drawn per sequence)
through `execute(command, now)` with non-decreasing `now`: orders of every order_price_type, both
directions and offsets, cancels by order id and client order id, cancel-all with filters, lever
rate switches, the dead man's switch, deposits and ticks of time; trigger orders of both trigger
types, opening and closing, limit and optimal, with trigger prices a few ticks from the last
price so that the trades fire them, and their cancels by id and cancel-alls with every filter.
Before each command the machine calls `advance(now)` itself, so that what the command changes
can be told apart from what the timers change; the invariants are checked after that advance
and again after the command. A Tick is the exception: it goes straight to `execute`, which then
runs the timers itself.

Each invariant is a small function with a docstring saying why it must hold. When one fails,
Hypothesis prints the shortest command sequence it found as a runnable `state.rule(...)` script.
"""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from htx_sandbox.domain.commands import (
    BatchItem,
    CancelAfter,
    CancelAfterReply,
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelStrategyOrders,
    Command,
    Deposit,
    LightningClose,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceBatch,
    PlaceOrder,
    PlaceTriggerOrder,
    SetIndexPrices,
    SwitchLeverRate,
    Tick,
)
from htx_sandbox.domain.events import (
    Event,
    FundingSettled,
    InsuranceFundChanged,
    OrderTraded,
    StrategyOrderChanged,
)
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.positions import closed_side
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import (
    LIGHTNING_PRICE_TYPES,
    UID,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
)
from tests.invariants import (
    CANCELLED_OR_CANCELLING,
    Statuses,
    StrategyStatuses,
    check_cancel_all_scope,
    check_cancel_orders_scope,
    check_firing_scope,
    check_rejection_changed_nothing,
    check_state,
    check_strategy_cancel_all_scope,
    check_strategy_cancel_scope,
    check_strategy_command_froze_nothing,
    fingerprint,
    statuses,
    strategy_statuses,
)

from .strategies import (
    BOOK_PRICED_TYPES,
    FUNDING,
    PRICED_TYPES,
    START_MS,
    UIDS,
    OrderRef,
    OrderSpec,
    StrategyRef,
    TriggerSpec,
    cancel_client_ids,
    close_price_types,
    codes,
    deposit_amounts,
    deposit_symbols,
    directions,
    explicit_lever_rates,
    filter_directions,
    filter_offsets,
    index_factors,
    large_dt,
    order_refs,
    order_specs,
    small_dt,
    strategy_ref_lists,
    time_outs,
    trigger_specs,
    uids,
)

DEFAULT_LEVER_RATE = 10


# -- the state machine -----------------------------------------------------------------------


def moved_after_settlement(events: list[Event], state: ExchangeState) -> set[tuple[UID, str]]:
    """The holdings a liquidation changed after the settlement in the same step (the funding
    paid can bring an account to liquidation): the liquidated accounts', their counterparties'
    and, for a coin whose fund moved, the insurance fund's. Their cost_hold is no longer the
    settlement price alone."""
    after = False
    moved: set[tuple[UID, str]] = set()
    for e in events:
        if isinstance(e, FundingSettled):
            after = True
        elif after and isinstance(e, OrderTraded):
            moved.add((e.trade.uid, e.trade.contract_code))
        elif after and isinstance(e, InsuranceFundChanged):
            moved.update((FUND, c.contract_code) for c in state.contracts if c.symbol == e.symbol)
    return moved


class ExchangeMachine(RuleBasedStateMachine):
    """Commands from UIDS on the two default contracts; checks every invariant after each one."""

    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange()
        self.now = Millis(START_MS)
        self.deposits: dict[str, Decimal] = {}
        self.created: list[OrderId] = []
        self.created_strategies: list[OrderId] = []
        """Strategy order ids as the replies reported them (`created` gets the orders they
        place when they fire)."""
        self.armed: dict[UID, Millis] = {}
        """Dead man's switch trigger times, as the replies reported them."""

    # -- plumbing ----------------------------------------------------------------------------

    def check_all(self) -> None:
        check_state(self.exchange.state, self.deposits, self.created, self.created_strategies)

    def advance(self, dt: int, *, by_tick: bool = False) -> list[Event]:
        """Move time on by dt and let the timers run, checking what the switch did: through
        `advance(now)`, or with `by_tick` through `execute(Tick(), now)`, which advances itself
        (a Tick cannot be rejected, so invariant 7 needs no advance first)."""
        self.now = Millis(self.now + dt)
        state = self.exchange.state
        due = {uid for uid, trigger in self.armed.items() if trigger <= self.now}
        was_open = [o for o in state.orders.values() if o.uid in due and o.status.is_open]
        if by_tick:
            outcome = self.exchange.execute(Tick(), self.now)
            assert outcome.error is None and outcome.reply is None, outcome
            events = outcome.events
        else:
            events = self.exchange.advance(self.now).events
        for order in was_open:
            # The dead man's switch cancels every open order of the UID, on every contract.
            assert order.status in CANCELLED_OR_CANCELLING, order
        for uid in due:
            del self.armed[uid]
        self.check_all()
        return events

    def apply(self, command: Command) -> tuple[Outcome, Statuses]:
        """Execute at the current time (already advanced to); check invariants 7, 12, 13 and
        1-6, 9-11."""
        outcome, before, _ = self.apply_tracking_strategies(command)
        return outcome, before

    def apply_tracking_strategies(
        self, command: Command
    ) -> tuple[Outcome, Statuses, StrategyStatuses]:
        """apply(), also returning the strategy orders' statuses before the command."""
        before = fingerprint(self.exchange)
        before_statuses = statuses(self.exchange.state)
        before_strategies = strategy_statuses(self.exchange.state)
        outcome = self.exchange.execute(command, self.now)
        if outcome.error is not None:
            check_rejection_changed_nothing(before, fingerprint(self.exchange), outcome)
        else:
            self.record(command, outcome, before_strategies)
            if isinstance(command, PlaceTriggerOrder | CancelStrategyOrders | CancelAllStrategy):
                check_strategy_command_froze_nothing(before, fingerprint(self.exchange), outcome)
        check_firing_scope(self.exchange, outcome, before_strategies)
        self.check_all()
        return outcome, before_statuses, before_strategies

    def record(self, command: Command, outcome: Outcome, before: StrategyStatuses) -> None:
        reply = outcome.reply
        if isinstance(reply, OrderPlaced) and isinstance(command, PlaceTriggerOrder):
            self.created_strategies.append(reply.order_id)
        elif isinstance(reply, OrderPlaced):
            self.created.append(reply.order_id)
        elif isinstance(reply, list):
            self.created.extend(
                item.placed.order_id
                for item in reply
                if isinstance(item, BatchItem) and item.placed is not None
            )
        elif isinstance(reply, CancelAfterReply) and isinstance(command, CancelAfter):
            if reply.trigger_time is None:
                self.armed.pop(command.uid, None)
            else:
                self.armed[command.uid] = reply.trigger_time
        elif isinstance(command, Deposit):
            symbol = command.symbol.upper()
            self.deposits[symbol] = self.deposits.get(symbol, Decimal(0)) + command.amount
        # What the command's trades fired placed orders of their own, after its own ones.
        strategies = self.exchange.state.strategies.orders
        fired = {
            event.order_id
            for event in outcome.events
            if isinstance(event, StrategyOrderChanged)
            and before.get(event.order_id) is StrategyStatus.WAITING
            and strategies[event.order_id].status is StrategyStatus.PLACED
        }
        self.created.extend(
            sorted(
                child
                for child in (strategies[oid].relation_order_id for oid in fired)
                if child is not None
            )
        )

    def order_command(self, uid: UID, spec: OrderSpec) -> PlaceOrder:
        """The PlaceOrder a spec stands for in the current state."""
        state = self.exchange.state
        contract = state.contracts.get(spec.contract_code)
        holding = state.holdings.get((uid, contract.contract_code))
        lever = spec.lever_rate
        if lever is None:
            current = holding.lever_rate if holding is not None else None
            lever = current if current is not None else DEFAULT_LEVER_RATE
        volume, direction = spec.volume, spec.direction
        if spec.clamp and spec.offset is Offset.CLOSE and holding is not None:
            # A buy closes the short, a sell the long.
            if not holding.position(closed_side(direction)).available:
                direction = direction.opposite
            available = holding.position(closed_side(direction)).available
            if available:
                volume = min(volume, available)
            else:
                direction = spec.direction
        price: Decimal | None = None
        if spec.order_price_type.needs_price:
            away = -spec.passive_ticks if direction is Direction.BUY else spec.passive_ticks
            price = contract.reference_price + away * contract.price_tick
            if spec.price_flaw == "off_grid":
                price += contract.price_tick / 2
            elif spec.price_flaw == "zero":
                price = Decimal(0)
            elif spec.price_flaw == "missing":
                price = None
        return PlaceOrder(
            uid=uid,
            contract_code=spec.contract_code,
            direction=direction,
            offset=spec.offset,
            volume=volume,
            lever_rate=lever,
            order_price_type=spec.order_price_type,
            price=price,
            client_order_id=spec.client_order_id,
            self_match_prevent=spec.self_match_prevent,
        )

    def place(self, uid: UID, spec: OrderSpec, dt: int) -> None:
        self.advance(dt)
        cmd = self.order_command(uid, spec)
        coid = cmd.client_order_id
        taken = coid is not None and (uid, coid) in self.exchange.state.client_orders
        outcome, _ = self.apply(cmd)
        if outcome.error is None:
            placed = outcome.reply
            assert isinstance(placed, OrderPlaced)
            assert placed.client_order_id == coid
            assert not taken, f"client_order_id {coid} of UID {uid} accepted twice"

    # -- rules -------------------------------------------------------------------------------

    @initialize(cancel_delay_ms=st.sampled_from((0, 50)))
    def open_and_fund(self, cancel_delay_ms: int) -> None:
        self.exchange = Exchange(cancel_delay_ms=cancel_delay_ms)
        for uid in UIDS:
            self.advance(0)
            outcome, _ = self.apply(OpenUser(uid))
            assert outcome.error is None, outcome.error
            for symbol, amount in FUNDING[uid].items():
                outcome, _ = self.apply(Deposit(uid, symbol, amount))
                assert outcome.error is None, outcome.error

    @rule(
        uid=uids,
        spec=order_specs(
            offset=st.just(Offset.OPEN), order_price_type=st.sampled_from(PRICED_TYPES)
        ),
        dt=small_dt,
    )
    def place_priced_open(self, uid: UID, spec: OrderSpec, dt: int) -> None:
        self.place(uid, spec, dt)

    @rule(
        uid=uids,
        specs=st.lists(
            order_specs(
                offset=st.just(Offset.OPEN), order_price_type=st.just(OrderPriceType.LIMIT)
            ),
            min_size=1,
            max_size=4,
        ),
        dt=small_dt,
    )
    def quote(self, uid: UID, specs: list[OrderSpec], dt: int) -> None:
        """A few plain limit orders from one UID, one command each: the book's liquidity, so that
        takers, cancels and fills while cancelling (status 11) have something to work on."""
        for index, spec in enumerate(specs):
            self.place(uid, spec, dt if index == 0 else 0)

    @rule(
        uid=uids,
        spec=order_specs(
            offset=st.just(Offset.OPEN), order_price_type=st.sampled_from(BOOK_PRICED_TYPES)
        ),
        dt=small_dt,
    )
    def place_book_priced_open(self, uid: UID, spec: OrderSpec, dt: int) -> None:
        self.place(uid, spec, dt)

    @rule(
        uid=uids,
        spec=order_specs(offset=st.just(Offset.CLOSE), order_price_type=close_price_types),
        busy=st.booleans(),
        dt=small_dt,
    )
    def place_close(self, uid: UID, spec: OrderSpec, busy: bool, dt: int) -> None:
        """`busy` turns the order to the first UID with position volume available on the
        contract, if the drawn one has none there, so that closes often have something to close
        (a close without a position is simply rejected with 1048)."""
        if busy:
            code = self.exchange.contracts.get(spec.contract_code).contract_code

            def available(u: UID) -> int:
                holding = self.exchange.state.holdings.get((u, code))
                return holding.long.available + holding.short.available if holding else 0

            if not available(uid):
                uid = next((u for u in UIDS if available(u)), uid)
        self.place(uid, spec, dt)

    @rule(
        uid=uids,
        code=codes,
        direction=directions,
        volume=st.sampled_from((0, 1, 2, 3, 7)),
        kind=st.sampled_from(sorted(LIGHTNING_PRICE_TYPES)),
        dt=small_dt,
    )
    def lightning_close(
        self, uid: UID, code: str, direction: Direction, volume: int, kind: OrderPriceType, dt: int
    ) -> None:
        """A close at the counterparty's best 30 levels: rejected changes nothing (invariant 7),
        accepted ones keep every invariant, whatever rests after them."""
        self.advance(dt)
        self.apply(LightningClose(uid, code, direction, volume, kind))

    @rule(uid=uids, specs=st.lists(order_specs(), min_size=1, max_size=3), dt=small_dt)
    def place_batch(self, uid: UID, specs: list[OrderSpec], dt: int) -> None:
        self.advance(dt)
        # Each order is built against the state before the batch; later ones may then fail.
        cmd = PlaceBatch(uid, [self.order_command(uid, spec) for spec in specs])
        outcome, _ = self.apply(cmd)
        if outcome.error is None:
            assert isinstance(outcome.reply, list)
            assert [item.index for item in outcome.reply] == list(range(1, len(specs) + 1))
            for item in outcome.reply:
                assert (item.placed is None) != (item.error is None), item

    @rule(
        uid=uids,
        code=codes,
        refs=st.lists(order_refs, max_size=4),
        client_ids=st.lists(cancel_client_ids, max_size=3),
        dt=small_dt,
    )
    def cancel_orders(
        self, uid: UID, code: str, refs: list[OrderRef], client_ids: list[str], dt: int
    ) -> None:
        self.advance(dt)
        order_ids = [self.resolve(uid, code, ref) for ref in refs]
        cmd = CancelOrders(uid, code, order_ids=order_ids, client_order_ids=client_ids)
        outcome, before = self.apply(cmd)
        check_cancel_orders_scope(self.exchange, cmd, outcome, before)

    def resolve(self, uid: UID, code: str, ref: OrderRef) -> str:
        """The order id an OrderRef stands for now."""
        if ref.recent == "garbage":
            return "12ab"
        if ref.recent == "unknown" or not self.created:
            return str(max(self.created, default=OrderId(0)) + 1_000_003)
        mine = sorted(o.order_id for o in self.exchange.open_orders(uid, code)) if ref.mine else []
        pool = mine or self.created
        return str(pool[-1 - ref.recent % len(pool)])

    @rule(
        uid=uids,
        code=codes,
        direction=filter_directions,
        offset=filter_offsets,
        busy=st.booleans(),
        dt=small_dt,
    )
    def cancel_all(
        self,
        uid: UID,
        code: str,
        direction: Direction | None,
        offset: Offset | None,
        busy: bool,
        dt: int,
    ) -> None:
        """`busy` turns the call to the first UID with open orders on the contract, if the drawn
        one has none there, so that cancel-all often has something to cancel."""
        self.advance(dt)
        if busy and not self.exchange.open_orders(uid, code):
            uid = next((u for u in UIDS if self.exchange.open_orders(u, code)), uid)
        cmd = CancelAll(uid, code, direction=direction, offset=offset)
        outcome, before = self.apply(cmd)
        check_cancel_all_scope(self.exchange, cmd, outcome, before)

    @rule(uid=uids, code=codes, lever_rate=explicit_lever_rates, dt=small_dt)
    def switch_lever_rate(self, uid: UID, code: str, lever_rate: int, dt: int) -> None:
        self.advance(dt)
        self.apply(SwitchLeverRate(uid, code, lever_rate))

    @rule(uid=uids, on=st.booleans(), time_out=time_outs, dt=small_dt)
    def cancel_after(self, uid: UID, on: bool, time_out: int, dt: int) -> None:
        self.advance(dt)
        self.apply(CancelAfter(uid, on, time_out))

    @rule(dt=large_dt)
    def tick(self, dt: int) -> None:
        """A Tick at a later time: execute() runs the timers that fell due (the dead man's
        switch, delayed cancels) before the no-op command."""
        self.advance(dt, by_tick=True)

    @rule(code=codes, premium_bp=st.integers(-400, 400), by_tick=st.booleans())
    def pass_a_settlement(self, code: str, premium_bp: int, by_tick: bool) -> None:
        """An index a little off the mark (so that the premium and the rate are not 0), then
        time to just past the next funding settlement: every position open at that instant is
        settled (held at the settlement price from then on), funding is paid on each holding's
        net position, rounded so that the receivers never get more than the payers pay, and
        (check_all) coin is conserved with the rounding in the funding pool."""
        state = self.exchange.state
        contract = state.contracts.get(code)
        index = state.mark_price(contract) * (1 + Decimal(premium_bp) / 10_000)
        index = max(index.quantize(contract.price_tick), contract.price_tick)
        self.apply(SetIndexPrices({contract.contract_code: index}))
        due = state.next_settlement
        assert due is not None and due > self.now
        held = {
            key: (h.long.volume, h.short.volume)
            for key, h in state.holdings.items()
            if h.long.volume or h.short.volume
        }
        events = self.advance(due + 1 - self.now, by_tick=by_tick)
        [settled] = [e.settlement for e in events if isinstance(e, FundingSettled)]
        assert settled.settlement_time == due
        records = {(u.uid, u.contract_code): u for u in settled.users}
        prices = {c.contract_code: c.settlement_price for c in settled.contracts}
        moved = moved_after_settlement(events, state)
        for (uid, code_held), (long, short) in held.items():
            record = records[(uid, code_held)]
            assert sorted((p.direction.value, p.volume) for p in record.positions) == sorted(
                (side, volume) for side, volume in (("buy", long), ("sell", short)) if volume
            ), record
            if (uid, code_held) in moved:
                continue  # the funding paid pushed an account to liquidation, in the same step
            holding = state.holdings[(uid, code_held)]
            size = state.contracts.get(code_held).contract_size
            for position in (holding.long, holding.short):
                if position.volume:
                    assert position.cost_hold(size) == prices[code_held], (position, prices)
        for symbol in {c.symbol for c in state.contracts}:
            paid = sum(
                (u.funding_fee for u in settled.users if u.symbol == symbol), Decimal(0)
            )
            assert paid <= 0, (symbol, paid)  # receipts rounded down, payments up

    @rule(uid=uids, symbol=deposit_symbols, amount=deposit_amounts, dt=small_dt)
    def deposit(self, uid: UID, symbol: str, amount: Decimal, dt: int) -> None:
        self.advance(dt)
        self.apply(Deposit(uid, symbol, amount))


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
        """A limit order `reach` ticks across the reference price at the holding's lever rate:
        it takes what rests there, so that trades, and the firings they set off, are frequent."""
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        holding = state.holdings.get((uid, contract.contract_code))
        lever = holding.lever_rate if holding is not None and holding.lever_rate else 10
        away = reach if direction is Direction.BUY else -reach
        price = contract.reference_price + away * contract.price_tick
        limit = OrderPriceType.LIMIT
        self.apply(PlaceOrder(uid, code, direction, Offset.OPEN, volume, lever, limit, price))

    # -- index prices and liquidation -------------------------------------------------------

    @rule(code=codes, factor=index_factors, crash=st.booleans(), dt=small_dt)
    def move_index(self, code: str, factor: Decimal, crash: bool, dt: int) -> None:
        """The index moves to the reference price x factor. With `crash` the book is then swept
        to it (one UID rests a contract there, another trades through everything on the way),
        so that the last price and the mid follow and the mark, their median, with them.
        Accounts the mark reaches are liquidated within the command (invariants 16 and 17
        check what is left after every command)."""
        self.advance(dt)
        state = self.exchange.state
        contract = state.contracts.get(code)
        tick = contract.price_tick
        price = (contract.reference_price * factor / tick).to_integral_value() * tick
        self.apply_index_move(SetIndexPrices({contract.contract_code: price}))
        if not crash or factor == 1:
            return
        side = Direction.BUY if factor < 1 else Direction.SELL
        book = state.book(contract)
        resting = book.bids if side is Direction.BUY else book.asks
        ticks = contract.ticks(price)
        through = sum(o.remaining for t, level in resting.levels()
                      if resting.crosses(t, ticks) for o in level.values())  # fmt: skip
        maker, taker = UIDS[0], UIDS[1]
        for uid, direction, volume, kind in (
            (maker, side, 1, OrderPriceType.LIMIT),
            (taker, side.opposite, through + 1, OrderPriceType.IOC),
        ):
            holding = state.holdings.get((uid, contract.contract_code))
            lever = holding.lever_rate if holding and holding.lever_rate else DEFAULT_LEVER_RATE
            self.apply_index_move(
                PlaceOrder(uid, code, direction, Offset.OPEN, volume, lever, kind, price)
            )

    def apply_index_move(self, command: SetIndexPrices | PlaceOrder) -> None:
        """apply(), and invariant 18: the only cancels an index move (or a crash's trade) makes
        besides the command's own are the risk engine's (canceled_source "risk"), and the
        liquidation orders it sends end within it."""
        _, before = self.apply(command)
        state = self.exchange.state
        liquidated = False
        for oid, order in state.orders.items():
            if order.order_type == 3 and oid not in before:
                liquidated = True
            was = before.get(oid)
            if was is None or not was.is_open or order.status.is_open:
                continue
            if order.status in CANCELLED_OR_CANCELLING and order.canceled_source != "risk":
                # cancelled otherwise: a delayed cancel landing, the command's own IOC rest
                assert was is OrderStatus.CANCELLING or order.status is OrderStatus.CANCELLING, (
                    command, order,
                )  # fmt: skip
        if liquidated:
            event("liquidation")

    # -- strategy orders ---------------------------------------------------------------------

    def trigger_command(self, uid: UID, spec: TriggerSpec) -> PlaceTriggerOrder:
        """The PlaceTriggerOrder a spec stands for in the current state."""
        state = self.exchange.state
        contract = state.contracts.get(spec.contract_code)
        tick = contract.price_tick
        last = state.mark_price(contract)
        up = 1 if spec.trigger_type is TriggerType.GE else -1
        trigger_price = last + up * spec.away_ticks * tick
        if spec.flaw == "off_grid":
            trigger_price += tick / 2
        elif spec.flaw == "zero":
            trigger_price = Decimal(0)
        order_price: Decimal | None = None
        if spec.order_price_type is StrategyPriceType.LIMIT and spec.flaw != "no_order_price":
            away = -spec.passive_ticks if spec.direction is Direction.BUY else spec.passive_ticks
            order_price = max(trigger_price, tick) + away * tick
        lever: int | None = spec.lever_rate
        if lever is None and spec.flaw != "no_lever_rate":
            holding = state.holdings.get((uid, contract.contract_code))
            current = holding.lever_rate if holding is not None else None
            lever = current if current is not None else DEFAULT_LEVER_RATE
        return PlaceTriggerOrder(
            uid=uid,
            contract_code=spec.contract_code,
            trigger_type=spec.trigger_type,
            trigger_price=trigger_price,
            direction=spec.direction,
            offset=spec.offset,
            volume=0 if spec.flaw == "no_volume" else spec.volume,
            order_price_type=spec.order_price_type,
            order_price=order_price,
            lever_rate=lever,
        )

    @rule(uid=uids, spec=trigger_specs, busy=st.booleans(), dt=small_dt)
    def place_trigger(self, uid: UID, spec: TriggerSpec, busy: bool, dt: int) -> None:
        """`busy` turns a closing trigger order to the first UID holding a position on the
        contract, if the drawn one holds none, and to the side that closes it, so that closes
        often fire into something to close (else they fail at firing with 1048)."""
        self.advance(dt)
        if busy and spec.offset is Offset.CLOSE:
            code = self.exchange.contracts.get(spec.contract_code).contract_code

            def holding_volume(u: UID) -> tuple[int, int]:
                holding = self.exchange.state.holdings.get((u, code))
                return (holding.long.volume, holding.short.volume) if holding else (0, 0)

            if not any(holding_volume(uid)):
                uid = next((u for u in UIDS if any(holding_volume(u))), uid)
            long, short = holding_volume(uid)
            if long or short:
                direction = Direction.SELL if long else Direction.BUY
                spec = replace(spec, direction=direction)
        self.apply(self.trigger_command(uid, spec))

    def resolve_strategy(self, uid: UID, code: str, ref: StrategyRef) -> str:
        """The strategy order id a StrategyRef stands for now."""
        every = [*self.created, *self.created_strategies]
        if ref.recent == "garbage":
            return "12ab"
        if ref.recent == "unknown" or not every:
            return str(max(every, default=OrderId(0)) + 1_000_003)
        if ref.recent == "ordinary":
            return str(self.created[-1]) if self.created else "1"
        mine: list[OrderId] = []
        if ref.mine:
            code = self.exchange.contracts.get(code).contract_code
            owned = self.exchange.state.strategies.owned(uid, code, StrategyKind.TRIGGER)
            mine = sorted(owned)
        pool = mine or self.created_strategies or every
        return str(pool[-1 - ref.recent % len(pool)])

    @rule(uid=uids, code=codes, refs=strategy_ref_lists, dt=small_dt)
    def cancel_triggers(self, uid: UID, code: str, refs: list[StrategyRef], dt: int) -> None:
        self.advance(dt)
        order_ids = [self.resolve_strategy(uid, code, ref) for ref in refs]
        cmd = CancelStrategyOrders(StrategyKind.TRIGGER, uid, code, order_ids)
        outcome, _, before = self.apply_tracking_strategies(cmd)
        check_strategy_cancel_scope(self.exchange, cmd, outcome, before)

    @rule(
        uid=uids,
        code=codes,
        direction=filter_directions,
        offset=filter_offsets,
        busy=st.booleans(),
        dt=small_dt,
    )
    def cancel_all_triggers(
        self,
        uid: UID,
        code: str,
        direction: Direction | None,
        offset: Offset | None,
        busy: bool,
        dt: int,
    ) -> None:
        """`busy` turns the call to the first UID with open trigger orders on the contract,
        if the drawn one has none there."""
        self.advance(dt)
        strategies = self.exchange.state.strategies
        contract_code = self.exchange.contracts.get(code).contract_code

        def has_triggers(u: UID) -> bool:
            return bool(strategies.open_count(u, contract_code, StrategyKind.TRIGGER))

        if busy and not has_triggers(uid):
            uid = next((u for u in UIDS if has_triggers(u)), uid)
        cmd = CancelAllStrategy(StrategyKind.TRIGGER, uid, code, direction, offset)
        outcome, _, before = self.apply_tracking_strategies(cmd)
        check_strategy_cancel_all_scope(self.exchange, cmd, outcome, before)


# 500 sequences of 150 steps take about 50 s of CPU on the 2-core CI machine (55 s of wall time
# with trigger orders in, the machine shared); 100 take about 10 s (13 s with index moves,
# liquidation and invariants 16-17 in; 60 sequences see some 13 liquidations). Long sequences
# build positions to close, resting orders to cancel and trigger orders to fire; Hypothesis
# shrinks a failure to a handful of steps.
SETTINGS = settings(
    max_examples=500 if os.environ.get("CI") else 100,
    stateful_step_count=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_exchange_invariants_hold_after_every_command() -> None:
    run_state_machine_as_test(ExchangeMachine, settings=SETTINGS)
