"""ccxt.pro's public watch_* calls, unmodified, against the sandbox's /swap-ws, configured by
the WebSocket snippet of docs/ccxt.md."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from .conftest import SYMBOL, Sandbox, doc_snippets, run_snippet

TIMEOUT_S = 30


def ws_snippet() -> int:
    return next(i for i, s in enumerate(doc_snippets()) if "ccxt.pro" in s)


@pytest.fixture(scope="module")
def sandbox_pro(sandbox: Sandbox) -> Callable[[], Any]:
    factory: Callable[[], Any] = run_snippet(ws_snippet(), sandbox, sandbox.account())[
        "sandbox_pro"
    ]
    return factory


def run(factory: Callable[[], Any], body: Callable[[Any], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        exchange = factory()
        try:
            await exchange.load_markets()
            return await asyncio.wait_for(body(exchange), TIMEOUT_S)
        finally:
            await exchange.close()

    return asyncio.run(main())


def test_the_documented_snippet_watches_the_book_and_the_ticker(sandbox: Sandbox) -> None:
    namespace = run_snippet(ws_snippet(), sandbox, sandbox.account())
    bids, best_bid = namespace["bids"], namespace["best_bid"]
    assert bids and best_bid > 0  # the maker's quotes (they move: the two need not agree)


def test_watch_order_book_applies_every_update(
    sandbox: Sandbox, make_exchange: Callable[..., Any], sandbox_pro: Callable[[], Any]
) -> None:
    rest = make_exchange(sandbox.account())
    price = 30000.5  # far below the maker's quotes: a level of its own

    async def body(exchange: Any) -> tuple[float, float]:
        book = await exchange.watch_order_book(SYMBOL)
        assert price not in dict(book["bids"])
        order = await asyncio.to_thread(
            rest.create_order, SYMBOL, "limit", "buy", 7, price, {"offset": "open", "leverRate": 5}
        )
        while dict(book["bids"]).get(price) != 7:
            book = await exchange.watch_order_book(SYMBOL)
        nonce = book["nonce"]
        await asyncio.to_thread(rest.cancel_order, order["id"], SYMBOL)
        while price in dict(book["bids"]):
            book = await exchange.watch_order_book(SYMBOL)
        return nonce, book["nonce"]

    before, after = run(sandbox_pro, body)
    assert after > before  # updates were applied (ccxt drops any not exactly one version on)


def test_watch_order_book_with_limit_20(sandbox_pro: Callable[[], Any]) -> None:
    async def body(exchange: Any) -> Any:
        return await exchange.watch_order_book(SYMBOL, 20)

    book = run(sandbox_pro, body)
    assert 0 < len(book["bids"]) <= 20 and 0 < len(book["asks"]) <= 20
    assert book["bids"][0][0] < book["asks"][0][0]


def test_watch_trades_and_ohlcv_see_a_trade(
    sandbox: Sandbox, make_exchange: Callable[..., Any], sandbox_pro: Callable[[], Any]
) -> None:
    rest = make_exchange(sandbox.account())

    async def body(exchange: Any) -> tuple[list[Any], list[Any], Any]:
        book = await exchange.watch_order_book(SYMBOL)
        best_bid = book["bids"][0][0]
        trades_task = asyncio.ensure_future(exchange.watch_trades(SYMBOL))
        ohlcv_task = asyncio.ensure_future(exchange.watch_ohlcv(SYMBOL, "1m"))
        # Trade until both have seen one: a trade before their `sub` reached the server
        # would not be pushed to them.
        while not (trades_task.done() and ohlcv_task.done()):
            await asyncio.to_thread(
                rest.create_order, SYMBOL, "limit", "sell", 1, best_bid,
                {"offset": "open", "leverRate": 5},
            )  # fmt: skip
            await asyncio.wait({trades_task, ohlcv_task}, timeout=1)
        trades, candles = trades_task.result(), ohlcv_task.result()
        # The market maker trades too (it requotes as the index walks), so the first push
        # may be its trade: watch on until one of ours, a sell, arrives.
        for _ in range(20):
            if any(t["side"] == "sell" for t in trades):
                break
            await asyncio.to_thread(
                rest.create_order, SYMBOL, "limit", "sell", 1, best_bid,
                {"offset": "open", "leverRate": 5},
            )  # fmt: skip
            trades = await asyncio.wait_for(exchange.watch_trades(SYMBOL), 5)
        ticker = await exchange.watch_ticker(SYMBOL)
        return trades, candles, ticker

    trades, candles, ticker = run(sandbox_pro, body)
    assert all(t["symbol"] == SYMBOL for t in trades)
    trade = [t for t in trades if t["side"] == "sell"][-1]
    assert trade["price"] > 0 and trade["amount"] > 0
    [candle] = candles[-1:]
    timestamp, _open, high, low, close, volume = candle
    assert timestamp % 60_000 == 0 and low <= close <= high and volume > 0
    assert ticker["last"] in {t["price"] for t in trades}


def test_un_watch_then_watch_again(sandbox_pro: Callable[[], Any]) -> None:
    async def body(exchange: Any) -> tuple[Any, Any]:
        await exchange.watch_ticker(SYMBOL)
        await exchange.un_watch_ticker(SYMBOL)  # resolved by the `unsubbed` reply
        await exchange.watch_order_book(SYMBOL)
        await exchange.un_watch_order_book(SYMBOL)
        book = await exchange.watch_order_book(SYMBOL)  # a new snapshot
        ticker = await exchange.watch_ticker(SYMBOL)
        return book, ticker

    book, ticker = run(sandbox_pro, body)
    assert book["bids"] and book["asks"] and ticker["bid"] > 0
