"""The trigger book: waiting strategy orders of one contract, taken out by the trades that cross
them (ge at or below the highest trade, le at or above the lowest), with lazy removal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    TriggerType,
)
from htx_sandbox.domain.trigger_book import TriggerBook
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId

GE, LE = TriggerType.GE, TriggerType.LE
TICK = Decimal("0.1")
_ids = count(1)


def waiting(trigger_type: TriggerType, ticks: int, order_id: int | None = None) -> StrategyOrder:
    return StrategyOrder(
        OrderId(next(_ids) if order_id is None else order_id),
        StrategyKind.TRIGGER,
        UID(1),
        "BTC-USD",
        "BTC",
        Direction.BUY,
        Offset.OPEN,
        1,
        10,
        StrategyPriceType.OPTIMAL_5,
        trigger_type,
        ticks * TICK,
        ticks,
        None,
        Millis(1),
    )


def book_with(*orders: StrategyOrder) -> TriggerBook:
    book = TriggerBook("BTC-USD")
    for order in orders:
        book.add(order)
    return book


def ids(orders: list[StrategyOrder]) -> list[OrderId]:
    return [order.order_id for order in orders]


def dead_bound(book: TriggerBook) -> int:
    """What the book promises: no more dead entries than max(64, live orders)."""
    return max(64, len(book))


# -- examples --------------------------------------------------------------------------------


def test_a_range_fires_ge_up_to_its_high_and_le_down_to_its_low_both_inclusive() -> None:
    ge_at_high, ge_above = waiting(GE, 105), waiting(GE, 106)
    le_at_low, le_below = waiting(LE, 100), waiting(LE, 99)
    ge_below_range, le_above_range = waiting(GE, 90), waiting(LE, 110)
    book = book_with(ge_at_high, ge_above, le_at_low, le_below, ge_below_range, le_above_range)

    fired = book.crossed(100, 105)

    assert set(ids(fired)) == set(ids([ge_at_high, le_at_low, ge_below_range, le_above_range]))
    assert set(book.live) == {ge_above.order_id, le_below.order_id}
    assert book.crossed(100, 105) == []  # taken out: a second pass over the range fires nothing


def test_a_single_price_fires_ge_and_le_orders_at_it() -> None:
    ge, le = waiting(GE, 100), waiting(LE, 100)
    book = book_with(ge, le, waiting(GE, 101), waiting(LE, 99))
    assert set(ids(book.crossed(100, 100))) == {ge.order_id, le.order_id}
    assert len(book) == 2


def test_ge_orders_come_out_lowest_first_le_orders_highest_first_ties_by_id() -> None:
    ge = [waiting(GE, t) for t in (103, 101, 102, 101)]
    le = [waiting(LE, t) for t in (97, 99, 98, 99)]
    book = book_with(*ge, *le)
    fired = book.crossed(90, 110)
    by_ge = sorted(ge, key=lambda o: (o.trigger_ticks, o.order_id))
    by_le = sorted(le, key=lambda o: (-o.trigger_ticks, o.order_id))
    assert ids(fired) == ids(by_ge + by_le)


def test_a_discarded_order_never_fires_and_discarding_twice_or_unknown_is_harmless() -> None:
    kept, dropped = waiting(GE, 100), waiting(GE, 100)
    book = book_with(kept, dropped)
    book.discard(dropped)
    book.discard(dropped)
    book.discard(waiting(LE, 100))  # never added
    assert len(book) == 1
    assert ids(book.crossed(100, 100)) == [kept.order_id]
    book.discard(kept)  # already taken out by crossed: nothing to do
    assert len(book) == 0 and book.entries == 0


def test_compaction_keeps_exactly_the_live_orders() -> None:
    orders = [waiting(GE if i % 2 else LE, 100 + i % 7) for i in range(300)]
    book = book_with(*orders)
    dropped = orders[::2] + orders[1:3:2]  # 151 of 300: the dead now outnumber the live
    for order in dropped[:-1]:
        book.discard(order)
    assert book.entries == 300  # 150 dead against 150 live: not yet
    book.discard(dropped[-1])
    live = [o for o in orders if o not in dropped]
    assert book.entries == len(live) == len(book) == 149  # rebuilt with the live ones only
    assert sorted(ids(book.crossed(0, 1_000))) == sorted(ids(live))


def test_firing_that_leaves_the_dead_outnumbering_the_live_compacts_too() -> None:
    above = [waiting(GE, 200) for _ in range(200)]
    below = [waiting(GE, 100) for _ in range(100)]
    book = book_with(*above, *below)
    for order in above[:101]:  # 101 dead against 199 live: no rebuild yet
        book.discard(order)
    assert book.entries == 300
    assert len(book.crossed(100, 100)) == 100  # 101 dead against 99 live left
    assert book.entries == len(book) == 99
    assert sorted(ids(book.crossed(200, 200))) == sorted(ids(above[101:]))


def test_memory_stays_bounded_over_many_add_and_discard_cycles() -> None:
    book = TriggerBook("BTC-USD")
    resident = [waiting(GE, 500 + i) for i in range(10)]
    for order in resident:
        book.add(order)
    most = 0
    for i in range(20_000):
        order = waiting(GE if i % 2 else LE, 100 + i % 50)
        book.add(order)
        book.discard(order)
        most = max(most, book.entries)
    assert len(book) == 10
    assert most <= len(resident) + 1 + dead_bound(book)  # not 20,000: dead entries are dropped
    assert sorted(ids(book.crossed(0, 1_000))) == sorted(ids(resident))


# -- against a naive model -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Add:
    trigger_type: TriggerType
    ticks: int


@dataclass(frozen=True, slots=True)
class Discard:
    pick: int
    """Which of the orders added so far (any of them, fired or discarded already too)."""


@dataclass(frozen=True, slots=True)
class Cross:
    low: int
    high: int


ticks = st.integers(min_value=0, max_value=12)
steps = st.one_of(
    st.builds(Add, st.sampled_from((GE, LE)), ticks),
    st.builds(Add, st.sampled_from((GE, LE)), ticks),
    st.builds(Discard, st.integers(min_value=0, max_value=10_000)),
    st.builds(Cross, ticks, ticks).map(lambda c: Cross(min(c.low, c.high), max(c.low, c.high))),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(steps, max_size=400))
def test_the_book_fires_what_a_scan_of_every_waiting_order_would(
    plan: list[Add | Discard | Cross],
) -> None:
    """The model scans a dict of waiting orders; the book must agree with it on what each
    range fires, in which order, and on what is left, with its dead entries bounded."""
    book = TriggerBook("BTC-USD")
    model: dict[OrderId, StrategyOrder] = {}
    added: list[StrategyOrder] = []
    for step in plan:
        match step:
            case Add(trigger_type, t):
                order = waiting(trigger_type, t)
                added.append(order)
                book.add(order)
                model[order.order_id] = order
            case Discard(pick) if added:
                order = added[pick % len(added)]
                book.discard(order)
                model.pop(order.order_id, None)
            case Cross(low, high):
                expected_ge = sorted(
                    (o for o in model.values() if o.trigger_type is GE and o.trigger_ticks <= high),
                    key=lambda o: (o.trigger_ticks, o.order_id),
                )
                expected_le = sorted(
                    (o for o in model.values() if o.trigger_type is LE and o.trigger_ticks >= low),
                    key=lambda o: (-o.trigger_ticks, o.order_id),
                )
                fired = book.crossed(low, high)
                assert ids(fired) == ids(expected_ge + expected_le), step
                assert all(fired_order is model.pop(fired_order.order_id) for fired_order in fired)
        assert book.live == model
        assert book.entries - len(book) <= dead_bound(book), (book.entries, len(book))
