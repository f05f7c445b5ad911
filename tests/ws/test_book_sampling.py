"""The book topics are sampled as HTX samples them: depth.stepN checked every interval
(HTX: 100 ms; long here, so that the changes surely fall inside one), pushed once with every
change made in it, and the incremental depth likewise (one update, one version on)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.http.ws import WsSettings

from .conftest import UID1, Served, place

pytestmark = pytest.mark.anyio
D = Decimal
STEP0 = "market.BTC-USD.depth.step0"


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(
        step_depth_interval_s=1.5, high_freq_interval_s=1.5, step_depth_refresh_s=600
    )


def is_push(channel: str) -> Any:
    return lambda m: m.get("ch") == channel


async def test_the_changes_inside_one_check_interval_make_one_step_push(
    connect: Any, server: Served
) -> None:
    place(server.engine, UID1, "buy", "49000", 1)
    ws = await connect("/swap-ws")
    await ws.request({"sub": STEP0, "id": "d"})
    first = await ws.recv_until(is_push(STEP0))
    assert first["tick"]["bids"] == [[D(49000), 1]]
    for price in ("49100", "49200", "49300"):  # each its own commit
        place(server.engine, UID1, "buy", price, 1)
    second = await ws.recv_until(is_push(STEP0))
    assert [level[0] for level in second["tick"]["bids"]] == [
        D(49300), D(49200), D(49100), D(49000),
    ]  # fmt: skip
    await ws.send({"ping": 1})  # nothing else was pushed for those changes
    assert await ws.recv_until(lambda m: "pong" in m or "ch" in m) == {"pong": 1}


async def test_incremental_depth_sends_one_update_for_the_changes_of_one_interval(
    connect: Any, server: Served
) -> None:
    topic = "market.BTC-USD.depth.size_20.high_freq"
    ws = await connect("/swap-ws")
    await ws.request({"sub": topic, "data_type": "incremental", "id": "i"})
    snapshot = (await ws.recv_until(is_push(topic)))["tick"]
    assert snapshot["event"] == "snapshot"
    for price in ("49100", "49200"):
        place(server.engine, UID1, "buy", price, 2)
    update = (await ws.recv_until(is_push(topic)))["tick"]
    assert update["event"] == "update" and update["version"] == snapshot["version"] + 1
    assert sorted(update["bids"]) == [[D(49100), 2], [D(49200), 2]]


