"""Risk figures against HTX's own payloads (the S1 examples of htx-market-and-funding.md, 5.1
and 5.4): risk_rate = margin_balance / (margin_position + margin_frozen) - adjust_factor to every
printed digit, the estimated liquidation price to every printed digit, the locked-margin rule,
and the trigger the liquidation index keys accounts by."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest

from htx_sandbox.domain.adjust_factors import Ladder
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.margin import account_figures
from htx_sandbox.domain.risk import (
    FALLS,
    INFINITY,
    RISES,
    account_risk,
    at_risk,
    bankruptcy_price,
    margin_ratio,
    trigger,
)
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import UID

D = Decimal
Q = D("1e-18")
ALICE = UID(1)
THETA = "THETA-USD"


def value(volume: int, size: int, price: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return (D(volume) * size / D(price)).quantize(Q, rounding=ROUND_HALF_EVEN)


def theta_state(last_price: str) -> ExchangeState:
    """THETA-USD as in HTX's examples: 10 USD a contract, 20x, adjust factor 0.4."""
    registry = ContractRegistry()
    registry.add(
        Contract(
            THETA, "THETA", D(10), D("0.00001"), D("0.6"),
            adjust_factors={20: (Ladder(0, 0, None, D("0.4")),)},
        )
    )  # fmt: skip
    state = ExchangeState(registry)
    state.last_price[THETA] = D(last_price)
    return state


# -- HTX's two payloads, figure for figure ---------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "position", "frozen", "printed"),
    [
        # The accounts push (htx-websocket.md 2.4): long 20 and short 1 THETA at 20x.
        ("621.187560151491928452", "15.822534453568772646", "0.833333333333333333",
         "36.895418533520262923"),
        # swap_account_position_info: long 20 THETA at 20x, an open order freezing 13.77.
        ("713.633454962959082868", "15.681846694266716848", "13.765413852951653365",
         "23.834290107178404617"),
    ],
)  # fmt: skip
def test_risk_rate_reproduces_htx_payloads_to_the_last_digit(
    balance: str, position: str, frozen: str, printed: str
) -> None:
    assert margin_ratio(D(balance), D(position), D(frozen), D("0.4")) == D(printed)


def test_the_account_position_info_payload() -> None:
    """swap_account_position_info's account (S1): margin_static 723.922949859047086468, long 20
    with cost_hold 0.65931, last price 0.63768, 13.765413852951653365 frozen."""
    state = theta_state("0.63768")
    account = state.account(ALICE, "THETA")
    account.margin_static = D("723.922949859047086468")
    account.margin_frozen = D("13.765413852951653365")
    holding = state.holding(ALICE, THETA)
    holding.lever_rate = 20
    holding.long.open(20, value(20, 10, "0.65931"))
    risk = account_risk(state, account)
    row = risk.contracts[THETA]
    assert row.liquidation_price == D("0.198584522842823398")  # HTX's, every digit
    assert (row.lever_rate, row.adjust_factor) == (20, D("0.4"))
    figures = account_figures(state, account)
    # HTX's own arithmetic rounds its intermediate amounts differently in the last two of 18
    # places (its margin_position truncates, its profit_unreal keeps 16): the same to 1e-16.
    close = D("1e-16")
    assert abs(figures.margin_position - D("15.681846694266716848")) < close
    assert abs(figures.profit_unreal - D("-10.289494896088003600")) < close
    assert abs(figures.margin_balance - D("713.633454962959082868")) < close
    assert abs(figures.margin_available - D("684.186194415740712655")) < close
    assert risk.risk_rate is not None
    assert abs(risk.risk_rate - D("23.834290107178404617")) < close


def test_the_accounts_push_payload_with_the_locked_margin_rule() -> None:
    """The accounts push (S1): long 20 (cost_hold 0.63339) and short 1 (0.63191) at last 0.63201:
    margin_position is the long's alone, 200 / 0.63201 / 20 (HTX's locked-margin rule)."""
    state = theta_state("0.63201")
    account = state.account(ALICE, "THETA")
    account.margin_static = D("621.879531780612432322")
    account.margin_frozen = D("0.833333333333333333")
    holding = state.holding(ALICE, THETA)
    holding.lever_rate = 20
    holding.long.open(20, value(20, 10, "0.63339"))
    holding.short.open(1, value(1, 10, "0.63191"))
    figures = account_figures(state, account)
    assert figures.margin_position == D("15.822534453568772646")  # HTX's, every digit
    risk = account_risk(state, account)
    assert risk.contracts[THETA].liquidation_price == D("0.210454212150800748")  # every digit
    assert risk.risk_rate is not None
    assert abs(risk.risk_rate - D("36.895418533520262923")) < D("1e-16")


# -- what the figures are without a position -------------------------------------------------


def test_a_coin_never_traded_shows_the_default_lever_rate_and_its_factor() -> None:
    state = ExchangeState(ContractRegistry.with_defaults())
    account = state.account(ALICE, "BTC")
    risk = account_risk(state, account)
    assert risk.risk_rate is None
    row = risk.contracts["BTC-USD"]
    assert (row.lever_rate, row.adjust_factor, row.liquidation_price) == (5, D("0.05"), None)


# -- the trigger: the mark at which the ratio reaches 0 --------------------------------------


def btc_state(mark: str) -> ExchangeState:
    state = ExchangeState(ContractRegistry.with_defaults())
    state.last_price["BTC-USD"] = D(mark)
    return state


def test_a_long_is_liquidated_when_the_mark_falls_to_its_trigger() -> None:
    state = btc_state("60000")
    account = state.account(ALICE, "BTC")
    account.margin_static = D("0.001")
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 20
    holding.long.open(10, value(10, 100, "60000"))
    found = trigger(state, account, holding)
    assert found is not None and found.side == FALLS
    shown = account_risk(state, account).contracts["BTC-USD"].liquidation_price
    assert shown is not None and abs(found.price / shown - 1) < D("2e-9")  # widened only
    for mark, liquidated in ((shown + D("0.01"), False), (shown - D("0.01"), True)):
        state.last_price["BTC-USD"] = mark
        assert at_risk(state, account) is liquidated


def test_frozen_margin_brings_the_trigger_closer() -> None:
    state = btc_state("60000")
    account = state.account(ALICE, "BTC")
    account.margin_static = D("0.01")
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 20
    holding.long.open(50, value(50, 100, "60000"))
    without = trigger(state, account, holding)
    shown = account_risk(state, account).contracts["BTC-USD"].liquidation_price
    account.margin_frozen = D("0.005")
    with_orders = trigger(state, account, holding)
    assert without is not None and with_orders is not None
    assert with_orders.price > without.price
    # The displayed estimate leaves frozen margin out, as HTX's does.
    assert account_risk(state, account).contracts["BTC-USD"].liquidation_price == shown


def test_a_short_is_liquidated_when_the_mark_rises_and_a_1x_short_never() -> None:
    state = btc_state("60000")
    account = state.account(ALICE, "BTC")
    account.margin_static = D("0.002")
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 20
    holding.short.open(10, value(10, 100, "60000"))
    found = trigger(state, account, holding)
    assert found is not None and found.side == RISES and found.price > D(60000)
    bankrupt = bankruptcy_price(state, account, state.contracts.get("BTC-USD"))
    assert bankrupt is not None and bankrupt > found.price  # liquidated before bankrupt
    # A short backed by its whole value in coin (1x) loses nothing in coin as the price rises.
    account.margin_static = value(10, 100, "60000")
    holding.lever_rate = 1
    assert trigger(state, account, holding) is None
    assert bankruptcy_price(state, account, state.contracts.get("BTC-USD")) is None


def test_an_account_already_below_zero_is_at_risk_at_every_mark() -> None:
    state = btc_state("60000")
    account = state.account(ALICE, "BTC")
    account.margin_static = D("-0.02")
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 20
    holding.long.open(10, value(10, 100, "60000"))
    found = trigger(state, account, holding)
    assert found is not None and (found.side, found.price) == (FALLS, INFINITY)
    assert at_risk(state, account)
