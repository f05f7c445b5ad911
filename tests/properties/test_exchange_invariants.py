"""Invariants of the exchange core under random command sequences from several UIDs.

A rule-based state machine drives one `Exchange` (cancel delay 0 or 50 ms, drawn per sequence)
through `execute(command, now)` with non-decreasing `now`: orders of every order_price_type, both
directions and offsets, cancels by order id and client order id, cancel-all with filters, lever
rate switches, the dead man's switch, deposits and ticks of time. Before each command the machine
calls `advance(now)` itself, so that what the command changes can be told apart from what the
timers change; the invariants are checked after that advance and again after the command. A Tick
is the exception: it goes straight to `execute`, which then runs the timers itself.

Each invariant is a small function with a docstring saying why it must hold. When one fails,
Hypothesis prints the shortest command sequence it found as a runnable `state.rule(...)` script.
"""

from __future__ import annotations

import os
from collections import Counter
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from itertools import pairwise

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from htx_sandbox.domain.commands import (
    BatchItem,
    CancelAfter,
    CancelAfterReply,
    CancelAll,
    CancelOrders,
    CancelReply,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceBatch,
    PlaceOrder,
    SwitchLeverRate,
    Tick,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.positions import closed_side
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import (
    UID,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
)

from .strategies import (
    BOOK_PRICED_TYPES,
    FUNDING,
    PRICED_TYPES,
    START_MS,
    UIDS,
    OrderRef,
    OrderSpec,
    cancel_client_ids,
    close_price_types,
    codes,
    deposit_amounts,
    deposit_symbols,
    explicit_lever_rates,
    filter_directions,
    filter_offsets,
    large_dt,
    order_refs,
    order_specs,
    small_dt,
    time_outs,
    uids,
)

S = OrderStatus
COIN_QUANTUM = Decimal("1e-18")
WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)
"""Wide enough that sums and quotients of coin amounts here are exact before quantizing."""
DEFAULT_LEVER_RATE = 10
CANCELLED_OR_CANCELLING = frozenset({S.CANCELLED, S.PARTIALLY_FILLED_CANCELLED, S.CANCELLING})

Fingerprint = tuple[object, ...]
Statuses = dict[OrderId, OrderStatus]


# -- helpers ---------------------------------------------------------------------------------


def expected_initial_margin(
    volume: int, contract_size: Decimal, price: Decimal, lever: int
) -> Decimal:
    """volume x contract_size / (price x lever), on the 1e-18 coin grid (computed here, not by
    the domain, so that the check is independent of money.py)."""
    with localcontext(WIDE):
        return (contract_size * volume / (price * lever)).quantize(COIN_QUANTUM)


def statuses(state: ExchangeState) -> Statuses:
    return {order_id: order.status for order_id, order in state.orders.items()}


def fingerprint(exchange: Exchange) -> Fingerprint:
    """Everything a command could change, cheaply: orders' progress, accounts, positions and
    holdings, both books level by level (with time priority), and the exchange's bookkeeping."""
    state = exchange.state
    orders = tuple(
        (oid, o.status, o.trade_volume, o.margin_frozen, o.update_time, len(o.trades))
        for oid, o in state.orders.items()
    )
    accounts = tuple(
        sorted(
            (key, a.margin_static, a.margin_frozen, a.profit_real, a.fees_paid, a.deposited)
            for key, a in state.accounts.items()
        )
    )
    holdings = tuple(
        sorted(
            (
                key,
                h.lever_rate,
                (h.long.volume, h.long.frozen, h.long.cost_value),
                (h.short.volume, h.short.frozen, h.short.cost_value),
                tuple(h.open_orders),
                h.opening_orders,
                h.close_orders,
            )
            for key, h in state.holdings.items()
        )
    )
    books = tuple(
        (
            code,
            tuple((t, tuple(level)) for t, level in book.bids.levels()),
            tuple((t, tuple(level)) for t, level in book.asks.levels()),
        )
        for code, book in sorted(state.books.items())
    )
    return (
        orders,
        accounts,
        holdings,
        books,
        tuple(sorted(state.fee_pool.items())),
        tuple(sorted(state.last_price.items())),
        tuple(sorted(state.client_orders.items())),
        tuple(sorted(state.pending_cancels)),
        tuple(state.finished),
        tuple(state.client_order_times),
        tuple(sorted(state.cancel_after.items())),
        state.order_ids.last,
        state.trade_ids.last,
        tuple(sorted(state.users)),
        state.now,
    )


# -- invariants ------------------------------------------------------------------------------


def check_fill_volumes_agree_with_status(state: ExchangeState) -> None:
    """Invariant 1a. An order never fills more than it asked for, and its status tells how far it
    got: 3 (submitted) and 7 (cancelled) have no fills, 4 (partly filled) and 5 (partly filled,
    then cancelled) have some but not all, 6 (filled) has all, and 11 (cancelling) is still open,
    so it cannot be complete (a full fill moves it to 6)."""
    for order in state.orders.values():
        tv, volume = order.trade_volume, order.volume
        assert 0 <= tv <= volume, order
        match order.status:
            case S.SUBMITTED | S.CANCELLED:
                assert tv == 0, order
            case S.PARTIALLY_FILLED | S.PARTIALLY_FILLED_CANCELLED:
                assert 0 < tv < volume, order
            case S.FILLED:
                assert tv == volume, order
            case S.CANCELLING:
                assert tv < volume, order
            case _:
                raise AssertionError(f"status HTX never reports: {order}")


def check_open_orders_rest_in_book_and_index(state: ExchangeState) -> None:
    """Invariant 1b. An order is open (3, 4, 11) exactly while it rests in its contract's book on
    its own side and in its holding's open-order index: matching walks the book, cancel-all and
    the dead man's switch walk the index, so an order missing from one of them would be
    unfillable or uncancellable, and a final order left in one would be filled or cancelled
    twice. The holding's counters of opening and closing orders agree with the index."""
    open_ids = {oid for oid, o in state.orders.items() if o.status.is_open}
    in_book: list[OrderId] = []
    for code, book in state.books.items():
        for side in (book.bids, book.asks):
            for order in side.orders():
                assert state.orders.get(order.order_id) is order, order
                assert order.contract_code == code, order
                assert order.direction is side.direction, order
                in_book.append(order.order_id)
    in_index: list[OrderId] = []
    for (uid, code), holding in state.holdings.items():
        assert state.holdings_by_user[uid][code] is holding
        for oid, order in holding.open_orders.items():
            assert oid == order.order_id and state.orders.get(oid) is order, order
            assert (order.uid, order.contract_code) == (uid, code), order
            in_index.append(oid)
        opening = sum(1 for o in holding.open_orders.values() if o.offset is Offset.OPEN)
        assert holding.opening_orders == opening, (uid, code)
        assert holding.close_orders == len(holding.open_orders) - opening, (uid, code)
    assert len(in_book) == len(set(in_book)), "an order rests twice in the book"
    assert set(in_book) == open_ids, (
        f"open but not in book: {open_ids - set(in_book)}; "
        f"in book but not open: {set(in_book) - open_ids}"
    )
    assert set(in_index) == open_ids, (
        f"open but not indexed: {open_ids - set(in_index)}; "
        f"indexed but not open: {set(in_index) - open_ids}"
    )


def check_finished_queue(state: ExchangeState) -> None:
    """Invariant 1c. `state.finished` is the eviction queue: it lists every final order (5, 6, 7)
    once, and never an open one, in the order they ended (so their end times never decrease).
    An open order in it would be forgotten by eviction while still resting in the book; a final
    order missing from it would never be evicted."""
    finished = list(state.finished)
    assert len(finished) == len(set(finished)), "an order finished twice"
    final = {oid for oid, o in state.orders.items() if o.status.is_final}
    assert set(finished) == final, (
        f"final but not queued: {final - set(finished)}; "
        f"queued but not final: {set(finished) - final}"
    )
    times = [state.orders[oid].update_time for oid in finished]
    assert times == sorted(times), times


def check_frozen_margin_matches_open_orders(state: ExchangeState) -> None:
    """Invariant 2. An opening order freezes the initial margin of what is left of it,
    remaining x size / (price x lever), recomputed after each fill and released when it ends; so
    an open opening order holds exactly that, a final order or a close order holds nothing, and an
    account's margin_frozen is exactly the sum over its open opening orders. Any drift would
    lock or leak the client's coin for good."""
    expected: dict[tuple[UID, str], Decimal] = {}
    with localcontext(WIDE):
        for order in state.orders.values():
            if order.offset is Offset.OPEN and order.status.is_open:
                contract = state.contracts.get(order.contract_code)
                margin = expected_initial_margin(
                    order.remaining, contract.contract_size, order.price, order.lever_rate
                )
                assert order.margin_frozen == margin, (order, order.margin_frozen, margin)
                key = (order.uid, order.symbol)
                expected[key] = expected.get(key, Decimal(0)) + order.margin_frozen
            else:
                assert order.margin_frozen == 0, (order, order.margin_frozen)
        for key, account in state.accounts.items():
            assert account.margin_frozen == expected.pop(key, Decimal(0)), (
                key, account.margin_frozen
            )
    assert not expected, f"open orders freeze margin of accounts that do not exist: {expected}"


def check_position_frozen_matches_close_orders(state: ExchangeState) -> None:
    """Invariant 3. A close order freezes the position volume it may close (a buy closes the
    short, a sell the long) until it fills or ends, so a position's frozen volume is the sum of
    the remaining volumes of the UID's open close orders reducing it, and available = volume -
    frozen is never negative: a position can never be closed twice over."""
    expected: Counter[tuple[UID, str, Direction]] = Counter()
    for order in state.orders.values():
        if order.offset is Offset.CLOSE and order.status.is_open:
            expected[(order.uid, order.contract_code, order.direction)] += order.remaining
    for (uid, code), holding in state.holdings.items():
        for position, closing in ((holding.long, Direction.SELL), (holding.short, Direction.BUY)):
            assert position.frozen == expected.pop((uid, code, closing), 0), (
                uid, code, position.side, position.frozen
            )
            assert 0 <= position.frozen <= position.volume, (uid, code, position.side)
            assert position.volume >= 0 and (position.volume > 0 or position.cost_value == 0), (
                uid, code, position.side, position.volume, position.cost_value
            )
    assert not expected, f"close orders without a holding: {expected}"


def check_long_equals_short(state: ExchangeState) -> None:
    """Invariant 4. Every match makes or unmakes one long contract and one short contract at once
    (buyer and seller each open or close), so per contract the open interest is the same seen
    from both sides."""
    longs: Counter[str] = Counter()
    shorts: Counter[str] = Counter()
    for (_, code), holding in state.holdings.items():
        longs[code] += holding.long.volume
        shorts[code] += holding.short.volume
    for contract in state.contracts:
        code = contract.contract_code
        assert longs[code] == shorts[code], (code, longs[code], shorts[code])


def check_coin_conservation(state: ExchangeState, deposits: dict[str, Decimal]) -> None:
    """Invariant 5, exact to 1e-18. For each coin,

        sum(margin_static) + fee_pool + sum(long cost_value - short cost_value) == sum(deposits).

    Deposits add to margin_static. A match of v contracts at price p moves one coin value
    x = v x size / p, quantized once and shared by both sides, from the seller's books to the
    buyer's: a buyer who opens adds x to its long cost_value; a buyer who closes takes released
    (its share of the short's cost_value) out of the short, which raises the sum by released, and
    realizes x - released into margin_static: +x in total either way. The seller symmetrically
    loses x (opening adds x to the short's cost, which counts negatively; closing removes released
    from the long and realizes released - x). Fees move from margin_static to the fee pool. All
    amounts are on the 1e-18 grid, so no rounding can creep in; any difference is coin created
    or destroyed."""
    symbols = {contract.symbol for contract in state.contracts}
    with localcontext(WIDE):
        for symbol in symbols:
            total = state.fee_pool.get(symbol, Decimal(0))
            for (_, account_symbol), account in state.accounts.items():
                if account_symbol == symbol:
                    total += account.margin_static
            for (_, code), holding in state.holdings.items():
                if state.contracts.get(code).symbol == symbol:
                    total += holding.long.cost_value - holding.short.cost_value
            deposited = deposits.get(symbol, Decimal(0))
            assert total == deposited, (symbol, total, deposited, total - deposited)


def check_book_uncrossed_and_levels(state: ExchangeState) -> None:
    """Invariant 6. An incoming order takes everything it crosses before it rests (or is
    cancelled: ioc, fok, post_only, self-match prevention), so no bid is ever at or above an ask;
    levels are kept best first without empty levels, and every resting order sits at the level of
    its own price, with volume left to trade."""
    for code, book in state.books.items():
        contract = state.contracts.get(code)
        for side, better in ((book.bids, 1), (book.asks, -1)):
            previous: int | None = None
            for ticks, level in side.levels():
                assert level, (code, side.direction, ticks, "empty level")
                if previous is not None:
                    assert (previous - ticks) * better > 0, (code, side.direction, previous, ticks)
                previous = ticks
                for oid, order in level.items():
                    assert oid == order.order_id, order
                    assert order.price_ticks == ticks, (order, ticks)
                    assert order.price == contract.price(ticks), (order, ticks)
                    assert order.remaining > 0, order
        bid, ask = book.bids.best_ticks(), book.asks.best_ticks()
        assert bid is None or ask is None or bid < ask, (code, bid, ask)


def check_order_ids(state: ExchangeState, created: list[OrderId]) -> None:
    """Invariant 9. Order ids are HTX-shaped (18 or 19 digits), unique, and strictly increasing in
    creation order: clients sort and page by them, and storage keys rows on them. `created`
    lists the ids the replies reported, in order; the exchange holds exactly those orders."""
    ids = list(state.orders)
    assert ids == created, (ids, created)
    for order_id in ids:
        assert len(str(order_id)) in (18, 19), order_id
    for earlier, later in pairwise(ids):
        assert earlier < later, (earlier, later)


def check_rejection_changed_nothing(
    before: Fingerprint, after: Fingerprint, outcome: Outcome
) -> None:
    """Invariant 7. Every check of a command runs before its first change, so a rejected command
    (Outcome.error set) leaves no trace and emits no event; the caller can retry it as if it had
    never been sent. Time was advanced before `before` was taken, so timers are not counted."""
    assert outcome.error is not None
    assert outcome.events == [], (outcome.error, outcome.events)
    if before != after:
        diff = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
        raise AssertionError(f"rejected with {outcome.error!r} but changed parts {diff}")


def check_cancel_all_scope(
    exchange: Exchange, cmd: CancelAll, outcome: Outcome, before: Statuses
) -> None:
    """Invariant 8. swap_cancelall cancels the caller's open orders on that contract that match
    its direction and offset filters, and nothing else: any order whose status it changed is one
    of those, and afterwards every one of them is cancelled (5, 7) or cancelling (11). Those
    already cancelling are reported with 1062, the others as successes; with nothing to match,
    the answer is 1051."""
    state = exchange.state
    code = state.contracts.get(cmd.contract_code).contract_code

    def matches(order: Order) -> bool:
        return (
            order.uid == cmd.uid
            and order.contract_code == code
            and (cmd.direction is None or order.direction is cmd.direction)
            and (cmd.offset is None or order.offset is cmd.offset)
        )

    assert set(state.orders) == set(before), "cancel-all created or lost orders"
    for oid, order in state.orders.items():
        if order.status != before[oid]:
            assert matches(order), (cmd, order, before[oid])
    targets = [o for oid, o in state.orders.items() if before[oid].is_open and matches(o)]
    if outcome.error is not None:
        assert outcome.error.code == ErrorCode.NO_ORDERS_TO_CANCEL, outcome.error
        assert not targets, (cmd, targets)
        return
    assert targets, (cmd, "cancel-all succeeded with nothing to cancel")
    for order in targets:
        assert order.status in CANCELLED_OR_CANCELLING, (cmd, order)
        if not state.cancel_delay_ms:
            assert order.status is not S.CANCELLING, (cmd, order)
    reply = outcome.reply
    assert isinstance(reply, CancelReply)
    assert sorted(reply.successes) == sorted(
        str(o.order_id) for o in targets if before[o.order_id] is not S.CANCELLING
    ), (cmd, reply)
    assert sorted(
        (e.order_id, e.error.code) for e in reply.errors
    ) == sorted(
        (str(o.order_id), ErrorCode.CANCELLING)
        for o in targets
        if before[o.order_id] is S.CANCELLING
    ), (cmd, reply)


def check_cancel_orders_scope(
    exchange: Exchange, cmd: CancelOrders, outcome: Outcome, before: Statuses
) -> None:
    """Invariant 8 for swap_cancel: it cancels only the caller's orders on that contract that it
    names (by order id, or by client order id when no order id is given), and every such order
    that was open (3, 4) is cancelled or cancelling afterwards; other UIDs' orders named by id
    are as unknown as missing ones (1061) and stay untouched."""
    state = exchange.state
    code = state.contracts.get(cmd.contract_code).contract_code
    named: set[OrderId] = set()
    for given in cmd.order_ids or cmd.client_order_ids:
        try:
            number = int(given.strip())
        except ValueError:
            continue
        if cmd.order_ids:
            named.add(OrderId(number))
        else:
            oid = state.client_orders.get((cmd.uid, number))
            if oid is not None:
                named.add(oid)
    mine = {
        oid for oid in named
        if oid in state.orders
        and state.orders[oid].uid == cmd.uid
        and state.orders[oid].contract_code == code
    }
    assert set(state.orders) == set(before), "cancel created or lost orders"
    for oid, order in state.orders.items():
        if order.status != before[oid]:
            assert oid in mine, (cmd, order, before[oid])
    if outcome.error is not None:
        return
    for oid in mine:
        if before[oid] in (S.SUBMITTED, S.PARTIALLY_FILLED):
            assert state.orders[oid].status in CANCELLED_OR_CANCELLING, (cmd, state.orders[oid])


# -- the state machine -----------------------------------------------------------------------


class ExchangeMachine(RuleBasedStateMachine):
    """Commands from UIDS on the two default contracts; checks every invariant after each one."""

    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange()
        self.now = Millis(START_MS)
        self.deposits: dict[str, Decimal] = {}
        self.created: list[OrderId] = []
        self.armed: dict[UID, Millis] = {}
        """Dead man's switch trigger times, as the replies reported them."""

    # -- plumbing ----------------------------------------------------------------------------

    def check_all(self) -> None:
        state = self.exchange.state
        check_fill_volumes_agree_with_status(state)
        check_open_orders_rest_in_book_and_index(state)
        check_finished_queue(state)
        check_frozen_margin_matches_open_orders(state)
        check_position_frozen_matches_close_orders(state)
        check_long_equals_short(state)
        check_coin_conservation(state, self.deposits)
        check_book_uncrossed_and_levels(state)
        check_order_ids(state, self.created)

    def advance(self, dt: int, *, by_tick: bool = False) -> None:
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
        else:
            self.exchange.advance(self.now)
        for order in was_open:
            # The dead man's switch cancels every open order of the UID, on every contract.
            assert order.status in CANCELLED_OR_CANCELLING, order
        for uid in due:
            del self.armed[uid]
        self.check_all()

    def apply(self, command: Command) -> tuple[Outcome, Statuses]:
        """Execute at the current time (already advanced to); check invariants 7 and 1-6, 9."""
        before = fingerprint(self.exchange)
        before_statuses = statuses(self.exchange.state)
        outcome = self.exchange.execute(command, self.now)
        if outcome.error is not None:
            check_rejection_changed_nothing(before, fingerprint(self.exchange), outcome)
        else:
            self.record(command, outcome)
        self.check_all()
        return outcome, before_statuses

    def record(self, command: Command, outcome: Outcome) -> None:
        reply = outcome.reply
        if isinstance(reply, OrderPlaced):
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

    @rule(uid=uids, symbol=deposit_symbols, amount=deposit_amounts, dt=small_dt)
    def deposit(self, uid: UID, symbol: str, amount: Decimal, dt: int) -> None:
        self.advance(dt)
        self.apply(Deposit(uid, symbol, amount))


# 500 sequences of 150 steps take about 45 s of CPU on the 2-core CI machine (95 s of wall time
# when it is shared); 100 take about 10 s on a developer's. Long sequences build positions to close
# and resting orders to cancel; Hypothesis shrinks a failure to a handful of steps.
SETTINGS = settings(
    max_examples=500 if os.environ.get("CI") else 100,
    stateful_step_count=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_exchange_invariants_hold_after_every_command() -> None:
    run_state_machine_as_test(ExchangeMachine, settings=SETTINGS)
