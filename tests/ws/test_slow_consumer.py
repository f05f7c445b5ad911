"""A subscriber that stops reading is closed with 1013 and a reason once its queue is full,
after the frames already sent (no silent gap); the engine and another subscriber of the same
channel carry on, the other one following the book to its last state."""

from __future__ import annotations

import asyncio
import socket
from itertools import pairwise
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.ws import WsSettings

from .conftest import UID1, HtxSocket, Served, place

pytestmark = pytest.mark.anyio
CHANNEL = "market.BTC-USD.depth.step0"
LEVELS = 150
CHANGES = 3000
QUEUE = 200
CHUNK = 50
"""The driver lets the fast subscriber catch up every CHUNK changes (well inside QUEUE)."""


def total(message: Any) -> int:
    return sum(level[1] for level in message["tick"]["bids"])


@pytest.fixture(params=[True, False], ids=["relay", "no-relay"])
def ws_relay(request: pytest.FixtureRequest) -> bool:
    """Both ways a frame leaves: the socket relay's flow control and the transport's."""
    return bool(request.param)


@pytest.fixture
def send_buffer() -> int:
    return 8192  # so that the slow subscriber's backlog reaches the server's queue soon


@pytest.fixture
def ws_settings() -> WsSettings:
    # The book checked about every change (HTX's 100 ms would leave too few pushes to fill a
    # queue in a test's time).
    # It reads its close late, after the whole run: never dropped for that here.
    return WsSettings(queue_limit=QUEUE, step_depth_interval_s=0.001, close_wait_s=600)


async def test_a_slow_consumer_is_closed_and_the_others_get_everything(
    connect: Any, server: Served
) -> None:
    for i in range(LEVELS):  # a full book: every push carries 150 levels
        place(server.engine, UID1, "buy", str(40000 + i * 10), 1)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    slow = HtxSocket(
        await ws_connect(server.url("/swap-ws"), sock=raw, compression=None, max_queue=1)
    )
    fast = await connect("/swap-ws")
    for ws in (slow, fast):
        await ws.request({"sub": CHANNEL, "id": "d"})
    first = await fast.recv_until(lambda m: m.get("ch") == CHANNEL)
    totals = [total(first)]

    async def read_fast() -> None:
        while totals[-1] < LEVELS + CHANGES:
            message = await fast.recv()
            if message.get("ch") == CHANNEL:
                totals.append(total(message))
            elif "ping" in message:
                await fast.send({"pong": message["ping"]})

    reader = asyncio.get_running_loop().create_task(read_fast())

    def drive(start: int) -> None:
        for i in range(start, start + CHUNK):
            place(server.engine, UID1, "buy", str(40000 + (i % LEVELS) * 10), 1)

    for start in range(0, CHANGES, CHUNK):
        await asyncio.to_thread(drive, start)
        while totals[-1] < LEVELS + start + CHUNK and not reader.done():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(reader, 60)
    # The fast one saw the book grow push after push up to its last state (batches that
    # arrive together make one push: never one that goes back or repeats).
    assert totals[-1] == LEVELS + CHANGES
    assert all(a < b for a, b in pairwise(totals))
    seen = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = await slow.recv()
            if message.get("ch") == CHANNEL:
                seen.append(total(message))
    # The slow one was sent states in order up to its close, and never the last one.
    assert seen and all(a < b for a, b in pairwise(seen))
    assert seen[-1] < LEVELS + CHANGES
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1013
    assert closed.value.rcvd.reason.startswith("slow consumer")
