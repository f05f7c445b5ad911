"""Sessions closed from outside: the admin API's POST /sandbox-api/v1/sessions/close (a UID's
/swap-notification sessions, or every session) and a reset of the exchange (every session, as
HTX's end when its servers restart), each with close code 1012 and a reason."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.client import AsyncAdminClient
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS
from tests.ws.conftest import HtxSocket, Served
from tests.ws.notify import PATH, login

pytestmark = pytest.mark.anyio
TOKEN = "ws-admin-token"
SERVICE_RESTART = 1012


@pytest.fixture
def admin_token() -> str:
    return TOKEN


async def closed_with(ws: HtxSocket) -> tuple[int, str]:
    """Read until the server closes the connection: its code and reason."""
    with pytest.raises(ConnectionClosed) as ended:
        while True:
            await ws.recv_raw()
    received = ended.value.rcvd
    assert received is not None
    return received.code, received.reason


async def still_open(ws: HtxSocket) -> bool:
    await ws.send({"ping": 1})  # /swap-ws answers {"pong": 1}; a closed one raises
    reply = await ws.recv()
    return reply == {"pong": 1} or "ping" in reply


async def close_sessions(server: Served, body: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        reply = await client.post(
            "/sandbox-api/v1/sessions/close", json=body,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )  # fmt: skip
    return reply.json()


async def test_the_admin_api_closes_one_uid_s_sessions(
    server: Served, connect: Any, clock: ManualClock
) -> None:
    trader = await connect(PATH)
    await login(trader, clock.now(), KEYS.trader)
    second = await connect(PATH)
    await login(second, clock.now(), KEYS.second)
    market = await connect("/swap-ws")
    reply = await close_sessions(server, {"uid": KEYS.trader.uid})
    assert reply["status"] == "ok" and reply["data"] == {"closed": 1}
    code, reason = await closed_with(trader)
    assert code == SERVICE_RESTART and "admin API" in reason
    assert await still_open(market)
    await second.send({"op": "pong", "ts": "1"})  # still served: no close arrives
    assert await close_sessions(server, {}) == {"status": "ok", "data": {"closed": 2},
                                                 "ts": clock.now()}  # fmt: skip
    assert (await closed_with(second))[0] == SERVICE_RESTART
    assert (await closed_with(market))[0] == SERVICE_RESTART


async def test_bad_input_closes_nothing(server: Served, connect: Any, clock: ManualClock) -> None:
    trader = await connect(PATH)
    await login(trader, clock.now(), KEYS.trader)
    for body in ({"uid": 0}, {"uid": "x"}, {"uids": [1]}):
        reply = await close_sessions(server, body)
        assert reply["status"] == "error" and reply["err_code"] == 1067, reply
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        refused = await client.post("/sandbox-api/v1/sessions/close", json={})
    assert refused.status_code == 401
    await trader.send({"op": "pong", "ts": "1"})
    assert server.app.state.ws.live  # the session is still there


async def test_a_reset_closes_every_session(
    server: Served, connect: Any, clock: ManualClock
) -> None:
    trader = await connect(PATH)
    await login(trader, clock.now(), KEYS.trader)
    market = await connect("/swap-ws")
    await asyncio.to_thread(server.app.state.gateway.state_control.reset)
    for ws in (trader, market):
        code, reason = await closed_with(ws)
        assert (code, reason) == (SERVICE_RESTART, "the exchange was reset")


async def test_the_admin_client_closes_sessions(
    server: Served, connect: Any, clock: ManualClock
) -> None:
    trader = await connect(PATH)
    await login(trader, clock.now(), KEYS.trader)
    base = f"http://127.0.0.1:{server.port}"
    async with AsyncAdminClient(base, TOKEN) as admin:
        assert await admin.close_sessions(KEYS.second.uid) == 0  # UID 2 has none open
        assert await admin.close_sessions(KEYS.trader.uid) == 1
    assert (await closed_with(trader))[0] == SERVICE_RESTART
