"""market.$contract_code.trade.detail on /swap-ws: every taker round pushed after its commit,
and `req` for the newest trades."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .conftest import UID1, UID2, Served, place

pytestmark = pytest.mark.anyio


async def test_sub_replies_subbed_in_upper_case_then_pushes_each_trade(
    connect: Any, server: Served
) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request({"sub": "market.btc-usd.trade.detail", "id": "id1"})
    assert reply["status"] == "ok"
    assert reply["subbed"] == "market.BTC-USD.trade.detail"
    assert set(reply) == {"id", "status", "subbed", "ts"}
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 2)
    push = await ws.recv_until(lambda m: "ch" in m)
    assert push["ch"] == "market.BTC-USD.trade.detail"
    assert isinstance(push["ts"], int)
    tick = push["tick"]
    [trade] = tick["data"]
    assert tick["id"] == trade["id"]
    assert trade["direction"] == "buy"
    assert trade["price"] == Decimal(50000)
    assert trade["amount"] == 4  # both sides of 2 contracts, as HTX's tape counts
    assert trade["quantity"] == Decimal(4 * 100) / Decimal(50000)
    assert set(trade) == {"amount", "ts", "id", "price", "direction", "quantity"}


async def test_req_answers_newest_trades_with_strings(connect: Any, server: Served) -> None:
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 1)
    place(server.engine, UID2, "buy", "50000", 2)
    ws = await connect("/swap-ws")
    reply = await ws.request({"req": "market.BTC-USD.trade.detail", "id": "id8", "size": 1})
    assert reply["status"] == "ok" and reply["rep"] == "market.BTC-USD.trade.detail"
    [newest] = reply["data"]
    assert newest["amount"] == "4" and newest["price"] == "50000"
    assert newest["quantity"] == "0.008"
    all_of_them = await ws.request({"req": "market.BTC-USD.trade.detail", "id": "id9"})
    assert [t["amount"] for t in all_of_them["data"]] == ["4", "2"]


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("market.XRP-USD.trade.detail", "invalid topic market.XRP-USD.trade.detail"),
        ("market.BTC-USD.trade", "invalid topic market.BTC-USD.trade"),
        ("", "topic cannot be empty"),
    ],
)
async def test_sub_to_an_unknown_topic_is_refused(connect: Any, topic: str, message: str) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request({"sub": topic, "id": "x"})
    assert reply["status"] == "error"
    assert reply["err-code"] == "bad-request"
    assert reply["err-msg"] == message


async def test_unsub_stops_the_pushes(connect: Any, server: Served) -> None:
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.trade.detail", "id": "1"})
    reply = await ws.request({"unsub": "market.BTC-USD.trade.detail", "id": "2"})
    assert reply == {
        "id": "2", "status": "ok", "unsubbed": "market.BTC-USD.trade.detail", "ts": reply["ts"]
    }  # fmt: skip
    place(server.engine, UID1, "sell", "50000", 1)
    place(server.engine, UID2, "buy", "50000", 1)
    await ws.send({"ping": 1})
    nothing_else = await ws.recv_until(lambda m: "pong" in m or "ch" in m)
    assert nothing_else == {"pong": 1}


async def test_a_trade_is_pushed_before_anything_asked_after_its_reply(
    connect: Any, server: Served
) -> None:
    """The push is handed to the connection before the order's reply is released, so a frame
    the client sends once it has the reply is answered after the push."""
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.trade.detail", "id": "1"})
    for round_ in range(5):
        place(server.engine, UID1, "sell", "50000", 1)
        place(server.engine, UID2, "buy", "50000", 1)  # the reply: the trade is committed
        await ws.send({"ping": round_})
        first = await ws.recv_until(lambda m: "ch" in m or "pong" in m)
        assert first["ch"] == "market.BTC-USD.trade.detail"
        assert await ws.recv_until(lambda m: "ch" in m or "pong" in m) == {"pong": round_}
