"""The socket relay's process: it writes what the server sends its WebSocket clients.

The server is GIL-bound: its event loop and its engine thread share one core's worth of
Python. Writing a frame to a loopback or LAN socket is a system call of some 10 us, made with
the GIL held (uvloop's write path keeps it), a hundred times a round when a hundred clients
follow a public topic. The server hands each connection's socket (SCM_RIGHTS) to this process
once it upgraded, then sends each round's frames once over one Unix socket with, per client,
which of them to write; the writes, the buffering of a client that reads slowly and the wait
for its socket run here, on another core. The server keeps reading the sockets (the protocol,
subscriptions, pings) and decides everything; this process only writes, in the order it was
told, and reports back (records.py). It also packs the deferred pushes (an order's: shaped,
encoded and gzipped from the copy the server sends, http/shapes/pushes.py), work the
GIL-bound server would otherwise do.

It says it runs (`STARTED`) once its modules are loaded, before the server hands it anything,
and exits when the server's end of the Unix socket closes (the server stopped or died).

    python -m htx_sandbox.http.relay.child FD
"""

from __future__ import annotations

import itertools
import selectors
import signal
import socket
import sys
from collections import deque

from ..core.frames import close_frame, deferred_wire
from ..shapes.pushes import Deferred
from .records import (
    BLOB,
    BUILD,
    CLOSE,
    CLOSED,
    DROP,
    END,
    EVENT,
    GONE,
    HARD_LIMIT,
    HIGH_WATER,
    KIND,
    LOW_WATER,
    MAX_FDS,
    OPEN,
    PAUSED,
    RESUMED,
    SEND,
    STARTED,
)

READ_SIZE = 1 << 18
IOV_MAX = 512
"""Buffers one write takes at most (Linux refuses more than 1024)."""
HEADER = KIND.size
NOT_PACKED = close_frame(1011, "internal error")
"""What a client is sent instead of a push the relay could not pack, and then nothing."""


class _Client:
    __slots__ = ("closing", "conn", "paused", "pending", "sock", "waiting", "watched")

    def __init__(self, conn: int, sock: socket.socket) -> None:
        self.conn = conn
        self.sock = sock
        self.pending: deque[memoryview] = deque()
        """What the socket did not take yet, in order."""
        self.waiting = 0
        """Bytes in `pending`."""
        self.paused = False
        self.closing = False
        self.watched = False
        """Registered with the selector for writability."""


class Relay:
    def __init__(self, control: socket.socket) -> None:
        control.setblocking(False)
        self.control = control
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ, None)
        self.clients: dict[int, _Client] = {}
        self.fds: deque[int] = deque()
        """Descriptors received and not yet claimed by an `OPEN`, in the order sent."""
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.blobs: list[bytes | None] = []
        """The batch's blobs; None for a push that could not be packed."""
        self._waiting_to_send = False
        """The Unix socket is watched for writability: events are waiting for it."""

    def run(self) -> None:
        while self.step():
            pass

    def step(self, timeout: float | None = None) -> bool:
        """One pass over what is ready; False once the server closed its end."""
        for key, events in self.selector.select(timeout):
            client = key.data
            if client is None:
                if events & selectors.EVENT_WRITE:
                    self._flush_events()
                if events & selectors.EVENT_READ and not self._read():
                    return False
            else:
                assert isinstance(client, _Client)
                if self.clients.get(client.conn) is client:  # else ended in this pass
                    self._drain(client)
        if self.outbox:
            self._flush_events()
        return True

    # -- from the server -------------------------------------------------------------------

    def _read(self) -> bool:
        """Take what the server sent; False once it closed its end."""
        try:
            data, fds, flags, _ = socket.recv_fds(self.control, READ_SIZE, MAX_FDS)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        self.fds.extend(fds)
        if flags & socket.MSG_CTRUNC:  # descriptors lost: a client would get another's frames
            print("htx-sandbox relay: descriptors truncated, stopping", file=sys.stderr)
            return False
        if not data:
            return False
        inbox = self.inbox
        inbox += data
        size, at = len(inbox), 0
        while size - at >= HEADER:
            kind, conn, length = KIND.unpack_from(inbox, at)
            if kind in (BLOB, BUILD):
                end = at + HEADER + length
                if end > size:
                    break
                data = bytes(inbox[at + HEADER : end])  # a BUILD's `conn` is the push's kind
                self.blobs.append(data if kind == BLOB else _pack(conn, data))
                at = end
                continue
            at += HEADER
            if kind == SEND:
                client = self.clients.get(conn)
                if client is not None:  # else dropped, or gone, already
                    blob = self.blobs[length]
                    if blob is None:  # a push it could not pack: never a silent gap
                        self._write(client, NOT_PACKED)
                        client.closing = True
                        if not client.pending:
                            self._end(client, CLOSED)
                    else:
                        self._write(client, blob)
            elif kind == END:
                self.blobs.clear()
            elif kind == OPEN:
                sock = socket.socket(fileno=self.fds.popleft())
                sock.setblocking(False)
                self.clients[conn] = _Client(conn, sock)
            elif kind == CLOSE:
                client = self.clients.get(conn)
                if client is not None:
                    client.closing = True
                    if not client.pending:
                        self._end(client, CLOSED)
            elif kind == DROP:
                client = self.clients.get(conn)
                if client is not None:
                    self._end(client, None)
            else:
                print(f"htx-sandbox relay: unknown record {kind}, stopping", file=sys.stderr)
                return False
        del inbox[:at]
        return True

    # -- to the clients --------------------------------------------------------------------

    def _write(self, client: _Client, data: bytes) -> None:
        if client.closing:
            return  # nothing follows a close
        if client.pending:
            client.pending.append(memoryview(data))
            client.waiting += len(data)
        else:
            try:
                sent = client.sock.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                self._end(client, GONE)
                return
            if sent == len(data):
                return
            client.pending.append(memoryview(data)[sent:])
            client.waiting += len(data) - sent
        self._watch(client)

    def _drain(self, client: _Client) -> None:
        pending = client.pending
        try:
            sent = client.sock.sendmsg(list(itertools.islice(pending, IOV_MAX)))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._end(client, GONE)
            return
        client.waiting -= sent
        while sent:
            head = pending[0]
            if sent >= len(head):
                sent -= len(head)
                pending.popleft()
            else:
                pending[0] = head[sent:]
                sent = 0
        if not pending:
            self.selector.unregister(client.sock)
            client.watched = False
            if client.closing:
                self._end(client, CLOSED)
                return
        if client.paused and client.waiting <= LOW_WATER:
            client.paused = False
            self._event(RESUMED, client.conn)

    def _watch(self, client: _Client) -> None:
        if client.waiting > HARD_LIMIT:
            self._end(client, GONE)
            return
        if not client.watched:
            self.selector.register(client.sock, selectors.EVENT_WRITE, client)
            client.watched = True
        if not client.paused and client.waiting > HIGH_WATER:
            client.paused = True
            self._event(PAUSED, client.conn)

    def _end(self, client: _Client, event: int | None) -> None:
        if self.clients.pop(client.conn, None) is None:
            return  # ended already
        if client.watched:
            client.watched = False
            self.selector.unregister(client.sock)
        client.sock.close()
        if event is not None:
            self._event(event, client.conn)

    # -- to the server ---------------------------------------------------------------------

    def _event(self, kind: int, conn: int) -> None:
        self.outbox += EVENT.pack(kind, conn)

    def _flush_events(self) -> None:
        outbox = self.outbox
        try:
            sent = self.control.send(outbox)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            outbox.clear()  # the server is gone: the next read ends the relay
            return
        del outbox[:sent]
        waiting = bool(outbox)
        if waiting != self._waiting_to_send:
            self._waiting_to_send = waiting
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if waiting else 0)
            self.selector.modify(self.control, events, None)


def _pack(kind: int, copied: bytes) -> bytes | None:
    """A deferred push's frame; None (and a line on stderr) if it cannot be packed."""
    try:
        return deferred_wire(Deferred(kind, copied))
    except Exception as error:  # a copy this build cannot read: its clients are ended
        print(f"htx-sandbox relay: a push of kind {kind} not packed: {error!r}", file=sys.stderr)
        return None


def main(argv: list[str]) -> int:
    # A Ctrl-C reaches the whole process group: the server then closes its connections
    # gracefully, through this process, which ends when the server's end closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    control = socket.socket(fileno=int(argv[1]))
    control.sendall(STARTED)
    Relay(control).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
