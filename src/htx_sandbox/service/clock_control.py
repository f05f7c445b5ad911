"""The exchange clock's controls (the admin API's /sandbox-api/v1/clock, the `clock` CLI): show
it, freeze it, run it live or n times faster, advance it.

Every change goes through the engine as one `SetClock` command, so the timers that the new time
makes due (premium samples, settlements, the dead man's switch, delayed cancels) run on the
engine thread, in time order, and are committed with the new setting before the answer. An
advance across the points of an index path stops at each point on its way: the index takes the
point's price there, so the samples and settlements after it see the price the path gives them
(between two stops nothing moves, as for any run of timers; docs/compatibility.md).
"""

from __future__ import annotations

from .clock import ClockMode, ClockSetting, ExchangeClock, SetClock
from .engine import Engine
from .price_source import PriceSource

REPLY_TIMEOUT_S = 120.0
MAX_ADVANCE_MS = 366 * 86_400_000
"""An advance of at most a year at once: a longer one would run a year's timers in one command."""
MAX_STOPS = 10_000
"""Stops of one advance at path points: beyond them the rest of the jump is taken at once."""


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
        """The times of every path point between now and the target, ascending."""
        times: set[int] = {
            at
            for feed in self.prices.feeds().values()
            for at, _ in feed.points
            if start < at < target
        }
        return sorted(times)[:MAX_STOPS]

    def _apply(self, command: SetClock) -> None:
        outcome = self.engine.submit(command).result(REPLY_TIMEOUT_S)
        if outcome.error is not None:
            raise outcome.error

    def _feed(self) -> None:
        submitted = self.prices.update()
        if submitted is not None:
            submitted.result(REPLY_TIMEOUT_S)
