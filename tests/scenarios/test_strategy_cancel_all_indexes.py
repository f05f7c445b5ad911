"""The strategy cancel-alls end all of a caller's orders at once (StrategyBook.finish_all): every
index then holds what it would had each been cancelled alone (tests/invariants.py's invariant
11), and the exchange goes on as if they had been: what is cancelled never fires nor follows a
fill again, what is left (others', not-activated legs) fires and is cancelled as before."""

from __future__ import annotations

from htx_sandbox.domain.commands import CancelAllStrategy, CancelOrders
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyKind, StrategyStatus
from tests.invariants import check_strategy_indexes

from .helpers import ALICE, BOB, BTC, BUY, NOW, SELL, buy, order_cmd, sell
from .tpsl_helpers import attach, leg, legs_of, limited_exchange, long_position, place_tpsl
from .track_helpers import track, trade_at
from .triggers import GE, place_trigger

S = StrategyStatus
MANY = StrategyLimits(per_contract=1000, platform=1000)
"""Room for more orders than the books keep dead entries of (64) before they compact."""


def test_trailing_orders_active_and_waiting_leave_both_books() -> None:
    ex = limited_exchange(MANY)
    active = [track(ex, BUY, active="59000") for _ in range(90)]
    waiting = [track(ex, BUY, active="58000") for _ in range(90)]
    bobs = track(ex, BUY, active="59000", uid=BOB)
    trade_at(ex, "59000")
    assert all(o.is_active for o in active) and not any(o.is_active for o in waiting)
    strategies = ex.state.strategies
    reply = ex.cancel_all_strategy(CancelAllStrategy(StrategyKind.TRACK, ALICE, BTC), NOW).reply
    assert reply.successes == [str(o.order_id) for o in active + waiting] and not reply.errors
    assert {o.status for o in active + waiting} == {S.CANCELLED}
    check_strategy_indexes(ex.state)
    assert list(strategies.tracking[BTC]) == [bobs.order_id]
    assert len(strategies.books[BTC]) == 0
    assert strategies.open_count(ALICE, BTC, StrategyKind.TRACK) == 0
    trade_at(ex, "57000")  # below every one of Alice's active prices: nothing of hers moves
    trade_at(ex, "60000")  # 1 % above Bob's low of 57000: his fires
    assert bobs.status is S.PLACED and bobs.market_limit_price == 57000
    assert {o.status for o in active + waiting} == {S.CANCELLED}
    assert {o.market_limit_price for o in active} == {59000}
    check_strategy_indexes(ex.state)


def test_tpsl_legs_attached_or_on_a_position_leave_every_index() -> None:
    ex = limited_exchange(MANY)
    long_position(ex, 40)
    on_position = []
    for _ in range(40):
        tp, sl = place_tpsl(ex, SELL, 1, tp=leg(62000), sl=leg(58000))
        assert tp is not None and sl is not None
        on_position += [tp, sl]
    # A working opening order whose first fill armed its legs, and one that never filled.
    working = attach(ex, order_cmd(ALICE, BUY, 3, 60000), tp=leg(62000), sl=leg(58000))
    sell(ex, BOB, 1, 60000)
    armed = legs_of(ex, working)
    unfilled = attach(ex, order_cmd(ALICE, BUY, 1, 50000), tp=leg(52000), sl=leg(48000))
    not_active = legs_of(ex, unfilled)
    assert {o.status for o in armed} == {S.WAITING} and {o.volume for o in armed} == {1}
    cancelled = sorted([*on_position, *armed], key=lambda o: o.order_id)
    reply = ex.cancel_all_strategy(CancelAllStrategy(StrategyKind.TPSL, ALICE, BTC), NOW).reply
    assert reply.successes == [str(o.order_id) for o in cancelled]
    assert [(e.order_id, e.error.code) for e in reply.errors] == [
        (str(o.order_id), 1408) for o in not_active
    ]
    assert {o.status for o in cancelled} == {S.CANCELLED}
    check_strategy_indexes(ex.state)
    assert list(ex.state.strategies.attached) == [unfilled.order_id]
    sell(ex, BOB, 2, 60000)  # the working order fills: its cancelled legs no longer follow
    assert {o.volume for o in armed} == {1}
    ex.cancel_orders(CancelOrders(ALICE, BTC, [str(unfilled.order_id)]), NOW)
    assert {o.status for o in not_active} == {S.NOT_ACTIVATED_EXPIRED}
    check_strategy_indexes(ex.state)


def test_many_trigger_orders_leave_the_book_compact() -> None:
    """Cancelled all at once, 300 of 301 waiting orders: the book rebuilds its heaps once and
    keeps only Bob's, which still fires."""
    ex = limited_exchange(MANY)
    mine = [place_trigger(ex, ALICE, GE, str(61000 + i), BUY, 1, "61000") for i in range(300)]
    bobs = place_trigger(ex, BOB, GE, "60500", BUY, 1, "60500")
    ex.cancel_all_strategy(CancelAllStrategy(StrategyKind.TRIGGER, ALICE, BTC), NOW)
    book = ex.state.strategies.books[BTC]
    assert list(book.live) == [bobs.order_id] and book.entries == 1
    check_strategy_indexes(ex.state)
    sell(ex, BOB, 1, 61500)
    buy(ex, ALICE, 1, 61500)
    assert bobs.status is S.PLACED and {o.status for o in mine} == {S.CANCELLED}
