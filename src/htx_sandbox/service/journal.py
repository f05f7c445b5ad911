"""The journal: every command the engine accepted, with the exchange time it was applied at, in
the order applied, committed with the changes it made (table `journal`, migration 0020).

Its first entry is a `Start`: the contracts and the engine settings the exchange began with (a
new store, or a reset). With it, the commands after it rebuild the same state, because the
domain is deterministic given the same commands at the same times (service/replay.py).

Commands are kept as JSON by their type's name (msgspec encodes the command dataclasses as they
are: Decimals as strings, enums by value), so decoding is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

import msgspec

from ..domain.commands import Command
from ..domain.contracts import Contract
from ..domain.strategy_book import StrategyLimits
from ..domain.types import Millis
from .api_keys import ApiKeyCommand, CreateApiKey, DisableApiKey
from .ports import JournalEntry


@dataclass(frozen=True, slots=True)
class Start:
    """How the exchange the journal describes began."""

    contracts: list[Contract]
    cancel_delay_ms: int = 0
    settlement_window_ms: int = 0
    strategy_limits: StrategyLimits = field(default_factory=StrategyLimits)


Journaled = Command | ApiKeyCommand
KINDS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (*get_args(Command), CreateApiKey, DisableApiKey, Start)
}
_encoder = msgspec.json.Encoder()


def entry(seq: int, ts: Millis, command: Journaled | Start) -> JournalEntry:
    return JournalEntry(seq, ts, type(command).__name__, _encoder.encode(command).decode())


def decode(found: JournalEntry) -> Journaled | Start:
    """The command of an entry; ValueError for an entry this version cannot read."""
    kind = KINDS.get(found.kind)
    if kind is None:
        raise ValueError(f'journal entry {found.seq}: unknown command "{found.kind}"')
    try:
        decoded: Journaled | Start = msgspec.json.decode(found.body, type=kind)
    except msgspec.ValidationError as error:
        raise ValueError(f"journal entry {found.seq}: {error}") from None
    return decoded
