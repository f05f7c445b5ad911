"""One connection's outgoing frames: a bounded queue and the task that writes it.

`offer` never waits: the engine's pushes and every other subscriber go on whatever this socket
does. The queue fills only while the socket cannot take more (the transport's buffer is full:
the client reads too slowly); once it holds `limit` frames the connection is closed with close
code 1013 and a reason saying so, and a log line, instead of dropping frames silently. A client
that reconnects starts from a new snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from starlette.types import Send
from starlette.websockets import WebSocket

log = logging.getLogger(__name__)
SLOW_CONSUMER = 1013
"""RFC 6455 "Try Again Later": the server gave up on this connection's backlog."""


class Sender:
    __slots__ = (
        "_closing", "_queue", "_ready", "_send", "_task", "closed", "limit", "name", "websocket",
    )  # fmt: skip

    def __init__(self, websocket: WebSocket, send: Send, limit: int, name: str) -> None:
        self.websocket = websocket
        self._send = send
        """The connection's ASGI send: frames go straight to the server's protocol."""
        self.limit = limit
        self.name = name
        """For log lines: the service and the client's address."""
        self.closed = False
        self._closing: tuple[int, str] | None = None
        self._queue: deque[bytes] = deque()
        self._ready = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._write())

    def offer(self, frame: bytes) -> bool:
        """Queue a frame; False if the connection is closed or was just closed for being
        `limit` frames behind."""
        if self.closed or self._closing is not None:
            return False
        if len(self._queue) >= self.limit:
            log.warning(
                "%s: closed, %d frames behind (slow consumer)", self.name, len(self._queue)
            )
            self.close(SLOW_CONSUMER, f"slow consumer: {len(self._queue)} frames not read")
            return False
        self._queue.append(frame)
        self._ready.set()
        return True

    @property
    def backlog(self) -> int:
        return len(self._queue)

    async def _write(self) -> None:
        queue, ready, send = self._queue, self._ready, self._send
        try:
            while True:
                while queue:
                    await send({"type": "websocket.send", "bytes": queue.popleft()})
                if self._closing is not None:
                    break
                ready.clear()
                await ready.wait()
        except Exception:  # the client went away: the receive loop sees it and cleans up
            self.closed = True
            queue.clear()
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
        self.closed = True
        self._queue.clear()
        self._task.cancel()
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        # Waits until the socket takes the close frame: behind the frames already written, so
        # a client that reads again sees them, then the reason (never a silent gap). One that
        # never reads is dropped by the server's protocol pings (uvicorn, 1011).
        with contextlib.suppress(Exception):
            await self.websocket.close(code, reason)

    async def finish(self) -> None:
        """The connection is over: stop the writer."""
        self.closed = True
        self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task
