"""Fixtures for the client tests: the real app in-process (tests/http/conftest.py's engine, keys
and clock), reached by the clients through an httpx transport instead of the network.

``sync_transport(app, base_url=...)`` builds a blocking httpx transport over the ASGI app (it
runs the app on an event loop in a helper thread), for HtxSwapClient and AdminClient.
``trader``/``second``/``public`` are HtxSwapClients for ``KEYS.trader`` (UID 1), ``KEYS.second``
(UID 2) and without keys, signing with the test clock's time. ``admin`` is an AdminClient with
``ADMIN_TOKEN``, which the app is created with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import anyio.from_thread
import httpx
import pytest

from htx_sandbox.client import AdminClient, HtxSwapClient
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http import conftest as http_fixtures
from tests.http.conftest import KEYS, Key

# The engine (funded UIDs 1-4, the keys of KEYS), its clock and the HTTP settings, as the HTTP
# tests build them.
anyio_backend = http_fixtures.anyio_backend
clock = http_fixtures.clock
engine = http_fixtures.engine
store = http_fixtures.store
http_settings = http_fixtures.http_settings

ADMIN_TOKEN = "admin-token-for-tests"
SANDBOX_URL = "http://sandbox.test:8080"
"""A host the server does not know by name: signatures over it are checked against the Host
header the client sent."""


class SyncASGITransport(httpx.BaseTransport):
    """A blocking transport over an ASGI app: each request runs on an event loop in a thread."""

    def __init__(self, app: Any, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self._inner = httpx.ASGITransport(app=app, client=client)
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(
                response.status_code, headers=response.headers, content=content, request=request
            )

        return self._portal.call(send)

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=ADMIN_TOKEN)


def clock_now(clock: ManualClock) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(clock.now() / 1000, UTC)


ClientFactory = Callable[..., HtxSwapClient]


@pytest.fixture
def make_client(app: Any, clock: ManualClock) -> Iterator[ClientFactory]:
    made: list[HtxSwapClient] = []

    def make(key: Key | None = None, base_url: str = SANDBOX_URL, **options: Any) -> HtxSwapClient:
        options.setdefault("now", clock_now(clock))
        client = HtxSwapClient(
            key.access if key else None,
            key.secret if key else None,
            base_url=base_url,
            transport=SyncASGITransport(app),
            **options,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def trader(make_client: ClientFactory) -> HtxSwapClient:
    return make_client(KEYS.trader)


@pytest.fixture
def second(make_client: ClientFactory) -> HtxSwapClient:
    return make_client(KEYS.second)


@pytest.fixture
def public(make_client: ClientFactory) -> HtxSwapClient:
    return make_client()


@pytest.fixture
def admin(app: Any) -> Iterator[AdminClient]:
    with AdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=SyncASGITransport(app)) as client:
        yield client


@pytest.fixture
def clock_ms(clock: ManualClock) -> int:
    return clock.now()
