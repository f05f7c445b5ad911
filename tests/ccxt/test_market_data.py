"""ccxt's market-data calls against a real server, sync and async: fetch_ohlcv,
fetch_mark_ohlcv, fetch_tickers, fetch_open_interest and fetch_open_interest_history, each
checked against the server's own answer to the same request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from .conftest import CODE, SYMBOL, Account, Sandbox, run_snippet

ccxt = pytest.importorskip("ccxt")
ccxt_async = pytest.importorskip("ccxt.async_support")

OPEN = {"offset": "open", "leverRate": 5, "order_price_type": "opponent"}
MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def account(sandbox: Sandbox) -> Account:
    return sandbox.account()


@pytest.fixture(scope="module")
def exchange(make_exchange: Callable[[Account], Any], account: Account) -> Any:
    return make_exchange(account)


@pytest.fixture(scope="module")
def traded(exchange: Any) -> Decimal:
    """Two contracts bought against the market maker's quotes; their coin value."""
    order = exchange.create_order(SYMBOL, "limit", "buy", 2, None, OPEN)
    [fill] = [t for t in exchange.fetch_my_trades(SYMBOL) if t["order"] == order["id"]]
    return Decimal(str(fill["info"]["trade_volume"])) * 100 / Decimal(str(fill["price"]))


@pytest.fixture(scope="module")
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url) as client:
        yield client


def served(http: httpx.Client, path: str, **params: Any) -> Any:
    body = http.get(path, params=params).json()
    assert body["status"] == "ok", body
    return body


# -- sync --------------------------------------------------------------------------------------


def test_fetch_ohlcv_with_a_limit_reads_size(
    exchange: Any, http: httpx.Client, traded: Any
) -> None:
    candles = exchange.fetch_ohlcv(SYMBOL, "1m", limit=5)
    bars = served(http, "/swap-ex/market/history/kline", contract_code=CODE, period="1min",
                  size=5)["data"]  # fmt: skip
    assert [c[0] for c in candles] == [b["id"] * 1000 for b in bars]
    assert all(c[0] % MINUTE_MS == 0 for c in candles)
    last = candles[-1]
    assert last[1:5] == [bars[-1][k] for k in ("open", "high", "low", "close")]
    # ccxt's volume is the coin amount, both sides counted as HTX does.
    assert sum(Decimal(str(c[5])) for c in candles) >= traded * 2 - Decimal("1e-9")


def test_fetch_ohlcv_without_a_limit_reads_from_and_to(exchange: Any, traded: Any) -> None:
    candles = exchange.fetch_ohlcv(SYMBOL, "1m")
    assert candles, "ccxt's default window (from = now - 1999 minutes, to = now) finds the bars"
    assert candles == sorted(candles)
    since = candles[-1][0]
    assert exchange.fetch_ohlcv(SYMBOL, "1m", since=since)[0][0] == since


@pytest.mark.parametrize("timeframe", ["5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"])
def test_fetch_ohlcv_every_timeframe(exchange: Any, traded: Any, timeframe: str) -> None:
    [candle] = exchange.fetch_ohlcv(SYMBOL, timeframe, limit=1)
    assert candle[5] > 0


def test_a_timeframe_htx_does_not_serve_is_bad_request(exchange: Any) -> None:
    with pytest.raises(ccxt.BadRequest):
        exchange.fetch_ohlcv(SYMBOL, "1y", limit=1)


def test_fetch_mark_ohlcv(exchange: Any, http: httpx.Client, traded: Any) -> None:
    # The server's price source moves the index, so the mark, while the test runs: the open
    # bar's close may move between ccxt's read and the test's (it stays within the bar's range
    # read after), the finished bars do not; a minute may turn between the two reads (retry).
    for _ in range(3):
        candles = exchange.fetch_mark_ohlcv(SYMBOL, "1m", limit=3)
        bars = served(http, "/index/market/history/swap_mark_price_kline", contract_code=CODE,
                      period="1min", size=3)["data"]  # fmt: skip
        if [c[0] for c in candles] == [b["id"] * 1000 for b in bars]:
            break
    assert [c[0] for c in candles] == [b["id"] * 1000 for b in bars]
    assert [c[4] for c in candles[:-1]] == [float(b["close"]) for b in bars[:-1]]
    assert float(bars[-1]["low"]) <= candles[-1][4] <= float(bars[-1]["high"])
    assert {c[5] for c in candles} == {0}


def test_fetch_mark_ohlcv_needs_a_limit(exchange: Any) -> None:
    # HTX requires size on the mark-price kline; ccxt sends it only for a limit.
    with pytest.raises(ccxt.ExchangeError, match="size cannot be empty"):
        exchange.fetch_mark_ohlcv(SYMBOL, "1m")


def test_fetch_tickers(exchange: Any, http: httpx.Client, traded: Any) -> None:
    tickers = exchange.fetch_tickers()
    assert set(tickers) == {m["symbol"] for m in exchange.markets.values()}
    ticks = {t["contract_code"]: t for t in served(http, "/swap-ex/market/detail/batch_merged")
             ["ticks"]}  # fmt: skip
    btc = tickers[SYMBOL]
    assert btc["last"] == float(ticks[CODE]["close"])
    assert btc["baseVolume"] == float(ticks[CODE]["amount"])
    assert btc["quoteVolume"] == float(ticks[CODE]["vol"]) * 100  # contracts x face value
    assert btc["bid"] is not None and btc["ask"] is not None and btc["bid"] < btc["ask"]
    assert set(exchange.fetch_tickers([SYMBOL])) == {SYMBOL}


def test_fetch_open_interest(exchange: Any, http: httpx.Client, traded: Any) -> None:
    interest = exchange.fetch_open_interest(SYMBOL)
    [row] = served(http, "/swap-api/v1/swap_open_interest", contract_code=CODE)["data"]
    assert interest["symbol"] == SYMBOL
    assert interest["openInterestAmount"] == row["volume"] >= 2


def test_fetch_open_interest_history(exchange: Any, http: httpx.Client, traded: Any) -> None:
    history = exchange.fetch_open_interest_history(SYMBOL, "1h", limit=3)
    served_ticks = served(http, "/swap-api/v1/swap_his_open_interest", contract_code=CODE,
                          period="60min", amount_type=2, size=3)["data"]["tick"]  # fmt: skip
    assert [h["timestamp"] for h in history] == sorted(t["ts"] for t in served_ticks)
    assert history[-1]["openInterestAmount"] == served_ticks[0]["volume"] > 0  # in coin
    contracts = exchange.fetch_open_interest_history(SYMBOL, "1d", params={"amount_type": 1})
    assert contracts[-1]["openInterestAmount"] >= 2


# -- async -------------------------------------------------------------------------------------


def test_the_same_calls_with_ccxt_async(sandbox: Sandbox, account: Account, traded: Any) -> None:
    cls = run_snippet(2, sandbox, account)["AsyncHtxSandbox"]

    async def main() -> tuple[Any, ...]:
        exchange = cls({
            "apiKey": account.access_key,
            "secret": account.secret_key,
            "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {"hostnames": {"contract": "api.hbdm.com"}, "api": {"contract": sandbox.url}},
        })  # fmt: skip
        try:
            await exchange.load_markets()
            return await asyncio.gather(
                exchange.fetch_ohlcv(SYMBOL, "1d", limit=2),
                exchange.fetch_mark_ohlcv(SYMBOL, "1h", limit=2),
                exchange.fetch_tickers(),
                exchange.fetch_open_interest(SYMBOL),
                exchange.fetch_open_interest_history(SYMBOL, "4h", limit=2),
            )
        finally:
            await exchange.close()

    ohlcv, mark, tickers, interest, history = asyncio.run(main())
    # Two daily bars hold the fixture's trade whenever it was made; a minute bar may have rolled.
    assert sum(Decimal(str(c[5])) for c in ohlcv) >= traded * 2 - Decimal("1e-9")
    assert mark and mark[-1][5] == 0
    assert SYMBOL in tickers and tickers[SYMBOL]["last"] is not None
    assert interest["openInterestAmount"] >= 2
    assert history and history[-1]["openInterestAmount"] > 0
