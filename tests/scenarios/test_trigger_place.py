"""swap_trigger_order: what is checked at placement, with HTX's codes; a waiting trigger order
freezes nothing; a refused one changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import CancelAll
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyStatus
from htx_sandbox.domain.types import UID, ContractStatus

from .helpers import ALICE, BTC, BUY, CLOSE, ETH, NOW, SELL, buy, make_exchange, sell
from .triggers import (
    GE,
    LE,
    TRIGGER,
    P,
    cancel_ids,
    changed_ids,
    place_trigger,
    refused_trigger,
    set_status,
    trigger_cmd,
)

E = ErrorCode
WAITING = StrategyStatus.WAITING


def test_an_accepted_trigger_order_waits_with_what_was_asked() -> None:
    ex = make_exchange()
    applied = ex.place_trigger_order(trigger_cmd(ALICE, GE, "60100", BUY, 3, "60150"), NOW)
    order = ex.strategy_order(applied.reply.order_id)
    assert order is not None
    assert (order.status, order.kind, order.order_source) == (WAITING, TRIGGER, "api")
    assert (order.contract_code, order.symbol, order.direction) == (BTC, "BTC", BUY)
    assert order.volume == 3
    assert (order.trigger_type, order.trigger_price, order.order_price) == (
        GE, Decimal("60100"), Decimal("60150"),
    )  # fmt: skip
    assert (order.lever_rate, order.order_price_type, order.created_at) == (10, P.LIMIT, NOW)
    assert order.relation_order_id is None and order.triggered_price is None
    assert (order.order_insert_at, order.canceled_at, order.fail_code) == (0, 0, None)
    assert changed_ids(applied.events) == [order.order_id]
    assert ex.open_orders(ALICE) == []  # nothing is on the book until it fires


def test_optimal_n_keeps_no_order_price() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, LE, "59000", SELL, 1, "59500", kind=P.OPTIMAL_10)
    assert order.order_price is None  # HTX stores 0 for optimal_N, whatever was sent


def test_nothing_is_frozen_while_it_waits() -> None:
    ex = make_exchange()
    sell(ex, ALICE, 4, 60000)
    buy(ex, UID(2), 4, 60000)  # Alice is short 4
    before = ex.account(ALICE, "BTC")
    short = ex.state.holdings[(ALICE, BTC)].short
    place_trigger(ex, ALICE, GE, "61000", BUY, 4, "61000", offset=CLOSE)
    place_trigger(ex, ALICE, LE, "59000", SELL, 200_000, "59000")  # beyond the margin
    assert ex.account(ALICE, "BTC") == before
    assert (short.volume, short.frozen, short.available) == (4, 0, 4)


def test_a_closing_trigger_order_needs_no_position_when_placed() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "61000", BUY, 2, "61000", offset=CLOSE, lever=None)
    assert order.status is StrategyStatus.WAITING and order.lever_rate is None


def test_without_a_lever_rate_it_opens_at_the_holdings() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, 59000, lever=20)  # resting: Alice's lever rate is pinned at 20
    order = place_trigger(ex, ALICE, GE, "61000", BUY, 1, "61000", lever=None)
    assert order.lever_rate is None


@pytest.mark.parametrize(
    ("uid", "code", "error"),
    [(UID(99), BTC, E.CONTRACTS_NOT_OPENED), (ALICE, "XRP-USD", E.CONTRACT_NOT_EXIST)],
)
def test_unknown_user_or_contract(uid: UID, code: str, error: ErrorCode) -> None:
    ex = make_exchange()
    cmd = trigger_cmd(uid, GE, "60100", BUY, 1, "60100", code=code)
    assert refused_trigger(ex, cmd).code == error


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (ContractStatus.SUSPENSION, E.TRADE_SUSPENSION),
        (ContractStatus.IN_SETTLEMENT, E.IN_SETTLEMENT),
        (ContractStatus.DELIVERING, E.IN_DELIVERY),
        (ContractStatus.PENDING_LISTING, E.NON_TRADING_CONTRACT_STATUS),
    ],
)
def test_only_a_trading_contract_takes_trigger_orders(
    status: ContractStatus, error: ErrorCode
) -> None:
    ex = make_exchange()
    set_status(ex, status)
    assert refused_trigger(ex, trigger_cmd(ALICE, GE, "60100", BUY, 1, "60100")).code == error


@pytest.mark.parametrize(("volume", "error"), [(0, E.INVALID_AMOUNT), (-3, E.INVALID_AMOUNT)])
def test_a_volume_below_one_is_1040(volume: int, error: ErrorCode) -> None:
    ex = make_exchange()
    assert refused_trigger(ex, trigger_cmd(ALICE, GE, "60100", BUY, volume, "60100")).code == error


def test_a_volume_above_the_order_limit_is_1041_with_the_limit() -> None:
    ex = make_exchange()
    limit = ex.contracts.get(BTC).max_order_volume
    error = refused_trigger(ex, trigger_cmd(ALICE, GE, "60100", BUY, limit + 1, "60100"))
    assert error.code == E.AMOUNT_EXCEEDS_LIMIT and error.params == (str(limit),)
    assert place_trigger(ex, ALICE, GE, "60100", BUY, limit, "60100").volume == limit


@pytest.mark.parametrize(
    ("trigger_price", "order_price", "error"),
    [
        ("60100.05", "60100", E.PRICE_PRECISION),  # off the 0.1 tick
        ("0", "60100", E.PRICE_NOT_REASONABLE),
        ("-60100", "60100", E.PRICE_NOT_REASONABLE),
        ("60100", "60100.05", E.PRICE_PRECISION),
        ("60100", "0", E.PRICE_NOT_REASONABLE),
        ("60100", None, E.PRICE_NOT_REASONABLE),  # limit without order_price (HTX's own tests)
    ],
)
def test_prices(trigger_price: str, order_price: str | None, error: ErrorCode) -> None:
    ex = make_exchange()
    cmd = trigger_cmd(ALICE, GE, trigger_price, BUY, 1, order_price)
    assert refused_trigger(ex, cmd).code == error


def test_formula_price_is_for_trailing_orders_only() -> None:
    ex = make_exchange()
    cmd = trigger_cmd(ALICE, GE, "60100", BUY, 1, "60100", kind=P.FORMULA_PRICE)
    assert refused_trigger(ex, cmd).code == E.INCORRECT_ORDER_PRICE_TYPE


def test_a_lever_rate_the_contract_does_not_offer_is_1037() -> None:
    ex = make_exchange()
    cmd = trigger_cmd(ALICE, GE, "60100", BUY, 1, "60100", lever=7)
    assert refused_trigger(ex, cmd).code == E.INVALID_LEVERAGE


@pytest.mark.parametrize("exposure", ["position", "open order"])
def test_a_lever_rate_other_than_the_exposed_holdings_is_1349(exposure: str) -> None:
    ex = make_exchange()
    if exposure == "position":
        sell(ex, UID(2), 1, 60000)
    buy(ex, ALICE, 1, 60000, lever=20)
    cmd = trigger_cmd(ALICE, GE, "60100", BUY, 1, "60100", lever=10)
    assert refused_trigger(ex, cmd).code == E.LEVERAGE_MISMATCH
    cmd = trigger_cmd(ALICE, GE, "60100", SELL, 1, "60100", offset=CLOSE, lever=10)
    assert refused_trigger(ex, cmd).code == E.LEVERAGE_MISMATCH
    assert place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100", lever=20).lever_rate == 20


def test_a_holding_without_exposure_does_not_pin_the_lever_rate() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, 59000, lever=20)
    ex.cancel_all(CancelAll(order.uid, BTC), NOW)  # the holding keeps lever 20 but holds nothing
    assert place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100", lever=5).lever_rate == 5


def test_opening_without_a_lever_rate_or_a_holding_to_take_it_from_is_1094() -> None:
    ex = make_exchange()
    cmd = trigger_cmd(ALICE, GE, "60100", BUY, 1, "60100", lever=None)
    assert refused_trigger(ex, cmd).code == E.LEVERAGE_EMPTY


def test_the_per_contract_limit_is_1081_and_counts_trigger_orders_only() -> None:
    ex = make_exchange()
    ex.state.strategies.limits = StrategyLimits(per_contract=2, platform=3)
    buy(ex, ALICE, 1, 59000)  # ordinary orders do not count
    place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100")
    place_trigger(ex, ALICE, LE, "59900", SELL, 1, "59900")
    error = refused_trigger(ex, trigger_cmd(ALICE, GE, "60200", BUY, 1, "60200"))
    assert error.code == E.TRIGGER_ORDERS_LIMIT and error.params == (BTC, "2")
    assert error.message() == (
        "The number of your BTC-USD contract trigger orders exceeds the limit 2."
    )
    place_trigger(ex, UID(2), GE, "60100", BUY, 1, "60100")  # another UID has its own count
    place_trigger(ex, ALICE, GE, "3100", BUY, 1, "3100", code=ETH)  # another contract too


def test_the_platform_limit_is_1453_across_contracts() -> None:
    ex = make_exchange()
    ex.state.strategies.limits = StrategyLimits(per_contract=2, platform=3)
    place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100")
    place_trigger(ex, ALICE, GE, "60200", BUY, 1, "60200")
    place_trigger(ex, ALICE, GE, "3100", BUY, 1, "3100", code=ETH)
    error = refused_trigger(ex, trigger_cmd(ALICE, GE, "3200", BUY, 1, "3200", code=ETH))
    assert error.code == E.PLATFORM_TRIGGER_ORDERS_LIMIT


def test_a_finished_trigger_order_frees_its_place() -> None:
    ex = make_exchange()
    ex.state.strategies.limits = StrategyLimits(per_contract=1, platform=1)
    first = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100")
    ex.cancel_strategy_orders(cancel_ids(ALICE, first.order_id), NOW)
    assert place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100").is_open
