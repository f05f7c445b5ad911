"""The socket relay (http/relay) on its own: real sockets, its real process, no WebSocket. What
each client reads is exactly what was sent to it, in order; flow control, close, drop and the
relay's death each do what the server's connections rely on."""

from __future__ import annotations

import asyncio
import logging
import os
import pathlib
import selectors
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from htx_sandbox.http.core import frames
from htx_sandbox.http.relay import link
from htx_sandbox.http.relay.child import Relay
from htx_sandbox.http.relay.link import RelayedTransport, SocketRelay, available
from htx_sandbox.http.relay.records import DROP, HIGH_WATER, KIND, MAX_FDS, OPEN
from htx_sandbox.http.shapes import pushes

from .test_deferred_pushes import NOW, ORDERS, a_trade

pytestmark = pytest.mark.skipif(not available(), reason="no SCM_RIGHTS on this platform")
T = TypeVar("T")
TIMEOUT_S = 10.0


class Recorder(asyncio.Protocol):
    """The server side's protocol: what the relay and the transport report."""

    def __init__(self) -> None:
        self.paused = 0
        self.resumed = 0
        self.lost = asyncio.Event()

    def pause_writing(self) -> None:
        self.paused += 1

    def resume_writing(self) -> None:
        self.resumed += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.set()


class Client:
    def __init__(self, sock: socket.socket, transport: asyncio.Transport, protocol: Recorder):
        self.sock = sock
        self.transport = transport
        self.protocol = protocol

    async def read(self, size: int) -> bytes:
        """Exactly `size` bytes (fewer only if the connection ended first)."""
        loop = asyncio.get_running_loop()
        got = bytearray()
        async with asyncio.timeout(TIMEOUT_S):
            while len(got) < size:
                chunk = await loop.sock_recv(self.sock, size - len(got))
                if not chunk:
                    break
                got += chunk
        return bytes(got)

    async def rest(self) -> bytes:
        """Everything until the connection ends (EOF or reset)."""
        loop = asyncio.get_running_loop()
        got = bytearray()
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                try:
                    chunk = await loop.sock_recv(self.sock, 1 << 16)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                got += chunk
        return bytes(got)

    async def ended(self) -> bool:
        """Whether the server's side closed (EOF or reset) with nothing more sent."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(TIMEOUT_S):
            try:
                return await loop.sock_recv(self.sock, 1) == b""
            except ConnectionResetError:
                return True


async def connect(listener: socket.socket, *, small_buffers: bool = False) -> Client:
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    if small_buffers:  # so that a client that does not read is soon behind
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, listener.getsockname())
    accepted, _ = await loop.sock_accept(listener)
    if small_buffers:
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    protocol = Recorder()
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, accepted)
    return Client(sock, transport, protocol)


@contextmanager
def listening() -> Iterator[socket.socket]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        yield listener
    finally:
        listener.close()


def run(test: Callable[[SocketRelay, socket.socket], Awaitable[T]]) -> T:
    async def main() -> T:
        relay = SocketRelay()
        try:
            with listening() as listener:
                return await test(relay, listener)
        finally:
            relay.stop()

    return asyncio.run(main())


def relayed(relay: SocketRelay, client: Client) -> RelayedTransport:
    found = relay.open(client.transport, client.protocol)
    assert found is not None
    return found


def test_each_client_reads_what_it_was_sent_in_order_and_shared_bytes_once_each() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        a, b = await connect(listener), await connect(listener)
        ta, tb = relayed(relay, a), relayed(relay, b)
        shared = b"S" * 5000
        ta.write(b"a1")
        tb.write(b"b1")
        ta.write(shared)
        tb.write(shared)
        ta.write(b"a2")
        await asyncio.sleep(0)  # a second turn of the loop: a second batch
        tb.write(shared)
        assert await a.read(2 + 5000 + 2) == b"a1" + shared + b"a2"
        assert await b.read(2 + 10000) == b"b1" + shared + shared

    run(test)


def test_more_connections_in_one_turn_than_descriptors_in_one_write() -> None:
    """Each socket reaches the relay before the record that names it, however many are
    handed over at once (the relay reads MAX_FDS descriptors a time)."""

    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        clients = [await connect(listener) for _ in range(2 * MAX_FDS + 5)]
        for index, client in enumerate(clients):
            relayed(relay, client).write(f"client {index:04}".encode())
        for index, client in enumerate(clients):
            assert await client.read(11) == f"client {index:04}".encode()
        assert not relay.failed

    run(test)


def test_a_client_that_does_not_read_pauses_its_writer_and_reading_resumes_it() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener, small_buffers=True)
        transport = relayed(relay, client)
        chunk = bytes(range(256)) * 64  # 16 KiB
        count = 4 * HIGH_WATER // len(chunk) + 64
        for _ in range(count):
            transport.write(chunk)
        async with asyncio.timeout(TIMEOUT_S):
            while not client.protocol.paused:
                await asyncio.sleep(0.01)
        assert client.protocol.resumed == 0
        assert await client.read(count * len(chunk)) == chunk * count
        async with asyncio.timeout(TIMEOUT_S):
            while not client.protocol.resumed:
                await asyncio.sleep(0.01)
        assert (client.protocol.paused, client.protocol.resumed) == (1, 1)

    run(test)


def test_close_sends_everything_first_then_closes_the_real_transport() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener, small_buffers=True)
        transport = relayed(relay, client)
        payload = b"x" * (3 * HIGH_WATER)
        transport.write(payload)
        transport.close()
        assert transport.is_closing()
        transport.write(b"after the close")  # nothing follows a close
        assert await client.read(len(payload)) == payload
        assert await client.ended()
        async with asyncio.timeout(TIMEOUT_S):
            await client.protocol.lost.wait()  # the relay answered, the transport closed

    run(test)


def test_abort_drops_what_is_unsent_and_ends_the_connection() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener, small_buffers=True)
        other = await connect(listener)
        transport = relayed(relay, client)
        transport.write(b"y" * (8 * HIGH_WATER))
        await asyncio.sleep(0.05)
        transport.abort()
        relayed(relay, other).write(b"still served")
        async with asyncio.timeout(TIMEOUT_S):
            await client.protocol.lost.wait()
        got = await client.rest()
        assert len(got) < 8 * HIGH_WATER  # the rest was dropped, not written
        assert await other.read(12) == b"still served"

    run(test)


def test_a_client_that_went_away_is_reported_by_the_relay_and_aborted() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener)
        transport = relayed(relay, client)
        client.transport.pause_reading()  # the server does not see the reset: the relay must
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00" * 2)
        client.sock.close()  # a reset: the relay's next writes fail
        async with asyncio.timeout(TIMEOUT_S):
            while not client.protocol.lost.is_set():
                transport.write(b"z" * 1024)
                await asyncio.sleep(0.01)
        assert relay.connections == 0
        assert not relay.failed

    run(test)


def test_the_end_of_the_clients_stream_writes_what_waits_then_closes() -> None:
    """A client that ended its side (EOF) may still read: what the relay holds for it is
    written before the close, as a transport closing would; an error drops it."""

    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener, small_buffers=True)
        broken = await connect(listener, small_buffers=True)
        transport, other = relayed(relay, client), relayed(relay, broken)
        payload = b"w" * (4 * HIGH_WATER)
        transport.write(payload)
        other.write(payload)
        await asyncio.sleep(0.05)
        transport.lost(None)
        broken.transport.abort()  # as an error ends the server's side before it tells the relay
        other.lost(ConnectionResetError())
        assert await client.read(len(payload)) == payload
        assert await client.ended()
        got = await broken.rest()
        assert len(got) < len(payload)

    run(test)


def test_a_relay_that_stops_reading_is_ended_and_so_are_its_connections(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(link, "OUTBOX_LIMIT", 1 << 20)

    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener)
        transport = relayed(relay, client)
        transport.write(b"first")
        assert await client.read(5) == b"first"
        os.kill(relay.pid, signal.SIGSTOP)  # alive, and reading nothing
        async with asyncio.timeout(TIMEOUT_S):
            while not relay.failed:
                transport.write(b"q" * 65536)
                await asyncio.sleep(0)
        async with asyncio.timeout(TIMEOUT_S):
            await client.protocol.lost.wait()
        assert await client.ended()  # the relay's copy of the socket is gone too
        assert relay.exit_code is not None

    with caplog.at_level(logging.ERROR, "htx_sandbox.http.relay.link"):
        run(test)
    assert "bytes unread" in caplog.text


def test_the_relay_dying_closes_its_connections_and_later_ones_are_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener)
        relayed(relay, client).write(b"before")
        assert await client.read(6) == b"before"
        os.kill(relay.pid, signal.SIGKILL)  # what a crash of the relay's process looks like
        async with asyncio.timeout(TIMEOUT_S):
            await client.protocol.lost.wait()
        assert await client.ended()
        assert relay.failed
        later = await connect(listener)
        assert relay.open(later.transport, later.protocol) is None

    with caplog.at_level(logging.ERROR, "htx_sandbox.http.relay.link"):
        run(test)
    assert "WebSocket relay failed (its process ended" in caplog.text


def test_a_backlog_of_many_small_frames_is_written_whole_in_order() -> None:
    """More pieces wait for a slow client than one write may carry (the relay writes them in
    several): a client that reads again gets every one, in order."""

    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        client = await connect(listener, small_buffers=True)
        transport = relayed(relay, client)
        pieces = [f"{index:05}|".encode() for index in range(5000)]
        for piece in pieces:
            transport.write(piece)
            if int(piece[:5]) % 500 == 0:
                await asyncio.sleep(0.005)  # several batches, while the client does not read
        assert await client.read(6 * len(pieces)) == b"".join(pieces)
        assert not relay.failed
        assert relay.connections == 1  # still served, not given up

    run(test)



def test_a_client_dropped_in_the_pass_that_finds_it_writable_is_skipped() -> None:
    """The relay's own loop, in this process, with the selector's answer fixed: the server's
    DROP comes first in the pass, the dropped client's readiness after it. The client ends
    once and the relay goes on (it used to end it twice and stop)."""
    server_end, relay_end = socket.socketpair()
    listener = socket.create_server(("127.0.0.1", 0))
    peer = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        relay = Relay(relay_end)
        socket.send_fds(server_end, [KIND.pack(OPEN, 1, 0)], [accepted.fileno()])
        assert relay.step(1.0)
        client = relay.clients[1]
        relay._write(client, b"x" * (8 << 20))  # more than the socket takes: some waits
        assert client.pending and client.watched
        server_end.sendall(KIND.pack(DROP, 1, 0))
        ready = [
            (relay.selector.get_key(relay_end), selectors.EVENT_READ),
            (relay.selector.get_key(client.sock), selectors.EVENT_WRITE),
        ]
        relay.selector.select = lambda timeout=None: ready  # type: ignore[method-assign]
        assert relay.step()
        assert 1 not in relay.clients
        assert client.sock.fileno() == -1  # closed, once
    finally:
        for sock in (server_end, relay_end, listener, peer, accepted):
            sock.close()


def test_deferred_pushes_are_packed_by_the_relay_in_order_among_built_frames() -> None:
    """A round's frames with an order's deferred push: each client reads the bytes the server
    would have packed, in order, and the copy crosses once for both."""

    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        a, b = await connect(listener), await connect(listener)
        ta, tb = relayed(relay, a), relayed(relay, b)
        order = ORDERS["filled in part"]
        fills = [a_trade(order, 1, "60123.4")]
        built = frames.pack({"op": "notify", "topic": "public.BTC-USD.funding_rate"})
        deferred = frames.pack(pushes.deferred(pushes.ORDERS, order, fills, NOW))
        expected = frames.pack(pushes.order_push(order, fills, NOW), shared=False).wire
        ta.write_frames([built, deferred])
        tb.write_frames([deferred])
        ta.write(b"after")
        assert deferred.deferred is not None  # not packed in this process
        assert await a.read(len(built.wire) + len(expected) + 5) == (
            built.wire + expected + b"after"
        )
        assert await b.read(len(expected)) == expected
        assert not relay.failed

    run(test)


def test_a_push_the_relay_cannot_pack_ends_its_clients_and_only_them() -> None:
    async def test(relay: SocketRelay, listener: socket.socket) -> None:
        broken, fine = await connect(listener), await connect(listener)
        tbroken, tfine = relayed(relay, broken), relayed(relay, fine)
        order = ORDERS["new"]
        good = frames.pack(pushes.deferred(pushes.ORDERS, order, [], NOW))
        bad = frames.Frame(None, pushes.Deferred(pushes.ORDERS, b"no copy of an order"))
        expected = frames.pack(pushes.order_push(order, [], NOW), shared=False).wire
        tbroken.write(b"before")
        tbroken.write_frames([bad, good])
        tfine.write_frames([good])
        # Then the reason, and the end: never the frames after a gap.
        assert await broken.rest() == b"before" + frames.close_frame(1011, "internal error")
        async with asyncio.timeout(TIMEOUT_S):
            await broken.protocol.lost.wait()
        assert await fine.read(len(expected)) == expected
        tfine.write(b"still served")
        assert await fine.read(12) == b"still served"
        assert relay.connections == 1 and not relay.failed

    run(test)


@pytest.mark.parametrize(
    ("script", "logged"),
    [
        ("exit 3", "its process ended with exit code 3"),
        ("exec sleep 30", "no word from its process in 0.3 s"),  # killed: else a 30 s wait
    ],
)
def test_a_relay_that_does_not_start_leaves_connections_writing_their_own_frames(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: pathlib.Path,
    script: str,
    logged: str,
) -> None:
    fake = tmp_path / "python"  # run as the relay's interpreter, with the relay's arguments
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(link.sys, "executable", str(fake))
    monkeypatch.setattr(link, "START_WAIT_S", 0.3)
    with caplog.at_level(logging.ERROR, "htx_sandbox.http.relay.link"):
        assert link.start_relay() is None
    assert f"socket relay not started ({logged})" in caplog.text
