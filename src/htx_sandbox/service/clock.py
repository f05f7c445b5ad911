"""Where the engine reads the time: the only clock in the process.

`ExchangeClock` is the exchange's own time, which the admin API controls (GET/POST
/sandbox-api/v1/clock): live (the wall clock's pace), frozen, or scaled (n times the wall
clock's pace), and moved forward at once by an advance. It never goes backwards: every reading
is at least the last one given out, and a restart starts from the last committed time (see
`StoredClock`). The engine applies every change of it as a command (service/clock_control.py),
so that the timers an advance passes run, in time order, before anyone reads the new time.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Literal, Protocol

from ..domain.types import Millis

ClockMode = Literal["live", "frozen", "scaled"]
CLOCK_MODES: tuple[ClockMode, ...] = ("live", "frozen", "scaled")
MAX_SPEED = 100_000
"""Scaled at most this many times the wall clock's pace: a day in under a second."""


class Clock(Protocol):
    def now(self) -> Millis: ...

    def seconds_until(self, at: int) -> float:
        """Wall seconds until this clock reads `at` (inf when it stands still)."""
        ...


class SystemClock:
    def now(self) -> Millis:
        return Millis(time.time_ns() // 1_000_000)

    def seconds_until(self, at: int) -> float:
        return (at - self.now()) / 1000


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: int = 1_764_000_000_000) -> None:
        self._now = Millis(start)

    def now(self) -> Millis:
        return self._now

    def seconds_until(self, at: int) -> float:
        return (at - self._now) / 1000

    def advance(self, ms: int) -> None:
        self._now = Millis(self._now + ms)


@dataclass(frozen=True, slots=True)
class ClockSetting:
    """How the exchange clock runs: its mode, its pace (0 frozen, 1 live, n scaled) and the
    exchange time it stood at when the setting was made (what a restart starts from)."""

    mode: ClockMode
    speed: int
    at: Millis
    wall: Millis
    """The wall clock's time then: a live clock restarted later has run on since."""


@dataclass(frozen=True, slots=True)
class StoredClock:
    """What a store keeps of the clock: its last setting (none before the first change) and the
    exchange time of the last commit, below which a restarted clock never reads."""

    setting: ClockSetting | None
    floor: Millis


class ExchangeClock:
    """The exchange's time over a wall clock. Thread-safe: the engine, the price source and the
    HTTP handlers read it; only the engine thread changes it (ClockControl's commands)."""

    def __init__(self, wall: Clock | None = None, stored: StoredClock | None = None) -> None:
        self.wall = wall if wall is not None else SystemClock()
        self._lock = threading.Lock()
        wall_now = self.wall.now()
        setting = stored.setting if stored is not None else None
        floor = stored.floor if stored is not None else wall_now
        self._mode: ClockMode = "live" if setting is None else setting.mode
        self._speed = 1 if setting is None else setting.speed
        start: int = max(floor, setting.at if setting is not None else floor)
        if self._mode == "live":  # the time it was down passed; it never lags the wall clock
            ran = wall_now - setting.wall if setting is not None else 0
            start = max(start, (setting.at if setting is not None else 0) + ran, wall_now)
        self._at = Millis(start)
        """The exchange time at `_wall_at`; it runs on from there at `_speed`."""
        self._wall_at = wall_now
        self._last = self._at

    def now(self) -> Millis:
        with self._lock:
            return self._read()

    def _read(self, wall_now: int | None = None) -> Millis:
        elapsed = (self.wall.now() if wall_now is None else wall_now) - self._wall_at
        value = self._at + elapsed * self._speed
        if value > self._last:
            self._last = Millis(value)
        return self._last

    def seconds_until(self, at: int) -> float:
        with self._lock:
            if self._speed == 0:
                return math.inf
            return (at - self._read()) / 1000 / self._speed

    @property
    def setting(self) -> ClockSetting:
        with self._lock:
            wall_now = self.wall.now()
            return ClockSetting(self._mode, self._speed, self._read(wall_now), wall_now)

    # -- changes (the engine thread's, through ClockControl) ---------------------------------

    def freeze(self) -> ClockSetting:
        return self._rebase("frozen", 0)

    def live(self) -> ClockSetting:
        """Run at the wall clock's pace: from the wall clock's time if the exchange's is behind
        it (the time spent frozen passes at once), else from where it stands (an advance is
        never taken back)."""
        with self._lock:
            now = max(self._read(), self.wall.now())
            return self._set("live", 1, Millis(now))

    def scale(self, speed: int) -> ClockSetting:
        if not 1 <= speed <= MAX_SPEED:
            raise ValueError(f"speed must be 1 to {MAX_SPEED}")
        return self._rebase("scaled", speed)

    def advance_to(self, target: int) -> ClockSetting:
        """Move forward to `target` at once (never back), then run on as before."""
        with self._lock:
            return self._set(self._mode, self._speed, Millis(max(self._read(), target)))

    def _rebase(self, mode: ClockMode, speed: int) -> ClockSetting:
        with self._lock:
            return self._set(mode, speed, self._read())

    def _set(self, mode: ClockMode, speed: int, at: Millis) -> ClockSetting:
        self._mode, self._speed = mode, speed
        self._at, self._wall_at = at, self.wall.now()
        self._last = max(self._last, at)
        return ClockSetting(mode, speed, self._last, self._wall_at)


@dataclass(frozen=True, slots=True)
class SetClock:
    """The engine command that changes the exchange clock (built by ClockControl): a new mode
    (and speed), or an advance to an exchange time. Applied on the engine thread, followed by
    the timers the new time makes due, and committed with them; applying it twice (the engine
    re-applies a batch after a refused command) changes nothing more."""

    mode: ClockMode | None = None
    speed: int = 1
    advance_to: int | None = None

    def apply(self, clock: ExchangeClock) -> ClockSetting:
        if self.advance_to is not None:
            return clock.advance_to(self.advance_to)
        if self.mode == "frozen":
            return clock.freeze()
        if self.mode == "scaled":
            return clock.scale(self.speed)
        return clock.live()
