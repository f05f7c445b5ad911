"""TrackingBook: the active trailing orders of a contract, checked against a naive model that
looks at every order on every range (which is what the book must agree with, without doing)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from htx_sandbox.domain import tracking_book
from htx_sandbox.domain.contracts import Contract
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    TriggerType,
)
from htx_sandbox.domain.tracking_book import TrackingBook
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId

CONTRACT = Contract("BTC-USD", "BTC", Decimal(100), Decimal("0.5"), Decimal(60000))
BUY, SELL = Direction.BUY, Direction.SELL


def active(order_id: int, direction: Direction, extreme_ticks: int, rate: str) -> StrategyOrder:
    order = StrategyOrder(
        OrderId(order_id), StrategyKind.TRACK, UID(1), "BTC-USD", "BTC", direction,
        Offset.OPEN, 1, 10, StrategyPriceType.FORMULA_PRICE,
        TriggerType.LE if direction is BUY else TriggerType.GE,
        CONTRACT.price(extreme_ticks), extreme_ticks, None, Millis(0),
        callback_rate=Decimal(rate), is_active=True,
    )  # fmt: skip
    order.market_limit_price = CONTRACT.price(extreme_ticks)
    return order


def reached(order: StrategyOrder, low: int, high: int) -> bool:
    """The naive fire check: a trade as far as the extreme moved by the callback, exactly."""
    assert order.callback_rate is not None and order.market_limit_price is not None
    if order.direction is BUY:
        return CONTRACT.price(high) >= order.market_limit_price * (1 + order.callback_rate)
    return CONTRACT.price(low) <= order.market_limit_price * (1 - order.callback_rate)


def naive(orders: dict[OrderId, StrategyOrder], low: int, high: int) -> tuple[set[int], set[int]]:
    """(fired ids, moved ids) as a scan of every order sees them, moving the extremes too."""
    fired, moved = set(), set()
    for order_id, order in list(orders.items()):
        assert order.market_limit_price is not None
        extreme = CONTRACT.ticks(order.market_limit_price)
        if reached(order, low, high):
            fired.add(order_id)
        elif order.direction is BUY and low < extreme:
            order.market_limit_price = CONTRACT.price(low)
            moved.add(order_id)
        elif order.direction is SELL and high > extreme:
            order.market_limit_price = CONTRACT.price(high)
            moved.add(order_id)
    for order_id in fired:
        del orders[order_id]
    return fired, moved


def entries(book: TrackingBook) -> int:
    heaps = (book._buy_fire, book._buy_low, book._sell_fire, book._sell_high)
    return sum(len(heap) for heap in heaps)


RATES = st.sampled_from(["0.001", "0.003", "0.01", "0.0125", "0.05", "0.1"])
# Narrow prices, so that trades often land exactly on a fire price or an extreme.
ORDER = st.tuples(st.sampled_from([BUY, SELL]), st.integers(1_000, 1_040), RATES)
RANGE = st.tuples(st.integers(880, 1_160), st.integers(0, 30))
STEP = st.one_of(
    st.tuples(st.just("add"), ORDER),
    st.tuples(st.just("discard"), st.integers(0, 40)),
    st.tuples(st.just("trade"), RANGE),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, max_size=60))
def test_agrees_with_a_scan_of_every_order(steps: list[tuple[str, object]]) -> None:
    book = TrackingBook("BTC-USD")
    mirror: dict[OrderId, StrategyOrder] = {}  # the model's own copies
    next_id = 1
    for kind, arg in steps:
        if kind == "add":
            direction, ticks, rate = arg  # type: ignore[misc]
            order = active(next_id, direction, ticks, rate)
            book.add(order)
            mirror[order.order_id] = active(next_id, direction, ticks, rate)
            next_id += 1
        elif kind == "discard":
            ids = sorted(book.live)
            if ids:
                order_id = ids[int(arg) % len(ids)]  # type: ignore[call-overload]
                book.discard(book.live[order_id])
                del mirror[order_id]
        else:
            low, width = arg  # type: ignore[misc]
            high = low + width
            fired = book.fired(CONTRACT, low, high)
            moved = book.follow(CONTRACT.price(low), CONTRACT.price(high))
            expected_fired, expected_moved = naive(mirror, low, high)
            assert {o.order_id for o in fired} == expected_fired
            assert {o.order_id for o in moved} == expected_moved
        extremes = {i: o.market_limit_price for i, o in mirror.items()}
        assert {i: o.market_limit_price for i, o in book.live.items()} == extremes
        # two live entries an order, and at most as many dead ones (or 64)
        assert entries(book) <= 4 * len(book.live) + 64


def test_a_range_that_fires_and_moves_nothing_looks_at_no_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = TrackingBook("BTC-USD")
    for i in range(1, 10_001):
        book.add(active(i, BUY if i % 2 else SELL, 120_000, "0.01"))
    roundings = 0

    def counted(real: Callable[[Decimal, Contract], int]) -> Callable[[Decimal, Contract], int]:
        def rounding(price: Decimal, contract: Contract) -> int:
            nonlocal roundings
            roundings += 1
            return real(price, contract)

        return rounding

    for name in ("ticks_at_or_above", "ticks_at_or_below"):
        monkeypatch.setattr(tracking_book, name, counted(getattr(tracking_book, name)))
    assert book.fired(CONTRACT, 119_990, 120_010) == []
    assert book.follow(CONTRACT.price(120_000), CONTRACT.price(120_000)) == []
    assert roundings == 2  # the top of each fire heap, nothing more


def test_memory_stays_proportional_to_the_active_orders() -> None:
    book = TrackingBook("BTC-USD")
    orders = [active(i, BUY, 120_000, "0.05") for i in range(1, 101)]
    for order in orders:
        book.add(order)
    for step in range(1, 2_001):  # every step moves every low down a tick
        assert len(book.follow(CONTRACT.price(120_000 - step), CONTRACT.price(120_000))) == 100
    assert entries(book) <= 2 * 100 + 2 * 100 + 64
    for order in orders:
        book.discard(order)
    assert len(book) == 0 and entries(book) <= 64
    for i in range(1, 2_001):  # orders that fire as soon as they are added
        book.add(active(1_000 + i, BUY, 1_000, "0.01"))
        assert len(book.fired(CONTRACT, 1_010, 1_010)) == 1
    assert entries(book) <= 64


def test_fire_prices_are_reached_inclusively_from_either_side() -> None:
    book = TrackingBook("BTC-USD")
    buying = active(1, BUY, 1_000, "0.01")  # 500 x 1.01 = 505 -> 1010 ticks
    selling = active(2, SELL, 1_000, "0.01")  # 500 x 0.99 = 495 -> 990 ticks
    book.add(buying)
    book.add(selling)
    assert book.fired(CONTRACT, 991, 1_009) == []
    assert book.fired(CONTRACT, 990, 1_009) == [selling]
    assert book.fired(CONTRACT, 1_010, 1_010) == [buying]


def test_a_callback_smaller_than_a_tick_needs_a_whole_tick() -> None:
    # Extreme 1.0 (2 ticks) x 1.001 = 1.001 lies between 1.0 and 1.5 on the 0.5 grid: a trade
    # at the low itself has not turned back by 0.1 %; the first that has is 1.5 (3 ticks).
    book = TrackingBook("BTC-USD")
    a, b = active(1, BUY, 2, "0.001"), active(2, BUY, 2, "0.1")
    selling = active(3, SELL, 3, "0.001")  # 1.5 x 0.999 = 1.4985: 1.0 reaches it, 1.5 not
    # (a trade at 1.0 would move the buys' low; `fired` alone leaves extremes as they are)
    for order in (b, a, selling):
        book.add(order)
    assert book.fired(CONTRACT, 2, 2) == [selling]  # and not the buys, at their low
    assert book.fired(CONTRACT, 3, 3) == [a, b]


def test_it_reads_as_a_mapping_of_the_active_orders() -> None:
    book = TrackingBook("BTC-USD")
    a, b = active(1, BUY, 1_000, "0.01"), active(2, SELL, 1_000, "0.01")
    book.add(a)
    book.add(b)
    assert dict(book) == {1: a, 2: b} and list(book.values()) == [a, b]
    assert 1 in book and book.get(OrderId(3)) is None
    book.discard(a)
    book.discard(b)
    assert book == {} and not book
