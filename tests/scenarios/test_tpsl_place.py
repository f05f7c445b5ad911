"""swap_tpsl_order: a take-profit and/or a stop-loss on an existing position. The direction is
the closing side; the trigger type follows from it (a sell TP ge / SL le, a buy TP le / SL
ge); the legs wait freezing nothing; every refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import SetContract, TpslLeg
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyPriceType,
    TpslOrderType,
    TriggerType,
)
from htx_sandbox.domain.types import UID, ContractStatus
from tests.texts import empty

from .helpers import ALICE, BTC, BUY, CAROL, CLOSE, ETH, NOW, SELL, buy, make_exchange, sell
from .tpsl_helpers import (
    OPTIMAL_5,
    S,
    leg,
    limited_exchange,
    long_position,
    open_tpsl,
    place_tpsl,
    refused_tpsl,
    short_position,
    tpsl_cmd,
    trade_at,
)


def test_tp_and_sl_on_a_long_are_sells_tp_ge_and_sl_le_with_consecutive_ids() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    tp, sl = place_tpsl(ex, SELL, 3, tp=leg(61000), sl=leg(59000, kind=OPTIMAL_5))
    assert tp is not None and sl is not None
    assert sl.order_id == tp.order_id + 1
    assert (tp.relation_tpsl_order_id, sl.relation_tpsl_order_id) == (sl.order_id, tp.order_id)
    for order, kind, fires in ((tp, TpslOrderType.TP, TriggerType.GE),
                               (sl, TpslOrderType.SL, TriggerType.LE)):  # fmt: skip
        assert order.kind is StrategyKind.TPSL and order.tpsl_order_type is kind
        assert order.trigger_type is fires and order.status is S.WAITING
        assert (order.direction, order.offset, order.volume) == (SELL, CLOSE, 3)
        assert order.lever_rate is None and order.source_order_id is None
        assert order.created_at == NOW and order.relation_order_id is None
    assert (tp.trigger_price, tp.order_price, tp.order_price_type) == (
        Decimal(61000), Decimal(61000), StrategyPriceType.LIMIT,
    )  # fmt: skip
    assert (sl.trigger_price, sl.order_price, sl.order_price_type) == (
        Decimal(59000), None, OPTIMAL_5,
    )  # fmt: skip


def test_on_a_short_the_legs_are_buys_tp_le_and_sl_ge() -> None:
    ex = make_exchange()
    short_position(ex, 2)
    tp, sl = place_tpsl(ex, BUY, 2, tp=leg(59000), sl=leg(61000))
    assert tp is not None and sl is not None
    assert (tp.direction, tp.trigger_type) == (BUY, TriggerType.LE)
    assert (sl.direction, sl.trigger_type) == (BUY, TriggerType.GE)


def test_one_leg_alone_names_no_sibling() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, sl=leg(59000))
    assert tp is None and sl is not None
    assert sl.relation_tpsl_order_id is None and sl.tpsl_order_type is TpslOrderType.SL


def test_waiting_legs_freeze_nothing_and_leave_the_position_closable() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    account = ex.account(ALICE, "BTC")
    place_tpsl(ex, SELL, 3, tp=leg(61000), sl=leg(59000))
    place_tpsl(ex, SELL, 2, tp=leg(62000))
    assert ex.account(ALICE, "BTC") == account
    holding = ex.state.holdings[(ALICE, BTC)]
    assert (holding.long.frozen, holding.long.available) == (0, 3)
    # the whole position can still be closed by an ordinary order
    assert sell(ex, ALICE, 3, 60500, offset=CLOSE).volume == 3


def test_the_volume_may_be_any_part_of_the_position_and_legs_may_overlap() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    place_tpsl(ex, SELL, 1, tp=leg(61000))
    place_tpsl(ex, SELL, 3, tp=leg(62000), sl=leg(58000))
    assert sorted(o.volume for o in open_tpsl(ex)) == [1, 3, 3]


def test_neither_leg_is_1066_naming_both_trigger_prices() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    error = refused_tpsl(ex, tpsl_cmd(SELL, 1))
    assert error.code == ErrorCode.FIELD_EMPTY
    assert (
        error.message()
        == empty("tp_trigger_price or sl_trigger_price")
    )


@pytest.mark.parametrize(
    ("volume", "code"),
    [(0, ErrorCode.INVALID_AMOUNT), (-1, ErrorCode.INVALID_AMOUNT),
     (10**9, ErrorCode.AMOUNT_EXCEEDS_LIMIT), (4, ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)],
)  # fmt: skip
def test_the_volume_must_be_positive_within_the_order_limit_and_the_position(
    volume: int, code: ErrorCode
) -> None:
    ex = make_exchange()
    long_position(ex, 3)
    assert refused_tpsl(ex, tpsl_cmd(SELL, volume, tp=leg(61000))).code == code


def test_without_a_position_on_that_side_it_is_1048() -> None:
    ex = make_exchange()
    short_position(ex, 2)  # a short: a sell closes nothing
    error = refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(61000)))
    assert error.code == ErrorCode.INSUFFICIENT_CLOSE_AMOUNT
    assert refused_tpsl(ex, tpsl_cmd(BUY, 1, tp=leg(59000), code=ETH)).code == error.code


def test_an_unopened_uid_and_an_unknown_contract() -> None:
    ex = make_exchange()
    unopened = refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(61000), uid=UID(99)))
    assert unopened.code == ErrorCode.CONTRACTS_NOT_OPENED
    unknown = refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(61000), code="DOGE-USD"))
    assert unknown.code == ErrorCode.CONTRACT_NOT_EXIST


@pytest.mark.parametrize(
    ("status", "code"),
    [(ContractStatus.SUSPENSION, ErrorCode.TRADE_SUSPENSION),
     (ContractStatus.IN_SETTLEMENT, ErrorCode.IN_SETTLEMENT),
     (ContractStatus.DELIVERING, ErrorCode.IN_DELIVERY)],
)  # fmt: skip
def test_only_a_trading_contract_takes_tpsl(status: ContractStatus, code: ErrorCode) -> None:
    ex = make_exchange()
    long_position(ex, 1)
    ex.set_contract(SetContract(BTC, contract_status=status), NOW)
    assert refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(61000))).code == code


@pytest.mark.parametrize(
    ("direction", "tp", "sl", "code", "english", "chinese"),
    [
        (SELL, 60000, None, 1405, "The take-profit price shall not be lower than or equal to the "
         "latest price 60000.0", "止盈价不得低于或等于最新价60000.0"),
        (SELL, None, 60000.1, 1407, "The stop-loss price shall not be higher than or equal to the "
         "latest price 60000.0", "止损价不得高于或等于最新价60000.0"),
        (BUY, 60000.1, None, 1405, "The take-profit price shall not be higher than or equal to "
         "the latest price 60000.0", "止盈价不得高于或等于最新价60000.0"),
        (BUY, None, 59999.9, 1407, "The stop-loss price shall not be lower than or equal to the "
         "latest price 60000.0", "止损价不得低于或等于最新价60000.0"),
    ],
)  # fmt: skip
def test_a_trigger_price_on_the_wrong_side_of_the_latest_price_is_1405_or_1407(
    direction: object, tp: float | None, sl: float | None, code: int, english: str, chinese: str
) -> None:
    ex = make_exchange()
    (long_position if direction is SELL else short_position)(ex, 1)
    cmd = tpsl_cmd(
        SELL if direction is SELL else BUY, 1,
        tp=None if tp is None else leg(str(tp)), sl=None if sl is None else leg(str(sl)),
    )  # fmt: skip
    error = refused_tpsl(ex, cmd)
    assert (error.code, error.message(), error.message("zh")) == (code, english, chinese)


def test_the_latest_price_is_the_last_trade_not_the_reference_price() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    trade_at(ex, 60500)
    error = refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(60400)))
    assert error.code == ErrorCode.TAKE_PROFIT_PRICE and error.params[2] == "60500.0"
    place_tpsl(ex, SELL, 1, tp=leg("60500.1"))


def test_a_wrong_sl_refuses_the_tp_asked_with_it() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    assert refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(61000), sl=leg(61000))).code == 1407
    assert open_tpsl(ex) == []


@pytest.mark.parametrize(
    ("bad", "code"),
    [(leg("61000.05"), ErrorCode.PRICE_PRECISION), (leg(61000, "61000.05"), 1038),
     (leg(61000, None), ErrorCode.PRICE_NOT_REASONABLE), (leg(0), 1069),
     (leg(61000, kind=StrategyPriceType.FORMULA_PRICE), ErrorCode.INCORRECT_ORDER_PRICE_TYPE)],
)  # fmt: skip
def test_prices_on_the_grid_and_a_limit_needs_its_order_price(bad: TpslLeg, code: int) -> None:
    ex = make_exchange()
    long_position(ex, 1)
    assert refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=bad)).code == code


def test_an_optimal_leg_ignores_any_order_price() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61000, "61000.05", kind=OPTIMAL_5))
    assert tp is not None and tp.order_price is None


def test_each_leg_counts_against_the_per_contract_limit_1403() -> None:
    ex = limited_exchange(StrategyLimits(per_contract=3, platform=10))
    long_position(ex, 2)
    place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    error = refused_tpsl(ex, tpsl_cmd(SELL, 1, tp=leg(62000), sl=leg(58000)))
    assert error.code == ErrorCode.TPSL_ORDERS_LIMIT
    assert error.message() == (
        "The number of take-profit and stop-loss orders for BTC-USD contract shall not exceed 3"
    )
    place_tpsl(ex, SELL, 1, tp=leg(62000))  # one more leg still fits


def test_the_platform_limit_1454_counts_every_contract() -> None:
    ex = limited_exchange(StrategyLimits(per_contract=2, platform=3))
    long_position(ex, 1)
    sell(ex, CAROL, 1, 3000, code=ETH)
    buy(ex, ALICE, 1, 3000, code=ETH)
    place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    cmd = tpsl_cmd(SELL, 1, tp=leg(3100), sl=leg(2900), code=ETH)
    assert refused_tpsl(ex, cmd).code == ErrorCode.PLATFORM_TPSL_ORDERS_LIMIT
