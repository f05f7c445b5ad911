"""post_only: a maker-only order rests when it does not cross, and is cancelled if it would take."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import ALICE, BOB, BTC, BTC_FUNDS, buy, make_exchange, sell

POST_ONLY = OrderPriceType.POST_ONLY


def test_post_only_buy_below_the_best_ask_rests() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60100")

    order = buy(ex, ALICE, 2, "60000", kind=POST_ONLY)

    assert order.status is OrderStatus.SUBMITTED
    assert order.trades == ()
    assert ex.depth(BTC) == ([(Decimal("60000"), 2)], [(Decimal("60100"), 1)])
    assert ex.account(ALICE, "BTC").margin_frozen == order.margin_frozen > 0


def test_post_only_on_an_empty_book_rests() -> None:
    ex = make_exchange()
    order = sell(ex, ALICE, 1, "60000", kind=POST_ONLY)
    assert order.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 1)])


def test_resting_post_only_is_filled_as_maker() -> None:
    ex = make_exchange()
    maker = sell(ex, ALICE, 1, "60000", kind=POST_ONLY)

    buy(ex, BOB, 1, "60000")

    assert maker.status is OrderStatus.FILLED
    assert maker.trades[0].role == "maker"


def test_post_only_that_would_take_is_accepted_then_cancelled_without_trading() -> None:
    ex = make_exchange()
    ask = sell(ex, BOB, 1, "60000")
    frozen_before = ex.account(ALICE, "BTC").margin_frozen

    order = buy(ex, ALICE, 2, "60000", kind=POST_ONLY)

    # Accepted (it has an id and is queryable), then cancelled whole.
    assert ex.order(order.order_id) is order
    assert order.status is OrderStatus.CANCELLED
    assert order.trade_volume == 0
    assert order.trades == ()
    assert order.margin_frozen == 0
    account = ex.account(ALICE, "BTC")
    assert account.margin_frozen == frozen_before == 0
    assert account.margin_static == BTC_FUNDS
    assert account.margin_available == BTC_FUNDS
    assert ex.open_orders(ALICE) == []
    assert ex.positions(ALICE) == []
    # The ask it would have taken is untouched.
    assert ask.status is OrderStatus.SUBMITTED
    assert ask.remaining == 1
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 1)])


def test_post_only_sell_through_the_best_bid_is_cancelled() -> None:
    ex = make_exchange()
    bid = buy(ex, BOB, 3, "60000")

    order = sell(ex, ALICE, 1, "59000", kind=POST_ONLY)

    assert order.status is OrderStatus.CANCELLED
    assert order.trades == ()
    assert bid.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([(Decimal("60000"), 3)], [])
    assert ex.state.fee_pool.get("BTC", Decimal(0)) == 0
