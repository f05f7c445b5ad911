"""/swap-notification's heartbeat and its slow-consumer close, seen by a `websockets` client:
`{"op": "ping", "ts": "<ms>"}`, the close after unanswered pings, RFC 6455 pings answered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock
from tests.ws.notify import PATH, login, reply_to, sub

pytestmark = pytest.mark.anyio


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(ping_interval_s=0.3, ping_misses=3)


async def test_unanswered_pings_close_the_connection(connect: Any, clock: ManualClock) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    pings = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = await ws.recv()
            if message.get("op") == "ping":
                assert isinstance(message["ts"], str) and message["ts"].isdigit()
                pings.append(message)
    assert len(pings) == 3
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_answered_pings_keep_it_open_and_protocol_pings_are_answered(
    connect: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    for i in range(6):  # twice the misses allowed
        ping = await reply_to(ws, "ping")
        await ws.send({"op": "pong", "ts": ping["ts"] if i % 2 else int(ping["ts"])})
    await asyncio.wait_for(await ws.connection.ping(), 5)
    assert (await sub(ws, "orders.*"))["err-code"] == 0
