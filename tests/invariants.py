"""The exchange's invariants as plain checks over an `ExchangeState`, shared by the property test
(tests/properties, driving `Exchange` directly) and the HTTP fuzzer (tests/fuzz, driving the app
over a running engine). Each invariant is a small function with a docstring saying why it must
hold; `check_state` runs the nine that hold after every command.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from itertools import pairwise

from htx_sandbox.domain.commands import CancelAll, CancelOrders, CancelReply, Outcome
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderStatus

S = OrderStatus
COIN_QUANTUM = Decimal("1e-18")
WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)
"""Wide enough that sums and quotients of coin amounts here are exact before quantizing."""
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
        tuple(
            (oid, s.status, s.volume, s.update_time, s.is_active, s.market_limit_price)
            for oid, s in state.strategies.orders.items()
        ),
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


def check_state(state: ExchangeState, deposits: dict[str, Decimal], created: list[OrderId]) -> None:
    """Invariants 1-6 and 9, which hold after every command and every advance of time."""
    check_fill_volumes_agree_with_status(state)
    check_open_orders_rest_in_book_and_index(state)
    check_finished_queue(state)
    check_frozen_margin_matches_open_orders(state)
    check_position_frozen_matches_close_orders(state)
    check_long_equals_short(state)
    check_coin_conservation(state, deposits)
    check_book_uncrossed_and_levels(state)
    check_order_ids(state, created)
