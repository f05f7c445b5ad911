"""The exchange clock's controls (the admin API's /sandbox-api/v1/clock, the `clock` CLI): show
it, freeze it, run it live or n times faster, advance it.

Every change goes through the engine as one `SetClock` command, so the timers that the new time
makes due (premium samples, settlements, the dead man's switch, delayed cancels) run on the
engine thread, in time order, and are committed with the new setting before the answer.

While a contract follows an index path, an advance stops on its way at each of the path's
points and 1 ms before each premium sample (each n-th beyond a day of them): the index takes
the path's price there, so every sample and settlement sees the price the path gives it at its
time, as if the time had passed.
Elsewhere (a walking or fixed index) nothing moves between two timers, as for any run of them
(docs/compatibility.md).
"""

from __future__ import annotations

from ..domain.funding import SAMPLE_INTERVAL_MS
from .clock import ClockMode, ClockSetting, ExchangeClock, SetClock
from .engine import Engine
from .price_source import PriceSource

REPLY_TIMEOUT_S = 120.0
MAX_ADVANCE_MS = 366 * 86_400_000
"""An advance of at most a year at once: a longer one would run a year's timers in one command."""
MAX_SAMPLE_STOPS = 1440
"""Stops before premium samples in one advance (a day of minutes): a longer path stops before
every n-th sample only, so that no advance costs more than ~1440 commits for them."""


class ClockControl:
    """Blocking calls (from a worker thread or the CLI's process, never the engine thread)."""

    def __init__(self, engine: Engine, clock: ExchangeClock, prices: PriceSource) -> None:
        self.engine = engine
        self.clock = clock
        self.prices = prices

    def show(self) -> ClockSetting:
        return self.clock.setting

    def set_mode(self, mode: ClockMode, speed: int = 1) -> ClockSetting:
        self._apply(SetClock(mode=mode, speed=speed))
        self._feed()  # the index where the clock now stands
        return self.clock.setting

    def advance(self, ms: int) -> ClockSetting:
        if not 0 <= ms <= MAX_ADVANCE_MS:
            raise ValueError(f"advance_ms must be 0 to {MAX_ADVANCE_MS}")
        start = self.clock.now()
        target = start + ms
        for stop in self._stops(start, target):
            self._apply(SetClock(advance_to=stop))
            self._feed()
        self._apply(SetClock(advance_to=target))
        self._feed()
        return self.clock.setting

    def _stops(self, start: int, target: int) -> list[int]:
        """Where an advance from `start` to `target` stops, ascending: every path point on the
        way, and 1 ms before every premium sample until a path's last point."""
        points: set[int] = set()
        end = start
        for feed in self.prices.feeds().values():
            if feed.points:
                points.update(at for at, _ in feed.points if start < at < target)
                end = max(end, min(target, feed.points[-1][0]))
        first = start - start % SAMPLE_INTERVAL_MS + SAMPLE_INTERVAL_MS
        samples = max(0, (end - first) // SAMPLE_INTERVAL_MS + 1)
        stride = -(-samples // MAX_SAMPLE_STOPS) * SAMPLE_INTERVAL_MS  # ceil: at most the cap
        before = range(first - 1, end, stride) if samples else range(0)
        return sorted(points.union(at for at in before if start < at < target))

    def _apply(self, command: SetClock) -> None:
        outcome = self.engine.submit(command).result(REPLY_TIMEOUT_S)
        if outcome.error is not None:
            raise outcome.error

    def _feed(self) -> None:
        submitted = self.prices.update()
        if submitted is not None:
            submitted.result(REPLY_TIMEOUT_S)
