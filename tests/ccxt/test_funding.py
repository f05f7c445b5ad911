"""ccxt's funding calls against a real server (sync and async): fetch_funding_rate,
fetch_funding_rates, fetch_funding_rate_history, fetch_funding_history,
fetch_settlement_history and fetch_premium_index_ohlcv.

A settlement needs 8 hours of the server's clock, so the module's server starts on a data
directory with a past already in it: an engine run in-process with a manual clock from 30
hours ago to an hour ago (a long and a short held through its settlements, against an index
above which the swap trades), after which `htx-sandbox serve` opens the same store on the
wall clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from htx_sandbox.cli.serve import DATABASE_FILE
from htx_sandbox.client import HtxSwapClient
from htx_sandbox.domain.commands import (
    Command,
    Deposit,
    OpenUser,
    PlaceOrder,
    SetIndexPrices,
    Tick,
)
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.api_keys import CreateApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.sqlite import SqliteStore

from .conftest import CODE, SYMBOL, Account, Sandbox, run_snippet

ccxt_async = pytest.importorskip("ccxt.async_support")

HOUR = 3_600_000
PERIOD = 8 * HOUR
LONG, SHORT = UID(101), UID(102)
ACCOUNT = Account(101, "ak-funding-long-0001", "sk-funding-long-0001")


def write_a_past(data_dir: Path, now: int) -> int:
    """30 to 38 hours of an exchange in which LONG pays funding at every settlement, ending an
    hour before `now`; the time of its first settlement. It starts halfway between two
    settlements, whatever the hour: its trade is then as far from the first settlement on
    every run (the settlement price depends on it)."""
    start = now - 30 * HOUR
    clock = ManualClock(start - start % PERIOD - PERIOD // 2)
    store = SqliteStore(data_dir / DATABASE_FILE)
    engine = Engine(store, clock)
    engine.start()

    def ok(command: Command) -> None:
        outcome = engine.execute(command)
        assert outcome.error is None, outcome.error

    try:
        for uid in (LONG, SHORT):
            ok(OpenUser(uid))
            ok(Deposit(uid, "BTC", Decimal(10)))
        ok(CreateApiKey(ACCOUNT.access_key, ACCOUNT.secret_key, LONG, frozenset({"read", "trade"})))
        ok(SetIndexPrices({CODE: Decimal(60000)}))
        for uid, direction in ((SHORT, Direction.SELL), (LONG, Direction.BUY)):
            # Lever 5: the documented async snippet places at 5 on this account.
            ok(PlaceOrder(uid, CODE, direction, Offset.OPEN, 10, 5, OrderPriceType.LIMIT,
                          Decimal(60120)))  # fmt: skip
        first = clock.now() - clock.now() % PERIOD + PERIOD
        while clock.now() < now - HOUR:  # time passing in steps, as a running engine's does
            clock.advance(min(600_000, now - HOUR - clock.now()))
            ok(Tick())
    finally:
        engine.stop()
        store.close()
    return first


def settlements_since(first: int) -> list[int]:
    """Every settlement from `first` to now: the store's, and one in the last hour, which the
    server runs itself as soon as it starts."""
    return list(range(first, int(time.time() * 1000) + 1, PERIOD))


@pytest.fixture(scope="module")
def first_settlement() -> list[int]:
    return []


@pytest.fixture(scope="module")
def sandbox(
    tmp_path_factory: pytest.TempPathFactory, first_settlement: list[int]
) -> Iterator[Sandbox]:
    data_dir = tmp_path_factory.mktemp("data")
    first_settlement.append(write_a_past(data_dir, int(time.time() * 1000)))
    running = Sandbox(data_dir).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def settled(sandbox: Sandbox, first_settlement: list[int]) -> list[int]:
    return settlements_since(first_settlement[0])


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> Any:
    exchange = run_snippet(0, sandbox, ACCOUNT)["exchange"]
    exchange.enableRateLimit = False
    exchange.load_markets()
    return exchange


def test_fetch_funding_rate(exchange: Any, settled: list[int]) -> None:
    rate = exchange.fetch_funding_rate(SYMBOL)
    assert rate["symbol"] == SYMBOL
    assert rate["fundingRate"] == pytest.approx(0.0015)  # the index is still below the swap
    assert rate["fundingTimestamp"] > settled[-1] and rate["fundingTimestamp"] % PERIOD == 0
    assert rate["nextFundingRate"] is None and rate["nextFundingTimestamp"] is None
    rates = exchange.fetch_funding_rates([SYMBOL, "ETH/USD:ETH"])
    assert set(rates) == {SYMBOL, "ETH/USD:ETH"}
    assert rates[SYMBOL]["fundingRate"] == pytest.approx(0.0015)


def test_fetch_funding_rate_history(exchange: Any, settled: list[int]) -> None:
    history = exchange.fetch_funding_rate_history(SYMBOL)
    assert [h["timestamp"] for h in history] == settled  # oldest first, as ccxt sorts them
    assert {h["fundingRate"] for h in history[1:]} == {0.0015}


def test_fetch_funding_history(exchange: Any, settled: list[int]) -> None:
    """The account's funding payments (v3 swap_financial_record_exact, types 30 and 31)."""
    payments = exchange.fetch_funding_history(SYMBOL)
    assert [p["timestamp"] for p in payments] == settled[-len(payments):]
    assert payments and {p["code"] for p in payments} == {"BTC"}
    assert payments[-1]["amount"] == pytest.approx(-0.000025)


def test_fetch_settlement_history(exchange: Any, settled: list[int]) -> None:
    history = exchange.fetch_settlement_history(SYMBOL)
    assert [h["timestamp"] for h in history] == settled
    assert {h["price"] for h in history} == {60000}
    assert {h["symbol"] for h in history} == {SYMBOL}


def test_fetch_premium_index_ohlcv(exchange: Any, sandbox: Sandbox) -> None:
    """The premium index's minute samples as candles (swap_premium_index_kline), as the
    server's own client reads them."""
    candles = exchange.fetch_premium_index_ohlcv(SYMBOL, "1m", limit=3)
    with HtxSwapClient(base_url=sandbox.url) as server:
        bars = server.swap_premium_index_kline(CODE, "1min", 3).data
    assert len(candles) == 3 and [c[0] for c in candles] == [b.id * 1000 for b in bars]
    assert [c[1:5] for c in candles] == [
        [float(b.open), float(b.high), float(b.low), float(b.close)] for b in bars
    ]


def test_the_same_calls_from_async_ccxt(sandbox: Sandbox, settled: list[int]) -> None:
    cls = run_snippet(2, sandbox, ACCOUNT)["AsyncHtxSandbox"]

    async def main() -> tuple[Any, ...]:
        exchange = cls({
            "apiKey": ACCOUNT.access_key,
            "secret": ACCOUNT.secret_key,
            "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {"hostnames": {"contract": "api.hbdm.com"},
                     "api": {"contract": sandbox.url}},
        })  # fmt: skip
        try:
            await exchange.load_markets()
            return await asyncio.gather(
                exchange.fetch_funding_rate(SYMBOL),
                exchange.fetch_funding_rates([SYMBOL]),
                exchange.fetch_funding_rate_history(SYMBOL),
                exchange.fetch_funding_history(SYMBOL),
                exchange.fetch_settlement_history(SYMBOL),
                exchange.fetch_premium_index_ohlcv(SYMBOL, "1h", limit=3),
            )
        finally:
            await exchange.close()

    rate, rates, history, payments, settlements, candles = asyncio.run(main())
    assert rate["fundingRate"] == pytest.approx(0.0015)
    assert set(rates) == {SYMBOL}
    assert [h["timestamp"] for h in history] == settled
    assert payments[-1]["amount"] == pytest.approx(-0.000025)
    assert [s["timestamp"] for s in settlements] == settled
    assert len(candles) == 3 and candles[1][0] - candles[0][0] == HOUR
