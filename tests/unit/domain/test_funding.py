"""The premium index, the funding rate formula, the funding amount's rounding, a position's
settlement and the financial record types of a fill (domain/funding.py, settlement.py,
positions.py, records.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.contracts import ContractRegistry
from htx_sandbox.domain.funding import funding_rate, premium_index
from htx_sandbox.domain.orders import Trade
from htx_sandbox.domain.positions import Position
from htx_sandbox.domain.records import FinancialType, trade_entries
from htx_sandbox.domain.settlement import funding_fee
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import (
    LONG,
    SHORT,
    UID,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderId,
    Role,
    TradeId,
)
from tests.scenarios.helpers import ALICE, BOB, buy, make_exchange, sell

D = Decimal


def state_with_book(bid: str | None, ask: str | None, index: str | None) -> ExchangeState:
    ex = make_exchange()
    if bid is not None:
        buy(ex, ALICE, 1, bid)
    if ask is not None:
        sell(ex, BOB, 1, ask)
    if index is not None:
        ex.state.index_prices["BTC-USD"] = D(index)
    return ex.state


@pytest.mark.parametrize(
    ("bid", "ask", "index", "premium"),
    [
        ("59990", "60010", "60000", "0"),  # the index inside the spread
        ("60060", "60100", "60000", "0.001"),  # the bid above the index
        ("59900", "59940", "60000", "-0.001"),  # the ask below it
    ],
)
def test_the_premium_of_a_book_with_both_sides(
    bid: str, ask: str, index: str, premium: str
) -> None:
    state = state_with_book(bid, ask, index)
    assert premium_index(state, state.contracts.get("BTC-USD")) == D(premium)


def test_a_one_sided_book_measures_the_last_trade_and_nothing_without_one() -> None:
    state = state_with_book("60060", None, "60000")
    btc = state.contracts.get("BTC-USD")
    assert premium_index(state, btc) is None
    state.last_price["BTC-USD"] = D(60030)
    assert premium_index(state, btc) == D("0.0005")


def test_no_index_or_not_trading_takes_no_sample() -> None:
    state = state_with_book("60060", "60100", None)
    btc = state.contracts.get("BTC-USD")
    assert premium_index(state, btc) is None
    state.index_prices["BTC-USD"] = D(60000)
    btc.contract_status = ContractStatus.SUSPENSION
    assert premium_index(state, btc) is None


@pytest.mark.parametrize(
    ("average", "rate"),
    [
        (None, "0"),
        ("0", "0.0001"),  # the interest component alone
        ("0.0004", "0.0001"),  # within the clamp: still the interest
        ("-0.0004", "0.0001"),
        ("0.002", "0.0015"),  # average + (0.0001 - average, clamped to -0.0005)
        ("-0.002", "-0.0015"),
        ("0.01", "0.00375"),  # capped
        ("-0.01", "-0.00375"),
    ],
)
def test_the_rate_formula(average: str | None, rate: str) -> None:
    assert funding_rate(None if average is None else D(average)) == D(rate)


def test_funding_is_rounded_towards_the_exchange() -> None:
    # 1 contract x 100 / 60000 x 0.0001 = 1.666...e-7
    assert funding_fee(1, D(100), D(60000), D("0.0001")) == D("-0.000000166666666667")
    assert funding_fee(-1, D(100), D(60000), D("0.0001")) == D("0.000000166666666666")
    assert funding_fee(0, D(100), D(60000), D("0.0001")) == 0


def test_a_settled_position_books_the_truncated_profit_and_returns_the_rounding() -> None:
    for side, sign in ((LONG, 1), (SHORT, -1)):
        position = Position(UID(1), "BTC-USD", side)
        position.open(3, D("0.005000000000000000"))  # 3 x 100 at 60000
        profit, rounding = position.settle(D(100), D(61000))
        exact = D(300) / D(60000) - D(300) / D(61000)
        assert abs(profit - sign * exact) < D("1e-18") and abs(profit) <= abs(exact)
        moved = (D("0.005") - position.cost_value) * sign
        assert profit + rounding == moved  # nothing created or lost
        assert position.cost_hold(D(100)) == D(61000)
        assert position.cost_open(D(100)) == D(60000)


def trade(offset: Offset, direction: Direction, role: Role, fee: str, profit: str) -> Trade:
    return Trade(
        trade_id=TradeId(1), id="1-2-1", order_id=OrderId(2), uid=UID(3), contract_code="BTC-USD",
        direction=direction, offset=offset, price=D(60000), volume=1, turnover=D(100),
        value=D("0.001666666666666667"), fee=D(fee), fee_asset="BTC", role=role,
        profit=D(profit), created_at=Millis(4),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("offset", "direction", "role", "types"),
    [
        (Offset.OPEN, Direction.BUY, Role.TAKER, [FinancialType.OPEN_FEE_TAKER]),
        (Offset.OPEN, Direction.SELL, Role.MAKER, [FinancialType.OPEN_FEE_MAKER]),
        (Offset.CLOSE, Direction.SELL, Role.TAKER,
         [FinancialType.CLOSE_FEE_TAKER, FinancialType.CLOSE_LONG]),
        (Offset.CLOSE, Direction.BUY, Role.MAKER,
         [FinancialType.CLOSE_FEE_MAKER, FinancialType.CLOSE_SHORT]),
    ],
)  # fmt: skip
def test_the_record_types_of_a_fill(
    offset: Offset, direction: Direction, role: Role, types: list[FinancialType]
) -> None:
    entries = trade_entries(trade(offset, direction, role, "-0.000001", "0.0002"))
    assert [e[3] for e in entries] == types
    assert entries[0][4] == D("-0.000001")


def test_a_zero_amount_is_no_record() -> None:
    assert trade_entries(trade(Offset.CLOSE, Direction.SELL, Role.MAKER, "0", "0")) == []


def test_the_default_contracts_settle_every_8_hours() -> None:
    btc = ContractRegistry.with_defaults().get("BTC-USD")
    assert btc.settlement_date(Millis(1_764_028_800_000)) == 1_764_028_800_000 + 8 * 3_600_000
