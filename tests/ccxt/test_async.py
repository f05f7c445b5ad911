"""ccxt.async_support's htx against a real server, configured by docs/ccxt.md's async block."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import CODE, SYMBOL, Sandbox, run_snippet

ccxt_async = pytest.importorskip("ccxt.async_support")


def test_the_documented_async_snippet(sandbox: Sandbox) -> None:
    account = sandbox.account()
    namespace = run_snippet(2, sandbox, account)
    order, cancelled = namespace["order"], namespace["cancelled"]
    assert [o["id"] for o in cancelled] == [order["id"]]
    with sandbox.client(account) as server:
        [seen] = server.swap_order_info(contract_code=CODE, order_id=order["id"])
        assert seen.status == 7
        assert server.swap_openorders(contract_code=CODE).orders == []


def test_async_calls_in_parallel(sandbox: Sandbox) -> None:
    account = sandbox.account()
    cls = run_snippet(2, sandbox, account)["AsyncHtxSandbox"]

    async def main() -> tuple[Any, ...]:
        exchange = cls({
            "apiKey": account.access_key,
            "secret": account.secret_key,
            "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {
                "hostnames": {"contract": f"127.0.0.1:{sandbox.port}"},
                "api": {"contract": "http://{hostname}"},
            },
        })  # fmt: skip
        try:
            await exchange.load_markets()
            params = {"offset": "open", "leverRate": 5}
            orders = await asyncio.gather(
                *(exchange.create_order(SYMBOL, "limit", "buy", 1, 40000 + i, params)
                  for i in range(5))
            )  # fmt: skip
            book, balance, open_orders = await asyncio.gather(
                exchange.fetch_order_book(SYMBOL),
                exchange.fetch_balance(),
                exchange.fetch_open_orders(SYMBOL),
            )
            cancelled = await exchange.cancel_all_orders(SYMBOL, {"direction": "buy"})
            with pytest.raises(ccxt_async.InvalidOrder):
                await exchange.cancel_all_orders(SYMBOL)
            return orders, book, balance, open_orders, cancelled
        finally:
            await exchange.close()

    orders, book, balance, open_orders, cancelled = asyncio.run(main())
    ids = {o["id"] for o in orders}
    assert {o["id"] for o in open_orders} == ids == {o["id"] for o in cancelled}
    assert book["bids"] and balance["BTC"]["total"] == 10
    with sandbox.client(account) as server:
        for order_id in ids:
            [seen] = server.swap_order_info(contract_code=CODE, order_id=order_id)
            assert seen.status == 7
        assert server.swap_openorders(contract_code=CODE).orders == []
