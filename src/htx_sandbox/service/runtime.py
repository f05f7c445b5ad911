"""Engine settings a test changes at run time (the admin API's /cancel-delay), applied as
commands on the engine thread so that they take effect between two commands, never inside one."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CANCEL_DELAY_MS = 60_000
"""A cancel stays in status 11 (cancelling) at most a minute."""


@dataclass(frozen=True, slots=True)
class SetCancelDelay:
    """How long a cancel stays in status 11 before it lands, from the next cancel on (those
    already pending land when they were due). Kept in memory only: a restart takes the
    engine's configured delay again."""

    cancel_delay_ms: int

    def __post_init__(self) -> None:
        if not 0 <= self.cancel_delay_ms <= MAX_CANCEL_DELAY_MS:
            raise ValueError(f"cancel_delay_ms must be 0 to {MAX_CANCEL_DELAY_MS}")
