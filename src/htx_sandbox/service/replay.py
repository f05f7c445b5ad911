"""Replay: the exchange's state at a past moment, rebuilt from the journal (service/journal.py)
into a new store, so that a failure seen in a test run can be reproduced and inspected.

The journal's Start gives the contracts and the engine settings the exchange began with; each
later entry is applied by an engine of its own, on a clock set to the entry's time, one command
at a time. The domain is deterministic given the same commands at the same times, so every
order, position and balance comes out as the original had it then; what the original derived
from its batches (kline bars, which are sampled per batch) may differ.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.contracts import ContractRegistry
from ..domain.types import Millis
from . import journal
from .engine import Engine, EngineSettings
from .ports import Store

CHUNK = 10_000
"""Journal entries read at a time."""


class ReplayError(Exception):
    """The journal cannot be replayed (the message says why, in one line)."""


class _Clock:
    """The replay's clock: each entry's time, set before it is applied."""

    def __init__(self, now: Millis) -> None:
        self.at = now

    def now(self) -> Millis:
        return self.at

    def seconds_until(self, at: int) -> float:
        """It stands still between entries: nothing falls due by waiting."""
        return float("inf")


@dataclass(frozen=True, slots=True)
class Replayed:
    commands: int
    """Journal entries applied after the Start."""
    exchange_time: Millis
    """The time of the last one (the Start's when none)."""
    refused: int
    """Entries the replay's engine refused (as the original did: a refused command is kept
    when time passing fired timers on the way)."""


DEFAULT_SETTINGS = EngineSettings()


def replay(
    source: Store, target: Store, until: Millis, settings: EngineSettings = DEFAULT_SETTINGS
) -> Replayed:
    """Apply `source`'s journal up to and including `until` to the empty store `target`.
    `settings` gives what the journal does not keep (the order retention); the rest is the
    Start's."""
    first = source.journal(0, 1)
    if not first:
        raise ReplayError("the journal is empty: this data was written before the journal")
    if first[0].kind != "Start":
        raise ReplayError(
            "the journal does not begin at a Start: this data was written before the journal"
        )
    try:
        start = journal.decode_start(first[0])
    except ValueError as error:
        raise ReplayError(str(error)) from None
    if target.load(first[0].ts, retention_ms=0, client_id_window_ms=0) is not None:
        raise ReplayError("the target store is not empty")
    clock = _Clock(first[0].ts)
    registry = ContractRegistry()
    for contract in start.contracts:
        registry.add(contract)
    engine = Engine(
        target,
        clock,
        contracts=registry,
        settings=replace(
            settings,
            cancel_delay_ms=start.cancel_delay_ms,
            settlement_window_ms=start.settlement_window_ms,
            strategy_limits=start.strategy_limits,
        ),
    )
    engine.start()
    applied = refused = 0
    at = first[0].ts
    try:
        after = first[0].seq
        while True:
            entries = source.journal(after, CHUNK)
            for entry in entries:
                if entry.ts > until:
                    return Replayed(applied, at, refused)
                if entry.kind == "Start":
                    raise ReplayError(f"journal entry {entry.seq}: a second Start")
                try:
                    command = journal.decode(entry, start)
                except ValueError as error:
                    raise ReplayError(str(error)) from None
                clock.at = at = entry.ts
                if engine.execute(command).error is not None:
                    refused += 1
                applied += 1
            if len(entries) < CHUNK:
                return Replayed(applied, at, refused)
            after = entries[-1].seq
    finally:
        engine.stop()
