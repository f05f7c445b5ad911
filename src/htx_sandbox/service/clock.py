"""Where the engine reads the time: the only clock in the process."""

from __future__ import annotations

import time
from typing import Protocol

from ..domain.types import Millis


class Clock(Protocol):
    def now(self) -> Millis: ...


class SystemClock:
    def now(self) -> Millis:
        return Millis(time.time_ns() // 1_000_000)


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: int = 1_764_000_000_000) -> None:
        self._now = Millis(start)

    def now(self) -> Millis:
        return self._now

    def advance(self, ms: int) -> None:
        self._now = Millis(self._now + ms)
