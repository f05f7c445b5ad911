"""Where bars begin: GMT+8 days, Monday weeks and calendar months, as HTX draws them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from htx_sandbox.service.periods import (
    DAY1,
    HOUR4,
    HOUR12,
    KLINE_PERIODS,
    MIN1,
    MIN5,
    MIN15,
    MIN30,
    MIN60,
    MON1,
    WEEK1,
    Period,
)


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


# 2025-11-25 09:47:31 UTC is 17:47:31 GMT+8, a Tuesday.
T = utc(2025, 11, 25, 9, 47, 31)


@pytest.mark.parametrize(
    ("period", "start"),
    [
        (MIN1, utc(2025, 11, 25, 9, 47)),
        (MIN5, utc(2025, 11, 25, 9, 45)),
        (MIN15, utc(2025, 11, 25, 9, 45)),
        (MIN30, utc(2025, 11, 25, 9, 30)),
        (MIN60, utc(2025, 11, 25, 9)),
        (HOUR4, utc(2025, 11, 25, 8)),
        (HOUR12, utc(2025, 11, 25, 4)),  # 12:00 GMT+8
        (DAY1, utc(2025, 11, 24, 16)),  # 00:00 GMT+8 on the 25th
        (WEEK1, utc(2025, 11, 23, 16)),  # Monday the 24th, 00:00 GMT+8
        (MON1, utc(2025, 10, 31, 16)),  # November 1st, 00:00 GMT+8
    ],
)
def test_a_bar_begins_where_htx_begins_it(period: Period, start: int) -> None:
    assert period.start(T) == start
    assert period.start(start) == start
    assert period.start(period.next(start) - 1) == start


def test_a_day_turns_at_16_utc() -> None:
    assert DAY1.start(utc(2025, 11, 25, 15, 59, 59)) == utc(2025, 11, 24, 16)
    assert DAY1.start(utc(2025, 11, 25, 16)) == utc(2025, 11, 25, 16)


def test_a_week_turns_on_monday_gmt8() -> None:
    sunday_night_gmt8 = utc(2025, 11, 30, 15, 59, 59)  # Sunday 23:59:59 GMT+8
    assert WEEK1.start(sunday_night_gmt8) == utc(2025, 11, 23, 16)
    assert WEEK1.start(sunday_night_gmt8 + 1) == utc(2025, 11, 30, 16)


@pytest.mark.parametrize(
    ("t", "start", "following"),
    [
        (utc(2025, 12, 31, 15, 59, 59), utc(2025, 11, 30, 16), utc(2025, 12, 31, 16)),
        (utc(2025, 12, 31, 16), utc(2025, 12, 31, 16), utc(2026, 1, 31, 16)),  # January
        (utc(2024, 2, 15), utc(2024, 1, 31, 16), utc(2024, 2, 29, 16)),  # a leap February
        (utc(2025, 2, 15), utc(2025, 1, 31, 16), utc(2025, 2, 28, 16)),
    ],
)
def test_months_are_calendar_months(t: int, start: int, following: int) -> None:
    assert MON1.start(t) == start
    assert MON1.next(start) == following
    assert MON1.shift(following, -1) == start


def test_month_arithmetic_crosses_years() -> None:
    start = MON1.start(T)
    assert MON1.shift(start, 14) == utc(2026, 12, 31, 16)  # January 2027
    assert MON1.shift(start, -11) == utc(2024, 11, 30, 16)  # December 2024
    assert MON1.count(MON1.shift(start, -11), T) == 12


@pytest.mark.parametrize("period", KLINE_PERIODS)
def test_count_includes_both_ends(period: Period) -> None:
    start = period.start(T)
    assert period.count(start, start) == 1
    assert period.count(start, period.shift(start, 1999)) == 2000
    assert period.count(period.shift(start, 1999), start) == 0
    # Any second inside a bar counts that bar.
    assert period.count(start + 1, period.next(start) + 1) == 2
