"""ccxt's trailing orders (sync and async) against a real server: create_order with
`trailingPercent` reaches swap_track_order (callback_rate = percent / 100, active_price from
`trailingTriggerPrice` or the price argument, formula_price unless params say otherwise, ccxt's
lever_rate 1 when none is given); the {"trailing": True} variants of fetch_open_orders,
cancel_order, cancel_all_orders and fetch_orders reach the swap_track_* endpoints. Every result
is checked against the server's own view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.client import HtxSwapClient

from .conftest import CODE, SYMBOL, Account, Sandbox, run_snippet

ccxt = pytest.importorskip("ccxt")
ccxt_async = pytest.importorskip("ccxt.async_support")

TRAILING = {"trailing": True}
OPEN = {"offset": "open", "leverRate": 5}
HISTORY = {**TRAILING, "contract_code": CODE, "create_date": 90}
"""What swap_track_hisorders requires and ccxt does not send (it sends `contract`)."""
# The market maker quotes around 60000 and the latest price stays near it: a buy activating
# at 40000 and a sell at 80000 are on the right side of it, and wait.
LOW, HIGH = 40000, 80000


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


def trailing(exchange: Any, side: str = "buy", active: float = LOW, **params: Any) -> str:
    order = exchange.create_order(
        SYMBOL, "limit", side, 1, None,
        {"trailingPercent": 1, "trailingTriggerPrice": active, **OPEN, **params},
    )  # fmt: skip
    order_id: str = order["id"]
    return order_id


def test_create_order_with_a_trailing_percent_places_a_trailing_order(
    exchange: Any, server: HtxSwapClient
) -> None:
    buy = trailing(exchange)
    # No trailingTriggerPrice: the price argument activates it; no leverRate: ccxt sends 1.
    sell = exchange.create_order(
        SYMBOL, "limit", "sell", 2, HIGH,
        {"trailingPercent": 0.25, "offset": "open", "order_price_type": "optimal_10"},
    )["id"]  # fmt: skip
    rows = {str(o.order_id): o for o in server.swap_track_openorders(CODE).orders}
    assert set(rows) == {buy, sell}
    row = rows[buy]
    assert (row.callback_rate, row.active_price, row.order_price_type) == (
        Decimal("0.01"), LOW, "formula_price",
    )  # fmt: skip
    assert (row.direction, row.offset, row.volume, row.lever_rate) == ("buy", "open", 1, 5)
    assert (row.status, row.is_active, row.order_source) == (2, 0, "api")
    row = rows[sell]
    assert (row.callback_rate, row.active_price, row.order_price_type) == (
        Decimal("0.0025"), HIGH, "optimal_10",
    )  # fmt: skip
    assert (row.volume, row.lever_rate) == (2, 1)


def test_htxs_refusals_reach_ccxt(exchange: Any, server: HtxSwapClient) -> None:
    with pytest.raises(ccxt.ExchangeError, match="1425"):  # 20 % is above the 10 % bound
        trailing(exchange, trailingPercent=20)
    with pytest.raises(ccxt.ExchangeError, match="1426"):  # a buy activates below the price
        trailing(exchange, active=HIGH)
    with pytest.raises(ccxt.InvalidOrder, match="1034"):  # limit is no trailing price type
        trailing(exchange, order_price_type="limit")
    assert server.swap_track_openorders(CODE).orders == []


def test_fetch_open_orders_with_trailing_lists_them(exchange: Any) -> None:
    buy, sell = trailing(exchange), trailing(exchange, "sell", HIGH)
    listed = exchange.fetch_open_orders(SYMBOL, params=TRAILING)
    assert {(o["id"], o["side"], o["amount"], o["status"]) for o in listed} == {
        (buy, "buy", 1, "open"), (sell, "sell", 1, "open"),
    }  # fmt: skip
    assert exchange.fetch_open_orders(SYMBOL) == []  # ordinary orders: none


def test_cancel_order_with_trailing(exchange: Any, server: HtxSwapClient) -> None:
    order_id, kept = trailing(exchange), trailing(exchange)
    cancelled = exchange.cancel_order(order_id, SYMBOL, TRAILING)
    assert (cancelled["id"], cancelled["status"]) == (order_id, "canceled")
    assert [str(o.order_id) for o in server.swap_track_openorders(CODE).orders] == [kept]
    with pytest.raises(ccxt.OrderNotFound):  # HTX's 1061 in data.errors
        exchange.cancel_order(order_id, SYMBOL, TRAILING)
    (done,) = server.swap_track_hisorders(CODE, status=6).orders
    assert str(done.order_id) == order_id and done.canceled_at > 0


def test_cancel_all_orders_with_trailing(exchange: Any, server: HtxSwapClient) -> None:
    buy, sell = trailing(exchange), trailing(exchange, "sell", HIGH)
    result = exchange.cancel_all_orders(SYMBOL, {**TRAILING, "direction": "sell"})
    assert [(o["id"], o["status"]) for o in result] == [(sell, "canceled")]
    assert [o["id"] for o in exchange.cancel_all_orders(SYMBOL, TRAILING)] == [buy]
    assert server.swap_track_openorders(CODE).orders == []
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL, TRAILING)


def test_fetch_orders_with_trailing_reads_the_history(exchange: Any) -> None:
    order_id = trailing(exchange)
    exchange.cancel_order(order_id, SYMBOL, TRAILING)
    (order,) = exchange.fetch_orders(SYMBOL, params=HISTORY)
    assert (order["id"], order["side"], order["status"]) == (order_id, "buy", "closed")


def test_a_trade_at_the_active_price_activates_it(exchange: Any, server: HtxSwapClient) -> None:
    """The account's own buy sets the latest price at the maker's best ask; a sell trailing
    order one tick above it is activated by a buy sweeping the maker's two best ask levels
    (10 contracts each), wherever the maker's walk (3 ticks a step) moved them meanwhile."""
    exchange.create_order(SYMBOL, "opponent", "buy", 1, None, OPEN)
    latest = Decimal(str(exchange.fetch_ticker(SYMBOL)["last"]))
    order_id = trailing(exchange, "sell", float(latest + Decimal("0.1")))
    (row,) = server.swap_track_openorders(CODE).orders
    assert row.is_active == 0
    exchange.create_order(SYMBOL, "optimal_5", "buy", 21, None, OPEN)
    (row,) = server.swap_track_openorders(CODE).orders
    assert (str(row.order_id), row.is_active, row.status) == (order_id, 1, 2)


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
            placed = await asyncio.gather(*(
                exchange.create_order(SYMBOL, "limit", "buy", 1, None, {
                    "trailingPercent": 0.5 + i, "trailingTriggerPrice": LOW + i, **OPEN,
                }) for i in range(3)
            ))  # fmt: skip
            listed = await exchange.fetch_open_orders(SYMBOL, params=TRAILING)
            one = await exchange.cancel_order(placed[0]["id"], SYMBOL, TRAILING)
            rest = await exchange.cancel_all_orders(SYMBOL, TRAILING)
            return placed, listed, one, rest
        finally:
            await exchange.close()

    placed, listed, one, rest = asyncio.run(main())
    ids = {o["id"] for o in placed}
    assert {o["id"] for o in listed} == ids
    assert one["status"] == "canceled"
    assert {o["id"] for o in rest} == ids - {one["id"]}
    with sandbox.client(account) as server:
        history = server.swap_track_hisorders(CODE, status=6).orders
        assert {str(o.order_id): o.callback_rate for o in history} == {
            o["id"]: Decimal("0.5") / 100 + Decimal(i) / 100 for i, o in enumerate(placed)
        }
