"""A /swap-notification subscriber that stops reading: closed as a slow consumer (1013, with
a reason), while another subscriber of the same pushes gets every one of them."""

from __future__ import annotations

import asyncio
import socket

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import UID1
from tests.ws.conftest import HtxSocket, place
from tests.ws.notify import PATH, listening, login, push, serve, sub

pytestmark = pytest.mark.anyio
ORDERS = 600


@pytest.mark.parametrize("relay", [True, False], ids=["relay", "no-relay"])
async def test_a_subscriber_that_stops_reading_is_closed_and_costs_no_one_else(
    engine: Engine, clock: ManualClock, relay: bool
) -> None:
    # Small socket buffers on both ends (accepted sockets inherit the listener's), and a client
    # library that stops reading once it holds one frame: the server's queue (8 frames) fills.
    server_socket = listening(0)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    port = server_socket.getsockname()[1]
    uv = serve(engine, clock, server_socket, WsSettings(queue_limit=8), relay=relay)
    url = f"ws://127.0.0.1:{port}{PATH}"
    client_socket = socket.socket()
    client_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client_socket.connect(("127.0.0.1", port))
    try:
        async with (
            ws_connect(url, sock=client_socket, compression=None, max_queue=1) as stalled,
            ws_connect(url, compression=None) as reading,
        ):
            slow, reader = HtxSocket(stalled), HtxSocket(reading)
            for ws in (slow, reader):
                await login(ws, clock.now())
                assert (await sub(ws, "orders.*"))["err-code"] == 0
            for i in range(ORDERS):
                order = place(engine, UID1, "buy", str(30000 + i), 1)
                assert (await push(reader, "orders."))["order_id"] == order.order_id
            read = 0
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(stalled.recv(), 10)
                    read += 1
            assert read < ORDERS  # what the buffers held when the server gave up
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
            assert "slow consumer" in closed.value.rcvd.reason
    finally:
        uv.stop()
        server_socket.close()
