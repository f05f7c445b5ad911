"""The journal: every command the engine accepted, with the exchange time it was applied at, in
the order applied, committed with the changes it made (table `journal`, migration 0020).

Its first entry is a `Start`: the contracts and the engine settings the exchange began with (a
new store, or a reset). With it, the commands after it rebuild the same state, because the
domain is deterministic given the same commands at the same times (service/replay.py).

Commands are kept by their type's name, their values a JSON array in the order of their fields
(msgspec encodes Decimals as strings, enums by value, nested commands as objects), so decoding is
exact; the Start lists each type's field names, so a journal stays readable by a version whose
commands gained fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, get_args

import msgspec

from ..domain.commands import Command
from ..domain.contracts import Contract
from ..domain.strategy_book import StrategyLimits
from ..domain.types import Millis
from .api_keys import ApiKeyCommand, CreateApiKey, DisableApiKey
from .ports import JournalEntry
from .runtime import SetCancelDelay

Journaled = Command | ApiKeyCommand | SetCancelDelay
COMMANDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (*get_args(Command), CreateApiKey, DisableApiKey, SetCancelDelay)
}
FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in COMMANDS.values()
}


def _fields() -> dict[str, list[str]]:
    return {name: list(FIELDS[cls]) for name, cls in COMMANDS.items()}


@dataclass(frozen=True, slots=True)
class Start:
    """How the exchange the journal describes began, and the field names its entries list
    their values by (so that a later version, whose commands gained fields, still reads it)."""

    contracts: list[Contract]
    cancel_delay_ms: int = 0
    settlement_window_ms: int = 0
    strategy_limits: StrategyLimits = field(default_factory=StrategyLimits)
    fields: dict[str, list[str]] = field(default_factory=_fields)


_encoder = msgspec.json.Encoder()


def entry(seq: int, ts: Millis, command: Journaled | Start) -> JournalEntry:
    """A command's entry: its values in its fields' order, a JSON array (a third of the bytes
    of an object with the names, on the write path of every command); the Start whole."""
    kind = type(command)
    if kind is Start:
        return JournalEntry(seq, ts, "Start", _encoder.encode(command).decode())
    body = _encoder.encode([getattr(command, name) for name in FIELDS[kind]])
    return JournalEntry(seq, ts, kind.__name__, body.decode())


def decode_start(found: JournalEntry) -> Start:
    """The Start of a journal; ValueError if the entry is none."""
    if found.kind != "Start":
        raise ValueError(f"journal entry {found.seq} is no Start")
    try:
        return msgspec.json.decode(found.body, type=Start)
    except msgspec.ValidationError as error:
        raise ValueError(f"journal entry {found.seq}: {error}") from None


def decode(found: JournalEntry, start: Start) -> Journaled:
    """The command of an entry, its values named by the Start's field names (a field this
    version added takes its default); ValueError for an entry this version cannot read."""
    kind = COMMANDS.get(found.kind)
    names = start.fields.get(found.kind)
    if kind is None or names is None:
        raise ValueError(f'journal entry {found.seq}: unknown command "{found.kind}"')
    try:
        values = msgspec.json.decode(found.body)
        if not isinstance(values, list) or len(values) != len(names):
            raise ValueError(f"journal entry {found.seq}: not {len(names)} values")
        decoded: Journaled = msgspec.convert(dict(zip(names, values, strict=True)), type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise ValueError(f"journal entry {found.seq}: {error}") from None
    return decoded
