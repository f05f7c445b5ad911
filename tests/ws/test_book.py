"""The book topics of /swap-ws: depth.stepN, the incremental depth.size_N.high_freq that
ccxt.pro's watch_order_book keeps (snapshot, then updates with version + 1), and bbo."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import CancelAll
from htx_sandbox.domain.types import Direction

from .conftest import UID1, UID2, Served, place

pytestmark = pytest.mark.anyio
D = Decimal


def is_push(channel: str) -> Any:
    return lambda m: m.get("ch") == channel


async def test_step_depth_sends_the_book_at_sub_and_after_each_change(
    connect: Any, server: Served
) -> None:
    place(server.engine, UID1, "buy", "49000", 2)
    ws = await connect("/swap-ws")
    reply = await ws.request({"sub": "market.BTC-USD.depth.step0", "id": "d"})
    assert reply["subbed"] == "market.BTC-USD.depth.step0"
    first = await ws.recv_until(is_push("market.BTC-USD.depth.step0"))
    tick = first["tick"]
    assert tick["bids"] == [[D(49000), 2]] and tick["asks"] == []
    assert set(tick) == {"mrid", "id", "bids", "asks", "ts", "version", "ch"}
    assert tick["ch"] == "market.BTC-USD.depth.step0"
    place(server.engine, UID2, "sell", "51000", 5)
    second = await ws.recv_until(is_push("market.BTC-USD.depth.step0"))
    assert second["tick"]["asks"] == [[D(51000), 5]]
    assert second["tick"]["bids"] == [[D(49000), 2]]


async def test_step6_holds_at_most_20_levels(connect: Any, server: Served) -> None:
    for i in range(25):
        place(server.engine, UID1, "buy", str(40000 + i * 10), 1)
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.depth.step6", "id": "d"})
    push = await ws.recv_until(is_push("market.BTC-USD.depth.step6"))
    bids = push["tick"]["bids"]
    assert len(bids) == 20 and bids[0] == [D(40240), 1]


async def test_incremental_depth_is_a_snapshot_then_updates_one_version_apart(
    connect: Any, server: Served
) -> None:
    place(server.engine, UID1, "buy", "49000", 2)
    place(server.engine, UID1, "sell", "51000", 3)
    ws = await connect("/swap-ws")
    topic = "market.BTC-USD.depth.size_20.high_freq"
    reply = await ws.request(
        {"sub": "market.btc-usd.depth.size_20.high_freq", "id": "1", "data_type": "incremental"}
    )
    assert reply["subbed"] == topic
    snapshot = (await ws.recv_until(is_push(topic)))["tick"]
    assert snapshot["event"] == "snapshot"
    assert snapshot["bids"] == [[D(49000), 2]] and snapshot["asks"] == [[D(51000), 3]]
    assert set(snapshot) == {"asks", "bids", "ch", "event", "id", "mrid", "ts", "version"}
    version = snapshot["version"]
    book = {"bids": {D(49000): 2}, "asks": {D(51000): 3}}
    removed: list[Any] = []

    async def until(bids: dict[Decimal, int], asks: dict[Decimal, int]) -> None:
        """Apply updates as a client does until the book is (bids, asks); batches that
        reach the server together may come as one update, always one version on."""
        nonlocal version
        while (book["bids"], book["asks"]) != (bids, asks):
            tick = (await ws.recv_until(is_push(topic)))["tick"]
            assert tick["event"] == "update" and tick["version"] == version + 1
            version = tick["version"]
            for side in ("bids", "asks"):
                for price, volume in tick[side]:
                    if volume:
                        book[side][price] = volume
                    else:
                        removed.append(price)
                        del book[side][price]  # a removed level is [price, 0]

    place(server.engine, UID1, "buy", "49500", 1)  # a new level
    await until({D(49000): 2, D(49500): 1}, {D(51000): 3})
    place(server.engine, UID2, "buy", "51000", 3)  # takes the whole ask level
    await until({D(49000): 2, D(49500): 1}, {})
    outcome = server.engine.execute(CancelAll(UID1, "BTC-USD", Direction.BUY))
    assert outcome.error is None
    await until({}, {})
    assert sorted(removed) == [D(49000), D(49500), D(51000)]


async def test_a_second_subscriber_starts_from_a_snapshot_at_the_current_version(
    connect: Any, server: Served
) -> None:
    topic = "market.BTC-USD.depth.size_150.high_freq"
    sub = {"sub": topic, "id": "1", "data_type": "incremental"}
    first = await connect("/swap-ws")
    await first.request(sub)
    base = (await first.recv_until(is_push(topic)))["tick"]["version"]
    place(server.engine, UID1, "buy", "49000", 2)
    assert (await first.recv_until(is_push(topic)))["tick"]["version"] == base + 1
    second = await connect("/swap-ws")
    await second.request(sub)
    snapshot = (await second.recv_until(is_push(topic)))["tick"]
    assert snapshot["event"] == "snapshot" and snapshot["version"] == base + 1
    assert snapshot["bids"] == [[D(49000), 2]]
    place(server.engine, UID1, "buy", "48000", 1)
    for ws in (first, second):
        update = (await ws.recv_until(is_push(topic)))["tick"]
        assert update["version"] == base + 2 and update["bids"] == [[D(48000), 1]]


async def test_high_freq_without_data_type_pushes_the_whole_book(
    connect: Any, server: Served
) -> None:
    topic = "market.BTC-USD.depth.size_20.high_freq"
    ws = await connect("/swap-ws")
    await ws.request({"sub": topic, "id": "1"})
    await ws.recv_until(is_push(topic))
    place(server.engine, UID1, "buy", "49000", 2)
    place(server.engine, UID1, "buy", "48000", 1)
    tick = (await ws.recv_until(lambda m: is_push(topic)(m) and len(m["tick"]["bids"]) == 2))
    assert tick["tick"]["event"] == "snapshot"
    assert tick["tick"]["bids"] == [[D(49000), 2], [D(48000), 1]]


async def test_bbo_is_pushed_when_the_best_level_changes(connect: Any, server: Served) -> None:
    ws = await connect("/swap-ws")
    await ws.request({"sub": "market.BTC-USD.bbo", "id": "b"})
    empty = (await ws.recv_until(is_push("market.BTC-USD.bbo")))["tick"]
    assert empty["bid"] is None and empty["ask"] is None
    place(server.engine, UID1, "buy", "49000", 2)
    tick = (await ws.recv_until(is_push("market.BTC-USD.bbo")))["tick"]
    assert tick["bid"] == [D(49000), 2] and tick["ask"] is None
    assert set(tick) == {"mrid", "id", "bid", "ask", "ts", "version", "ch"}
    place(server.engine, UID1, "buy", "48000", 1)  # behind the best: no bbo push
    place(server.engine, UID2, "sell", "50000", 4)
    tick = (await ws.recv_until(is_push("market.BTC-USD.bbo")))["tick"]
    assert tick["bid"] == [D(49000), 2] and tick["ask"] == [D(50000), 4]


@pytest.mark.parametrize(
    "topic",
    ["market.BTC-USD.depth.step99", "market.BTC-USD.depth.step16", "market.BTC-USD.depth.step01",
     "market.BTC-USD.depth.size_30.high_freq", "market.BTC-USD.depth"],
)  # fmt: skip
async def test_an_unknown_depth_type_is_refused(connect: Any, topic: str) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request({"sub": topic, "id": "x"})
    assert reply == {
        "id": "x", "status": "error", "err-code": "bad-request",
        "err-msg": f"invalid topic {topic}", "ts": reply["ts"],
    }  # fmt: skip


async def test_a_bad_data_type_is_refused(connect: Any) -> None:
    ws = await connect("/swap-ws")
    reply = await ws.request(
        {"sub": "market.BTC-USD.depth.size_20.high_freq", "id": "x", "data_type": "delta"}
    )
    assert reply["status"] == "error" and reply["err-msg"] == "invalid data_type delta"


async def test_a_client_applying_the_updates_holds_the_exchanges_book(
    connect: Any, server: Served
) -> None:
    """Random orders, fills and cancels: the book a client builds from the snapshot and the
    updates (as ccxt does) is the exchange's book, level for level, versions one apart."""
    rng = random.Random(15)
    topic = "market.BTC-USD.depth.size_150.high_freq"
    ws = await connect("/swap-ws")
    await ws.request({"sub": topic, "id": "1", "data_type": "incremental"})
    snapshot = (await ws.recv_until(is_push(topic)))["tick"]
    bids = {p: v for p, v in snapshot["bids"]}
    asks = {p: v for p, v in snapshot["asks"]}
    version = snapshot["version"]
    engine = server.engine
    for _ in range(200):
        roll = rng.random()
        uid = rng.choice([UID1, UID2])
        if roll < 0.1:
            engine.execute(CancelAll(uid, "BTC-USD", rng.choice(list(Direction))))
        else:
            side = rng.choice(["buy", "sell"])
            price = 50000 + rng.randint(-20, 20) * 10
            place(server.engine, uid, side, str(price), rng.randint(1, 5))
    bids_now, asks_now = engine.query(lambda exchange: exchange.depth("BTC-USD", 150)).result()

    def matches() -> bool:
        return bids == dict(bids_now) and asks == dict(asks_now)

    while not matches():
        tick = (await ws.recv_until(is_push(topic)))["tick"]
        assert tick["event"] == "update" and tick["version"] == version + 1
        version = tick["version"]
        for levels, update in ((bids, tick["bids"]), (asks, tick["asks"])):
            for price, volume in update:
                if volume:
                    levels[price] = volume
                else:
                    levels.pop(price, None)
    await ws.send({"ping": 7})  # nothing was left to come but the pong
    assert (await ws.recv_until(lambda m: "pong" in m or "ch" in m)) == {"pong": 7}


async def test_unsub_before_the_snapshot_then_sub_again_gets_one(
    connect: Any, server: Served
) -> None:
    place(server.engine, UID1, "buy", "49000", 2)
    ws = await connect("/swap-ws")
    topic = "market.BTC-USD.depth.size_20.high_freq"
    for i in range(3):  # each unsub may land before the snapshot it asked for
        await ws.send({"sub": topic, "id": f"s{i}", "data_type": "incremental"})
        await ws.send({"unsub": topic, "id": f"u{i}"})
    await ws.request({"unsub": topic, "id": "u"})
    await ws.request({"sub": topic, "id": "again", "data_type": "incremental"})
    snapshot = (await ws.recv_until(lambda m: m.get("ch") == topic and
                                    m["tick"]["event"] == "snapshot"))["tick"]  # fmt: skip
    assert snapshot["bids"] == [[D(49000), 2]]
