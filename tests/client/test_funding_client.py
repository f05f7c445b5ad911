"""HtxSwapClient's funding and settlement methods against the real app: typed results after a
settlement the engine ran (the sync client is generated from the async one, so this covers the
code of both; test_client_parity.py checks that they match)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.client import (
    FinancialRecord,
    FundingRate,
    HtxSwapClient,
    InvalidParameter,
)
from htx_sandbox.domain.commands import PlaceOrder, SetIndexPrices, Tick
from htx_sandbox.domain.types import Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import UID1, UID2, between_settlements


@pytest.fixture
def clock() -> ManualClock:
    return between_settlements()


def settle_once(engine: Engine, clock: ManualClock) -> int:
    """UID1 long and UID2 short 10 BTC-USD at 60120 against an index of 60000, through the
    next settlement (rate 0.0015); returns its time."""
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})).error is None
    for uid, direction in ((UID2, Direction.SELL), (UID1, Direction.BUY)):
        placed = engine.execute(PlaceOrder(
            uid, "BTC-USD", direction, Offset.OPEN, 10, 10, OrderPriceType.LIMIT, Decimal(60120)
        ))  # fmt: skip
        assert placed.error is None
    due = engine.query(lambda ex: ex.state.next_settlement).result(5)
    assert isinstance(due, int)
    clock.advance(due - clock.now())
    assert engine.execute(Tick()).error is None
    return due


def test_funding_rates_and_platform_records(
    public: HtxSwapClient, engine: Engine, clock: ManualClock
) -> None:
    due = settle_once(engine, clock)
    rate = public.swap_funding_rate("BTC-USD")
    assert isinstance(rate, FundingRate)
    assert rate.funding_time == due + 8 * 3_600_000 and rate.estimated_rate is None
    assert isinstance(rate.funding_rate, Decimal)
    assert [r.contract_code for r in public.swap_batch_funding_rate()] == ["BTC-USD", "ETH-USD"]
    history = public.swap_historical_funding_rate("BTC-USD", page_size=10)
    [settled] = history.data
    assert (settled.funding_time, settled.funding_rate) == (due, Decimal("0.0015"))
    assert settled.avg_premium_index == Decimal("0.002")
    records = public.swap_settlement_records("BTC-USD")
    [record] = records.settlement_record
    assert (record.settlement_time, record.settlement_price) == (due, Decimal(60000))
    [estimate] = public.swap_estimated_settlement_price("BTC-USD")
    assert estimate.estimated_settlement_price is None  # not in a settlement's last 10 minutes
    premium = public.swap_premium_index_kline("BTC-USD", "60min", 2)
    assert premium.data[-1].close == Decimal("0.002")
    rates = public.swap_estimated_rate_kline("BTC-USD", "1min", 1)
    assert rates.data[-1].close == 0  # a new period without a sample yet


def test_a_uids_settlement_and_financial_records(
    trader: HtxSwapClient, engine: Engine, clock: ManualClock
) -> None:
    due = settle_once(engine, clock)
    page = trader.swap_user_settlement_records("BTC-USD")
    [mine] = page.settlement_records
    assert mine.funding_fee == Decimal("-0.000025") and mine.settlement_time == due
    [position] = mine.positions
    assert (position.direction, position.volume, position.cost_hold) == (
        "buy", Decimal(10), Decimal(60000),
    )  # fmt: skip
    funding = trader.swap_financial_record_exact("BTC-USD", type=(30, 31))
    assert [(r.type, r.amount, r.ts) for r in funding] == [(31, Decimal("-0.000025"), due)]
    every = trader.swap_financial_record("BTC-USD", direct="next")
    assert all(isinstance(r, FinancialRecord) for r in every)
    assert [r.type for r in every] == [14, 5, 16, 31]
    with pytest.raises(InvalidParameter) as error:
        trader.swap_financial_record("BTC-USD", type=[-1])
    assert error.value.err_code == 1067
