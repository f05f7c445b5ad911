"""The framing every service shares, seen by a client written with `websockets`: gzip binary
frames, the `{"ping": n}` heartbeat and its close, errors for frames that are not JSON."""

from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.ws import WsSettings

pytestmark = pytest.mark.anyio
MISSES = 3


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(ping_interval_s=0.2, ping_misses=MISSES)


@pytest.mark.parametrize("path", ["/swap-ws", "/ws_index"])
async def test_market_heartbeat_is_a_gzipped_ping_answered_by_pong(connect: Any, path: str) -> None:
    ws = await connect(path)
    frame = await ws.recv_raw()
    assert isinstance(frame, bytes)
    ping = json.loads(gzip.decompress(frame))
    assert list(ping) == ["ping"] and isinstance(ping["ping"], int)
    for _ in range(4):  # answered: the connection outlives many more pings than the limit
        await ws.send({"pong": ping["ping"]})
        ping = await ws.recv()
        assert "ping" in ping


async def test_unanswered_pings_close_the_connection_with_a_reason(connect: Any) -> None:
    ws = await connect("/swap-ws")
    pings = 0
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = await ws.recv()
            assert "ping" in message
            pings += 1
    assert pings == MISSES
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    assert "heartbeat" in closed.value.rcvd.reason


async def test_notification_heartbeat_takes_a_pong_ts_as_string_or_integer(connect: Any) -> None:
    ws = await connect("/swap-notification")
    ping = await ws.recv()
    assert ping["op"] == "ping" and isinstance(ping["ts"], str)
    await ws.send({"op": "pong", "ts": ping["ts"]})
    ping = await ws.recv()
    await ws.send({"op": "pong", "ts": int(ping["ts"])})
    for _ in range(3):
        ping = await ws.recv()
        assert ping["op"] == "ping"
        await ws.send({"op": "pong", "ts": int(ping["ts"])})


async def test_client_ping_is_answered_with_its_value(connect: Any) -> None:
    ws = await connect("/swap-ws")
    await ws.send({"ping": 1234567})
    reply = await ws.recv_until(lambda m: "pong" in m)
    assert reply == {"pong": 1234567}


async def test_protocol_pings_are_answered(connect: Any) -> None:
    ws = await connect("/swap-ws")
    pong = await ws.connection.ping()
    await asyncio.wait_for(pong, 5)


@pytest.mark.parametrize("frame", ["not json", "[1, 2]", '{"what": 1}', '"sub"'])
async def test_a_frame_that_is_no_request_is_refused_and_the_connection_stays(
    connect: Any, frame: str
) -> None:
    ws = await connect("/swap-ws")
    await ws.connection.send(frame)
    error = await ws.recv_until(lambda m: "status" in m)
    assert error["status"] == "error"
    assert error["err-code"] == "bad-request"
    assert isinstance(error["ts"], int)
    reply = await ws.request({"sub": "market.BTC-USD.trade.detail", "id": "after"})
    assert reply["status"] == "ok"
