"""The price band (HTX's price limits): buys at most `high_limit`, sells at least `low_limit`,
both following the index; 1039 names both limits. No index, no band."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import (
    LightningClose,
    PlaceBatch,
    SetContract,
    SetIndexPrices,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyPriceType, StrategyStatus
from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    ETH,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    rejected,
    sell,
)
from .triggers import GE, place_trigger, trade_at

INDEX = Decimal(60000)
# 60000 x 1.06 and x 0.94 on BTC-USD's 0.1 grid.
HIGH = Decimal(63600)
LOW = Decimal(56400)
BAND_TEXT = "Buy price must be lower than 63600USD. Sell price must exceed 56400USD."


def with_index(price: Decimal = INDEX, code: str = BTC, ex: Exchange | None = None) -> Exchange:
    ex = ex if ex is not None else make_exchange()
    outcome = ex.execute(SetIndexPrices({code: price}), NOW)
    assert outcome.error is None
    return ex


def test_a_buy_above_the_high_limit_is_1039_naming_both_limits() -> None:
    ex = with_index()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, HIGH + Decimal("0.1")))
    assert error.code == ErrorCode.PRICE_OUT_OF_BAND
    assert error.message() == BAND_TEXT
    assert error.message("zh") == "买入价必须低于63600USD,卖出价必须高于56400USD"


def test_a_sell_below_the_low_limit_is_1039_with_the_same_text() -> None:
    ex = with_index()
    error = rejected(ex, order_cmd(ALICE, SELL, 1, LOW - Decimal("0.1")))
    assert (error.code, error.message()) == (ErrorCode.PRICE_OUT_OF_BAND, BAND_TEXT)


def test_orders_at_the_limits_and_on_the_far_side_of_them_are_accepted() -> None:
    ex = with_index()
    assert buy(ex, ALICE, 1, HIGH).status is OrderStatus.SUBMITTED
    assert sell(ex, BOB, 1, LOW).status is OrderStatus.FILLED  # takes the bid at 63600
    # A buy far below the band and a sell far above it are never refused.
    assert buy(ex, ALICE, 1, "1000").status is OrderStatus.SUBMITTED
    assert sell(ex, BOB, 1, "1000000").status is OrderStatus.SUBMITTED


def test_closing_orders_meet_the_band_too() -> None:
    ex = with_index()
    sell(ex, BOB, 2, INDEX)
    buy(ex, ALICE, 2, INDEX)  # ALICE long 2, BOB short 2
    error = rejected(ex, order_cmd(ALICE, SELL, 1, "56399.9", offset=CLOSE))
    assert error.code == ErrorCode.PRICE_OUT_OF_BAND
    error = rejected(ex, order_cmd(BOB, BUY, 1, "63600.1", offset=CLOSE))
    assert error.code == ErrorCode.PRICE_OUT_OF_BAND


def test_the_limits_are_floored_and_ceiled_to_the_tick() -> None:
    # 61234.56 x 1.06 = 64908.6336 -> 64908.6; x 0.94 = 57560.4864 -> 57560.5.
    ex = with_index(Decimal("61234.56"))
    band = ex.state.price_bands[BTC]
    assert (band.low_limit, band.high_limit) == (Decimal("57560.5"), Decimal("64908.6"))
    assert buy(ex, ALICE, 1, "64908.6").status is OrderStatus.SUBMITTED
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "64908.7"))
    assert error.message() == (
        "Buy price must be lower than 64908.6USD. Sell price must exceed 57560.5USD."
    )
    rejected(ex, order_cmd(BOB, SELL, 1, "57560.4"))
    assert sell(ex, BOB, 1, "64908.6").status is OrderStatus.FILLED


def test_the_band_moves_with_the_index() -> None:
    ex = with_index()
    assert buy(ex, ALICE, 1, "63000").status is OrderStatus.SUBMITTED
    with_index(Decimal(50000), ex=ex)  # high 53000, low 47000
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "63000"))
    assert "lower than 53000USD" in error.message()
    assert sell(ex, BOB, 1, "47000").status is OrderStatus.FILLED  # takes the 63000 bid
    # A resting order outside the new band stays where it is: the band checks new orders.
    with_index(Decimal(70000), ex=ex)
    assert buy(ex, ALICE, 1, "74200").status is OrderStatus.SUBMITTED


def test_without_an_index_there_is_no_band() -> None:
    ex = make_exchange()
    assert BTC not in ex.state.price_bands
    assert buy(ex, ALICE, 1, "1000000").status is OrderStatus.SUBMITTED
    assert sell(ex, BOB, 1, "100").status is OrderStatus.FILLED
    with_index(code=ETH, ex=ex)  # another contract's index sets no band here
    assert buy(ex, ALICE, 1, "1000000").status is OrderStatus.SUBMITTED


def test_the_contracts_rate_sets_the_width() -> None:
    ex = with_index()
    ex.set_contract(SetContract(BTC, price_limit_rate=Decimal("0.01")), NOW)
    band = ex.state.price_bands[BTC]
    assert (band.low_limit, band.high_limit) == (Decimal(59400), Decimal(60600))
    rejected(ex, order_cmd(ALICE, BUY, 1, "60600.1"))
    assert buy(ex, ALICE, 1, "60600").status is OrderStatus.SUBMITTED


@pytest.mark.parametrize("rate", ["0", "1", "-0.01", "1.5", "0.0000001", "NaN"])
def test_a_rate_outside_0_to_1_is_1067_and_changes_nothing(rate: str) -> None:
    ex = with_index()
    outcome = ex.execute(SetContract(BTC, price_limit_rate=Decimal(rate)), NOW)
    assert outcome.error is not None and outcome.error.code == ErrorCode.ILLEGAL_PARAMETER
    assert ex.contracts.get(BTC).price_limit_rate == Decimal("0.06")
    assert ex.state.price_bands[BTC].high_limit == HIGH


# -- orders priced off the book: capped at the band ---------------------------------------------


def test_an_opponent_buy_beyond_the_band_is_capped_and_rests_at_the_high_limit() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "64000")  # rests while there is no band
    with_index(ex=ex)
    order = buy(ex, ALICE, 1, kind=OrderPriceType.OPPONENT)
    assert (order.price, order.trade_volume, order.status) == (HIGH, 0, OrderStatus.SUBMITTED)
    ioc = buy(ex, ALICE, 1, kind=OrderPriceType.OPPONENT_IOC)
    assert (ioc.price, ioc.trade_volume, ioc.status) == (HIGH, 0, OrderStatus.CANCELLED)


def test_an_optimal_sell_fills_the_levels_inside_the_band_and_rests_the_rest_at_the_limit() -> None:
    ex = make_exchange()
    buy(ex, BOB, 1, "59000")
    buy(ex, BOB, 1, "56400")
    buy(ex, BOB, 1, "50000")  # below the band to come
    with_index(ex=ex)
    order = sell(ex, ALICE, 3, kind=OrderPriceType.OPTIMAL_5)
    assert (order.price, order.trade_volume, order.status) == (LOW, 2, OrderStatus.PARTIALLY_FILLED)
    assert ex.depth(BTC) == ([(Decimal(50000), 1)], [(LOW, 1)])


def test_a_lightning_close_is_capped_at_the_band() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, INDEX)
    buy(ex, ALICE, 2, INDEX)  # ALICE long 2
    buy(ex, CAROL, 1, "57000")
    buy(ex, CAROL, 5, "40000")
    with_index(ex=ex)
    placed = ex.lightning_close(
        LightningClose(ALICE, BTC, SELL, 2, OrderPriceType.LIGHTNING_IOC), NOW
    ).reply
    order = ex.order(placed.order_id)
    assert order is not None
    assert (order.price, order.trade_volume, order.status) == (
        LOW,
        1,
        OrderStatus.PARTIALLY_FILLED_CANCELLED,
    )


# -- batches and fired strategy orders ----------------------------------------------------------


def test_each_order_of_a_batch_meets_the_band_alone() -> None:
    ex = with_index()
    orders = [
        order_cmd(ALICE, BUY, 1, "63600"),
        order_cmd(ALICE, BUY, 1, "63600.1"),
        order_cmd(ALICE, SELL, 1, "56399.9"),
        order_cmd(ALICE, SELL, 1, "70000"),
    ]
    items = ex.place_batch(PlaceBatch(ALICE, orders), NOW).reply
    errors = {item.index: item.error for item in items if item.error is not None}
    assert sorted(errors) == [2, 3]
    assert {e.code for e in errors.values()} == {ErrorCode.PRICE_OUT_OF_BAND}
    assert errors[2].message() == BAND_TEXT
    assert [item.index for item in items if item.placed is not None] == [1, 4]


def test_a_fired_limit_trigger_beyond_the_band_fails_with_1039() -> None:
    ex = with_index()
    order = place_trigger(ex, ALICE, GE, "61000", BUY, 1, "64000")  # placed: no band check yet
    assert order.status is StrategyStatus.WAITING
    trade_at(ex, "61000")
    assert order.status is StrategyStatus.FAILED
    assert (order.fail_code, order.fail_reason) == (ErrorCode.PRICE_OUT_OF_BAND, BAND_TEXT)
    assert ex.open_orders(ALICE, BTC) == []


def test_a_fired_optimal_trigger_is_capped_like_any_order_priced_off_the_book() -> None:
    ex = make_exchange()
    sell(ex, CAROL, 3, "64000")  # beyond the band to come
    with_index(ex=ex)
    order = place_trigger(ex, ALICE, GE, "61000", BUY, 1, kind=StrategyPriceType.OPTIMAL_5)
    trade_at(ex, "61000")
    assert order.status is StrategyStatus.PLACED
    child = ex.order(order.relation_order_id) if order.relation_order_id else None
    assert child is not None
    assert (child.price, child.trade_volume, child.status) == (HIGH, 0, OrderStatus.SUBMITTED)
