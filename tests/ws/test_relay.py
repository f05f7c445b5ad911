"""The socket relay under the WebSocket services: a connection it writes for behaves as one the
server writes itself (every other test in this package runs through it), and should its
process die, its connections end, never silent, and new ones are served without it."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.relay.link import SocketRelay, available

from .conftest import UID1, UID2, Served, place

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not available(), reason="no SCM_RIGHTS on this platform"),
]
TRADES = "market.BTC-USD.trade.detail"


async def trades_pushed(ws: Any, server: Served, volume: int) -> dict[str, Any]:
    place(server.engine, UID1, "sell", "50000", volume)
    place(server.engine, UID2, "buy", "50000", volume)
    push: dict[str, Any] = await ws.recv_until(lambda m: m.get("ch") == TRADES)
    return push


async def relayed_subscriber(connect: Any, server: Served) -> tuple[SocketRelay, Any]:
    """A trade.detail subscriber whose first push went through the server's relay."""
    relay = server.relay
    assert relay is not None
    ws = await connect("/swap-ws")
    assert (await ws.request({"sub": TRADES, "id": "1"}))["status"] == "ok"
    assert (await trades_pushed(ws, server, 1))["tick"]["data"][0]["amount"] == 2
    assert relay.connections == 1  # the push went through the relay
    return relay, ws


async def test_a_dead_relay_ends_its_connections_and_new_ones_are_served_without_it(
    connect: Any, server: Served
) -> None:
    relay, before = await relayed_subscriber(connect, server)
    os.kill(relay.pid, signal.SIGKILL)  # what a crash of the relay's process looks like
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(10):
            while True:
                await before.recv_raw()
    assert relay.failed
    after = await connect("/swap-ws")
    assert (await after.request({"sub": TRADES, "id": "2"}))["status"] == "ok"
    assert (await trades_pushed(after, server, 3))["tick"]["data"][0]["amount"] == 6
    assert relay.connections == 0


async def test_a_connection_the_client_ends_is_let_go_by_the_relay(
    connect: Any, server: Served
) -> None:
    relay, ws = await relayed_subscriber(connect, server)
    await ws.connection.close()
    async with asyncio.timeout(10):
        while relay.connections:
            await asyncio.sleep(0.01)
