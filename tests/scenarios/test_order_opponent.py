"""opponent, opponent_ioc, opponent_fok: priced at the best opposite level, no client price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.types import Direction, OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    place,
    rejected,
    sell,
)

OPPONENT = OrderPriceType.OPPONENT
OPPONENT_IOC = OrderPriceType.OPPONENT_IOC
OPPONENT_FOK = OrderPriceType.OPPONENT_FOK
ALL_OPPONENT = [OPPONENT, OPPONENT_IOC, OPPONENT_FOK]


@pytest.mark.parametrize("kind", ALL_OPPONENT)
def test_opponent_buy_takes_the_best_ask_only(kind: OrderPriceType) -> None:
    ex = make_exchange()
    best = sell(ex, BOB, 3, "60000")
    sell(ex, CAROL, 3, "60000.5")

    order = buy(ex, ALICE, 2, kind=kind)

    assert order.price == Decimal("60000")
    assert order.status is OrderStatus.FILLED
    assert [(t.price, t.volume) for t in order.trades] == [(Decimal("60000"), 2)]
    assert best.remaining == 1
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 1), (Decimal("60000.5"), 3)])


@pytest.mark.parametrize("kind", ALL_OPPONENT)
def test_opponent_sell_takes_the_best_bid(kind: OrderPriceType) -> None:
    ex = make_exchange()
    buy(ex, BOB, 1, "59000")
    buy(ex, CAROL, 4, "59500")

    order = sell(ex, ALICE, 4, kind=kind)

    assert order.price == Decimal("59500")
    assert order.status is OrderStatus.FILLED
    assert [(t.price, t.volume) for t in order.trades] == [(Decimal("59500"), 4)]
    assert ex.depth(BTC) == ([(Decimal("59000"), 1)], [])


@pytest.mark.parametrize("kind", ALL_OPPONENT)
@pytest.mark.parametrize("direction", [BUY, SELL])
def test_opponent_on_an_empty_opposite_side_is_1016(
    kind: OrderPriceType, direction: Direction
) -> None:
    ex = make_exchange()
    # Only the order's own side has liquidity.
    place(ex, BOB, direction, 5, "60000")

    error = rejected(ex, order_cmd(ALICE, direction, 1, kind=kind))

    assert error.code == 1016  # BID_OFFER_NOT_EXIST
    assert error.message() == "The bid offer does not exist. Please input the price."


def test_opponent_remainder_rests_at_the_opponent_price() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "60000")
    deeper = sell(ex, CAROL, 5, "60100")

    order = buy(ex, ALICE, 4, kind=OPPONENT)

    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert order.trade_volume == 2
    assert order.price == Decimal("60000")
    # It does not walk to the next level; the remainder becomes the best bid at 60000.
    assert deeper.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([(Decimal("60000"), 2)], [(Decimal("60100"), 5)])
    assert [o.order_id for o in ex.open_orders(ALICE, BTC)] == [order.order_id]


def test_opponent_ioc_remainder_is_cancelled() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "60000")
    sell(ex, CAROL, 5, "60100")

    order = buy(ex, ALICE, 4, kind=OPPONENT_IOC)

    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert order.trade_volume == 2
    assert ex.depth(BTC) == ([], [(Decimal("60100"), 5)])
    assert ex.account(ALICE, "BTC").margin_frozen == 0


def test_opponent_fok_larger_than_the_best_level_is_cancelled_whole() -> None:
    ex = make_exchange()
    best = sell(ex, BOB, 2, "60000")
    sell(ex, CAROL, 5, "60100")

    order = buy(ex, ALICE, 4, kind=OPPONENT_FOK)

    assert order.status is OrderStatus.CANCELLED
    assert order.trades == ()
    assert best.remaining == 2
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 2), (Decimal("60100"), 5)])
