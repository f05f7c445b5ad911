"""Fixtures of the WebSocket tests: the app served by a real uvicorn (the serve command's
protocols: the guarded HTTP protocol, upgraded to uvicorn's websockets protocol) on a thread
of its own, and a client written with the `websockets` library, not the project's.

``ws_settings``
    The ``WsSettings`` of the server (override in a module: a short heartbeat, a small queue).
``http_limits``
    The ``HttpLimits`` of the guarded HTTP protocol (override in a module).
``send_buffer``
    SO_SNDBUF of the server's sockets, None for the kernel's default (override in a module).
``server``
    A ``Served``: ``url(path)`` gives ``ws://127.0.0.1:<port><path>``; ``engine`` and ``app``
    are the tests' (``tests/http/conftest.py``'s engine, UIDs and keys).
``connect(path, **kwargs)``
    An ``HtxSocket`` (closed after the test): ``send(obj)`` sends JSON text, ``recv()`` the
    next frame gunzipped and decoded (asserting it is a binary gzip frame), ``recv_until(pred)``
    skips heartbeats and other frames until one matches.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from htx_sandbox.domain.commands import PlaceOrder
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.frames import MAX_CLIENT_FRAME
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.guard import HttpLimits, guarded_protocol
from htx_sandbox.http.relay.link import SocketRelay, start_relay
from htx_sandbox.http.ws import PushProtocol, WsSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http import conftest as http_fixtures
from tests.http.conftest import UID1, UID2

anyio_backend = http_fixtures.anyio_backend
clock = http_fixtures.clock
engine = http_fixtures.engine
store = http_fixtures.store

RECV_TIMEOUT_S = 10.0


@dataclass
class Served:
    port: int
    engine: Engine
    app: Any
    relay: SocketRelay | None = None

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings()


@pytest.fixture
def send_buffer() -> int | None:
    """SO_SNDBUF of the server's connections (inherited from the listening socket); None
    leaves the kernel's autotuning, which can buffer megabytes on loopback."""
    return None


@pytest.fixture
def http_limits() -> HttpLimits:
    return HttpLimits()


@pytest.fixture
def admin_token() -> str | None:
    """The admin API's token (None: the admin API refuses everything)."""
    return None


@pytest.fixture
def ws_relay() -> bool:
    """Whether the server's frames go through the socket relay's process, as `serve` has it
    (False: the server's process writes them; where the platform cannot, always)."""
    return True


@pytest.fixture
def server(
    engine: Engine,
    clock: ManualClock,
    ws_settings: WsSettings,
    send_buffer: int | None,
    http_limits: HttpLimits,
    admin_token: str | None,
    ws_relay: bool,
) -> Iterator[Served]:
    app = create_app(
        engine, clock, HttpSettings(rate_limit=False), ws_settings=ws_settings,
        admin_token=admin_token,
    )  # fmt: skip
    sock = socket.socket()
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    relay = start_relay(ws_relay)
    config = uvicorn.Config(
        app,
        http=guarded_protocol(http_limits),
        ws=PushProtocol.relaying(relay),
        ws_per_message_deflate=False,
        ws_max_size=MAX_CLIENT_FRAME,
        lifespan="off",
        log_level="warning",
        log_config=None,
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: uv.run(sockets=[sock]), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not uv.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        yield Served(port, engine, app, relay)
    finally:
        uv.should_exit = True
        thread.join(10)
        sock.close()
        if relay is not None:
            relay.stop()


class HtxSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: Any) -> None:
        await self.connection.send(json.dumps(message))

    async def recv_raw(self) -> str | bytes:
        return await asyncio.wait_for(self.connection.recv(), RECV_TIMEOUT_S)

    async def recv(self) -> Any:
        frame = await self.recv_raw()
        assert isinstance(frame, bytes), f"a text frame: {frame!r}"
        return json.loads(gzip.decompress(frame), parse_float=Decimal)

    async def recv_until(self, predicate: Callable[[Any], bool]) -> Any:
        while True:
            message = await self.recv()
            if predicate(message):
                return message

    async def request(self, message: Any) -> Any:
        """Send `message` and return the reply carrying its `id` (heartbeats skipped)."""
        await self.send(message)
        return await self.recv_until(lambda m: m.get("id") == message.get("id"))


@pytest.fixture
async def connect(server: Served) -> AsyncIterator[Callable[..., Any]]:
    opened: list[ClientConnection] = []

    async def make(path: str, **kwargs: Any) -> HtxSocket:
        connection = await ws_connect(server.url(path), compression=None, **kwargs)
        opened.append(connection)
        return HtxSocket(connection)

    yield make
    for connection in opened:
        await connection.close()


def place(exchange: Engine, uid: UID, direction: str, price: str, volume: int = 1) -> Any:
    """A limit order of `volume` contracts on BTC-USD at 20x; the engine's reply."""
    outcome = exchange.execute(
        PlaceOrder(uid, "BTC-USD", Direction(direction), Offset.OPEN, volume, 20,
                   OrderPriceType.LIMIT, Decimal(price))
    )  # fmt: skip
    assert outcome.error is None, outcome.error
    return outcome.reply


__all__ = ["UID1", "UID2", "HtxSocket", "Served", "place"]
