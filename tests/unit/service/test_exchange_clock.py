"""ExchangeClock over a wall clock: live, frozen, scaled and advanced, never backwards (not
even when the wall clock steps back), and restarted from what a store kept."""

from __future__ import annotations

import math

import pytest

from htx_sandbox.domain.types import Millis
from htx_sandbox.service.clock import ClockSetting, ExchangeClock, ManualClock, StoredClock

START = 1_764_572_400_000


@pytest.fixture
def wall() -> ManualClock:
    return ManualClock(START)


def test_live_reads_the_wall_clock(wall: ManualClock) -> None:
    clock = ExchangeClock(wall)
    wall.advance(250)
    assert clock.now() == START + 250
    assert clock.setting == ClockSetting("live", 1, Millis(START + 250), Millis(START + 250))
    assert clock.seconds_until(START + 1250) == 1.0


def test_a_wall_clock_stepping_back_never_moves_the_exchange_back(wall: ManualClock) -> None:
    clock = ExchangeClock(wall)
    wall.advance(1000)
    assert clock.now() == START + 1000
    wall.advance(-600)  # an NTP correction
    assert clock.now() == START + 1000
    wall.advance(700)
    assert clock.now() == START + 1100


def test_frozen_scaled_and_advanced(wall: ManualClock) -> None:
    clock = ExchangeClock(wall)
    clock.freeze()
    wall.advance(5000)
    assert clock.now() == START and clock.seconds_until(START + 1) == math.inf
    clock.scale(60)
    wall.advance(1000)
    assert clock.now() == START + 60_000
    assert clock.seconds_until(START + 120_000) == 1.0
    clock.advance_to(START + 3_600_000)
    assert clock.now() == START + 3_600_000
    clock.advance_to(START)  # never back
    assert clock.now() == START + 3_600_000
    with pytest.raises(ValueError, match="speed"):
        clock.scale(0)


def test_live_catches_up_after_a_freeze_and_runs_on_after_an_advance(wall: ManualClock) -> None:
    clock = ExchangeClock(wall)
    clock.freeze()
    wall.advance(10_000)
    assert clock.live().at == START + 10_000
    clock.advance_to(START + 20_000 + 3_600_000)
    clock.live()
    wall.advance(1)
    assert clock.now() == START + 3_620_001


def test_a_restart_starts_from_what_was_stored(wall: ManualClock) -> None:
    ahead = ClockSetting("live", 1, Millis(START + 3_600_000), Millis(START))
    wall.advance(60_000)  # the server was down a minute: a live clock ran on
    restarted = ExchangeClock(wall, StoredClock(ahead, Millis(START + 100)))
    assert restarted.now() == START + 3_660_000
    frozen = ClockSetting("frozen", 0, Millis(START + 5000), Millis(START))
    assert ExchangeClock(wall, StoredClock(frozen, Millis(START + 9000))).now() == START + 9000
    scaled = ClockSetting("scaled", 10, Millis(START + 5000), Millis(START))
    again = ExchangeClock(wall, StoredClock(scaled, Millis(START + 7000)))
    wall.advance(100)
    assert again.now() == START + 8000  # from the last commit, at its speed
    old_store = ExchangeClock(wall, StoredClock(None, Millis(START)))  # before any setting
    assert old_store.now() == wall.now() and old_store.setting.mode == "live"
