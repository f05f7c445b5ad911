"""optimal_N (and _ioc/_fok): priced at the N-th best opposite level, or the deepest there is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import Direction, OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    place,
    rejected,
    sell,
)

T = OrderPriceType
ALL_OPTIMAL = [
    T.OPTIMAL_5, T.OPTIMAL_10, T.OPTIMAL_20,
    T.OPTIMAL_5_IOC, T.OPTIMAL_10_IOC, T.OPTIMAL_20_IOC,
    T.OPTIMAL_5_FOK, T.OPTIMAL_10_FOK, T.OPTIMAL_20_FOK,
]
BASE = Decimal(60000)
STEP = Decimal(10)


def ask_ladder(ex: Exchange, levels: int, each: int = 1) -> list[Decimal]:
    """Bob offers `each` contracts at 60000, 60010, ... over `levels` levels; returns the prices."""
    prices = [BASE + STEP * i for i in range(levels)]
    for price in prices:
        sell(ex, BOB, each, price)
    return prices


def bid_ladder(ex: Exchange, levels: int, each: int = 1) -> list[Decimal]:
    """Bob bids `each` contracts at 60000, 59990, ... over `levels` levels; returns the prices."""
    prices = [BASE - STEP * i for i in range(levels)]
    for price in prices:
        buy(ex, BOB, each, price)
    return prices


@pytest.mark.parametrize("kind,n", [(T.OPTIMAL_5, 5), (T.OPTIMAL_10, 10), (T.OPTIMAL_20, 20)])
def test_optimal_n_buy_reaches_n_levels_and_rests_the_remainder_at_the_nth(
    kind: OrderPriceType, n: int
) -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 25)

    order = buy(ex, ALICE, n + 3, kind=kind)

    assert order.price == prices[n - 1]
    assert [t.price for t in order.trades] == prices[:n]
    assert order.trade_volume == n
    assert order.status is OrderStatus.PARTIALLY_FILLED
    bids, asks = ex.depth(BTC, 50)
    assert bids == [(prices[n - 1], 3)]
    assert asks == [(p, 1) for p in prices[n:]]


@pytest.mark.parametrize("kind,n", [(T.OPTIMAL_5, 5), (T.OPTIMAL_10, 10), (T.OPTIMAL_20, 20)])
def test_optimal_n_sell_reaches_n_levels_of_bids(kind: OrderPriceType, n: int) -> None:
    ex = make_exchange()
    prices = bid_ladder(ex, 25)

    order = sell(ex, ALICE, n, kind=kind)

    assert order.price == prices[n - 1]
    assert [t.price for t in order.trades] == prices[:n]
    assert order.status is OrderStatus.FILLED
    bids, asks = ex.depth(BTC, 50)
    assert bids == [(p, 1) for p in prices[n:]]
    assert asks == []


@pytest.mark.parametrize("kind", [T.OPTIMAL_10, T.OPTIMAL_20, T.OPTIMAL_10_IOC, T.OPTIMAL_20_FOK])
def test_optimal_n_on_a_shallower_book_prices_at_the_deepest_level(kind: OrderPriceType) -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 7)

    order = buy(ex, ALICE, 7, kind=kind)

    assert order.price == prices[-1]
    assert [t.price for t in order.trades] == prices
    assert order.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([], [])


def test_optimal_5_does_not_take_the_sixth_level() -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 6, each=2)

    order = buy(ex, ALICE, 11, kind=T.OPTIMAL_5)

    assert order.trade_volume == 10
    assert order.price == prices[4]
    assert ex.depth(BTC) == ([(prices[4], 1)], [(prices[5], 2)])


@pytest.mark.parametrize("kind,n", [(T.OPTIMAL_5_IOC, 5), (T.OPTIMAL_10_IOC, 10),
                                    (T.OPTIMAL_20_IOC, 20)])
def test_optimal_n_ioc_cancels_what_n_levels_cannot_fill(kind: OrderPriceType, n: int) -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 25)

    order = buy(ex, ALICE, n + 3, kind=kind)

    assert order.trade_volume == n
    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    bids, asks = ex.depth(BTC, 50)
    assert bids == []
    assert asks == [(p, 1) for p in prices[n:]]
    assert ex.account(ALICE, "BTC").margin_frozen == 0


@pytest.mark.parametrize("kind,n", [(T.OPTIMAL_5_FOK, 5), (T.OPTIMAL_10_FOK, 10),
                                    (T.OPTIMAL_20_FOK, 20)])
def test_optimal_n_fok_fills_whole_within_n_levels(kind: OrderPriceType, n: int) -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 25)

    order = buy(ex, ALICE, n, kind=kind)

    assert order.status is OrderStatus.FILLED
    assert [t.price for t in order.trades] == prices[:n]


@pytest.mark.parametrize("kind,n", [(T.OPTIMAL_5_FOK, 5), (T.OPTIMAL_10_FOK, 10),
                                    (T.OPTIMAL_20_FOK, 20)])
def test_optimal_n_fok_beyond_n_levels_is_cancelled_whole(kind: OrderPriceType, n: int) -> None:
    ex = make_exchange()
    prices = ask_ladder(ex, 25)

    order = buy(ex, ALICE, n + 1, kind=kind)

    assert order.status is OrderStatus.CANCELLED
    assert order.trades == ()
    assert ex.depth(BTC, 50) == ([], [(p, 1) for p in prices])
    assert ex.account(ALICE, "BTC").margin_frozen == 0


@pytest.mark.parametrize("kind", ALL_OPTIMAL)
@pytest.mark.parametrize("direction", [BUY, SELL])
def test_optimal_on_an_empty_opposite_side_is_1076(
    kind: OrderPriceType, direction: Direction
) -> None:
    ex = make_exchange()
    place(ex, BOB, direction, 5, "60000")  # same side only

    error = rejected(ex, order_cmd(ALICE, direction, 1, kind=kind))

    assert error.code == 1076  # NO_ORDER_BOOK_DATA
    assert error.message() == "No orders, please try again later."
