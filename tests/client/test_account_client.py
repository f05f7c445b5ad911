"""The clients' account reference methods against the real app: each typed result, and the
admin client's position limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.client import (
    AccountPositions,
    AdminClient,
    AsyncHtxSwapClient,
    ContractNotFound,
    CredentialsRequired,
    HtxApiError,
    HtxSwapClient,
    Position,
)
from tests.http.conftest import KEYS

from .conftest import ClientFactory
from .test_async_client import AsyncFactory, make_async

__all__ = ["make_async"]  # the async client's fixture, shared


def test_account_position_info_is_the_account_with_its_positions(
    trader: HtxSwapClient, second: HtxSwapClient
) -> None:
    second.swap_order("BTC-USD", direction="sell", offset="open", volume=2, lever_rate=5,
                      price="60000")  # fmt: skip
    trader.swap_order("BTC-USD", direction="buy", offset="open", volume=2, lever_rate=5,
                      price="60000")  # fmt: skip
    [row] = trader.swap_account_position_info("btc-usd")
    assert isinstance(row, AccountPositions)
    assert (row.contract_code, row.symbol, row.lever_rate) == ("BTC-USD", "BTC", 5)
    [position] = row.positions
    assert isinstance(position, Position)
    assert (position.direction, position.volume, position.cost_open) == ("buy", 2, 60000)
    [account] = trader.swap_account_info("BTC-USD")
    assert row.margin_balance == account.margin_balance
    with pytest.raises(ContractNotFound):
        trader.swap_account_position_info("XRP-USD")


def test_what_the_api_lets_a_uid_do(trader: HtxSwapClient, admin: AdminClient) -> None:
    [btc, eth] = trader.swap_available_level_rate()
    assert btc.lever_rates == [1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125]
    assert eth.contract_code == "ETH-USD"
    limits = trader.swap_order_limit("optimal_5", "BTC-USD")
    assert limits.order_price_type == "optimal_5"
    assert [(r.contract_code, r.open_limit, r.close_limit) for r in limits.limits] == [
        ("BTC-USD", 1_000_000, 1_000_000)
    ]
    with pytest.raises(HtxApiError) as refused:
        trader.swap_order_limit("post_only")
    assert refused.value.err_code == 1034
    [fee] = trader.swap_fee("BTC-USD")
    assert (fee.open_maker_fee, fee.close_taker_fee, fee.fee_asset) == (
        Decimal("0.0002"), Decimal("0.0005"), "BTC",
    )  # fmt: skip
    [transfer] = trader.swap_transfer_limit("ETH-USD")
    assert transfer.transfer_in_max_each == 10**12
    [unlimited] = trader.swap_position_limit("BTC-USD")
    assert (unlimited.buy_limit, unlimited.sell_limit) == (10**12, 10**12)
    changed = admin.set_contract("BTC-USD", buy_limit=30, sell_limit=40)
    assert (changed.buy_limit, changed.sell_limit) == (30, 40)
    [limited] = trader.swap_position_limit("BTC-USD")
    assert (limited.buy_limit, limited.sell_limit) == (30, 40)
    lifted = admin.set_contract("BTC-USD", buy_limit=0)
    assert (lifted.buy_limit, lifted.sell_limit) == (None, 40)


def test_valuation_and_trading_status(trader: HtxSwapClient) -> None:
    [btc] = trader.swap_balance_valuation()
    assert (btc.valuation_asset, btc.balance) == ("BTC", 15)  # 10 BTC + 100 ETH at 3000
    [usd] = trader.swap_balance_valuation("USD")
    assert usd.balance == 900_000
    status = trader.swap_api_trading_status()
    assert (status.is_disable, status.cor.orders_threshold, status.tdn.disables_threshold) == (
        0, 3000, 3,
    )  # fmt: skip
    assert status.cor.cancel_ratio_threshold == Decimal("0.99")


def test_without_keys_the_methods_need_credentials(make_client: ClientFactory) -> None:
    with pytest.raises(CredentialsRequired):
        make_client().swap_api_trading_status()


@pytest.mark.anyio
async def test_the_async_client_has_them_too(make_async: AsyncFactory) -> None:
    client: AsyncHtxSwapClient = make_async(KEYS.trader)
    [fee, _] = await client.swap_fee()
    assert fee.contract_code == "BTC-USD"
    status = await client.swap_api_trading_status()
    assert status.disable_reason == ""
    [row] = await client.swap_account_position_info("ETH-USD")
    assert row.positions == []
