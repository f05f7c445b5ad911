"""The push path below the services: frames built once, a round's frames written to each
connection in one write and publish order, the same bytes for every subscriber of the same
channels, and the bounded backlog of a connection that cannot take more."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket

from htx_sandbox.http.core import frames
from htx_sandbox.http.ws.channels import Channels
from htx_sandbox.http.ws.fanout import Fanout, Share
from htx_sandbox.http.ws.sender import SLOW_CONSUMER, Sender

pytestmark = pytest.mark.anyio


class Sink:
    """A PushProtocol as the Sender sees it: records each transport write."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.writes: list[bytes] = []

    def write(self, wire: bytes) -> bool:
        self.writes.append(wire)
        return True

    def write_share(self, share: Share) -> bool:
        return self.write(share.wire)


class Socket:
    def __init__(self) -> None:
        self.closed: list[tuple[int, str]] = []

    async def close(self, code: int, reason: str) -> None:
        self.closed.append((code, reason))


async def _never(message: Any) -> None:
    raise AssertionError("a connection with a sink never sends through ASGI")


def sender(fanout: Fanout, limit: int = 100) -> tuple[Sender, Sink, Socket]:
    sink, socket = Sink(), Socket()
    made = Sender(cast(WebSocket, socket), _never, limit, "test", fanout, sink)
    return made, sink, socket


def messages(wire: bytes) -> list[Any]:
    """The JSON messages of the binary frames in `wire`, parsed by RFC 6455's rules."""
    out, at = [], 0
    while at < len(wire):
        assert wire[at] == 0x82  # FIN, binary
        size, at = wire[at + 1], at + 2
        assert size & 0x80 == 0  # a server frame is never masked
        if size == 126:
            (size,), at = struct.unpack("!H", wire[at : at + 2]), at + 2
        elif size == 127:
            (size,), at = struct.unpack("!Q", wire[at : at + 8]), at + 8
        out.append(json.loads(gzip.decompress(wire[at : at + size])))
        at += size
    return out


async def end_of_round() -> None:
    await asyncio.sleep(0)


@pytest.mark.parametrize("length", [0, 100, 300, 70_000, 200_000])
def test_a_frame_is_a_whole_binary_frame_around_a_gzip_payload(length: int) -> None:
    message = {"ch": "x", "data": "ab" * length}
    frame = frames.pack(message)
    assert gzip.decompress(frame.payload) == json.dumps(message, separators=(",", ":")).encode()
    assert messages(frame.wire) == [message]
    assert frame.wire is frame.wire  # built once


async def test_a_round_is_one_write_per_connection_in_publish_order() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    a, sink_a, _ = sender(fanout)
    b, sink_b, _ = sender(fanout)
    c, sink_c, _ = sender(fanout)
    channels.add("trades", a)
    channels.add("trades", b)
    channels.add("depth", b)
    channels.add("trades", c)
    channels.publish("trades", {"n": 1})
    channels.publish("depth", {"n": 2})
    channels.publish("trades", {"n": 3})
    channels.publish("nobody", {"n": 4})
    assert sink_a.writes == sink_b.writes == []  # at the end of the round, not before
    await end_of_round()
    assert [messages(w) for w in sink_a.writes] == [[{"n": 1}, {"n": 3}]]
    assert [messages(w) for w in sink_b.writes] == [[{"n": 1}, {"n": 2}, {"n": 3}]]
    assert sink_c.writes[0] is sink_a.writes[0]  # one join for every subscriber of the same


async def test_a_frame_for_several_channels_of_a_connection_reaches_it_once() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    both, sink, _ = sender(fanout)
    channels.add("orders.BTC-USD", both)
    channels.add("orders.*", both)
    channels.publish_any(["orders.BTC-USD", "orders.*"], {"n": 1})
    channels.publish_any(["orders.BTC-USD", "orders.BTC-USD"], {"n": 2})
    await end_of_round()
    assert [messages(w) for w in sink.writes] == [[{"n": 1}, {"n": 2}]]


async def test_a_reply_comes_after_what_was_published_before_it() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    one, sink, _ = sender(fanout)
    channels.add("trades", one)
    channels.publish("trades", {"n": 1})
    one.offer(frames.pack({"reply": True}))
    channels.publish("trades", {"n": 2})
    await end_of_round()
    assert [messages(w) for w in sink.writes] == [[{"n": 1}], [{"reply": True}], [{"n": 2}]]


async def test_membership_changes_split_the_round() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    early, sink_early, _ = sender(fanout)
    late, sink_late, _ = sender(fanout)
    channels.add("trades", early)
    channels.publish("trades", {"n": 1})
    channels.add("trades", late)  # subscribed after n=1: never gets it
    channels.publish("trades", {"n": 2})
    channels.remove("trades", early)  # left before n=3
    channels.publish("trades", {"n": 3})
    await end_of_round()
    assert [m for w in sink_early.writes for m in messages(w)] == [{"n": 1}, {"n": 2}]
    assert [m for w in sink_late.writes for m in messages(w)] == [{"n": 2}, {"n": 3}]


async def test_a_paused_transport_gets_its_backlog_in_one_write_once_it_resumes() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    one, sink, _ = sender(fanout)
    channels.add("trades", one)
    sink.writable.clear()
    for n in range(3):
        channels.publish("trades", {"n": n})
        await end_of_round()
    assert sink.writes == [] and one.backlog == 3
    sink.writable.set()
    await asyncio.sleep(0.01)
    assert [messages(w) for w in sink.writes] == [[{"n": 0}, {"n": 1}, {"n": 2}]]
    assert one.backlog == 0


async def test_a_connection_too_far_behind_is_closed_never_skipped() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    slow, sink, socket = sender(fanout, limit=5)
    channels.add("trades", slow)
    sink.writable.clear()
    for n in range(6):
        channels.publish("trades", {"n": n})
        await end_of_round()
    await asyncio.sleep(0.01)
    assert slow.closed and sink.writes == []
    assert socket.closed == [(SLOW_CONSUMER, "slow consumer: 6 frames not read")]
    assert not slow.offer(frames.pack({"late": True}))


async def test_a_round_beyond_the_limit_is_written_while_the_socket_takes_it() -> None:
    """The limit bounds what waits for a slow client, not what one round holds: a cancel-all
    of more orders than the limit reaches a client that reads."""
    fanout = Fanout()
    channels = Channels(fanout)
    one, sink, socket = sender(fanout, limit=5)
    channels.add("orders", one)
    for n in range(50):
        channels.publish("orders", {"n": n})
    await end_of_round()
    assert len(messages(sink.writes[0])) == 50
    assert not one.closed and socket.closed == []


async def test_a_connection_that_fails_costs_only_itself() -> None:
    fanout = Fanout()
    channels = Channels(fanout)
    broken, broken_sink, socket = sender(fanout)
    fine, fine_sink, _ = sender(fanout)

    def fail(wire: bytes) -> bool:
        raise RuntimeError("a bug below the sender")

    broken_sink.write = fail  # type: ignore[method-assign]
    channels.add("trades", broken)
    channels.add("trades", fine)
    channels.publish("trades", {"n": 1})
    await end_of_round()
    await asyncio.sleep(0.01)
    assert [messages(w) for w in fine_sink.writes] == [[{"n": 1}]]
    assert broken.closed and socket.closed == [(1011, "internal error")]
