"""ioc fills what it can and cancels the rest; fok fills whole or is cancelled whole."""

from __future__ import annotations

import copy
from decimal import Decimal

from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BTC_FUNDS,
    CAROL,
    buy,
    make_exchange,
    sell,
)

IOC = OrderPriceType.IOC
FOK = OrderPriceType.FOK


def test_ioc_partial_fill_cancels_the_rest_with_status_5() -> None:
    ex = make_exchange()
    maker = sell(ex, BOB, 2, "60000")
    sell(ex, BOB, 4, "60000.1")  # beyond the ioc's price

    order = buy(ex, ALICE, 5, "60000", kind=IOC)

    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert order.trade_volume == 2
    assert [(t.price, t.volume) for t in order.trades] == [(Decimal("60000"), 2)]
    assert maker.status is OrderStatus.FILLED
    # Nothing of the ioc rests, and it holds no margin any more.
    assert ex.depth(BTC) == ([], [(Decimal("60000.1"), 4)])
    assert ex.open_orders(ALICE) == []
    assert order.margin_frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert [p.volume for p in ex.positions(ALICE)] == [2]


def test_ioc_with_nothing_to_take_is_cancelled_with_status_7() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60100")

    order = buy(ex, ALICE, 1, "60000", kind=IOC)

    assert order.status is OrderStatus.CANCELLED
    assert order.trades == ()
    assert ex.depth(BTC) == ([], [(Decimal("60100"), 1)])
    account = ex.account(ALICE, "BTC")
    assert account.margin_frozen == 0
    assert account.margin_available == BTC_FUNDS


def test_ioc_on_an_empty_book_is_cancelled() -> None:
    ex = make_exchange()
    order = sell(ex, ALICE, 3, "60000", kind=IOC)
    assert order.status is OrderStatus.CANCELLED
    assert ex.depth(BTC) == ([], [])


def test_ioc_that_fills_whole_is_status_6() -> None:
    ex = make_exchange()
    buy(ex, BOB, 5, "60000")
    order = sell(ex, ALICE, 5, "60000", kind=IOC)
    assert order.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([], [])


def test_fok_that_can_fill_whole_is_filled_across_levels() -> None:
    ex = make_exchange()
    first = sell(ex, BOB, 2, "60000")
    second = sell(ex, CAROL, 3, "60010")

    order = buy(ex, ALICE, 5, "60010", kind=FOK)

    assert order.status is OrderStatus.FILLED
    assert [(t.price, t.volume) for t in order.trades] == [
        (Decimal("60000"), 2),
        (Decimal("60010"), 3),
    ]
    assert first.status is OrderStatus.FILLED and second.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([], [])
    assert ex.account(ALICE, "BTC").margin_frozen == 0


def test_fok_that_cannot_fill_whole_is_cancelled_whole_and_the_book_is_untouched() -> None:
    ex = make_exchange()
    first = sell(ex, BOB, 2, "60000")
    second = sell(ex, CAROL, 3, "60010")
    sell(ex, CAROL, 9, "60020")  # beyond the fok's price
    before_accounts = copy.deepcopy([ex.state.accounts[(u, "BTC")] for u in (BOB, CAROL)])
    depth_before = ex.depth(BTC)

    order = buy(ex, ALICE, 6, "60010", kind=FOK)

    assert order.status is OrderStatus.CANCELLED
    assert order.trade_volume == 0
    assert order.trades == ()
    assert order.margin_frozen == 0
    assert ex.depth(BTC) == depth_before
    assert first.status is OrderStatus.SUBMITTED and first.remaining == 2
    assert second.status is OrderStatus.SUBMITTED and second.remaining == 3
    assert ex.positions(ALICE) == [] and ex.positions(BOB) == []
    assert ex.account(ALICE, "BTC").margin_available == BTC_FUNDS
    assert ex.state.fee_pool.get("BTC", Decimal(0)) == 0
    # The makers' side of the state is exactly as before.
    assert [ex.state.accounts[(u, "BTC")] for u in (BOB, CAROL)] == before_accounts


def test_fok_sell_on_an_empty_book_is_cancelled() -> None:
    ex = make_exchange()
    order = sell(ex, ALICE, 1, "60000", kind=FOK)
    assert order.status is OrderStatus.CANCELLED
    assert ex.depth(BTC) == ([], [])
