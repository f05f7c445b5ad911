"""Faults a test arms on an HTX path (POST /sandbox-api/v1/faults): the next `count` requests
to that path (of one UID, if given) are answered with an HTX error in the path's own envelope
and wording, or an HTTP status, or are delayed, or have their connection dropped without an
answer. Each injected fault is named in the access log (scope["htx.injected"]).

The book lives on the event loop (endpoints and the admin API both run there), so it needs no
lock; an endpoint looks at it only when something is armed (`armed`, one attribute read).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from ...domain.types import UID

FaultKind = Literal["err_code", "http_status", "delay_ms", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = ("err_code", "http_status", "delay_ms", "drop")
MAX_FAULTS = 1000
"""Faults armed at once: a runaway test loop is refused (1067) instead of growing memory."""
MAX_COUNT = 1_000_000
MAX_DELAY_MS = 60_000
"""A minute: longer than any client's timeout worth testing, shorter than a stuck test run."""


@dataclass(slots=True)
class Fault:
    fault_id: int
    path: str
    uid: UID | None
    kind: FaultKind
    value: int
    """The err_code, the HTTP status, the delay in ms, or 1 for a drop."""
    remaining: int

    @property
    def injected(self) -> str:
        """How the access log names it: err_code=1032, http_status=502, delay_ms=1500, drop."""
        return "drop" if self.kind == "drop" else f"{self.kind}={self.value}"


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self.armed = False

    def arm(self, path: str, uid: UID | None, kind: FaultKind, value: int, count: int) -> Fault:
        if len(self._faults) >= MAX_FAULTS:
            raise OverflowError(f"at most {MAX_FAULTS} faults armed at once")
        fault = Fault(next(self._ids), path, uid, kind, value, count)
        self._faults.append(fault)
        self.armed = True
        return fault

    def take(self, path: str, uid: UID | None) -> Fault | None:
        """The first armed fault for this request (in the order they were armed), counted
        down; a fault for a UID matches only that UID's signed requests."""
        for fault in self._faults:
            if fault.path == path and (fault.uid is None or fault.uid == uid):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                    self.armed = bool(self._faults)
                return fault
        return None

    def listed(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> int:
        """Disarm every fault; how many there were."""
        cleared = len(self._faults)
        self._faults.clear()
        self.armed = False
        return cleared
