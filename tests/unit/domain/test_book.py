"""The order book: price levels in price-time priority, for bids and asks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.book import BookSide, OrderBook
from htx_sandbox.domain.money import contract_value
from htx_sandbox.domain.orders import Order, Trade
from htx_sandbox.domain.types import (
    UID,
    ZERO,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    Role,
    SelfMatchPrevent,
    TradeId,
)

TICK = Decimal("0.1")
SIZE = Decimal(100)
_ids = iter(range(1, 1_000_000))


def make_order(direction: Direction, ticks: int, volume: int = 1, uid: int = 1) -> Order:
    order_id = next(_ids)
    return Order(
        order_id=OrderId(order_id),
        uid=UID(uid),
        contract_code="BTC-USD",
        symbol="BTC",
        direction=direction,
        offset=Offset.OPEN,
        volume=volume,
        price=ticks * TICK,
        price_ticks=ticks,
        order_price_type=OrderPriceType.LIMIT,
        lever_rate=10,
        client_order_id=None,
        self_match_prevent=SelfMatchPrevent.CANCEL_TAKER,
        margin_frozen=ZERO,
        created_at=Millis(order_id),
    )


def fill(order: Order, volume: int) -> None:
    value = contract_value(volume, SIZE, order.price)
    order.record_fill(
        Trade(
            trade_id=TradeId(1),
            id=f"1-{order.order_id}-1",
            order_id=order.order_id,
            uid=order.uid,
            contract_code=order.contract_code,
            direction=order.direction,
            offset=order.offset,
            price=order.price,
            volume=volume,
            turnover=SIZE * volume,
            value=value,
            fee=ZERO,
            fee_asset="BTC",
            role=Role.MAKER,
            profit=ZERO,
            created_at=Millis(0),
        )
    )


def side_with(direction: Direction, *ticks: int) -> tuple[BookSide, list[Order]]:
    side = BookSide(direction)
    orders = [make_order(direction, t) for t in ticks]
    for order in orders:
        side.add(order)
    return side, orders


def level_ticks(side: BookSide) -> list[int]:
    return [ticks for ticks, _ in side.levels()]


# -- empty sides ---------------------------------------------------------------------------


@pytest.mark.parametrize("direction", list(Direction))
def test_empty_side(direction: Direction) -> None:
    side = BookSide(direction)
    assert len(side) == 0
    assert side.best_ticks() is None
    assert side.nth_best_ticks(1) is None
    assert side.nth_best_ticks(5) is None
    assert list(side.levels()) == []
    assert side.depth(10) == []
    assert list(side.orders()) == []


# -- ordering ------------------------------------------------------------------------------


def test_bids_are_best_highest_first() -> None:
    side, _ = side_with(Direction.BUY, 500, 502, 499, 501)
    assert side.best_ticks() == 502
    assert level_ticks(side) == [502, 501, 500, 499]
    assert len(side) == 4


def test_asks_are_best_lowest_first() -> None:
    side, _ = side_with(Direction.SELL, 500, 502, 499, 501)
    assert side.best_ticks() == 499
    assert level_ticks(side) == [499, 500, 501, 502]
    assert len(side) == 4


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        (Direction.BUY, {1: 503, 2: 502, 3: 501, 4: 500, 5: 500, 20: 500}),
        (Direction.SELL, {1: 500, 2: 501, 3: 502, 4: 503, 5: 503, 20: 503}),
    ],
)
def test_nth_best_is_the_deepest_there_is_when_shallower(
    direction: Direction, expected: dict[int, int]
) -> None:
    side, _ = side_with(direction, 501, 503, 500, 502)
    for n, ticks in expected.items():
        assert side.nth_best_ticks(n) == ticks


@pytest.mark.parametrize("direction", list(Direction))
def test_orders_at_one_price_share_a_level(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 500, 500)
    assert len(side) == 1
    [(ticks, level)] = list(side.levels())
    assert ticks == 500
    assert list(level.values()) == orders


@pytest.mark.parametrize("direction", list(Direction))
def test_price_time_priority_within_a_level(direction: Direction) -> None:
    side = BookSide(direction)
    first = make_order(direction, 500)
    other = make_order(direction, 501)
    second = make_order(direction, 500)
    third = make_order(direction, 500)
    for order in (first, other, second, third):
        side.add(order)
    levels = dict(side.levels())
    assert list(levels[500].values()) == [first, second, third]
    # Removing the oldest keeps the others in arrival order; a new order joins at the back.
    side.remove(first)
    fourth = make_order(direction, 500)
    side.add(fourth)
    assert list(dict(side.levels())[500].values()) == [second, third, fourth]


def test_orders_iterate_in_price_time_priority() -> None:
    side = BookSide(Direction.SELL)
    a = make_order(Direction.SELL, 501)
    b = make_order(Direction.SELL, 500)
    c = make_order(Direction.SELL, 501)
    d = make_order(Direction.SELL, 500)
    for order in (a, b, c, d):
        side.add(order)
    assert list(side.orders()) == [b, d, a, c]


# -- removal -------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", list(Direction))
def test_removing_the_best_level(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 501, 502)
    best = orders[2] if direction is Direction.BUY else orders[0]
    side.remove(best)
    assert len(side) == 2
    expected = [501, 500] if direction is Direction.BUY else [501, 502]
    assert level_ticks(side) == expected
    assert side.best_ticks() == expected[0]


@pytest.mark.parametrize("direction", list(Direction))
def test_removing_a_middle_level(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 501, 502, 503)
    side.remove(orders[1])  # 501
    side.remove(orders[2])  # 502
    expected = [503, 500] if direction is Direction.BUY else [500, 503]
    assert level_ticks(side) == expected
    assert side.best_ticks() == expected[0]
    assert side.nth_best_ticks(2) == expected[1]


@pytest.mark.parametrize("direction", list(Direction))
def test_removing_the_worst_level(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 501, 502)
    worst = orders[0] if direction is Direction.BUY else orders[2]
    side.remove(worst)
    expected = [502, 501] if direction is Direction.BUY else [500, 501]
    assert level_ticks(side) == expected


@pytest.mark.parametrize("direction", list(Direction))
def test_removing_one_of_several_orders_keeps_the_level(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 500, 501)
    side.remove(orders[0])
    assert len(side) == 2
    assert list(dict(side.levels())[500].values()) == [orders[1]]


@pytest.mark.parametrize("direction", list(Direction))
def test_removing_every_order_empties_the_side(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 503, 500, 501)
    for order in orders:
        side.remove(order)
    assert len(side) == 0
    assert side.best_ticks() is None
    assert list(side.levels()) == []


@pytest.mark.parametrize("direction", list(Direction))
def test_a_level_can_be_reopened_after_removal(direction: Direction) -> None:
    side, orders = side_with(direction, 500, 501)
    side.remove(orders[0])
    again = make_order(direction, 500)
    side.add(again)
    assert sorted(level_ticks(side)) == [500, 501]
    assert list(dict(side.levels())[500].values()) == [again]


def test_removing_an_unknown_order_raises() -> None:
    side, _ = side_with(Direction.BUY, 500)
    with pytest.raises(KeyError):
        side.remove(make_order(Direction.BUY, 500))
    with pytest.raises(KeyError):
        side.remove(make_order(Direction.BUY, 499))
    assert level_ticks(side) == [500]


# -- depth ---------------------------------------------------------------------------------


def test_depth_aggregates_remaining_volume_best_first_for_bids() -> None:
    side = BookSide(Direction.BUY)
    for ticks, volume in ((500, 2), (502, 1), (500, 3), (501, 7)):
        side.add(make_order(Direction.BUY, ticks, volume))
    assert side.depth(10) == [(502, 1), (501, 7), (500, 5)]
    assert side.depth(2) == [(502, 1), (501, 7)]
    assert side.depth(0) == []


def test_depth_aggregates_remaining_volume_best_first_for_asks() -> None:
    side = BookSide(Direction.SELL)
    for ticks, volume in ((500, 2), (502, 1), (500, 3), (501, 7)):
        side.add(make_order(Direction.SELL, ticks, volume))
    assert side.depth(10) == [(500, 5), (501, 7), (502, 1)]
    assert side.depth(1) == [(500, 5)]


def test_depth_counts_only_what_is_left_of_partly_filled_orders() -> None:
    side = BookSide(Direction.SELL)
    partly = make_order(Direction.SELL, 500, 10)
    side.add(partly)
    side.add(make_order(Direction.SELL, 500, 2))
    fill(partly, 4)
    assert side.depth(5) == [(500, 8)]


# -- crossing ------------------------------------------------------------------------------


def test_crosses_from_each_side() -> None:
    bids, asks = BookSide(Direction.BUY), BookSide(Direction.SELL)
    # A seller limited at 500 takes bids at 500 and above.
    assert bids.crosses(501, 500)
    assert bids.crosses(500, 500)
    assert not bids.crosses(499, 500)
    # A buyer limited at 500 takes asks at 500 and below.
    assert asks.crosses(499, 500)
    assert asks.crosses(500, 500)
    assert not asks.crosses(501, 500)


def test_order_book_sides() -> None:
    book = OrderBook("BTC-USD")
    assert book.contract_code == "BTC-USD"
    assert book.side(Direction.BUY) is book.bids
    assert book.side(Direction.SELL) is book.asks
    assert book.opposite(Direction.BUY) is book.asks
    assert book.opposite(Direction.SELL) is book.bids
    assert book.bids.direction is Direction.BUY
    assert book.asks.direction is Direction.SELL


def test_is_crossed() -> None:
    book = OrderBook("BTC-USD")
    assert not book.is_crossed()
    book.bids.add(make_order(Direction.BUY, 500))
    assert not book.is_crossed()  # one side only
    ask = make_order(Direction.SELL, 501)
    book.asks.add(ask)
    assert not book.is_crossed()
    touching = make_order(Direction.SELL, 500)
    book.asks.add(touching)
    assert book.is_crossed()  # bid == ask
    book.asks.remove(touching)
    assert not book.is_crossed()
    book.asks.add(make_order(Direction.SELL, 499))
    assert book.is_crossed()  # bid > ask
