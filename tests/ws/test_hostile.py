"""Input no client should send changes nothing and keeps the connection (or, past the frame
size limit, closes only that one with 1009)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.core.guard import HttpLimits
from htx_sandbox.http.ws import WsSettings

from .conftest import Served

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "request_",
    [
        {"sub": 12, "id": "a"},
        {"sub": ["market.BTC-USD.bbo"], "id": "a"},
        {"sub": "market." + "X" * 5000 + ".bbo", "id": "a"},
        {"sub": "market.BTC-USD.depth.step" + "9" * 400, "id": "a"},
        {"req": "market.BTC-USD.kline.1min", "id": "a", "from": 1.5e9, "to": 1.6e9},
        {"req": "market.BTC-USD.kline.1min", "id": "a", "from": 10**40, "to": 10**41},
        {"req": "market.BTC-USD.kline.1min", "id": "a", "from": True, "to": 1600000000},
        {"req": "market.BTC-USD.trade.detail", "id": "a", "size": -1},
        {"req": "market.BTC-USD.trade.detail", "id": "a", "size": "9" * 100},
        {"req": "market.BTC-USD.depth.step0", "id": "a"},
        {"sub": "market.BTC-USD.depth.size_20.high_freq", "id": "a", "data_type": {"x": 1}},
        {"unsub": None, "id": "a"},
    ],
)
async def test_a_bad_request_is_refused_in_htx_shape(connect: Any, request_: Any) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request(request_)
    assert reply["status"] == "error" and reply["err-code"] == "bad-request"
    assert isinstance(reply["err-msg"], str) and len(reply["err-msg"]) < 200
    ok = await ws.request({"sub": "market.BTC-USD.bbo", "id": "b"})
    assert ok["status"] == "ok"


@pytest.mark.parametrize("id_", ["x" * 65, 2**70, 1.5, True, {"a": 1}])
async def test_an_id_that_is_not_a_short_string_or_integer_is_not_echoed(
    connect: Any, id_: Any
) -> None:
    ws = await connect("/swap-ws")
    await ws.send({"sub": "market.BTC-USD.bbo", "id": id_})
    reply = await ws.recv_until(lambda m: "status" in m)
    assert reply["status"] == "ok" and "id" not in reply


async def test_deeply_nested_json_is_refused(connect: Any) -> None:
    ws = await connect("/swap-ws")
    await ws.connection.send("[" * 5000 + "]" * 5000)
    reply = await ws.recv_until(lambda m: "status" in m)
    assert reply["status"] == "error"


async def test_a_frame_over_the_size_limit_closes_only_that_connection(connect: Any) -> None:
    big = await connect("/swap-ws")
    other = await connect("/swap-ws")
    await big.connection.send('{"sub": "' + "x" * 70_000 + '"}')
    with pytest.raises(ConnectionClosed) as closed:
        await big.recv_until(lambda m: False)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert (await other.request({"sub": "market.BTC-USD.bbo", "id": "b"}))["status"] == "ok"


class TestConnectionsPerAddress:
    @pytest.fixture
    def ws_settings(self) -> WsSettings:
        return WsSettings(max_connections_per_ip=2)

    async def test_one_over_the_limit_is_closed_with_a_reason(self, connect: Any) -> None:
        kept = [await connect("/swap-ws"), await connect("/ws_index")]
        refused = await connect("/swap-notification")
        with pytest.raises(ConnectionClosed) as closed:
            await refused.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert closed.value.rcvd.reason == "too many connections from this address"
        for ws in kept:  # the others stay up
            await ws.send({"ping": 5})
            assert await ws.recv_until(lambda m: "pong" in m) == {"pong": 5}
        await kept[0].connection.close()
        for _ in range(100):  # a closed one frees its place once the server has seen it go
            again = await connect("/swap-ws")
            try:
                reply = await again.request({"sub": "market.BTC-USD.bbo", "id": "b"})
                break
            except ConnectionClosed:
                await asyncio.sleep(0.05)
        assert reply["status"] == "ok"


class TestUpgradedConnectionsLeaveTheHttpGuard:
    @pytest.fixture
    def http_limits(self) -> HttpLimits:
        return HttpLimits(max_connections_per_ip=2)

    async def test_websockets_do_not_count_against_the_http_limit(
        self, connect: Any, server: Served
    ) -> None:
        sockets = [await connect("/swap-ws") for _ in range(4)]
        for ws in sockets:
            assert (await ws.request({"sub": "market.BTC-USD.bbo", "id": "b"}))["status"] == "ok"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            reply = await client.get("/swap-api/v1/swap_api_state")
        assert reply.status_code == 200
