"""ccxt's strategy-order calls (sync and async) against a real server: trigger orders created,
listed, cancelled and read back from history; the TP/SL and trailing variants of the same
fetch and cancel calls. Every result is checked against the server's own view."""

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

TRIGGER = {"trigger": True}
OPEN = {"offset": "open", "leverRate": 5}
HISTORY = {**TRIGGER, "contract_code": CODE, "create_date": 90}
"""What swap_trigger_hisorders requires and ccxt does not send (it sends `contract`)."""


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


def trigger(exchange: Any, price: int = 40000, trigger_price: int = 41000, **params: Any) -> str:
    order = exchange.create_order(
        SYMBOL, "limit", "buy", 1, price, {"triggerPrice": trigger_price, **OPEN, **params}
    )
    order_id: str = order["id"]
    return order_id


def test_create_order_with_a_trigger_price_places_a_trigger_order(
    exchange: Any, server: HtxSwapClient
) -> None:
    order_id = trigger(exchange)
    ge_id = trigger(exchange, 80000, 79000, triggerType="ge")
    defaults = exchange.create_order(SYMBOL, "optimal_5", "sell", 2, None,
                                     {"triggerPrice": 79000, "offset": "open"})  # fmt: skip
    rows = {str(o.order_id): o for o in server.swap_trigger_openorders(CODE).orders}
    assert set(rows) == {order_id, ge_id, defaults["id"]}
    row = rows[order_id]
    # ccxt's defaults: trigger_type le; the price is the order price; the type is its own
    assert (row.trigger_type, row.trigger_price, row.order_price) == ("le", 41000, 40000)
    assert (row.order_price_type, row.volume, row.lever_rate, row.status) == ("limit", 1, 5, 2)
    assert rows[ge_id].trigger_type == "ge"
    row = rows[defaults["id"]]
    assert (row.order_price_type, row.order_price, row.direction) == ("optimal_5", 0, "sell")
    assert row.lever_rate == 1  # ccxt sends lever_rate 1 when none is given


def test_a_market_trigger_order_is_refused_as_for_swap_order(exchange: Any) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="1034"):
        exchange.create_order(SYMBOL, "market", "buy", 1, None, {"triggerPrice": 41000, **OPEN})


def test_fetch_open_orders_with_trigger_lists_them(exchange: Any, server: HtxSwapClient) -> None:
    order_id = trigger(exchange)
    (order,) = exchange.fetch_open_orders(SYMBOL, params=TRIGGER)
    assert (order["id"], order["symbol"], order["status"]) == (order_id, SYMBOL, "open")
    assert (order["type"], order["side"], order["amount"]) == ("limit", "buy", 1)
    assert (order["price"], order["triggerPrice"]) == (40000, 41000)
    (row,) = server.swap_trigger_openorders(CODE).orders
    assert order["timestamp"] == row.created_at
    assert exchange.fetch_open_orders(SYMBOL) == []  # ordinary orders: none


def test_cancel_order_with_trigger(exchange: Any, server: HtxSwapClient) -> None:
    order_id, kept = trigger(exchange), trigger(exchange)
    cancelled = exchange.cancel_order(order_id, SYMBOL, TRIGGER)
    assert (cancelled["id"], cancelled["status"]) == (order_id, "canceled")
    assert [str(o.order_id) for o in server.swap_trigger_openorders(CODE).orders] == [kept]
    (done,) = server.swap_trigger_hisorders(CODE, status=6).orders
    assert str(done.order_id) == order_id
    with pytest.raises(ccxt.OrderNotFound):  # HTX's 1061 in data.errors
        exchange.cancel_order(order_id, SYMBOL, TRIGGER)


def test_cancel_all_orders_with_trigger(exchange: Any, server: HtxSwapClient) -> None:
    buy = trigger(exchange)
    sell = exchange.create_order(SYMBOL, "limit", "sell", 1, 80000,
                                 {"triggerPrice": 79000, "triggerType": "ge", **OPEN})["id"]
    result = exchange.cancel_all_orders(SYMBOL, {**TRIGGER, "direction": "sell"})
    assert [(o["id"], o["status"]) for o in result] == [(sell, "canceled")]
    assert [o["id"] for o in exchange.cancel_all_orders(SYMBOL, TRIGGER)] == [buy]
    assert server.swap_trigger_openorders(CODE).orders == []
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL, TRIGGER)


def test_history_calls_need_htxs_required_fields_in_params(
    exchange: Any, server: HtxSwapClient
) -> None:
    """ccxt sends swap_trigger_hisorders `contract` (v3's name), no contract_code and no
    create_date, which HTX requires: 1066 (ccxt: BadSymbol) until params add them."""
    order_id = trigger(exchange)
    exchange.cancel_order(order_id, SYMBOL, TRIGGER)
    for call in (exchange.fetch_closed_orders, exchange.fetch_orders,
                 exchange.fetch_canceled_orders):  # fmt: skip
        with pytest.raises(ccxt.BadSymbol, match="The contract_code field cannot be empty"):
            call(SYMBOL, params=TRIGGER)
    # fetch_closed_orders sends status 6: for trigger orders that is "cancelled"
    (closed,) = exchange.fetch_closed_orders(SYMBOL, params=HISTORY)
    assert (closed["id"], closed["type"], closed["price"], closed["triggerPrice"]) == (
        order_id, "limit", 40000, 41000,
    )  # fmt: skip
    assert closed["status"] == "closed"  # ccxt's map of 6, for every kind of order
    assert [o["id"] for o in exchange.fetch_orders(SYMBOL, params=HISTORY)] == [order_id]
    # fetch_canceled_orders sends status 5,7: 7 is no trigger order status
    with pytest.raises(ccxt.InvalidOrder, match="1067"):
        exchange.fetch_canceled_orders(SYMBOL, params=HISTORY)
    (failed_or_cancelled,) = exchange.fetch_canceled_orders(SYMBOL,
                                                            params={**HISTORY, "status": "5,6"})
    assert failed_or_cancelled["id"] == order_id
    assert server.swap_trigger_hisorders(CODE).orders[0].status == 6


def test_a_fired_trigger_order_in_history(exchange: Any, server: HtxSwapClient) -> None:
    """A trigger at or below the best ask (ccxt's le) fires on the account's own sale at the
    best bid, wherever the maker's quotes moved meanwhile by less than their spread; ccxt lists
    the fired order (status 4) as "open", its map of 4 for ordinary orders."""
    best_ask = exchange.fetch_order_book(SYMBOL)["asks"][0][0]
    fired = exchange.create_order(
        SYMBOL, "optimal_5", "buy", 1, None, {"triggerPrice": best_ask, **OPEN}
    )["id"]
    exchange.create_order(SYMBOL, "opponent", "sell", 1, None, OPEN)
    (row,) = server.swap_trigger_hisorders(CODE, status=4).orders
    assert str(row.order_id) == fired and row.triggered_price is not None
    assert row.triggered_price <= Decimal(str(best_ask))
    (order,) = exchange.fetch_orders(SYMBOL, params={**HISTORY, "status": "4"})
    assert (order["id"], order["status"]) == (fired, "open")
    (child,) = server.swap_order_info(CODE, order_id=row.relation_order_id)
    assert (child.order_source, child.direction, child.offset) == ("trigger", "buy", "open")


@pytest.mark.parametrize("params", [{"stopLossTakeProfit": True}, {"trailing": True}])
def test_tpsl_and_trailing_calls_reach_their_endpoints(
    exchange: Any, server: HtxSwapClient, params: dict[str, bool]
) -> None:
    """The TP/SL and trailing variants reach their own kind's endpoints, which do not answer
    for a trigger order: an account whose only strategy order is a trigger order lists none,
    cannot cancel it there (1061) and has nothing to cancel all (1051). Placing TP/SL and
    trailing orders through ccxt is test_tpsl_orders.py's and test_trailing_orders.py's."""
    trigger(exchange)  # a trigger order is no TP/SL or trailing order
    assert exchange.fetch_open_orders(SYMBOL, params=params) == []
    with pytest.raises(ccxt.OrderNotFound):
        exchange.cancel_order(str(server.swap_trigger_openorders(CODE).orders[0].order_id),
                              SYMBOL, params)  # fmt: skip
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL, params)
    assert len(server.swap_trigger_openorders(CODE).orders) == 1


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
            placed = await asyncio.gather(
                *(exchange.create_order(SYMBOL, "limit", "buy", 1, 40000 + i,
                                        {"triggerPrice": 41000 + i, **OPEN}) for i in range(3))
            )  # fmt: skip
            listed = await exchange.fetch_open_orders(SYMBOL, params=TRIGGER)
            one = await exchange.cancel_order(placed[0]["id"], SYMBOL, TRIGGER)
            rest = await exchange.cancel_all_orders(SYMBOL, TRIGGER)
            history = await exchange.fetch_orders(SYMBOL, params=HISTORY)
            with pytest.raises(ccxt_async.InvalidOrder):
                await exchange.cancel_all_orders(SYMBOL, {"trailing": True})
            return placed, listed, one, rest, history
        finally:
            await exchange.close()

    placed, listed, one, rest, history = asyncio.run(main())
    ids = {o["id"] for o in placed}
    assert {o["id"] for o in listed} == ids == {o["id"] for o in history}
    assert one["status"] == "canceled"
    assert {o["id"] for o in rest} == ids - {one["id"]}
    with sandbox.client(account) as server:
        assert server.swap_trigger_openorders(CODE).orders == []
        cancelled = server.swap_trigger_hisorders(CODE, status=6).orders
        assert {str(o.order_id) for o in cancelled} == ids
