"""The 24-hour overview of every contract: /swap-ex/market/detail/batch_merged (v1, ccxt's
fetch_tickers) and /v2/swap-ex/market/detail/batch_merged, in the shapes of HTX's examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.domain.types import Direction

from .test_market import (
    BTC,
    MAKER,
    SIDES,
    Sandbox,
    anyio_backend,
    clock,
    sandbox,
    value,
)

__all__ = ["anyio_backend", "clock", "sandbox"]  # fixtures shared with test_market

pytestmark = pytest.mark.anyio

V1 = "/swap-ex/market/detail/batch_merged"
V2 = "/v2/swap-ex/market/detail/batch_merged"
MERGED = "/swap-ex/market/detail/merged"
TICK_FIELDS = {"contract_code", "id", "ts", "ask", "bid", "open", "close", "low", "high",
               "amount", "count", "vol"}  # fmt: skip


async def test_v1_answers_one_tick_per_contract(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 3, "60000")
    sandbox.match(Direction.SELL, 1, "59900")
    sandbox.place(MAKER, Direction.BUY, 7, "59800")
    sandbox.place(MAKER, Direction.SELL, 2, "60200")
    body = await sandbox.get(V1)
    now = sandbox.clock.now()
    assert set(body) == {"status", "ticks", "ts"} and body["status"] == "ok"
    ticks = {t["contract_code"]: t for t in body["ticks"]}
    assert set(ticks) == {"BTC-USD", "ETH-USD"}
    assert ticks[BTC] == {
        "contract_code": BTC,
        "id": now // 1000,
        "ts": now,
        "ask": [60200, 2],
        "bid": [59800, 7],
        "open": "60000",
        "close": "59900",
        "low": "59900",
        "high": "60000",
        "amount": format(((value(3, "60000") + value(1, "59900")) * SIDES).normalize(), "f"),
        "count": 2 * SIDES,
        "vol": str(4 * SIDES),
    }
    eth = ticks["ETH-USD"]
    assert set(eth) == TICK_FIELDS
    assert (eth["ask"], eth["bid"], eth["vol"], eth["count"]) == ([], [], "0", 0)


async def test_v1_for_one_contract_matches_detail_merged(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 2, "60050")
    batch = await sandbox.get(V1, contract_code="btc-usd")
    merged = await sandbox.get(MERGED, contract_code=BTC)
    [tick] = batch["ticks"]
    assert tick == {"contract_code": BTC, **merged["tick"]}


async def test_v2_adds_number_of_and_counts_vol_in_usd(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 3, "60000")
    [tick] = (await sandbox.get(V2, contract_code=BTC))["ticks"]
    assert tick["number_of"] == str(3 * SIDES)
    assert tick["vol"] == str(3 * SIDES * 100)  # contracts x 100 USD, as HTX's example
    assert Decimal(tick["amount"]) == value(3, "60000") * SIDES
    assert set(tick) == TICK_FIELDS | {"number_of"}


async def test_a_quiet_contract_prints_its_latest_price_never_an_index_between_ticks(
    sandbox: Sandbox,
) -> None:
    assert sandbox.engine.execute(SetIndexPrices({BTC: Decimal("60000.05")})).error is None
    mark = sandbox.engine.query(lambda ex: ex.state.mark_price(ex.contracts.get(BTC))).result()
    assert mark == Decimal("60000.05")  # off BTC-USD's 0.1 grid
    merged = (await sandbox.get(MERGED, contract_code=BTC))["tick"]
    [v1] = (await sandbox.get(V1, contract_code=BTC))["ticks"]
    [v2] = (await sandbox.get(V2, contract_code=BTC))["ticks"]
    for tick in (merged, v1, v2):  # no trade yet: the reference price, nothing traded
        assert [tick[k] for k in ("open", "high", "low", "close")] == ["60000"] * 4
        assert tick["count"] == 0


@pytest.mark.parametrize("path", [V1, V2])
async def test_an_unknown_contract_is_a_market_error(sandbox: Sandbox, path: str) -> None:
    body = await sandbox.get(path, contract_code="XRP-USD")
    assert (body["status"], body["err-code"], body["err-msg"]) == (
        "error", "invalid-request", "invalid contract code"
    )  # fmt: skip
