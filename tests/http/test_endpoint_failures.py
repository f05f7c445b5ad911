"""Every route answers its own envelope on every failure: an exception raised inside any
handler comes back as HTX's system error in that route's envelope (logged once, with its
traceback), never as a bare 500; a client that leaves mid-request costs no traceback."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from starlette.routing import Route, WebSocketRoute

from htx_sandbox.http.app import ROUTES, create_app
from htx_sandbox.http.core.endpoint import Call, Endpoint
from htx_sandbox.http.core.envelopes import BARE_ENVELOPE, MARKET_ENVELOPE, V1_ENVELOPE
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import SignedClient

pytestmark = pytest.mark.anyio

TOKEN = "failures-admin-token"
PATH_VALUES = {"access_key": "ak-none", "contract_code": "BTC-USD", "name": "snap-none"}


def endpoint_routes() -> list[tuple[str, str, Endpoint]]:
    found = []
    for route in ROUTES:
        if isinstance(route, WebSocketRoute):
            continue  # the WebSocket services answer in frames of their own (tests/ws)
        assert isinstance(route, Route)
        assert isinstance(route.endpoint, Endpoint), f"{route.path} is not an Endpoint"
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path.format(**PATH_VALUES), route.endpoint))
    return found


ENDPOINTS = endpoint_routes()


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


async def send(
    method: str, path: str, endpoint: Endpoint, client: httpx.AsyncClient, signed: SignedClient
) -> httpx.Response:
    if endpoint.auth in ("trade", "read"):
        if method == "POST":
            return await signed.post(path, {"contract_code": "BTC-USD"})
        return await signed.get(path, {"contract_code": "BTC-USD"})
    headers = {"Authorization": f"Bearer {TOKEN}"} if endpoint.auth == "admin" else {}
    if method == "POST":
        return await client.post(path, json={}, headers=headers)
    if method == "DELETE":
        return await client.request("DELETE", path, json={}, headers=headers)
    return await client.get(path, params={"contract_code": "BTC-USD"}, headers=headers)


def test_every_route_is_an_endpoint_declaration() -> None:
    assert len(ENDPOINTS) >= 25


@pytest.mark.parametrize(
    ("method", "path", "endpoint"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS]
)
async def test_an_exception_in_any_handler_answers_in_that_routes_envelope(
    method: str,
    path: str,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    signed: SignedClient,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(call: Call) -> Any:
        raise RuntimeError("a bug in the handler")

    monkeypatch.setattr(endpoint, "handler", broken)
    with caplog.at_level(logging.ERROR):
        response = await send(method, path, endpoint, client, signed)
    assert response.status_code == 200, response.text
    body = response.json()
    now = clock.now()
    if endpoint.envelope is MARKET_ENVELOPE:
        assert body == {
            "ts": now, "status": "error", "err-code": "system-error", "err-msg": "System error."
        }  # fmt: skip
    elif endpoint.envelope is V1_ENVELOPE or endpoint.envelope is BARE_ENVELOPE:
        assert body == {
            "status": "error", "err_code": 1000, "err_msg": "System error.", "ts": now
        }  # fmt: skip
    else:
        assert body == {"code": 1000, "msg": "System error.", "data": None, "ts": now}
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "a bug in the handler" in str(logged[0].exc_info[1])


async def test_a_client_leaving_mid_request_logs_no_traceback(
    app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def record(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/sandbox-api/v1/deposits",
        "query_string": b"",
        "headers": [(b"host", b"sandbox"), (b"authorization", f"Bearer {TOKEN}".encode())],
        "client": ("127.0.0.1", 4000),
    }
    with caplog.at_level(logging.WARNING):
        await app(scope, receive, record)
    assert not caplog.records
    assert sent[0]["status"] == 200  # an answer nobody reads, and nothing applied
