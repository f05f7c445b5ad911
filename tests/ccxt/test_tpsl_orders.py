"""ccxt's take-profit / stop-loss calls (sync and async) against a real server: create_order
with stopLossPrice or takeProfitPrice reaches swap_tpsl_order (ccxt sends offset and no
lever_rate), and the stopLossTakeProfit variants of fetch_open_orders, cancel_order and
cancel_all_orders find those legs. Every result is checked against the server's own view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from htx_sandbox.client import HtxSwapClient

from .conftest import CODE, SYMBOL, Account, Sandbox, run_snippet

ccxt = pytest.importorskip("ccxt")
ccxt_async = pytest.importorskip("ccxt.async_support")

TPSL = {"stopLossTakeProfit": True}
OPEN = {"offset": "open", "leverRate": 5}
CLOSE = {"offset": "close"}  # ccxt requires an offset for inverse markets, TP/SL included
FAR_BID = 40000  # the maker quotes around 60000: a stop this low, a target this high wait
FAR_ASK = 80000


@pytest.fixture
def account(sandbox: Sandbox) -> Account:
    return sandbox.account()


@pytest.fixture
def exchange(make_exchange: Callable[[Account], Any], account: Account) -> Any:
    return make_exchange(account)


@pytest.fixture
def server(sandbox: Sandbox, account: Account) -> Iterator[HtxSwapClient]:
    with sandbox.client(account) as client:
        yield client


def open_long(exchange: Any, volume: int = 2) -> None:
    exchange.create_order(SYMBOL, "opponent", "buy", volume, None, OPEN)


def legs(server: HtxSwapClient) -> dict[str, Any]:
    return {o.order_id_str: o for o in server.swap_tpsl_openorders(CODE).orders}


def test_create_order_with_stop_loss_price_places_an_sl_on_the_position(
    exchange: Any, server: HtxSwapClient
) -> None:
    open_long(exchange)
    order = exchange.create_order(
        SYMBOL, "limit", "sell", 2, FAR_BID - 100, {**CLOSE, "stopLossPrice": FAR_BID}
    )
    (row,) = legs(server).values()
    assert order["id"] == row.order_id_str  # ccxt read data.sl_order
    assert (row.tpsl_order_type, row.trigger_type, row.direction) == ("sl", "le", "sell")
    assert (row.trigger_price, row.order_price, row.order_price_type) == (
        FAR_BID, FAR_BID - 100, "limit",
    )  # fmt: skip
    assert (row.volume, row.status, row.source_order_id) == (2, 2, None)
    assert row.relation_tpsl_order_id == "-1"


def test_create_order_with_take_profit_price_and_an_optimal_type(
    exchange: Any, server: HtxSwapClient
) -> None:
    open_long(exchange, 1)
    order = exchange.create_order(
        SYMBOL, "optimal_5", "sell", 1, None, {**CLOSE, "takeProfitPrice": FAR_ASK}
    )
    row = legs(server)[order["id"]]  # ccxt read data.tp_order
    assert (row.tpsl_order_type, row.trigger_type, row.trigger_price) == ("tp", "ge", FAR_ASK)
    assert (row.order_price_type, row.order_price) == ("optimal_5", 0)


def test_refusals_surface_as_ccxt_errors(exchange: Any) -> None:
    with pytest.raises(ccxt.InsufficientFunds, match="1048"):  # no position to protect
        exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_BID, {**CLOSE, "stopLossPrice":
                                                                    FAR_BID})  # fmt: skip
    open_long(exchange, 1)
    with pytest.raises(ccxt.ExchangeError, match="1407"):  # a stop above the latest price
        exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_ASK, {**CLOSE, "stopLossPrice":
                                                                    FAR_ASK})  # fmt: skip
    with pytest.raises(ccxt.InvalidOrder, match="1034"):  # market is no TP/SL price type
        exchange.create_order(SYMBOL, "market", "sell", 1, None, {**CLOSE, "takeProfitPrice":
                                                                  FAR_ASK})  # fmt: skip


def test_fetch_open_orders_cancel_order_and_cancel_all_with_stop_loss_take_profit(
    exchange: Any, server: HtxSwapClient
) -> None:
    open_long(exchange, 2)
    stop = exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_BID,
                                 {**CLOSE, "stopLossPrice": FAR_BID})["id"]  # fmt: skip
    target = exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_ASK,
                                   {**CLOSE, "takeProfitPrice": FAR_ASK})["id"]  # fmt: skip
    listed = exchange.fetch_open_orders(SYMBOL, params=TPSL)
    assert {o["id"] for o in listed} == {stop, target}
    assert {o["status"] for o in listed} == {"open"} and {o["side"] for o in listed} == {"sell"}
    assert exchange.fetch_open_orders(SYMBOL) == []  # no ordinary order was placed
    cancelled = exchange.cancel_order(stop, SYMBOL, TPSL)
    assert (cancelled["id"], cancelled["status"]) == (stop, "canceled")
    assert set(legs(server)) == {target}
    assert [o["id"] for o in exchange.cancel_all_orders(SYMBOL, TPSL)] == [target]
    assert legs(server) == {}
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL, TPSL)


def test_a_stop_fires_and_closes_the_position(exchange: Any, server: HtxSwapClient) -> None:
    """A stop at or above the best bid fires on the account's own sale there (the maker's
    quotes move by less than their spread meanwhile); its optimal_5 close sells the rest."""
    open_long(exchange, 2)
    best_bid = exchange.fetch_order_book(SYMBOL)["bids"][0][0]
    stop = exchange.create_order(SYMBOL, "optimal_5", "sell", 1, None,
                                 {**CLOSE, "stopLossPrice": best_bid})["id"]  # fmt: skip
    exchange.create_order(SYMBOL, "opponent", "sell", 1, None, {**CLOSE, "leverRate": 5})
    (fired,) = server.swap_tpsl_hisorders(CODE, status=4).orders
    assert fired.order_id_str == stop and fired.relation_order_id != "-1"
    (child,) = server.swap_order_info(CODE, order_id=fired.relation_order_id)
    assert (child.order_source, child.direction, child.offset) == ("tpsl", "sell", "close")
    assert [p for p in server.swap_position_info(CODE) if p.volume] == []


def test_the_async_exchange_does_the_same(sandbox: Sandbox, account: Account) -> None:
    cls = run_snippet(2, sandbox, account)["AsyncHtxSandbox"]

    async def main() -> tuple[Any, ...]:
        exchange = cls({
            "apiKey": account.access_key, "secret": account.secret_key, "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {"hostnames": {"contract": "api.hbdm.com"}, "api": {"contract": sandbox.url}},
        })  # fmt: skip
        try:
            await exchange.load_markets()
            await exchange.create_order(SYMBOL, "opponent", "buy", 3, None, OPEN)
            placed = await asyncio.gather(
                *(exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_BID - i,
                                        {**CLOSE, "stopLossPrice": FAR_BID - i})
                  for i in range(3))
            )  # fmt: skip
            listed = await exchange.fetch_open_orders(SYMBOL, params=TPSL)
            rest = await exchange.cancel_all_orders(SYMBOL, TPSL)
            return placed, listed, rest
        finally:
            await exchange.close()

    placed, listed, rest = asyncio.run(main())
    ids = {o["id"] for o in placed}
    assert {o["id"] for o in listed} == ids == {o["id"] for o in rest}
    with sandbox.client(account) as server:
        assert server.swap_tpsl_openorders(CODE).orders == []
        assert {o.order_id_str for o in server.swap_tpsl_hisorders(CODE, status=6).orders} == ids
