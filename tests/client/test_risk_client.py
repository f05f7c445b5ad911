"""The client's risk endpoints against the real app: adjust factors, the liquidation feed, the
insurance fund, tiered margin, typed (the async client's are the same, generated)."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.client import (
    AdjustFactorTier,
    HtxSwapClient,
    InsuranceFundPage,
    LiquidationOrder,
)
from htx_sandbox.domain.commands import Deposit, SetIndexPrices
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID_UNFUNDED

from .conftest import ClientFactory


def test_adjustfactor_and_ladder_margin(public: HtxSwapClient) -> None:
    [btc] = public.swap_adjustfactor("BTC-USD")
    top = next(row for row in btc.levers if row.lever_rate == 125)
    assert top.ladders[0] == AdjustFactorTier(
        ladder=0, min_size=0, max_size=1999, adjust_factor=Decimal("0.65")
    )
    assert top.ladders[-1].max_size is None
    [eth] = public.swap_ladder_margin("ETH-USD")
    assert eth.levers[0].ladders[0].max_margin_available is None


def test_a_liquidation_in_the_feed_and_the_fund(
    engine: Engine, make_client: ClientFactory, public: HtxSwapClient, second: HtxSwapClient
) -> None:
    poor = make_client(KEYS.unfunded)
    assert engine.execute(Deposit(UID_UNFUNDED, "BTC", Decimal("0.001"))).error is None
    second.swap_order("BTC-USD", direction="sell", offset="open", volume=10, lever_rate=10,
                      price="60000")  # fmt: skip
    poor.swap_order("BTC-USD", direction="buy", offset="open", volume=10, lever_rate=20,
                    price="60000")  # fmt: skip
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(50000)})).error is None
    [row] = public.swap_liquidation_orders("BTC-USD", trade_type=5)
    assert isinstance(row, LiquidationOrder)
    assert (row.direction, row.offset, row.volume) == ("sell", "close", 10)
    assert public.swap_liquidation_orders("BTC-USD", from_id=row.query_id) == []
    [risk] = public.swap_risk_info("BTC-USD")
    assert risk.insurance_fund < 0 and risk.estimated_clawback == 0
    history = public.swap_insurance_fund("BTC-USD", page_size=10)
    assert isinstance(history, InsuranceFundPage)
    assert [t.insurance_fund for t in history.tick] == [risk.insurance_fund]
    [account] = poor.swap_account_info("BTC-USD")
    assert (account.lever_rate, account.adjust_factor) == (20, Decimal("0.2"))
    assert account.liquidation_price is None  # nothing left to liquidate
