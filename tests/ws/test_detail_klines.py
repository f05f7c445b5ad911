"""market.$contract_code.detail and market.$contract_code.kline.$period on /swap-ws: what
ccxt.pro's watch_ticker and watch_ohlcv read; kline `req` with from/to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock

from .conftest import UID1, UID2, Served, place

pytestmark = pytest.mark.anyio
D = Decimal


def is_push(channel: str) -> Any:
    return lambda m: m.get("ch") == channel


async def test_detail_is_sent_at_sub_and_after_each_trade(connect: Any, server: Served) -> None:
    place(server.engine, UID1, "buy", "49000", 2)
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.detail", "id": "t"})
    quiet = (await ws.recv_until(is_push("market.BTC-USD.detail")))["tick"]
    assert quiet["vol"] == 0 and quiet["count"] == 0
    assert quiet["bid"] == [D(49000), 2] and quiet["ask"] == []
    place(server.engine, UID2, "sell", "49000", 1)
    tick = (await ws.recv_until(is_push("market.BTC-USD.detail")))["tick"]
    assert set(tick) == {"id", "mrid", "open", "close", "high", "low", "amount", "vol",
                         "count", "bid", "ask"}  # fmt: skip
    assert tick["close"] == D(49000) and tick["vol"] == 2 and tick["count"] == 2
    assert tick["amount"] == D("0.004081632653061224")  # 2 x 100 / 49000 on the 1e-18 grid
    assert tick["bid"] == [D(49000), 1]
    assert isinstance(tick["mrid"], int) and tick["mrid"] > 0


async def test_kline_bar_is_pushed_after_each_trade(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request({"sub": "market.BTC-USD.kline.1min", "id": "k"})
    assert reply["subbed"] == "market.BTC-USD.kline.1min"
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 1)
    first = (await ws.recv_until(is_push("market.BTC-USD.kline.1min")))["tick"]
    assert set(first) == {"id", "mrid", "open", "close", "high", "low", "amount", "vol", "count"}
    minute = clock.now() // 1000 // 60 * 60
    assert first["id"] == minute
    assert (first["open"], first["close"], first["vol"], first["count"]) == (D(50000),) * 2 + (
        2, 2
    )
    place(server.engine, UID2, "buy", "50000", 2)
    second = (await ws.recv_until(is_push("market.BTC-USD.kline.1min")))["tick"]
    assert second["vol"] == 6 and second["count"] == 4 and second["id"] == minute


async def test_a_longer_period_shows_the_open_minute(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 1)
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.kline.60min", "id": "k"})
    current = (await ws.recv_until(is_push("market.BTC-USD.kline.60min")))["tick"]
    now_s = clock.now() // 1000
    assert current["id"] == now_s - now_s % 3600  # GMT+8 hours start on UTC hours
    assert current["vol"] == 2
    place(server.engine, UID2, "buy", "50000", 1)
    assert (await ws.recv_until(is_push("market.BTC-USD.kline.60min")))["tick"]["vol"] == 4


async def test_kline_req_answers_the_bars_between_from_and_to(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    place(server.engine, UID1, "sell", "50000", 10)
    place(server.engine, UID2, "buy", "50000", 1)
    start = clock.now() // 1000 // 60 * 60
    clock.advance(60_000)
    place(server.engine, UID2, "buy", "50000", 2)
    ws = await connect("/swap-ws")
    reply = await ws.request(
        {"req": "market.BTC-USD.kline.1min", "id": "r", "from": start, "to": start + 60}
    )
    assert reply["status"] == "ok" and reply["rep"] == "market.BTC-USD.kline.1min"
    assert isinstance(reply["wsid"], int)
    assert [(b["id"], b["vol"]) for b in reply["data"]] == [(start, 2), (start + 60, 4)]
    assert "mrid" not in reply["data"][0]
    later = await ws.request(
        {"req": "market.BTC-USD.kline.1min", "id": "r2", "from": start + 1, "to": start + 60}
    )
    assert [b["id"] for b in later["data"]] == [start + 60]  # from between bars: the next
    backwards = await ws.request(
        {"req": "market.BTC-USD.kline.1min", "id": "r3", "from": start + 60, "to": start}
    )
    assert backwards["data"] == []
    too_long = await ws.request(
        {"req": "market.BTC-USD.kline.1min", "id": "r4", "from": start - 2000 * 60,
         "to": start}
    )  # fmt: skip
    assert too_long["data"] == []  # 2001 bars: HTX answers nothing


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"from": "abc", "to": 1700000000}, "invalid from"),
     ({"from": 1600000000, "to": 3000000000}, "invalid to"),
     ({"from": 100, "to": 1700000000}, "invalid from")],
)  # fmt: skip
async def test_kline_req_with_bad_times_is_refused(
    connect: Any, extra: dict[str, Any], message: str
) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request({"req": "market.BTC-USD.kline.5min", "id": "r", **extra})
    assert reply["status"] == "error" and reply["err-msg"] == message


@pytest.mark.parametrize("period", ["1hour", "2min", "1year", ""])
async def test_an_unknown_period_is_an_invalid_topic(connect: Any, period: str) -> None:
    ws = await connect("/swap-ws")
    topic = f"market.BTC-USD.kline.{period}"
    reply = await ws.request({"sub": topic, "id": "x"})
    assert reply["err-msg"] == f"invalid topic {topic}"


async def test_kline_req_on_a_stopped_exchange_is_refused_and_the_connection_stays(
    connect: Any, server: Served
) -> None:
    ws = await connect("/swap-ws")
    server.engine.stop()
    reply = await ws.request(
        {"req": "market.BTC-USD.kline.1min", "id": "r", "from": 1700000000, "to": 1700000600}
    )
    assert reply["status"] == "error" and reply["err-code"] == "system-busy"
    await ws.send({"ping": 3})
    assert await ws.recv_until(lambda m: "pong" in m) == {"pong": 3}


class TestQuietPeriods:
    @pytest.fixture
    def ws_settings(self) -> WsSettings:
        return WsSettings(quiet_check_s=0.05)

    async def test_a_period_without_trades_is_pushed_once_as_a_flat_bar(
        self, connect: Any, server: Served, clock: ManualClock
    ) -> None:
        place(server.engine, UID1, "sell", "50000", 3)
        place(server.engine, UID2, "buy", "50000", 1)
        ws = await connect("/swap-ws")
        await ws.request({"sub": "market.BTC-USD.kline.1min", "id": "k"})
        first = (await ws.recv_until(is_push("market.BTC-USD.kline.1min")))["tick"]
        clock.advance(60_000)
        quiet = (await ws.recv_until(is_push("market.BTC-USD.kline.1min")))["tick"]
        assert quiet["id"] == first["id"] + 60
        assert (quiet["open"], quiet["close"], quiet["vol"], quiet["count"]) == (
            D(50000), D(50000), 0, 0
        )
        await ws.send({"ping": 9})  # nothing more for that period, however often it looks
        assert await ws.recv_until(lambda m: "pong" in m or "ch" in m) == {"pong": 9}
