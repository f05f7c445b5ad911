"""One connection's outgoing frames: a bounded backlog and the task that writes it.

Nothing here waits: the engine's pushes and every other subscriber go on whatever this socket
does. On a `PushProtocol` connection (`sink`) frames are written straight to the transport
while it takes more: a round's pushes (`Fanout`) as one write, a frame sent to this
connection alone (`offer`) at once. While the transport is paused (its buffer is past the
high-water mark: the client reads too slowly) frames wait in the backlog, written by a task
once it resumes. Without a sink (a test client's app) every frame goes through the backlog
and ASGI's `websocket.send`, one message each.

Once the backlog would hold more than `limit` frames the connection is closed with close code
1013 and a reason saying so, and a log line, instead of dropping frames silently; a client
that does not read even the close frame within `close_wait_s` is dropped. A client that
reconnects starts from a new snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from starlette.types import Send
from starlette.websockets import WebSocket

from ..core.frames import Frame
from .fanout import Fanout, Share
from .protocol import FrameSink

log = logging.getLogger(__name__)
SLOW_CONSUMER = 1013
"""RFC 6455 "Try Again Later": the server gave up on this connection's backlog."""


class Sender:
    __slots__ = (
        "_backlog", "_close_wait_s", "_closing", "_count", "_fanout", "_loop", "_ready", "_send",
        "_sink", "_task", "closed", "limit", "name", "websocket",
    )  # fmt: skip

    def __init__(
        self,
        websocket: WebSocket,
        send: Send,
        limit: int,
        name: str,
        fanout: Fanout,
        sink: FrameSink | None = None,
        close_wait_s: float = 10.0,
    ) -> None:
        self.websocket = websocket
        self._send = send
        """The connection's ASGI send, for frames when there is no sink."""
        self._sink = sink
        self._fanout = fanout
        self._close_wait_s = close_wait_s
        self.limit = limit
        self.name = name
        """For log lines: the service and the client's address."""
        self.closed = False
        self._closing: tuple[int, str] | None = None
        self._backlog: deque[bytes] = deque()
        """With a sink, built frames (a round's joined); without, one message's payload each."""
        self._count = 0
        """Frames in the backlog."""
        self._ready = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._write())

    def offer(self, frame: Frame) -> bool:
        """Send a frame to this connection alone, after everything published before it; False
        if the connection is closed or was just closed for being `limit` frames behind."""
        if self.closed or self._closing is not None:
            return False
        if self._fanout.pending:
            self._fanout.flush()
        if self._sink is None:
            return self._queue(frame.payload, 1)
        return self.take(Share((frame,)))

    def take(self, share: Share) -> bool:
        """A round's frames for this connection (the Fanout's way in); False if the
        connection is closed or was just closed for its backlog."""
        if self.closed or self._closing is not None:
            return False
        sink = self._sink
        if sink is None:
            return all(self._queue(frame.payload, 1) for frame in share.frames)
        if not self._backlog and sink.writable.is_set():
            if sink.write_share(share):
                return True
            self._gone()
            return False
        return self._queue(share.wire, len(share.frames))

    def _queue(self, data: bytes, count: int) -> bool:
        behind = self._count + count
        if behind > self.limit:
            log.warning("%s: closed, %d frames behind (slow consumer)", self.name, behind)
            self.close(SLOW_CONSUMER, f"slow consumer: {behind} frames not read")
            return False
        self._backlog.append(data)
        self._count = behind
        self._ready.set()
        return True

    @property
    def backlog(self) -> int:
        """Frames waiting for the socket."""
        return self._count

    def _gone(self) -> None:
        """The client went away: the receive loop sees it and cleans up."""
        self.closed = True
        self._backlog.clear()
        self._count = 0

    async def _write(self) -> None:
        backlog, ready, sink = self._backlog, self._ready, self._sink
        try:
            while True:
                if sink is None:
                    while backlog:
                        payload = backlog.popleft()
                        self._count -= 1
                        await self._send({"type": "websocket.send", "bytes": payload})
                else:
                    while backlog:
                        await sink.writable.wait()
                        wire = b"".join(backlog)
                        backlog.clear()
                        self._count = 0
                        if self.closed or not sink.write(wire):
                            self._gone()
                            return
                if self._closing is not None:
                    break
                ready.clear()
                await ready.wait()
        except Exception:  # the client went away: the receive loop sees it and cleans up
            self._gone()
            return
        closing = self._closing
        assert closing is not None
        self.closed = True
        await self._close(*closing)

    def close_when_sent(self, code: int, reason: str) -> None:
        """Close with `code` and `reason` once the frames queued so far are written (a refusal
        that ends the connection: its reply goes first); nothing is queued after it."""
        if self.closed or self._closing is not None:
            return
        self._closing = (code, reason)
        self._ready.set()

    def close(self, code: int, reason: str) -> None:
        """Stop sending and close the connection with `code` and `reason` (once)."""
        if self.closed:
            return
        self._gone()
        self._task.cancel()
        self._loop.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        # Waits until the socket takes the close frame: behind the frames already written, so
        # a client that reads again sees them, then the reason (never a silent gap). One that
        # reads nothing for close_wait_s more is dropped (with a sink; without one, by the
        # server's protocol pings).
        try:
            async with asyncio.timeout(self._close_wait_s):
                await self.websocket.close(code, reason)
        except TimeoutError:
            if self._sink is not None:
                log.info("%s: dropped, the close frame was not read", self.name)
                self._sink.abort()
        except Exception:  # the client went away first: nothing to close
            pass

    async def finish(self) -> None:
        """The connection is over: stop the writer."""
        self.closed = True
        self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task
