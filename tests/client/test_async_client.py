"""AsyncHtxSwapClient against the real app through httpx.ASGITransport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AsyncHtxSwapClient,
    AuthenticationFailed,
    NoOrdersToCancel,
    OrderRequest,
    RateLimited,
)
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS, Key

from .conftest import SANDBOX_URL, clock_now

pytestmark = pytest.mark.anyio

AsyncFactory = Callable[..., AsyncHtxSwapClient]


@pytest.fixture
async def make_async(app: Any, clock: ManualClock) -> AsyncIterator[AsyncFactory]:
    made: list[AsyncHtxSwapClient] = []

    def make(key: Key | None = None, **options: Any) -> AsyncHtxSwapClient:
        options.setdefault("base_url", SANDBOX_URL)
        client = AsyncHtxSwapClient(
            key.access if key else None,
            key.secret if key else None,
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 123)),
            now=clock_now(clock),
            **options,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


async def test_trade_then_cancel_all(make_async: AsyncFactory) -> None:
    async with make_async(KEYS.trader) as client:
        placed = await client.swap_order(
            "BTC-USD", direction="sell", offset="open", volume=2, lever_rate=5, price="61000"
        )
        batch = await client.swap_batchorder(
            [
                OrderRequest(
                    contract_code="BTC-USD", direction="buy", offset="open", volume=1,
                    lever_rate=5, price=Decimal(50000),
                )
            ]
        )  # fmt: skip
        [bought] = batch.success
        page = await client.swap_openorders("BTC-USD")
        assert {o.order_id for o in page.orders} == {placed.order_id, bought.order_id}
        [info] = await client.swap_order_info("BTC-USD", order_id=placed.order_id)
        assert info.price == Decimal(61000)
        detail = await client.swap_order_detail("BTC-USD", placed.order_id)
        assert detail.trades == []
        cancelled = await client.swap_cancel("BTC-USD", order_id=bought.order_id)
        assert cancelled.successes == [bought.order_id]
        result = await client.swap_cancelall("BTC-USD")
        assert result.successes == [placed.order_id]
        with pytest.raises(NoOrdersToCancel):
            await client.swap_cancelall("BTC-USD")
        history = await client.swap_hisorders("BTC-USD", type=2, create_date=1)
        assert history.total_size == 2
        assert {o.status for o in history.orders} == {7}


async def test_reads_and_settings(make_async: AsyncFactory) -> None:
    client = make_async(KEYS.trader, sign_host="api.hbdm.com")
    [account] = await client.swap_account_info("BTC-USD")
    assert account.margin_balance == Decimal(10)
    assert await client.swap_position_info() == []
    assert (await client.swap_switch_lever_rate("BTC-USD", 20)).lever_rate == 20
    with pytest.raises(RateLimited):
        await client.swap_switch_lever_rate("BTC-USD", 10)
    armed = await client.swap_cancel_after(True, 5000)
    assert armed.trigger_time == armed.current_time + 5000


async def test_public_endpoints(make_async: AsyncFactory, clock: ManualClock) -> None:
    client = make_async()
    assert await client.timestamp() == clock.now()
    assert (await client.heartbeat()).heartbeat == 1
    contracts = await client.swap_contract_info()
    assert {c.contract_code for c in contracts} == {"BTC-USD", "ETH-USD"}
    depth = await client.market_depth("ETH-USD", "step6")
    assert depth.ch == "market.ETH-USD.depth.step6"
    merged = await client.market_detail_merged("ETH-USD")
    assert merged.vol == 0
    trades = await client.market_trade("ETH-USD")
    assert trades.data == []


async def test_errors_are_typed(make_async: AsyncFactory) -> None:
    forged = make_async(Key(KEYS.trader.access, "wrong", KEYS.trader.uid))
    with pytest.raises(AuthenticationFailed) as caught:
        await forged.swap_openorders()
    assert caught.value.err_code == 403


async def test_market_series_endpoints(make_async: AsyncFactory) -> None:
    client = make_async()
    klines = await client.market_history_kline("ETH-USD", "60min", size=2)
    assert (klines.ch, klines.data) == ("market.ETH-USD.kline.60min", [])
    mark = await client.swap_mark_price_kline("ETH-USD", "1week", 1)
    basis = await client.swap_basis("ETH-USD", "4hour")
    assert (basis.ch, basis.data) == ("market.ETH-USD.basis.4hour.open", [])  # no index yet
    assert [b.close for b in mark.data] == [Decimal(3000)]
    ticks = await client.market_batch_merged(v2=True)
    assert {t.number_of for t in ticks} == {0}
    interest = await client.swap_open_interest()
    assert [i.volume for i in interest] == [0, 0]
    history = await client.swap_his_open_interest("ETH-USD", "1day", amount_type=2)
    assert [t.volume for t in history.tick] == [0]
