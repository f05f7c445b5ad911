"""/ws_index: the index, premium index, estimated funding rate, mark price and basis klines
(sub pushes in strings; req with from and to)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.service.clock import ManualClock

from .conftest import UID1, UID2, Served, place

pytestmark = pytest.mark.anyio


def is_push(channel: str) -> Any:
    return lambda m: m.get("ch") == channel


def set_index(server: Served, price: str) -> None:
    outcome = server.engine.execute(SetIndexPrices({"BTC-USD": Decimal(price)}))
    assert outcome.error is None


async def test_index_kline_pushes_strings_after_each_index_move(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await connect("/ws_index")
    reply = await ws.request({"sub": "market.btc-usd.index.1min", "id": "i"})
    assert reply["subbed"] == "market.BTC-USD.index.1min"
    set_index(server, "50000")
    set_index(server, "50010.5")
    tick = (await ws.recv_until(is_push("market.BTC-USD.index.1min")))["tick"]
    assert tick["open"] == "50000"
    if tick["close"] == "50000":  # the first move's bar, then the second's
        tick = (await ws.recv_until(is_push("market.BTC-USD.index.1min")))["tick"]
    assert tick == {
        "id": clock.now() // 1000 // 60 * 60, "open": "50000", "close": "50010.5",
        "high": "50010.5", "low": "50000", "amount": "0", "vol": "0", "count": 0,
    }  # fmt: skip


async def test_mark_price_kline_has_the_turnover_field(connect: Any, server: Served) -> None:
    set_index(server, "50000")
    ws = await connect("/ws_index")
    await ws.request({"sub": "market.BTC-USD.mark_price.5min", "id": "m"})
    tick = (await ws.recv_until(is_push("market.BTC-USD.mark_price.5min")))["tick"]
    assert set(tick) == {"id", "open", "close", "high", "low", "amount", "vol", "count",
                         "trade_turnover"}  # fmt: skip
    assert all(isinstance(tick[k], str) for k in tick if k != "id")
    assert tick["close"] == "50000"


async def test_basis_pairs_the_trade_and_the_index_bars(connect: Any, server: Served) -> None:
    set_index(server, "49990")
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 1)
    ws = await connect("/ws_index")
    topic = "market.BTC-USD.basis.1min.close"
    await ws.request({"sub": topic, "id": "b"})
    tick = (await ws.recv_until(is_push(topic)))["tick"]
    assert tick["index_price"] == "49990" and tick["contract_price"] == "50000"
    assert tick["basis"] == "10"
    assert Decimal(tick["basis_rate"]) == (Decimal(10) / Decimal(49990)).quantize(
        Decimal("1e-18")
    )
    set_index(server, "49980")
    tick = (await ws.recv_until(is_push(topic)))["tick"]
    assert tick["basis"] == "20"


async def test_req_answers_index_bars_in_numbers_and_needs_from_and_to(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    set_index(server, "50000")
    start = clock.now() // 1000 // 60 * 60
    clock.advance(60_000)
    set_index(server, "50100")
    ws = await connect("/ws_index")
    reply = await ws.request(
        {"req": "market.BTC-USD.index.1min", "id": "r", "from": start, "to": start + 60}
    )
    assert reply["rep"] == "market.BTC-USD.index.1min" and reply["status"] == "ok"
    assert [(b["id"], b["close"]) for b in reply["data"]] == [
        (start, Decimal(50000)), (start + 60, Decimal(50100))
    ]  # fmt: skip
    marks = await ws.request(
        {"req": "market.BTC-USD.mark_price.1min", "id": "m", "from": start, "to": start + 60}
    )
    assert all(isinstance(b["close"], str) for b in marks["data"])
    missing = await ws.request({"req": "market.BTC-USD.mark_price.1min", "id": "x"})
    assert missing["status"] == "error" and missing["err-msg"] == "invalid from"


@pytest.mark.parametrize(
    "topic",
    ["market.BTC-USD.index.1week", "market.BTC-USD.basis.1min", "market.BTC-USD.basis.1min.mid",
     "market.BTC-USD.kline.1min", "market.BTC-USD.premium_index.7min"],
)  # fmt: skip
async def test_unknown_index_topics_are_refused(connect: Any, topic: str) -> None:
    ws = await connect("/ws_index")
    reply = await ws.request({"sub": topic, "id": "x"})
    assert reply["status"] == "error" and reply["err-msg"] == f"invalid topic {topic}"


@pytest.mark.parametrize("series", ["premium_index", "estimated_rate"])
async def test_funding_series_topics_subscribe(connect: Any, series: str) -> None:
    ws = await connect("/ws_index")
    reply = await ws.request({"sub": f"market.BTC-USD.{series}.1min", "id": "p"})
    assert reply["status"] == "ok" and reply["subbed"] == f"market.BTC-USD.{series}.1min"
