"""The exchange's invariants as plain checks over an `ExchangeState`, shared by the property test
(tests/properties, driving `Exchange` directly) and the HTTP fuzzer (tests/fuzz, driving the app
over a running engine). Each invariant is a small function with a docstring saying why it must
hold; `check_state` runs those that hold after every command and every advance of time (with
16-19 from tests/strategy_invariants.py).
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from itertools import pairwise

from htx_sandbox.domain import risk
from htx_sandbox.domain.commands import (
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelReply,
    CancelStrategyOrders,
    Outcome,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.events import Event, OrderTraded, StrategyOrderChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderStatus
from tests.strategy_invariants import (
    check_attached_legs_follow_their_order,
    check_no_waiting_leg_without_position,
    check_tpsl_pairs,
    check_trailing_fields,
    strategy_rows,
)

S = OrderStatus
SS = StrategyStatus
COIN_QUANTUM = Decimal("1e-18")
WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)
"""Wide enough that sums and quotients of coin amounts here are exact before quantizing."""
CANCELLED_OR_CANCELLING = frozenset({S.CANCELLED, S.PARTIALLY_FILLED_CANCELLED, S.CANCELLING})
CANCELS_FROZEN = frozenset({ErrorCode.IN_SETTLEMENT, ErrorCode.IN_DELIVERY})
"""What a cancel answers, whole, while its contract settles or delivers."""

Fingerprint = tuple[object, ...]
Statuses = dict[OrderId, OrderStatus]
StrategyStatuses = dict[OrderId, StrategyStatus]


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
            (key, a.margin_static, a.margin_frozen, a.profit_real, a.fees_paid, a.deposited,
             a.settled_balance, a.settled_fees)
            for key, a in state.accounts.items()
        )
    )
    holdings = tuple(
        sorted(
            (
                key,
                h.lever_rate,
                (h.long.volume, h.long.frozen, h.long.cost_value, h.long.open_value),
                (h.short.volume, h.short.frozen, h.short.cost_value, h.short.open_value),
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
        strategy_fingerprint(state),
        funding_fingerprint(state),
    )


def funding_fingerprint(state: ExchangeState) -> Fingerprint:
    """The funding clock, each contract's samples of the period, the settlement price's fills
    and the coin the rounding of settlements left with the exchange."""
    return (
        state.next_sample,
        state.next_settlement,
        state.window_end,
        tuple(sorted((code, p.total, p.samples, p.last) for code, p in state.premiums.items())),
        tuple(sorted((code, f.volume, f.value) for code, f in state.settlement_fills.items())),
        tuple(sorted(state.funding_pool.items())),
    )


def strategy_fingerprint(state: ExchangeState) -> Fingerprint:
    """What a command could change of the strategy orders: each order's progress, and every
    index and count the StrategyBook keeps."""
    strategies = state.strategies
    orders = tuple(
        (
            oid, o.status, o.volume, o.update_time, o.relation_order_id, o.triggered_price,
            o.is_active, o.market_limit_price, o.formula_price, o.fail_code,
        )
        for oid, o in strategies.orders.items()
    )
    return (
        orders,
        tuple(sorted((key, tuple(owned)) for key, owned in strategies.by_owner.items())),
        tuple(sorted(strategies.open_per_kind.items())),
        tuple(sorted((code, tuple(sorted(book.live)), book.entries)
                     for code, book in strategies.books.items())),
        tuple(sorted((code, tuple(t)) for code, t in strategies.tracking.items())),
        tuple(sorted((oid, tuple(o.order_id for o in legs))
                     for oid, legs in strategies.attached.items())),
        tuple(strategies.finished),
    )


_NOT_ORDINARY = (11, 14, 15)
"""Positions in fingerprint() of the order id counter (strategy orders draw from it too), the
clock and the strategy orders."""


def ordinary_parts(fingerprint: Fingerprint) -> Fingerprint:
    """The fingerprint without the order id counter, the clock and the strategy orders: what
    placing or cancelling a strategy order must leave exactly as it was."""
    return tuple(part for i, part in enumerate(fingerprint) if i not in _NOT_ORDINARY)


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
    lock or leak the client's coin for good. Waiting strategy orders count for nothing here:
    they freeze no margin until they fire (HTX's rule; see invariant 12)."""
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
    frozen is never negative: a position can never be closed twice over. Waiting closing
    strategy orders freeze none of it (HTX: they do not occupy the position's volume)."""
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

        sum(margin_static) + fee_pool + funding_pool + sum(long cost_value - short cost_value)
            == sum(deposits).

    Deposits add to margin_static. A match of v contracts at price p moves one coin value
    x = v x size / p, quantized once and shared by both sides, from the seller's books to the
    buyer's: a buyer who opens adds x to its long cost_value; a buyer who closes takes released
    (its share of the short's cost_value) out of the short, which raises the sum by released, and
    realizes x - released into margin_static: +x in total either way. The seller symmetrically
    loses x (opening adds x to the short's cost, which counts negatively; closing removes released
    from the long and realizes released - x). Fees move from margin_static to the fee pool. All
    amounts are on the 1e-18 grid, so no rounding can creep in; any difference is coin created
    or destroyed. A funding settlement moves each position's unrealized profit from its
    cost_value into margin_static and funding between the holdings' margin_static; what its
    rounding leaves (payments rounded up, receipts down, booked profits truncated) goes to the
    funding pool. Liquidation keeps it: netting is a match of the account with itself, a
    takeover moves the same x from the liquidated account's books to the insurance fund's
    (UID 0's account and holdings, counted here like any), the fund netting its own long and
    short realizes exactly the cost it releases, and covering a negative balance moves coin
    from the fund's margin_static to the account's."""
    symbols = {contract.symbol for contract in state.contracts}
    with localcontext(WIDE):
        for symbol in symbols:
            total = state.fee_pool.get(symbol, Decimal(0))
            total += state.funding_pool.get(symbol, Decimal(0))
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


def check_order_ids(
    state: ExchangeState, created: list[OrderId], created_strategies: list[OrderId] | None = None
) -> None:
    """Invariant 9. Order ids are HTX-shaped (18 or 19 digits), unique, and strictly increasing in
    creation order: clients sort and page by them, and storage keys rows on them. `created`
    lists the ids the replies reported, in order; the exchange holds exactly those orders, and
    the ones fired strategy orders placed (each names its own in relation_order_id), and the
    liquidation orders the risk engine sent (invariant 26 says what they are). Strategy
    orders draw from the same sequence: with `created_strategies` (the ids their replies
    reported), the exchange holds exactly those strategy orders, none sharing an id with an
    ordinary order."""
    ids = list(state.orders)
    placed = {
        o.relation_order_id
        for o in state.strategies.orders.values()
        if o.relation_order_id is not None
    }
    liquidations = {oid for oid, o in state.orders.items() if o.order_type == 3}
    assert ids == sorted({*created, *placed, *liquidations}), (ids, created, placed)
    for order_id in ids:
        assert len(str(order_id)) in (18, 19), order_id
    for earlier, later in pairwise(ids):
        assert earlier < later, (earlier, later)
    strategy_ids = list(state.strategies.orders)
    if created_strategies is not None:
        assert strategy_ids == created_strategies, (strategy_ids, created_strategies)
    for order_id in strategy_ids:
        assert len(str(order_id)) in (18, 19), order_id
    for earlier, later in pairwise(strategy_ids):
        assert earlier < later, (earlier, later)
    assert not set(strategy_ids) & set(ids), set(strategy_ids) & set(ids)


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


def liquidation_effects(state: ExchangeState, before: Statuses, outcome: Outcome) -> set[OrderId]:
    """What a liquidation set off by a command that trades nothing itself (a cancel moves the
    book's mid, and with it the mark) may have changed besides the command's own work: the
    liquidation orders it sent, the orders it cancelled (canceled_source "risk"), every order
    that traded in the command (only liquidation orders and what their trades fired trade
    then) and the orders strategy orders placed. Nothing when the risk engine did not act."""
    new = set(state.orders) - set(before)
    acted = any(state.orders[oid].order_type == 3 for oid in new) or any(
        order.canceled_source == "risk" and order.status != before.get(oid)
        for oid, order in state.orders.items()
    )
    if not acted:
        return set()
    sources = {kind.order_source for kind in StrategyKind}
    traded = {e.trade.order_id for e in outcome.events if isinstance(e, OrderTraded)}
    return traded | {
        oid for oid, order in state.orders.items()
        if (oid in new and (order.order_type == 3 or order.order_source in sources))
        or (order.canceled_source == "risk" and order.status != before.get(oid))
    }  # fmt: skip


def check_cancel_all_scope(
    exchange: Exchange, cmd: CancelAll, outcome: Outcome, before: Statuses
) -> None:
    """Invariant 8. swap_cancelall cancels the caller's open orders on that contract that match
    its direction and offset filters, and nothing else: any order whose status it changed is one
    of those, and afterwards every one of them is cancelled (5, 7) or cancelling (11). Those
    already cancelling are reported with 1062, the others as successes; with nothing to match,
    the answer is 1051 (while the contract settles or delivers, 1056 or 1059 for the whole
    call). A liquidation the cancels set off is the risk engine's (liquidation_effects)."""
    state = exchange.state
    code = state.contracts.get(cmd.contract_code).contract_code

    def matches(order: Order) -> bool:
        return (
            order.uid == cmd.uid
            and order.contract_code == code
            and (cmd.direction is None or order.direction is cmd.direction)
            and (cmd.offset is None or order.offset is cmd.offset)
        )

    liquidation = liquidation_effects(state, before, outcome)
    assert set(before) <= set(state.orders), "cancel-all lost orders"
    assert set(state.orders) - set(before) <= liquidation, "cancel-all created orders"
    for oid, order in state.orders.items():
        if oid in before and order.status != before[oid] and oid not in liquidation:
            assert matches(order), (cmd, order, before[oid])
    targets = [state.orders[oid] for oid, was in before.items()
               if was.is_open and matches(state.orders[oid])]  # fmt: skip
    if outcome.error is not None:
        if outcome.error.code in CANCELS_FROZEN:
            return  # settlement or delivery (invariant 7: it changed nothing)
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
    are as unknown as missing ones (1061) and stay untouched. A liquidation the cancel set off
    is the risk engine's (liquidation_effects)."""
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
    liquidation = liquidation_effects(state, before, outcome)
    assert set(before) <= set(state.orders), "cancel lost orders"
    assert set(state.orders) - set(before) <= liquidation, "cancel created orders"
    for oid, order in state.orders.items():
        if oid in before and order.status != before[oid] and oid not in liquidation:
            assert oid in mine, (cmd, order, before[oid])
    if outcome.error is not None:
        return
    for oid in mine:
        if before[oid] in (S.SUBMITTED, S.PARTIALLY_FILLED):
            assert state.orders[oid].status in CANCELLED_OR_CANCELLING, (cmd, state.orders[oid])


# -- strategy orders -------------------------------------------------------------------------


def check_strategy_orders_fire_once(state: ExchangeState) -> None:
    """Invariant 10. A strategy order fires at most once, and what it placed is an ordinary order
    of its owner that says where it came from: relation_order_id is set exactly when it ended
    placed (4), names an order whose order_source is the strategy's kind, on its contract, in
    its direction and offset, for its real_volume (at most its volume: a close shrinks to what
    can be closed), and no two strategy orders name the same order; conversely every ordinary
    order with a strategy order_source was placed by one of them (none fires twice, none
    without a record). A failed one (5) keeps HTX's code and text; only a fired one has a
    triggered price and time."""
    sources = {kind.order_source: kind for kind in StrategyKind}
    named: dict[OrderId, StrategyOrder] = {}
    for oid, strategy in state.strategies.orders.items():
        assert oid == strategy.order_id, strategy
        fired = strategy.status in (SS.PLACED, SS.FAILED)
        assert (strategy.triggered_at is not None) == fired, strategy
        assert (strategy.triggered_price is not None) == fired, strategy
        assert (strategy.fail_code is not None) == (strategy.status is SS.FAILED), strategy
        assert (strategy.fail_reason is not None) == (strategy.status is SS.FAILED), strategy
        assert (strategy.order_insert_at != 0) == (strategy.status is SS.PLACED), strategy
        assert (strategy.canceled_at != 0) == (strategy.status is SS.CANCELLED), strategy
        child_id = strategy.relation_order_id
        assert (child_id is not None) == (strategy.status is SS.PLACED), strategy
        if child_id is None:
            continue
        assert child_id not in named, (strategy, named.get(child_id))
        named[child_id] = strategy
        child = state.orders.get(child_id)
        assert child is not None, strategy
        assert child.order_source == strategy.kind.order_source, (strategy, child)
        assert (child.uid, child.contract_code) == (strategy.uid, strategy.contract_code), child
        assert (child.direction, child.offset) == (strategy.direction, strategy.offset), child
        assert child.volume == strategy.real_volume, (strategy, child)
        assert 0 < child.volume <= strategy.volume, (strategy, child)
        if strategy.offset is Offset.OPEN:
            assert child.volume == strategy.volume, (strategy, child)
        assert child.created_at == strategy.order_insert_at == strategy.triggered_at, child
        assert child.order_price_type is strategy.order_price_type.placed_as, (strategy, child)
        if strategy.order_price_type is StrategyPriceType.LIMIT:
            assert child.price == strategy.order_price, (strategy, child)
        if strategy.lever_rate is not None:
            assert child.lever_rate == strategy.lever_rate, (strategy, child)
    for oid, order in state.orders.items():
        if order.order_source in sources:
            assert oid in named, f"{order} has no strategy order that placed it"
            assert named[oid].kind is sources[order.order_source], (order, named[oid])


def check_strategy_indexes(state: ExchangeState) -> None:
    """Invariant 11. Each strategy order is in exactly the indexes its status needs, so that
    trades fire it, cancels find it and counts limit it, and never once it has ended: an open
    one (1, 2) is in its owner's index (StrategyBook.by_owner, which cancel-all and the limits
    walk) and counted in open_per_kind; a waiting one (2) in its contract's trigger book, unless
    it is an activated trailing order, which is in its contract's tracking table instead; a leg
    attached to an opening order that is still open is in that order's attached list, and a
    leg not yet activated (1) in no book at all. A finished one (4, 5, 6, 11, 12) is in none of
    them, and queued once for eviction, in the order they ended. The trigger books' dead
    entries stay within max(64, live orders): memory follows what waits."""
    strategies = state.strategies
    orders = strategies.orders
    open_ones = {oid: o for oid, o in orders.items() if o.is_open}
    owned: dict[OrderId, tuple[UID, str, StrategyKind]] = {}
    for key, index in strategies.by_owner.items():
        assert index, f"empty owner index {key}"
        for oid, order in index.items():
            assert orders.get(oid) is order and oid not in owned, (key, order)
            assert (order.uid, order.contract_code, order.kind) == key, (key, order)
            owned[oid] = key
    assert set(owned) == set(open_ones), (
        f"open, not owned: {set(open_ones) - set(owned)}; "
        f"owned, not open: {set(owned) - set(open_ones)}"
    )
    counts = Counter((o.uid, o.kind) for o in open_ones.values())
    assert strategies.open_per_kind == dict(counts), (strategies.open_per_kind, counts)

    def tracked(order: StrategyOrder) -> bool:
        return order.kind is StrategyKind.TRACK and order.is_active

    in_books: set[OrderId] = set()
    for code, book in strategies.books.items():
        assert book.contract_code == code, code
        for oid, order in book.live.items():
            assert orders.get(oid) is order and order.contract_code == code, (code, order)
            in_books.add(oid)
        assert book.entries - len(book) <= max(64, len(book)), (code, book.entries, len(book))
    waiting = {oid for oid, o in open_ones.items() if o.status is SS.WAITING}
    assert in_books == {oid for oid in waiting if not tracked(orders[oid])}, (
        in_books, waiting
    )
    in_tracking: set[OrderId] = set()
    for code, tracking in strategies.tracking.items():
        assert tracking.contract_code == code, code
        for oid, order in tracking.items():
            assert orders.get(oid) is order and order.contract_code == code, (code, order)
            in_tracking.add(oid)
    assert in_tracking == {oid for oid in waiting if tracked(orders[oid])}, in_tracking
    in_attached: set[OrderId] = set()
    for source, legs in strategies.attached.items():
        assert legs, f"empty attached list of {source}"
        opening = state.orders.get(source)
        assert opening is not None and opening.status.is_open, (source, legs)
        for leg in legs:
            assert leg.is_open and leg.source_order_id == source, (source, leg)
            assert orders.get(leg.order_id) is leg and leg.order_id not in in_attached, leg
            in_attached.add(leg.order_id)
    for oid, order in open_ones.items():
        leg_of = order.source_order_id
        opening = state.orders.get(leg_of) if leg_of is not None else None
        should = opening is not None and opening.status.is_open
        assert (oid in in_attached) == should, (order, opening)
        if order.status is SS.NOT_ACTIVATED:
            assert should, f"{order} waits for an opening order that has ended"
    finished = list(strategies.finished)
    assert len(finished) == len(set(finished)), "a strategy order finished twice"
    ended = {oid for oid, o in orders.items() if not o.is_open}
    assert set(finished) == ended, (finished, ended)
    times = [orders[oid].update_time for oid in finished]
    assert times == sorted(times), times


def check_nothing_left_to_fire(state: ExchangeState) -> None:
    """Invariant 11b. A command settles what its trades fire before it ends (cascades too), so
    no traded range waits for a later command: that one would fire orders on prices it never
    made."""
    assert state.traded == {}, state.traded


def check_strategy_command_froze_nothing(
    before: Fingerprint, after: Fingerprint, outcome: Outcome
) -> None:
    """Invariant 12. A waiting strategy order freezes nothing (HTX: neither margin nor
    position until it fires), so placing or cancelling one leaves every ordinary order,
    account, position and book exactly as it was, and tells of nothing but strategy orders;
    invariants 2 and 3 then see the same frozen margin and volume, that of ordinary orders."""
    assert outcome.error is None
    assert all(isinstance(event, StrategyOrderChanged) for event in outcome.events), outcome
    if ordinary_parts(before) != ordinary_parts(after):
        parts = zip(ordinary_parts(before), ordinary_parts(after), strict=True)
        diff = [i for i, (b, a) in enumerate(parts) if b != a]
        raise AssertionError(f"a strategy command changed ordinary parts {diff}")


def strategy_statuses(state: ExchangeState) -> StrategyStatuses:
    return {oid: order.status for oid, order in state.strategies.orders.items()}


def traded_ranges(exchange: Exchange, events: list[Event]) -> dict[str, tuple[int, int]]:
    """Per contract, the lowest and highest price in ticks that the events' trades made. A
    market trade has a taker: the fills a liquidation makes off the book (netting, a takeover
    by the insurance fund: maker sides only) are no trades of the market, and fire nothing."""
    takers = {
        e.trade.trade_id for e in events if isinstance(e, OrderTraded) and e.trade.role == "taker"
    }
    ranges: dict[str, tuple[int, int]] = {}
    for event in events:
        if isinstance(event, OrderTraded) and event.trade.trade_id in takers:
            trade = event.trade
            ticks = exchange.contracts.get(trade.contract_code).ticks(trade.price)
            low, high = ranges.get(trade.contract_code, (ticks, ticks))
            ranges[trade.contract_code] = (min(low, ticks), max(high, ticks))
    return ranges


def crossed_by(order: StrategyOrder, low: int, high: int) -> bool:
    """Whether trades from `low` to `high` ticks meet a trigger condition (ge: the price rose
    to the trigger; le: it fell to it), ends included."""
    if order.trigger_type is TriggerType.GE:
        return order.trigger_ticks <= high
    return order.trigger_ticks >= low


def check_firing_scope(exchange: Exchange, outcome: Outcome, before: StrategyStatuses) -> None:
    """Invariant 13. Trades fire exactly the strategy orders they cross, within the same
    command (cascades included), and nothing else fires them: after any command, no order
    that waited in a trigger book before it and waits there still is crossed by a trade the
    command made; a trigger order or TP/SL leg that fired (4, 5) in it was crossed, and
    records a triggered price its trades reached, on the side of its trigger; a command that
    traded nothing fired nothing. A TP/SL leg the command activated (its opening order filled)
    waits for the trades from its activation on: those of the round of firing the activating
    fill belongs to, and later ones; it may have missed a trade of an earlier round, which the
    check does not tell apart, and fires only if a trade crossed it. (Invariant 22 says what
    ends strategy orders otherwise.)"""
    state = exchange.state
    ranges = traded_ranges(exchange, outcome.events)
    for code, book in state.strategies.books.items():
        if code in ranges:
            low, high = ranges[code]
            for oid, order in book.live.items():
                if before.get(oid) is SS.WAITING:
                    assert not crossed_by(order, low, high), (order, ranges[code])
    for oid, order in state.strategies.orders.items():
        status = before.get(oid)
        if order.status not in (SS.PLACED, SS.FAILED) or order.status is status:
            continue
        # Fired in this command: it waited, or it is a leg the command's fills activated.
        activated = order.source_order_id is not None and status in (None, SS.NOT_ACTIVATED)
        assert status is SS.WAITING or activated, (order, status)
        assert order.contract_code in ranges, f"{order} fired without a trade"
        if order.kind is StrategyKind.TRACK:
            continue
        low, high = ranges[order.contract_code]
        assert crossed_by(order, low, high), (order, ranges[order.contract_code])
        contract = exchange.contracts.get(order.contract_code)
        price = order.triggered_price
        assert price is not None and contract.price(low) <= price <= contract.price(high)
        if order.trigger_type is TriggerType.GE:
            assert price >= order.trigger_price, order
        else:
            assert price <= order.trigger_price, order


def check_strategy_cancel_scope(
    exchange: Exchange, cmd: CancelStrategyOrders, outcome: Outcome, before: StrategyStatuses
) -> None:
    """Invariant 14 (swap_trigger_cancel and its twins). Only the caller's open orders of that
    kind on that contract that it names change, each to cancelled (6) and reported among the
    successes; every other id it sends, unknown, another UID's, another kind's, an ordinary
    order's or one that has ended, comes back in the errors with 1061 (1408 for a leg not yet
    activated); every id sent is answered exactly once."""
    state = exchange.state
    code = state.contracts.get(cmd.contract_code).contract_code
    orders = state.strategies.orders
    assert set(orders) == set(before), "a strategy cancel created or lost strategy orders"

    def mine(oid: OrderId) -> bool:
        order = orders.get(oid)
        return (
            order is not None
            and before[oid].is_open
            and (order.uid, order.contract_code, order.kind) == (cmd.uid, code, cmd.kind)
        )

    texts = [given.strip() for given in cmd.order_ids]
    named = {OrderId(int(t)) for t in texts if t.isascii() and t.isdigit() and len(t) <= 19}
    for oid, order in orders.items():
        if order.status is not before[oid]:
            assert oid in named and mine(oid), (cmd, order, before[oid])
            assert order.status is SS.CANCELLED, order
    if outcome.error is not None:
        return
    reply = outcome.reply
    assert isinstance(reply, CancelReply)
    cancelled = [oid for oid in named if oid in orders and orders[oid].status is not before[oid]]
    assert sorted(reply.successes) == sorted(str(oid) for oid in cancelled), (cmd, reply)
    for oid in named:
        if mine(oid) and before[oid] is SS.WAITING:
            assert orders[oid].status is SS.CANCELLED, (cmd, orders[oid])
    assert len(reply.successes) + len(reply.errors) == len(cmd.order_ids), (cmd, reply)
    for error in reply.errors:
        expected = {ErrorCode.CANCEL_ORDER_NOT_EXIST, ErrorCode.TPSL_NOT_ACTIVE}
        assert error.error.code in expected, (cmd, error)


def check_strategy_cancel_all_scope(
    exchange: Exchange, cmd: CancelAllStrategy, outcome: Outcome, before: StrategyStatuses
) -> None:
    """Invariant 15 (swap_trigger_cancelall and its twins). It cancels the caller's open orders
    of that kind on that contract that match its direction and offset filters, and nothing
    else: every such waiting one is cancelled (6) and among the successes, a leg not yet
    activated is answered 1408; with nothing to match, the answer is 1051 (while the contract
    settles or delivers, 1056 or 1059 for the whole call)."""
    state = exchange.state
    code = state.contracts.get(cmd.contract_code).contract_code
    orders = state.strategies.orders
    assert set(orders) == set(before), "a strategy cancel-all created or lost strategy orders"

    def matches(order: StrategyOrder) -> bool:
        return (
            (order.uid, order.contract_code, order.kind) == (cmd.uid, code, cmd.kind)
            and (cmd.direction is None or order.direction is cmd.direction)
            and (cmd.offset is None or order.offset is cmd.offset)
        )

    targets = [o for oid, o in orders.items() if before[oid].is_open and matches(o)]
    for oid, order in orders.items():
        if order.status is not before[oid]:
            assert matches(order) and order.status is SS.CANCELLED, (cmd, order, before[oid])
    if outcome.error is not None:
        if outcome.error.code in CANCELS_FROZEN:
            return  # settlement or delivery (invariant 7: it changed nothing)
        assert outcome.error.code == ErrorCode.NO_ORDERS_TO_CANCEL, outcome.error
        assert not targets, (cmd, targets)
        return
    assert targets, (cmd, "strategy cancel-all succeeded with nothing to cancel")
    reply = outcome.reply
    assert isinstance(reply, CancelReply)
    waiting = [o for o in targets if before[o.order_id] is SS.WAITING]
    assert all(o.status is SS.CANCELLED for o in waiting), (cmd, waiting)
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in waiting), (cmd, reply)
    assert sorted((e.order_id, e.error.code) for e in reply.errors) == sorted(
        (str(o.order_id), ErrorCode.TPSL_NOT_ACTIVE)
        for o in targets
        if before[o.order_id] is SS.NOT_ACTIVATED
    ), (cmd, reply)


def restart_fingerprint(exchange: Exchange) -> Fingerprint:
    """fingerprint() as a restart must give it back, with every field of every strategy order:
    less the clock (the engine's clock moves it on) and the next premium sample (see below),
    and with what a restore rebuilds its own
    way compared as sets: the delayed cancels still to land (they land at the first advance
    after a restart), the eviction queues and the duplicate window (ordered by time, then id, where
    memory has them in the order they happened within a millisecond), the trigger books'
    dead heap entries (none after a restore) and the tracking books' order of activation; a
    contract's book that holds nothing is as good as none (memory makes them as needed)."""
    state = exchange.state
    parts = list(fingerprint(exchange))
    parts[7] = tuple(
        sorted(
            order_id
            for _, order_id in state.pending_cancels
            if (order := state.orders.get(order_id)) is not None and order.status is S.CANCELLING
        )
    )  # entries of orders that filled while cancelling are skipped when they fall due
    parts[8] = tuple(sorted(state.finished))
    parts[9] = tuple(sorted(state.client_order_times))
    strategies = state.strategies
    parts[15] = (
        tuple(sorted(strategy_rows(state).items())),
        tuple(sorted((key, tuple(owned)) for key, owned in strategies.by_owner.items())),
        tuple(sorted(strategies.open_per_kind.items())),
        tuple(sorted((code, tuple(sorted(book.live)))
                     for code, book in strategies.books.items() if book.live)),
        tuple(sorted((code, tuple(sorted(t))) for code, t in strategies.tracking.items() if t)),
        tuple(sorted((oid, tuple(o.order_id for o in legs))
                     for oid, legs in strategies.attached.items())),
        tuple(sorted(strategies.finished)),
    )  # fmt: skip
    # A premium sample that sampled nothing (no index) moves the funding clock without an
    # event, so without a commit: the restored clock runs it again, to the same effect.
    funding = parts[16]
    assert isinstance(funding, tuple)
    parts[16] = (None, *funding[1:])
    del parts[14]
    return tuple(parts)


def check_restart_restores(live: Exchange, restored: Exchange) -> None:
    """Invariant 24. A restart from what was committed gives back the exchange that committed
    it: every order, account, position, book level, strategy order (every field: an activated
    trailing order's extreme, a leg's volume and its opening order) and index. The commit
    after each command writes the rows its events name (invariant 23 says every change has
    one), and the restore rebuilds the indexes from the rows; a difference is something a
    crash would lose or change."""
    live_sample, restored_sample = live.state.next_sample, restored.state.next_sample
    assert live_sample is not None and restored_sample is not None
    assert restored_sample <= live_sample, (restored_sample, live_sample)
    before, after = restart_fingerprint(live), restart_fingerprint(restored)
    if before != after:
        diff = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
        details = [(before[i], after[i]) for i in diff]
        raise AssertionError(f"a restart changed parts {diff}: {details}")


def check_no_account_at_risk(state: ExchangeState) -> None:
    """Invariant 25. A command ends with every liquidation its prices called for done (its own
    trades, an index move, the cascade they set off): no account holding a position is left
    with its margin ratio at or below 0 at the marks, and no account without one is left
    owing (margin_static below 0: the insurance fund covers it). The fund, UID 0, is the
    exchange's own and may be below 0."""
    for (uid, symbol), account in state.accounts.items():
        if uid == FUND:
            continue
        if risk.exposures(state, uid, symbol):
            assert not risk.at_risk(state, account), (uid, symbol, account)
        else:
            assert account.margin_static >= 0, (uid, symbol, account.margin_static)


def check_liquidation_index(state: ExchangeState) -> None:
    """Invariant 26. The liquidation index holds exactly the accounts a mark could liquidate,
    each where it belongs now: an account with a position on one contract only at the trigger
    computed from its state this moment (same contract, side and price), or among the
    unreachable when no mark can liquidate it as it stands, one with positions on several of
    its coin's contracts aside (checked at every command), no other and never the fund. A
    stale entry would miss a liquidation or make one at the wrong mark. And every liquidation
    order (order_type 3) is the risk engine's close order, finished within its command (it
    never rests), of a liquidation_type HTX knows, free of charge."""
    index = state.liquidations
    expected: dict[tuple[UID, str], tuple[str, str, Decimal]] = {}
    multi: dict[str, set[UID]] = {}
    unreachable: set[tuple[UID, str]] = set()
    for (uid, symbol), account in state.accounts.items():
        if uid == FUND:
            continue
        found = risk.exposures(state, uid, symbol)
        if len(found) > 1:
            multi.setdefault(symbol, set()).add(uid)
        elif found:
            key = risk.trigger(state, account, found[0].holding)
            if key is None:
                unreachable.add((uid, symbol))
            else:
                expected[(uid, symbol)] = (key.contract_code, key.side, key.price)
    placed = {key: entry[:3] for key, entry in index.placed.items()}
    assert placed == expected, (placed, expected)
    assert index.multi == multi, (index.multi, multi)
    assert index.unreachable == unreachable, (index.unreachable, unreachable)
    for order in state.orders.values():
        if order.order_type != 3:
            assert order.liquidation_type == "0", order
            continue
        assert order.order_source == "risk" and order.offset is Offset.CLOSE, order
        assert order.liquidation_type in ("1", "2", "3"), order
        assert order.status.is_final and order.trade_volume > 0, order
        assert order.fee == 0, order
        if order.liquidation_type != "2":
            assert order.status is S.FILLED, order


def check_state(
    state: ExchangeState,
    deposits: dict[str, Decimal],
    created: list[OrderId],
    created_strategies: list[OrderId] | None = None,
) -> None:
    """Invariants 1-6, 9-11, 16-19, 25 and 26, which hold after every command and every
    advance of time."""
    check_fill_volumes_agree_with_status(state)
    check_open_orders_rest_in_book_and_index(state)
    check_finished_queue(state)
    check_frozen_margin_matches_open_orders(state)
    check_position_frozen_matches_close_orders(state)
    check_long_equals_short(state)
    check_coin_conservation(state, deposits)
    check_book_uncrossed_and_levels(state)
    check_order_ids(state, created, created_strategies)
    check_strategy_orders_fire_once(state)
    check_strategy_indexes(state)
    check_nothing_left_to_fire(state)
    check_tpsl_pairs(state)
    check_attached_legs_follow_their_order(state)
    check_no_waiting_leg_without_position(state)
    check_trailing_fields(state)
    check_no_account_at_risk(state)
    check_liquidation_index(state)
