"""Limits on what one HTTP connection may cost the server, as a uvicorn protocol.

uvicorn's httptools protocol buffers an unfinished request head without limit, never closes a
connection that has not finished its first request, and lets one client open as many
connections as it likes. `guarded_protocol(limits)` returns a subclass that

- closes a connection whose request head is not complete `head_timeout_s` after the connection
  opened or the head's first byte arrived (idle time between requests stays uvicorn's
  keep-alive timeout);
- answers 431 and closes once a head passes `max_head_bytes` (checked per read, so at most one
  read's worth more is ever buffered);
- closes a connection whose body is slower than `body_timeout_s` plus one second for every
  `min_body_rate` bytes received (Apache mod_reqtimeout's rule: a fixed grace, then a rate);
- closes a new connection at once when its address already has `max_connections_per_ip` open.

The hot path only moves counters and flags: one sweeper per server, every `tick_s`, reads the
clock and closes what is overdue, so a request pays no timer of its own. It relies on uvicorn's
HttpToolsProtocol internals: data_received, on_headers_complete, `cycle.more_body` (a request
is whole) and send_400_response. A WebSocket upgrade hands the connection to uvicorn's
WebSocket protocol: it leaves the guard then (`handle_websocket_upgrade`), and the WebSocket
services bound it themselves (http/ws/).

A pipelined request whose head is cut off in the same read as the request before it is seen
as idle: uvicorn's keep-alive timeout, armed once the first response is sent, bounds it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HttpLimits", "guarded_protocol"]

_IDLE, _HEAD, _BODY = 0, 1, 2
"""Where a connection is: between requests (bounded by keep-alive), reading a head, a body."""

_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 31\r\n"
    b"connection: close\r\n\r\nRequest Header Fields Too Large"
)


@dataclass(frozen=True, slots=True)
class HttpLimits:
    head_timeout_s: float = 10.0
    max_head_bytes: int = 64 * 1024
    body_timeout_s: float = 10.0
    """The grace a body gets before min_body_rate applies."""
    min_body_rate: int = 1024
    """Bytes per second: each min_body_rate bytes received extend the body's deadline by 1 s."""
    max_connections_per_ip: int = 64

    def __post_init__(self) -> None:
        if min(self.head_timeout_s, self.body_timeout_s) <= 0:
            raise ValueError("timeouts must be positive")
        if min(self.max_head_bytes, self.min_body_rate, self.max_connections_per_ip) <= 0:
            raise ValueError("limits must be positive")

    @property
    def tick_s(self) -> float:
        """How often overdue connections are looked for: a deadline is kept within 25 %."""
        return min(1.0, self.head_timeout_s / 4, self.body_timeout_s / 4)


@dataclass(slots=True)
class _Guard:
    """What the connections of one server share."""

    limits: HttpLimits
    open: set[GuardedProtocol] = field(default_factory=set)
    per_ip: dict[str, int] = field(default_factory=dict)
    sweeper: asyncio.TimerHandle | None = None
    refused: int = 0
    timed_out: int = 0
    too_large: int = 0

    def sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        limits = self.limits
        overdue = []
        for conn in self.open:
            phase = conn.guard_phase
            if phase == _IDLE:
                continue
            if conn.guard_since is None:  # first seen in this phase: its clock starts now
                conn.guard_since = now
                continue
            waited = now - conn.guard_since
            if phase == _HEAD:
                late = waited > limits.head_timeout_s
            else:
                late = waited > limits.body_timeout_s + conn.guard_body_bytes / limits.min_body_rate
            if late:
                overdue.append(conn)
        for conn in overdue:
            self.timed_out += 1
            conn.guard_phase = _IDLE
            conn.transport.close()
        self.sweeper = loop.call_later(limits.tick_s, self.sweep, loop) if self.open else None


class _HeadTooLargeError(Exception):
    """Raised inside a parser callback to stop the parser (httptools wraps it in an
    HttpParserError, which uvicorn's data_received catches): the head was refused."""


class GuardedProtocol(HttpToolsProtocol):
    guard: _Guard  # set on each subclass by guarded_protocol()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard_phase = _HEAD
        self.guard_since: float | None = None
        self.guard_head_bytes = 0
        self.guard_body_bytes = 0
        self.guard_ip: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        guard = self.guard
        ip = self.client[0] if self.client else None
        if ip is not None:
            count = guard.per_ip.get(ip, 0)
            if count >= guard.limits.max_connections_per_ip:
                guard.refused += 1
                self.guard_phase = _IDLE
                transport.close()
                return
            guard.per_ip[ip] = count + 1
            self.guard_ip = ip
        self.guard_since = self.loop.time()  # the first head's clock starts at the connection
        guard.open.add(self)
        if guard.sweeper is None:
            guard.sweeper = self.loop.call_later(guard.limits.tick_s, guard.sweep, self.loop)

    def connection_lost(self, exc: Exception | None) -> None:
        self._release()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self) -> None:
        self._release()  # the WebSocket protocol owns the connection from here on
        self.guard_phase = _IDLE
        super().handle_websocket_upgrade()

    def _release(self) -> None:
        guard = self.guard
        if self in guard.open:
            guard.open.discard(self)
            ip = self.guard_ip
            if ip is not None:
                left = guard.per_ip[ip] - 1
                if left:
                    guard.per_ip[ip] = left
                else:
                    del guard.per_ip[ip]

    def data_received(self, data: bytes) -> None:
        phase = self.guard_phase
        if phase == _BODY:
            self.guard_body_bytes += len(data)
        else:
            if phase == _IDLE:  # bytes of the next request: its head's clock starts
                self.guard_phase = _HEAD
                self.guard_since = None
            self.guard_head_bytes += len(data)
        _data_received(self, data)
        phase = self.guard_phase
        if phase == _BODY:
            cycle = self.cycle
            if cycle is not None and not cycle.more_body:  # the request is whole: until the
                self.guard_phase = _IDLE  # next one's first byte, keep-alive's timeout applies
                self.guard_head_bytes = 0
        elif (
            phase == _HEAD
            and self.guard_head_bytes > self.guard.limits.max_head_bytes
            and not self.transport.is_closing()
        ):
            self._refuse_head()

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():  # after a 431, the parser's error needs no answer
            _send_400_response(self, msg)

    def on_headers_complete(self) -> None:
        # What was counted is every byte read while the head was unfinished: past the limit,
        # count the head itself (rare: a large body read along with its head).
        if self.guard_head_bytes > self.guard.limits.max_head_bytes and self._head_size() > (
            self.guard.limits.max_head_bytes
        ):
            self._refuse_head()
            raise _HeadTooLargeError
        self.guard_phase = _BODY
        self.guard_since = None
        self.guard_body_bytes = 0
        # How an injected fault closes the connection without an answer (http/core/faults.py).
        self.scope["htx.abort"] = self.transport.abort  # type: ignore[typeddict-unknown-key]
        _on_headers_complete(self)

    def _head_size(self) -> int:
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)

    def _refuse_head(self) -> None:
        self.guard.too_large += 1
        self.guard_phase = _IDLE
        self.transport.write(_TOO_LARGE)
        self.transport.close()


# Called directly rather than through super(): these run for every read and every request.
_data_received = HttpToolsProtocol.data_received
_on_headers_complete = HttpToolsProtocol.on_headers_complete
_send_400_response = HttpToolsProtocol.send_400_response


def guarded_protocol(limits: HttpLimits | None = None) -> type[GuardedProtocol]:
    """A protocol class for `uvicorn.Config(http=...)`, with its own connection counts: one
    per server."""

    class Guarded(GuardedProtocol):
        guard = _Guard(limits or HttpLimits())

    return Guarded
