"""Open interest per contract: the contracts held long (which equal those held short), kept
from the positions each commit changes rather than summed over every holding when asked.

Changes are staged with the batch that made them and take effect once it is committed, so a
batch whose commit fails leaves the figures as they were."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.state import ExchangeState
from ..domain.types import UID

HoldingKey = tuple[UID, str]


class OpenInterest:
    __slots__ = ("_longs", "_pending_longs", "_pending_totals", "_totals")

    def __init__(self) -> None:
        self._longs: dict[HoldingKey, int] = {}
        self._totals: dict[str, int] = {}
        self._pending_longs: dict[HoldingKey, int] = {}
        self._pending_totals: dict[str, int] = {}

    def load(self, state: ExchangeState) -> None:
        """Count every position once, at start (the only pass over all holdings)."""
        self._longs.clear()
        self._totals.clear()
        for key, holding in state.holdings.items():
            volume = holding.long.volume
            if volume:
                self._longs[key] = volume
                self._totals[key[1]] = self._totals.get(key[1], 0) + volume

    def total(self, contract_code: str) -> int:
        """Contracts open on one side, including the staged batch's changes."""
        found = self._pending_totals.get(contract_code)
        return found if found is not None else self._totals.get(contract_code, 0)

    def stage(self, changed: Iterable[HoldingKey], state: ExchangeState) -> None:
        pending, longs = self._pending_longs, self._longs
        for key in changed:
            holding = state.holdings.get(key)
            volume = holding.long.volume if holding is not None else 0
            before = pending.get(key, longs.get(key, 0))
            if volume != before:
                pending[key] = volume
                self._pending_totals[key[1]] = self.total(key[1]) + volume - before

    def committed(self) -> None:
        for key, volume in self._pending_longs.items():
            if volume:
                self._longs[key] = volume
            else:
                self._longs.pop(key, None)
        self._totals.update(self._pending_totals)
        self.discarded()

    def discarded(self) -> None:
        self._pending_longs.clear()
        self._pending_totals.clear()
