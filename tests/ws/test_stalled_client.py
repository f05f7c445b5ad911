"""A client that reads nothing at all, not even the close frame it is sent when it falls
behind, is dropped: its TCP connection ends within `close_wait_s`, and so does its session,
instead of holding the server's memory until the protocol pings give up."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import time

import pytest

from htx_sandbox.http.ws import WsSettings

from .conftest import UID1, Served, place

pytestmark = pytest.mark.anyio
CHANNEL = "market.BTC-USD.depth.step0"
WAIT_S = 0.3


@pytest.fixture(params=[True, False], ids=["relay", "no-relay"])
def ws_relay(request: pytest.FixtureRequest) -> bool:
    """Both ways a frame leaves: the socket relay's flow control and the transport's."""
    return bool(request.param)


@pytest.fixture
def send_buffer() -> int:
    return 8192


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(queue_limit=20, step_depth_interval_s=0.001, close_wait_s=WAIT_S)


def stalled_subscriber(port: int) -> socket.socket:
    """A raw connection that upgrades, subscribes to the book and then never reads again."""
    raw = socket.create_connection(("127.0.0.1", port))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET /swap-ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        .encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += raw.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    payload = f'{{"sub":"{CHANNEL}","id":"s"}}'.encode()
    mask = os.urandom(4)
    raw.sendall(
        bytes([0x81, 0x80 | len(payload)]) + mask
        + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    )  # fmt: skip
    return raw


def ended(raw: socket.socket, within_s: float) -> bool:
    """Whether the server ended the connection (EOF or reset) within `within_s`, draining
    what it had buffered on the way."""
    raw.settimeout(0.2)
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if not raw.recv(1 << 16):
                return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            continue
    return False


async def test_a_client_that_reads_nothing_is_dropped(server: Served) -> None:
    raw = stalled_subscriber(server.port)
    live = server.app.state.ws.live
    deadline = time.monotonic() + 10
    while not live:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    [session] = live
    for i in range(600):  # a book change a time: pushes pile up behind the unread socket
        place(server.engine, UID1, "buy", str(40000 + (i % 150) * 10), 1)
        if session.sender.closed:
            break
        await asyncio.sleep(0.002)
    assert session.sender.closed, "the stalled client was never closed as a slow consumer"
    # It never reads its close frame: the server drops the TCP connection, and the session.
    deadline = time.monotonic() + 5
    while live:
        assert time.monotonic() < deadline, "the session outlived its dropped connection"
        await asyncio.sleep(0.05)
    assert await asyncio.to_thread(ended, raw, 5)
    raw.close()
