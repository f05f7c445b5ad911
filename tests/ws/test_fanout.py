"""A public message is compressed once for all its subscribers, and every one gets the same
bytes; `req` and `sub` are limited per connection and second."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from htx_sandbox.http.core import frames
from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock

from .conftest import UID1, UID2, Served, place

pytestmark = pytest.mark.anyio
SUBSCRIBERS = 20
CHANNEL = "market.BTC-USD.trade.detail"


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(ping_interval_s=600)  # no heartbeat frame among the counted ones


async def test_a_push_is_compressed_once_for_every_subscriber(
    connect: Any, server: Served
) -> None:
    sockets = [await connect("/swap-ws") for _ in range(SUBSCRIBERS)]
    for ws in sockets:
        await ws.request({"sub": CHANNEL, "id": "t"})
    place(server.engine, UID1, "sell", "50000", 1)
    before = frames.stats.packed
    place(server.engine, UID2, "buy", "50000", 1)
    raw = await asyncio.gather(*(ws.recv_raw() for ws in sockets))
    assert frames.stats.packed - before == 1
    assert len(set(raw)) == 1  # the same bytes to everyone


async def test_req_is_limited_to_50_a_second(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await connect("/swap-ws")
    for i in range(50):
        await ws.send({"req": CHANNEL, "id": str(i), "size": 1})
    replies = [await ws.recv() for _ in range(50)]
    assert all(r["status"] == "ok" for r in replies)
    refused = await ws.request({"req": CHANNEL, "id": "51", "size": 1})
    assert refused["status"] == "error"
    assert refused["err-msg"] == "Number of visits exceeds limit."
    assert refused["err-code"] == "too-many-requests"
    clock.advance(1000)  # the window's second (of the wall clock: here the test's clock)
    again = await ws.request({"req": CHANNEL, "id": "52", "size": 1})
    assert again["status"] == "ok"


async def test_sub_is_limited_to_40_a_second(connect: Any) -> None:
    ws = await connect("/swap-ws")
    for i in range(40):  # sent at once: all within the second
        await ws.send({"sub": "market.BTC-USD.kline.1min", "id": str(i)})
    replies = [await ws.recv() for _ in range(40)]
    assert [r["status"] for r in replies] == ["ok"] * 40
    refused = await ws.request({"sub": CHANNEL, "id": "41"})
    assert refused["err-msg"] == "Number of visits exceeds limit."
