"""swap_track_order: what a trailing order is once accepted, and every refusal (which changes
nothing: no order, no id, no frozen margin)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import PlaceTriggerOrder, SetContract, SetIndexPrices
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import UID, ContractStatus

from .helpers import ALICE, BTC, BUY, CAROL, CLOSE, ETH, NOW, SELL, buy, make_exchange, sell
from .track_helpers import refused, track, track_cmd, trade_at

P = StrategyPriceType


def test_a_buy_waits_inactive_for_a_fall_to_its_active_price() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.003", volume=4, lever=20)
    assert order.kind is StrategyKind.TRACK and order.status is StrategyStatus.WAITING
    assert not order.is_active
    assert (order.trigger_type, order.trigger_price) == (TriggerType.LE, Decimal(59000))
    assert order.callback_rate == Decimal("0.003") and order.order_price is None
    assert (order.volume, order.lever_rate, order.order_source) == (4, 20, "api")
    assert order.order_price_type is P.FORMULA_PRICE
    assert (order.market_limit_price, order.formula_price, order.real_volume) == (None, None, 0)
    assert order.relation_order_id is None and order.triggered_price is None
    assert ex.state.strategies.owned(ALICE, BTC, StrategyKind.TRACK) == {order.order_id: order}


def test_a_sell_waits_for_a_rise_to_its_active_price() -> None:
    ex = make_exchange()
    order = track(ex, SELL, active="61000", kind=P.OPTIMAL_10)
    assert (order.trigger_type, order.trigger_price) == (TriggerType.GE, Decimal(61000))
    assert order.order_price_type is P.OPTIMAL_10


def test_waiting_freezes_nothing() -> None:
    ex = make_exchange()
    before = ex.account(ALICE, "BTC")
    track(ex, BUY, volume=1000)
    after = ex.account(ALICE, "BTC")
    assert after.margin_frozen == before.margin_frozen == 0
    assert after.margin_available == before.margin_available
    assert ex.open_orders(ALICE) == []


@pytest.mark.parametrize("rate", ["0.001", "0.05", "0.1", "0.0123456789"])
def test_callback_rates_from_0_1_to_10_percent_are_accepted(rate: str) -> None:
    assert track(make_exchange(), callback=rate).callback_rate == Decimal(rate)


@pytest.mark.parametrize(
    ("rate", "bound"),
    [("0.0009", "≥0.1%"), ("0", "≥0.1%"), ("-0.01", "≥0.1%"), ("0.1001", "≤10%"), ("1", "≤10%")],
)
def test_a_callback_rate_out_of_range_is_1425(rate: str, bound: str) -> None:
    error = refused(make_exchange(), track_cmd(callback=rate))
    assert error.code == ErrorCode.CALLBACK_RATE
    assert error.message() == f"The callback rate should be {bound}, please modify!"
    assert error.message("zh") == f"回调比例必须{bound}, 请修改!"


def test_a_buy_must_activate_below_the_latest_price_and_a_sell_above_it() -> None:
    ex = make_exchange()  # no trade yet: the latest price is the contract's reference, 60000
    for active in ("60000", "60000.1"):
        error = refused(ex, track_cmd(BUY, active=active))
        assert error.code == ErrorCode.ACTIVATION_PRICE
        assert error.message() == "The activation price should be < the latest price."
        assert error.message("zh") == "激活价必须<最新价"
    for active in ("60000", "59999.9"):
        error = refused(ex, track_cmd(SELL, active=active))
        assert error.message() == "The activation price should be > the latest price."
    assert track(ex, BUY, active="59999.9").is_open
    assert track(ex, SELL, active="60000.1").is_open


def test_the_latest_price_is_the_last_trade() -> None:
    ex = make_exchange()
    trade_at(ex, "55000")
    assert refused(ex, track_cmd(BUY, active="59000")).code == ErrorCode.ACTIVATION_PRICE
    assert track(ex, SELL, active="59000").trigger_type is TriggerType.GE


def test_the_latest_price_is_not_the_mark_when_an_index_moves_it_off_the_grid() -> None:
    ex = make_exchange()
    ex.execute(SetIndexPrices({BTC: Decimal("61000.05")}), NOW)  # the mark: 61000.05
    assert refused(ex, track_cmd(BUY, active="60000")).code == ErrorCode.ACTIVATION_PRICE
    assert track(ex, BUY, active="59999.9").is_open  # below 60000, the reference price


@pytest.mark.parametrize(
    ("active", "code"),
    [
        ("59000.05", ErrorCode.PRICE_PRECISION),  # off BTC-USD's 0.1 grid
        ("0", ErrorCode.PRICE_NOT_REASONABLE),
        ("-5", ErrorCode.PRICE_NOT_REASONABLE),
    ],
)
def test_the_active_price_sits_on_the_tick_grid(active: str, code: ErrorCode) -> None:
    assert refused(make_exchange(), track_cmd(active=active)).code == code


def test_only_the_trailing_price_types_are_accepted() -> None:
    ex = make_exchange()
    assert refused(ex, track_cmd(kind=P.LIMIT)).code == ErrorCode.INCORRECT_ORDER_PRICE_TYPE
    for kind in (P.OPTIMAL_5, P.OPTIMAL_10, P.OPTIMAL_20, P.FORMULA_PRICE):
        assert track(ex, kind=kind).order_price_type is kind


def test_volume_is_positive_and_within_the_contracts_cap() -> None:
    ex = make_exchange()
    assert refused(ex, track_cmd(volume=0)).code == ErrorCode.INVALID_AMOUNT
    error = refused(ex, track_cmd(volume=1_000_001))
    assert error.code == ErrorCode.AMOUNT_EXCEEDS_LIMIT and "1000000" in error.message()


def test_opening_needs_a_lever_rate_and_closing_takes_the_holdings() -> None:
    ex = make_exchange()
    assert refused(ex, track_cmd(lever=None)).code == ErrorCode.LEVERAGE_EMPTY
    assert refused(ex, track_cmd(lever=7)).code == ErrorCode.INVALID_LEVERAGE
    closing = track(ex, SELL, active="61000", offset=CLOSE, lever=None)
    assert closing.lever_rate is None  # the holding's, when it fires


def test_the_lever_rate_must_be_the_exposed_holdings() -> None:
    ex = make_exchange()
    sell(ex, CAROL, 1, 60000)
    buy(ex, ALICE, 1, 60000, lever=10)
    assert refused(ex, track_cmd(lever=20)).code == ErrorCode.LEVERAGE_MISMATCH
    assert track(ex, lever=None).lever_rate is None
    assert track(ex, lever=10).lever_rate == 10


def test_who_what_and_when_are_checked() -> None:
    ex = make_exchange()
    assert refused(ex, track_cmd(uid=UID(99))).code == ErrorCode.CONTRACTS_NOT_OPENED
    assert refused(ex, track_cmd(code="XRP-USD")).code == ErrorCode.CONTRACT_NOT_EXIST
    ex.set_contract(SetContract(BTC, contract_status=ContractStatus.SUSPENSION), NOW)
    assert refused(ex, track_cmd()).code == ErrorCode.TRADE_SUSPENSION


def test_1427_per_contract_and_1455_on_every_contract() -> None:
    ex = make_exchange()
    ex.state.strategies.limits = StrategyLimits(per_contract=2, platform=3)
    track(ex)
    track(ex)
    error = refused(ex, track_cmd())
    assert error.code == ErrorCode.TRAILING_ORDERS_LIMIT
    assert error.message() == (
        "The number of your BTC-USD contract trailing stop order orders exceeds the limit 2."
    )
    track(ex, code=ETH, active="2900")
    assert refused(ex, track_cmd(code=ETH, active="2900")).code == (
        ErrorCode.PLATFORM_TRAILING_ORDERS_LIMIT
    )


def test_other_kinds_do_not_count_against_the_trailing_limit() -> None:
    ex = make_exchange()
    ex.state.strategies.limits = StrategyLimits(per_contract=1, platform=1)
    trigger = PlaceTriggerOrder(
        ALICE, BTC, TriggerType.GE, Decimal(61000), BUY, CLOSE, 1, P.OPTIMAL_5
    )
    ex.place_trigger_order(trigger, NOW)
    assert track(ex).is_open
