"""The index price source: what the sandbox has instead of HTX's spot index, never the network.

Every contract follows a feed (service/index_feeds.py): by default a seeded random walk that
starts at the contract's index (kept across restarts) or, before it has one, its mark price; the
admin API can fix a value or set a path of (time, price) points instead, and send it back to the
walk. The source submits every contract's price as one SetIndexPrices through the engine, like
any client, at each multiple of `interval_ms` on the engine's clock (its own thread), and at once
when the admin API sets a contract's feed.

Submissions are made under one lock, in the order their prices were decided: an admin change
can never be overtaken by a walk step decided before it. Feeds live in memory only: after a
restart every contract walks again from its stored index (docs/compatibility.md).
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.commands import Outcome, SetIndexPrices
from ..domain.exchange import Exchange
from ..domain.types import Millis
from .clock import Clock
from .engine import Engine, EngineStoppedError, EngineUnavailableError
from .index_feeds import Feed, Fixed, Mode, Path, Point, Walk

log = logging.getLogger(__name__)
REPLY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
MIN_WAIT_S = 0.01
"""The thread never spins: a clock that does not move (a test's) wakes it once an interval."""


@dataclass(frozen=True, slots=True)
class PriceSourceSettings:
    seed: int = 0
    step_ticks: int = 3
    """Largest move of a walk per step, in ticks, either way (0: the index stands still)."""
    interval_ms: int = 1000
    """Time between two steps of the walk, and between two submissions, on the engine's clock."""

    def __post_init__(self) -> None:
        if self.step_ticks < 0:
            raise ValueError("step_ticks must not be negative")
        if self.interval_ms < 1:
            raise ValueError("interval_ms must be at least 1")


@dataclass(frozen=True, slots=True)
class Anchor:
    """What the source needs of a contract, read on the engine thread: its tick, and where a
    walk starts (its index, else its mark price)."""

    contract_code: str
    price_tick: Decimal
    start: Decimal
    index: Decimal | None


@dataclass(frozen=True, slots=True)
class FeedState:
    """A contract's feed as the admin API shows it."""

    mode: Mode
    points: list[Point]
    """A path's points still ahead (none for the other modes)."""


def anchor(exchange: Exchange, code: str) -> Anchor:
    """The contract's anchor (1014 if it is not listed); on the engine thread."""
    state = exchange.state
    contract = exchange.contracts.get(code)
    index = state.index_prices.get(contract.contract_code)
    start = index if index is not None else state.mark_price(contract)
    return Anchor(contract.contract_code, contract.price_tick, start, index)


def _anchors(exchange: Exchange) -> list[Anchor]:
    return [anchor(exchange, c.contract_code) for c in exchange.contracts]


class PriceSource:
    """start() runs the walk on a thread of its own; without it the source is passive: the admin
    API's changes still apply at once, and update() takes a step when called (tests)."""

    def __init__(
        self, engine: Engine, clock: Clock, settings: PriceSourceSettings = PriceSourceSettings()
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        # Re-entrant: a refused change is undone in its future's callback, which runs on this
        # thread, inside the lock, when the engine answered before the callback was added.
        self._lock = threading.RLock()
        self._feeds: dict[str, Feed] = {}
        self._rngs: dict[str, random.Random] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Feed every contract now, then at every step on a thread of its own."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="htx-price-source", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        thread.join(STOP_TIMEOUT_S)
        if thread.is_alive():
            log.warning("price source: still busy after %s s; leaving it", STOP_TIMEOUT_S)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- feeding ---------------------------------------------------------------------------

    def update(self) -> Future[Outcome] | None:
        """Submit every listed contract's price now (None when nothing is listed)."""
        anchors = self.engine.query(_anchors).result(REPLY_TIMEOUT_S)
        with self._lock:
            now = self.clock.now()
            prices = {a.contract_code: self._feed(a, now).price_at(now) for a in anchors}
            return self.engine.submit(SetIndexPrices(prices)) if prices else None

    def fix(self, code: str, price: Decimal) -> Future[Outcome]:
        """Hold the contract's index at `price` from now on."""
        return self._set(code, Fixed(price), price)

    def follow(self, at: Anchor, points: Sequence[Point]) -> Future[Outcome]:
        """Follow a path of (time, price) points, ascending in time, from now on."""
        with self._lock:
            now = self.clock.now()
            path = Path(points, at.price_tick, self._current(at), now)
            return self._submit(at.contract_code, path, path.price_at(now))

    def walk(self, at: Anchor) -> Future[Outcome]:
        """Walk again, from where the index stands now."""
        with self._lock:
            now = self.clock.now()
            current = self._current(at)
            start = current if current is not None else at.start
            walk = self._new_walk(at.contract_code, at.price_tick, start, now)
            return self._submit(at.contract_code, walk, walk.price_at(now))

    def feeds(self) -> dict[str, FeedState]:
        """Each contract's mode and remaining path points; a contract never fed walks."""
        with self._lock:
            now = self.clock.now()
            return {code: FeedState(f.mode, f.points(now)) for code, f in self._feeds.items()}

    def feed_state(self, code: str) -> FeedState:
        return self.feeds().get(code, FeedState("walk", []))

    # -- reset and snapshots (service/state_control.py) ------------------------------------

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No step is decided while held: a reset or a restore replaces the feeds inside."""
        with self._lock:
            yield

    def saved(self) -> dict[str, Any]:
        """The feeds as a snapshot keeps them (JSON): fixed values and paths; walks are not
        kept (a walk starts again from the restored index)."""
        with self._lock:
            now = self.clock.now()
            kept: dict[str, Any] = {}
            for code, feed in self._feeds.items():
                if isinstance(feed, Fixed):
                    kept[code] = {"mode": "fixed", "price": str(feed.price)}
                elif isinstance(feed, Path):
                    kept[code] = {
                        "mode": "path",
                        "price": str(feed.price_at(now)),
                        "tick": str(feed.tick),
                        "points": [[t, str(p)] for t, p in feed.points(now)],
                    }
            return kept

    def start_over(self, kept: dict[str, Any] | None = None) -> None:
        """Feeds as a snapshot kept them (`kept`), every other contract walking from its
        index; with None (a reset) every walk starts as on a new exchange, its generator
        seeded again."""
        with self._lock:
            now = self.clock.now()
            self._feeds.clear()
            if kept is None:
                self._rngs.clear()
                return
            for code, saved in kept.items():
                price = Decimal(saved["price"])
                points = [(Millis(int(t)), Decimal(p)) for t, p in saved.get("points", [])]
                if saved.get("mode") == "path" and points:
                    self._feeds[code] = Path(points, Decimal(saved["tick"]), price, now)
                else:
                    self._feeds[code] = Fixed(price)

    # -- inside the lock -------------------------------------------------------------------

    def _set(self, code: str, feed: Feed, price: Decimal) -> Future[Outcome]:
        with self._lock:
            return self._submit(code, feed, price)

    def _submit(self, code: str, feed: Feed, price: Decimal) -> Future[Outcome]:
        """Set the feed and submit its price; should the engine refuse the price, the feed
        goes back to what it was before the returned future is answered."""
        previous = self._feeds.get(code)
        self._feeds[code] = feed
        try:
            submitted = self.engine.submit(SetIndexPrices({code: price}))
        except EngineUnavailableError:
            self._restore(code, previous)
            raise
        answer: Future[Outcome] = Future()

        def settle(done: Future[Outcome]) -> None:  # on the engine thread, after the commit
            error = None if done.cancelled() else done.exception()
            refused = done.cancelled() or error is not None or done.result().error is not None
            # Never waits for the lock: a reset holds it while it waits for the engine, whose
            # thread runs this (the reset replaces every feed anyway).
            if refused and self._lock.acquire(blocking=False):
                try:
                    if self._feeds.get(code) is feed:
                        self._restore(code, previous)
                finally:
                    self._lock.release()
            if error is not None:
                answer.set_exception(error)
            elif done.cancelled():
                answer.cancel()
            else:
                answer.set_result(done.result())

        submitted.add_done_callback(settle)
        return answer

    def _restore(self, code: str, previous: Feed | None) -> None:
        if previous is None:
            self._feeds.pop(code, None)
        else:
            self._feeds[code] = previous

    def _current(self, at: Anchor) -> Decimal | None:
        """Where the contract's index stands: what this source last decided, else the index."""
        feed = self._feeds.get(at.contract_code)
        return feed.price_at(self.clock.now()) if feed is not None else at.index

    def _feed(self, at: Anchor, now: Millis) -> Feed:
        feed = self._feeds.get(at.contract_code)
        if feed is None:
            feed = self._feeds[at.contract_code] = self._new_walk(
                at.contract_code, at.price_tick, at.start, now
            )
        return feed

    def _new_walk(self, code: str, tick: Decimal, start: Decimal, now: Millis) -> Walk:
        rng = self._rngs.get(code)
        if rng is None:
            # One generator per contract, kept across mode changes: listing another contract
            # leaves the others' walks as they were. String seeds hash deterministically.
            rng = self._rngs[code] = random.Random(f"{self.settings.seed}:{code}")
        s = self.settings
        return Walk(rng, tick, s.step_ticks, s.interval_ms, start, now)

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        interval = self.settings.interval_ms
        while not self._stop.is_set():
            try:
                future = self.update()
                if future is not None:
                    outcome = future.result(REPLY_TIMEOUT_S)
                    if outcome.error is not None:
                        log.warning("price source: %s", outcome.error)
            except EngineStoppedError:
                log.info("price source: the engine stopped; the source stops too")
                return
            except EngineUnavailableError:
                log.debug("price source: the engine cannot answer now")
            except Exception:
                log.exception("price source: feeding the index failed")
            now = self.clock.now()
            until_step = self.clock.seconds_until(now + interval - now % interval)
            self._stop.wait(min(interval / 1000, max(MIN_WAIT_S, until_step)))
