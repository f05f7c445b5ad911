"""What the engine can do now, and when it next tries an unavailable store again."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.types import Millis


@dataclass(frozen=True, slots=True)
class Health:
    """Replaced whole, never changed in place, so any thread may read it."""

    store_available: bool = True
    memory_current: bool = True
    """False while memory could not be reloaded from the store: reads answer 1004 too."""
    since: Millis | None = None
    """When the store became unavailable."""
    last_error: str | None = None
    """The last storage failure, one line."""
    store_failures: int = 0
    """Commits (or reloads) the store refused since the engine started."""
    refused_commands: int = 0
    """Commands refused because applying or storing them raised unexpectedly (a bug, logged)."""
    dropped_timers: int = 0
    """Timers taken out because they raised when due (a bug, logged)."""


class Backoff:
    """Probes of an unavailable store: the first `first` seconds after a failure, each next one
    twice as late, at most `most` apart. Only a commit that succeeds starts again from `first`:
    a store that passes probes but keeps failing commits is not hammered either."""

    def __init__(self, first: float = 0.05, most: float = 5.0) -> None:
        self.first = first
        self.most = most
        self.delay = first
        self.at = 0.0
        """Monotonic time of the next probe."""

    def failed(self, now: float) -> None:
        self.at = now + self.delay
        self.delay = min(self.most, self.delay * 2)

    def succeeded(self) -> None:
        self.delay = self.first

    def due(self, now: float) -> bool:
        return now >= self.at

    def wait(self, now: float) -> float:
        return max(0.0, self.at - now)
