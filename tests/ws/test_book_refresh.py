"""depth.stepN is pushed at least once a second (HTX), the same image again when the book did
not change; no other book topic repeats itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock

from .conftest import UID1, Served, place

pytestmark = pytest.mark.anyio
D = Decimal
STEP0 = "market.BTC-USD.depth.step0"


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(step_depth_refresh_s=0.3, ping_interval_s=600)


def is_push(channel: str) -> Any:
    return lambda m: m.get("ch") == channel


async def test_an_unchanged_step_book_is_pushed_again_every_refresh(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    place(server.engine, UID1, "buy", "49000", 1)
    ws = await connect("/swap-ws")
    await ws.request({"sub": STEP0, "id": "d"})
    await ws.request({"sub": "market.BTC-USD.bbo", "id": "b"})
    first = await ws.recv_until(is_push(STEP0))
    clock.advance(500)
    channels: list[str] = []

    def sent_after_the_advance(message: Any) -> bool:
        if "ch" not in message:
            return False
        channels.append(message["ch"])
        return bool(message["ts"] == clock.now())

    again = await ws.recv_until(sent_after_the_advance)
    assert set(channels) == {STEP0}  # nothing else (the bbo) is repeated
    assert again["tick"]["bids"] == first["tick"]["bids"] == [[D(49000), 1]]
    assert again["tick"]["mrid"] == first["tick"]["mrid"]
    # The same image under the time it was sent: HTX's outer ts is the push's, tick.ts the book's.
    assert again["tick"]["ts"] == first["tick"]["ts"]
    assert again["ts"] == clock.now() == first["ts"] + 500


async def test_a_changing_book_is_not_repeated_on_top_of_its_pushes(
    connect: Any, server: Served
) -> None:
    ws = await connect("/swap-ws")
    await ws.request({"sub": STEP0, "id": "d"})
    await ws.recv_until(is_push(STEP0))
    for i in range(6):  # a change every 0.1 s: each check pushes it, no repeat in between
        place(server.engine, UID1, "buy", str(49000 + i), 1)
        pushed = await ws.recv_until(is_push(STEP0))
        assert len(pushed["tick"]["bids"]) == i + 1
