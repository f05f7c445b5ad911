"""The server's side of the socket relay: it starts the relay's process, hands it each
upgraded connection's socket, and sends it every turn of the event loop's frames in one write.

`open` hands a connection over and returns the transport its protocol writes to from then on
(`RelayedTransport`). What the connections are sent during one turn of the loop is gathered
and written to the relay at the end of the turn: the same bytes sent to many connections (a
round's frames for every subscriber of a topic, `Fanout`) cross once, as one blob. A deferred
push (an order's, http/shapes/pushes.py) crosses as the copy the relay's process packs it from.

Should the relay fail (its process died, or it stopped reading for `OUTBOX_LIMIT` bytes), every
connection handed to it is aborted, and a log line says why: a client never waits on frames
that will not come. Connections opened later write to their own transports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from .records import (
    BLOB,
    BUILD,
    CLOSE,
    CLOSED,
    DROP,
    END,
    EVENT,
    GONE,
    KIND,
    MAX_FDS,
    OPEN,
    PAUSED,
    RESUMED,
    SEND,
    STARTED,
)

if TYPE_CHECKING:
    from ..core.frames import Frame

log = logging.getLogger(__name__)
OUTBOX_LIMIT = 64 * 1024 * 1024
"""Bytes the relay may leave unread before it counts as failed."""
STOP_WAIT_S = 5.0
START_WAIT_S = 30.0
"""How long the relay's process may take to load its modules (a slow disk, a loaded machine)."""
CLOSE_WAIT_S = 10.0
"""How long the relay may go on writing to a client that ended its side of the stream."""


class Writer(Protocol):
    """The connection's protocol, told what the relay reports."""

    def pause_writing(self) -> None: ...

    def resume_writing(self) -> None: ...


def available() -> bool:
    """Whether this platform can hand a socket to another process (SCM_RIGHTS)."""
    return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


class RelayStartError(Exception):
    """The relay's process ended, or did not say it runs within `START_WAIT_S`."""


def start_relay(wanted: bool = True) -> SocketRelay | None:
    """A running relay if `wanted` and the platform can hand sockets over; None: each
    connection writes its own frames (so too, with a log line, if its process does not
    start). Whoever starts one stops it after the server."""
    if not (wanted and available()):
        return None
    try:
        return SocketRelay()
    except RelayStartError as error:
        log.error("socket relay not started (%s): connections write their own frames", error)
        return None


class SocketRelay:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "htx_sandbox.http.relay.child", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours
        self._await_start()
        ours.setblocking(False)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections: dict[int, RelayedTransport] = {}
        self._next = 1
        self._pieces: list[bytes] = []
        """This turn's records."""
        self._blobs: dict[int, int] = {}
        """This turn's blobs: id of the bytes -> index (the bytes are in `_pieces`: alive)."""
        self._fds: list[int] = []
        """Descriptors (our duplicates) for the records not yet sent."""
        self._outbox = bytearray()
        """What the relay's socket did not take yet."""
        self._inbox = bytearray()
        self._due = False
        self._watching = False
        self.failed = False

    def _await_start(self) -> None:
        """Block until the process says it runs: a connection handed over before would have
        its first frames (a heartbeat's pings) wait on the relay's imports."""
        self._sock.settimeout(START_WAIT_S)
        try:
            said: bytes | None = self._sock.recv(len(STARTED))
        except TimeoutError:
            said = None
        except OSError:  # reset: it ended
            said = b""
        if said == STARTED:
            return
        self._process.kill()
        code = self._process.wait()
        self._sock.close()
        if said is None:
            raise RelayStartError(f"no word from its process in {START_WAIT_S:g} s")
        raise RelayStartError(f"its process ended with exit code {code}")

    @property
    def pid(self) -> int:
        """The relay's process."""
        return self._process.pid

    @property
    def exit_code(self) -> int | None:
        """The relay's process's exit code; None while it runs."""
        return self._process.poll()

    @property
    def connections(self) -> int:
        """Connections the relay writes for now."""
        return len(self._connections)

    # -- connections -------------------------------------------------------------------------

    def open(self, transport: asyncio.Transport, writer: Writer) -> RelayedTransport | None:
        """Hand the connection under `transport` to the relay (its buffer must be empty:
        nothing written before may come after what the relay writes); None if the relay has
        failed or the transport has no socket."""
        if self.failed:
            return None
        if self._process.poll() is not None:
            self._fail(f"its process ended (exit code {self._process.returncode})")
            return None
        sock = transport.get_extra_info("socket")
        if sock is None or transport.get_extra_info("sslcontext") is not None:
            return None  # TLS: the relay would write the plain bytes
        try:
            # A duplicate: the transport may close its descriptor, and the number be reused
            # by another connection, before this record is sent.
            fd = os.dup(sock.fileno())
        except OSError:  # out of descriptors: this connection writes its own
            return None
        if self._loop is None:
            self._loop = loop = asyncio.get_running_loop()
            loop.add_reader(self._sock.fileno(), self._on_readable)
        conn = self._next
        self._next += 1
        self._fds.append(fd)
        self._record(KIND.pack(OPEN, conn, 0))
        relayed = self._connections[conn] = RelayedTransport(self, conn, transport, writer)
        return relayed

    def send(self, conn: int, data: bytes) -> None:
        index = self._blobs.get(id(data))
        if index is None:
            index = self._blobs[id(data)] = len(self._blobs)
            self._record(KIND.pack(BLOB, 0, len(data)), data)
        self._record(KIND.pack(SEND, conn, index))

    def send_frames(self, conn: int, frames: Sequence[Frame]) -> None:
        """Write `frames` to the connection in order; the relay's process packs the deferred
        ones (each crosses once, however many connections it goes to)."""
        for frame in frames:
            push = frame.deferred
            if push is None:
                self.send(conn, frame.wire)
                continue
            copied = push.copied  # held by the pieces until the end of the turn: its id too
            index = self._blobs.get(id(copied))
            if index is None:
                index = self._blobs[id(copied)] = len(self._blobs)
                self._record(KIND.pack(BUILD, push.kind, len(copied)), copied)
            self._record(KIND.pack(SEND, conn, index))

    def close(self, conn: int) -> None:
        self._record(KIND.pack(CLOSE, conn, 0))

    def drop(self, conn: int) -> None:
        if self._connections.pop(conn, None) is not None:
            self._record(KIND.pack(DROP, conn, 0))

    # -- to the relay ------------------------------------------------------------------------

    def _record(self, *pieces: bytes) -> None:
        if self.failed:
            return
        self._pieces.extend(pieces)
        if not self._due:
            self._due = True
            loop = self._loop
            assert loop is not None
            loop.call_soon(self._end_of_turn)

    def _end_of_turn(self) -> None:
        self._due = False
        if self.failed:
            return
        self._pieces.append(KIND.pack(END, 0, 0))
        data = b"".join(self._pieces)
        self._pieces.clear()
        self._blobs.clear()
        if self._outbox:
            self._outbox += data
            if len(self._outbox) > OUTBOX_LIMIT:
                self._fail(f"it left {len(self._outbox)} bytes unread")
            return
        self._outbox = bytearray(data)
        self._send()

    def _send(self) -> None:
        """Write the outbox, the waiting descriptors with its first bytes: at most MAX_FDS a
        write (what the relay reads at once), and while more wait, one byte each, so that
        every descriptor arrives before the `OPEN` that claims it."""
        outbox = self._outbox
        while outbox:
            fds = self._fds[:MAX_FDS]
            try:
                if len(self._fds) > MAX_FDS:
                    sent = socket.send_fds(self._sock, [outbox[:1]], fds)
                elif fds:
                    sent = socket.send_fds(self._sock, [outbox], fds)
                else:
                    sent = self._sock.send(outbox)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as error:
                self._fail(f"its socket failed: {error}")
                return
            for fd in fds:
                os.close(fd)
            del self._fds[: len(fds)]
            del outbox[:sent]
        loop = self._loop
        assert loop is not None
        waiting = bool(outbox)
        if waiting != self._watching:
            self._watching = waiting
            if waiting:
                loop.add_writer(self._sock.fileno(), self._send)
            else:
                loop.remove_writer(self._sock.fileno())

    # -- from the relay ----------------------------------------------------------------------

    def _on_readable(self) -> None:
        try:
            data = self._sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._fail(f"its socket failed: {error}")
            return
        if not data:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(1.0)  # reaped, and its exit code known
            self._fail(f"its process ended (exit code {self._process.returncode})")
            return
        inbox = self._inbox
        inbox += data
        size, at = len(inbox), 0
        while size - at >= EVENT.size:
            kind, conn = EVENT.unpack_from(inbox, at)
            at += EVENT.size
            relayed = self._connections.get(conn)
            if relayed is None:
                continue  # dropped meanwhile
            if kind == PAUSED:
                relayed.writer.pause_writing()
            elif kind == RESUMED:
                relayed.writer.resume_writing()
            elif kind == CLOSED:
                del self._connections[conn]
                relayed.real.close()
            elif kind == GONE:
                del self._connections[conn]
                relayed.real.abort()
        del inbox[:at]

    # -- failure and stop --------------------------------------------------------------------

    def _fail(self, why: str) -> None:
        if self.failed:
            return
        self.failed = True
        connections = list(self._connections.values())
        log.error(
            "WebSocket relay failed (%s): its %d connections are closed; new ones write "
            "from the server's process",
            why, len(connections),
        )  # fmt: skip
        self._connections.clear()
        self._pieces.clear()
        self._blobs.clear()
        self._outbox.clear()
        self._unwatch()
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        for relayed in connections:
            relayed.real.abort()
        # A relay still running (stuck, or its socket failed) holds every socket it was
        # handed: ended, so that their clients see them close.
        self._sock.close()
        if self._process.poll() is None:
            self._process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(STOP_WAIT_S)

    def _unwatch(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(Exception):
            loop.remove_reader(self._sock.fileno())
            loop.remove_writer(self._sock.fileno())

    def stop(self) -> None:
        """End the relay's process (after the server stopped serving)."""
        self._unwatch()
        self._sock.close()  # idempotent: closed already if the relay failed
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        try:
            self._process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class RelayedTransport(asyncio.Transport):
    """A connection's transport once the relay writes for it: writes and closes go to the
    relay, in order; reading and everything else stay the real transport's."""

    def __init__(
        self, relay: SocketRelay, conn: int, real: asyncio.Transport, writer: Writer
    ) -> None:
        super().__init__()
        self.relay = relay
        self.conn = conn
        self.real = real
        self.writer = writer
        self._closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing or self.relay.failed:
            return
        self.relay.send(self.conn, data if isinstance(data, bytes) else bytes(data))

    def write_frames(self, frames: Sequence[Frame]) -> None:
        """Like `write` of their joined bytes; a deferred push is packed by the relay."""
        if self._closing or self.relay.failed:
            return
        self.relay.send_frames(self.conn, frames)

    def writelines(self, list_of_data: object) -> None:
        raise NotImplementedError  # uvicorn and the Sender write whole frames

    def close(self) -> None:
        """Close once everything written is sent (the relay answers, then the real transport
        closes)."""
        if self._closing:
            return
        self._closing = True
        if self.relay.failed:
            self.real.close()
        else:
            self.relay.close(self.conn)

    def abort(self) -> None:
        self._closing = True
        self.relay.drop(self.conn)
        self.real.abort()

    def lost(self, exc: Exception | None) -> None:
        """The connection's reading ended. On an error the relay lets its socket go at once;
        on the client's end of stream (it may still read) the relay first writes what it
        holds, as a transport closing would, for at most CLOSE_WAIT_S."""
        if exc is not None or self.relay.failed:
            self._closing = True
            self.relay.drop(self.conn)
            return
        self.close()
        loop = asyncio.get_running_loop()
        loop.call_later(CLOSE_WAIT_S, self.relay.drop, self.conn)  # after CLOSED: nothing

    def is_closing(self) -> bool:
        return self._closing or self.real.is_closing()

    def pause_reading(self) -> None:
        self.real.pause_reading()

    def resume_reading(self) -> None:
        self.real.resume_reading()

    def is_reading(self) -> bool:
        return self.real.is_reading()

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.real.get_extra_info(name, default)

    def get_write_buffer_size(self) -> int:
        return 0

    def can_write_eof(self) -> bool:
        return False

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.real.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.real.get_protocol()


__all__ = ["RelayedTransport", "SocketRelay", "available"]
