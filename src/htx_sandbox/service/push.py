"""The push hub: what each committed batch changed, taken on the engine thread, handed to the
event loop in engine order.

A `Feed` (one per kind of push: trades, depth, klines, orders ...) has two halves. `capture` runs
on the engine thread right after a batch's commit, while memory shows exactly that batch's
state, and returns an immutable value (or None: nothing for it in this batch); a feed of every
change (`each_command`: orders, matchOrders, trigger_order, accounts, positions) is captured
instead right after each command, while memory shows what that command left, and its values
wait for the batch's commit. A capture is called only while `wanted()` says someone listens,
so a feed nobody subscribes to costs one call per batch (per command for those). `deliver`
runs on the event loop with those values, batch after batch in commit order, and does the
fan-out. The engine never waits for the loop, let alone a socket: a batch's captures are
appended to a list and the loop is woken once (one `call_soon_threadsafe` however many
batches are waiting).

That list is bounded. Should the loop fall `max_pending` batches behind (it is blocked, or the
machine is), the backlog is dropped and every feed is told (`lost`), so that it closes its
subscribers: a subscriber never sees a gap it cannot notice.

`prime(feed, capture)` runs one capture between batches (an engine query) and delivers it in
the same order: a feed takes the snapshot a new subscriber starts from that way, consistent
with every update delivered after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from ..domain.events import Event
from ..domain.exchange import Exchange
from ..domain.types import Millis
from .bars import SeriesBar
from .engine import Engine, EngineUnavailableError
from .queries import Reads

log = logging.getLogger(__name__)
MAX_PENDING = 10_000
"""Batches the loop may be behind before the hub drops its backlog (and every subscriber)."""


@dataclass(frozen=True, slots=True)
class Batch:
    """What a capture sees (on the engine thread): a committed batch, or for an `each_command`
    feed one command of the batch being applied."""

    events: Sequence[Event]
    """Every command's events (or that command's), in engine order."""
    bars: Sequence[SeriesBar]
    """The kline bars the commit stored (none for one command)."""
    reads: Reads
    """The exchange right after the commit."""
    now: Millis


class Feed(Protocol):
    each_command: bool
    """Whether `capture` runs after each command (with that command's events, memory showing
    the state it left, before the batch's commit) instead of once per committed batch: a feed
    that pushes every change of an object (an order filled by two commands of one batch is
    two pushes) where one push of the batch's end state would skip one."""

    def wanted(self) -> bool:
        """Whether anyone listens (read on the engine thread: keep it a plain attribute read)."""
        ...

    def capture(self, batch: Batch) -> object | None:
        """On the engine thread: what this batch means for the feed, as an immutable value."""
        ...

    def deliver(self, captured: object) -> None:
        """On the event loop, in commit order."""
        ...

    def lost(self, reason: str) -> None:
        """On the event loop: captures were dropped, so every subscriber must be closed."""
        ...


_Posted = list[tuple[Feed, object]]


class PushHub:
    def __init__(self, engine: Engine, *, max_pending: int = MAX_PENDING) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self._feeds: tuple[Feed, ...] = ()
        self._each_command: tuple[Feed, ...] = ()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._pending: list[_Posted] = []
        self._scheduled = False
        self._overflowed = False
        self.overflows = 0
        engine.subscribe_batches(self._on_batch, self._on_command)

    def attach(self, feed: Feed) -> None:
        self._feeds = (*self._feeds, feed)  # replaced, never mutated: read on the engine thread
        self._each_command = tuple(f for f in self._feeds if f.each_command)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop that delivers (the server's); the first connection binds it. Until then
        nothing is captured."""
        if self._loop is None:
            self._loop = loop

    def prime(self, feed: Feed, capture: Callable[[Batch], object | None]) -> bool:
        """Run `capture` on the engine thread between batches; its value is delivered to `feed`
        in commit order. False when the engine takes no work (it is stopped)."""

        def run(exchange: Exchange) -> None:
            batch = self._batch(exchange, (), ())
            try:
                captured = capture(batch)
            except Exception:
                log.exception("push capture of %r failed", feed)
                return
            if captured is not None:
                self._post([(feed, captured)])

        try:
            self.engine.query(run)
        except EngineUnavailableError:
            return False
        return True

    # -- the engine thread -----------------------------------------------------------------

    def _batch(
        self, exchange: Exchange, events: Sequence[Event], bars: Sequence[SeriesBar]
    ) -> Batch:
        engine = self.engine
        reads = Reads(exchange, engine.store, engine.series)
        return Batch(events, bars, reads, engine.clock.now())

    def _on_command(self, events: list[Event]) -> _Posted | None:
        """After one command, before the commit: the captures of the `each_command` feeds,
        which the engine hands to `_on_batch` once the batch is committed."""
        if self._loop is None:
            return None
        feeds = [feed for feed in self._each_command if feed.wanted()]
        if not feeds:
            return None
        return self._capture(feeds, self._batch(self.engine.exchange, events, ())) or None

    def _on_batch(
        self, commands: list[list[Event]], bars: list[SeriesBar], taken: list[object]
    ) -> None:
        if self._loop is None:
            return
        posted: _Posted = [entry for captures in taken for entry in cast(_Posted, captures)]
        feeds = [feed for feed in self._feeds if not feed.each_command and feed.wanted()]
        if feeds:
            events = [event for events in commands for event in events]
            posted += self._capture(feeds, self._batch(self.engine.exchange, events, bars))
        if posted:
            self._post(posted)

    @staticmethod
    def _capture(feeds: Sequence[Feed], batch: Batch) -> _Posted:
        posted: _Posted = []
        for feed in feeds:
            try:
                captured = feed.capture(batch)
            except Exception:  # a feed's bug costs its subscribers, never the exchange
                log.exception("push capture of %r failed", feed)
                posted.append((feed, _Failed()))
                continue
            if captured is not None:
                posted.append((feed, captured))
        return posted

    def _post(self, posted: _Posted) -> None:
        loop = self._loop
        if loop is None:
            return
        with self._lock:
            if len(self._pending) >= self.max_pending:
                self._pending.clear()
                self._overflowed = True
            self._pending.append(posted)
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody listens any more
            loop.call_soon_threadsafe(self._drain)

    # -- the event loop --------------------------------------------------------------------

    def _drain(self) -> None:
        with self._lock:
            pending, self._pending, self._scheduled = self._pending, [], False
            overflowed, self._overflowed = self._overflowed, False
        if overflowed:
            self.overflows += 1
            log.warning(
                "push backlog over %d batches: every subscriber is closed", self.max_pending
            )
            for feed in self._feeds:
                self._lose(feed, "server push backlog overflowed")
        for posted in pending:
            for feed, captured in posted:
                if isinstance(captured, _Failed):
                    self._lose(feed, "server push failed")
                    continue
                try:
                    feed.deliver(captured)
                except Exception:
                    log.exception("push delivery of %r failed", feed)
                    self._lose(feed, "server push failed")

    @staticmethod
    def _lose(feed: Feed, reason: str) -> None:
        try:
            feed.lost(reason)
        except Exception:
            log.exception("closing the subscribers of %r failed", feed)


class _Failed:
    """A capture that raised: its feed's subscribers have a gap, so they are closed."""
