"""The exchange clock in the `exchange` table: written with the commit that set it, read back
with the last commit's time; a value no clock writes is refused by name."""

from __future__ import annotations

import pytest

from htx_sandbox.domain.types import Millis
from htx_sandbox.service.clock import ClockSetting, StoredClock
from htx_sandbox.service.ports import ChangeSet, StorageError
from htx_sandbox.storage import rows
from htx_sandbox.storage.memory import MemoryStore


def test_a_setting_round_trips_through_a_store() -> None:
    store = MemoryStore()
    assert store.load_clock() is None  # a new store
    setting = ClockSetting("scaled", 60, Millis(1_764_000_000_000), Millis(1_763_000_000_000))
    store.commit(ChangeSet(now=Millis(1_764_000_000_500), clock=setting))
    assert store.load_clock() == StoredClock(setting, Millis(1_764_000_000_500))
    store.commit(ChangeSet(now=Millis(1_764_000_009_000)))  # a later commit keeps the setting
    assert store.load_clock() == StoredClock(setting, Millis(1_764_000_009_000))


@pytest.mark.parametrize(
    "value", ["paused@1@0@0", "live@-1@0@0", "live@1@x@0", "live@1@0", "scaled@100001@0@0"]
)
def test_a_value_no_clock_writes_is_refused(value: str) -> None:
    with pytest.raises(StorageError, match="exchange clock"):
        rows.stored_clock({"now": "5", "clock": value})
