"""Kline periods and where their bars begin.

HTX draws its bars in Singapore time (GMT+8): a day bar opens at 00:00 GMT+8 (16:00 UTC), a week
bar on Monday 00:00 GMT+8 and a month bar on the first of the month 00:00 GMT+8. Periods of up to
4 hours divide 8 hours, so their bars begin at the same instants in either time zone. All times
here are seconds since the epoch (a bar's id), read from the engine's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

GMT8 = 8 * 3600
MINUTE = 60
HOUR = 3600
DAY = 86_400
WEEK = 7 * DAY
_MONDAY = 4 * DAY - GMT8
"""1970-01-05 (a Monday) 00:00 GMT+8: where week bars are counted from."""
MAX_SECONDS = 10**11
"""About the year 5100: times are clamped to [0, MAX_SECONDS] so calendar arithmetic is safe."""


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    seconds: int
    """The length of a bar; 0 for a calendar month."""
    anchor: int = -GMT8
    """An instant at which a bar begins (fixed-length periods)."""

    def start(self, t: int) -> int:
        """The id (start) of the bar that holds second `t`."""
        if self.seconds:
            return t - (t - self.anchor) % self.seconds
        local = datetime.fromtimestamp(_clamp(t) + GMT8, UTC)
        return _month_start(local.year * 12 + local.month - 1)

    def shift(self, start: int, bars: int) -> int:
        """The id of the bar `bars` bars after the one starting at `start` (before, if negative)."""
        if self.seconds:
            return start + bars * self.seconds
        return _month_start(_month_index(start) + bars)

    def next(self, start: int) -> int:
        return self.shift(start, 1)

    def count(self, first: int, last: int) -> int:
        """How many bars start from the bar holding `first` to the one holding `last`, both
        included (0 when `last` is before `first`)."""
        a, b = self.start(first), self.start(last)
        if b < a:
            return 0
        if self.seconds:
            return (b - a) // self.seconds + 1
        return _month_index(b) - _month_index(a) + 1


def _clamp(t: int) -> int:
    return min(max(t, 0), MAX_SECONDS)


def _month_index(start: int) -> int:
    local = datetime.fromtimestamp(_clamp(start) + GMT8, UTC)
    return local.year * 12 + local.month - 1


def _month_start(index: int) -> int:
    year, month = divmod(max(index, 1970 * 12), 12)
    return int(datetime(year, month + 1, 1, tzinfo=UTC).timestamp()) - GMT8


def _fixed(name: str, seconds: int, anchor: int = -GMT8) -> Period:
    return Period(name, seconds, anchor)


MIN1 = _fixed("1min", MINUTE)
MIN5 = _fixed("5min", 5 * MINUTE)
MIN15 = _fixed("15min", 15 * MINUTE)
MIN30 = _fixed("30min", 30 * MINUTE)
MIN60 = _fixed("60min", HOUR)
HOUR4 = _fixed("4hour", 4 * HOUR)
HOUR12 = _fixed("12hour", 12 * HOUR)
DAY1 = _fixed("1day", DAY)
WEEK1 = _fixed("1week", WEEK, _MONDAY)
MON1 = Period("1mon", 0)

KLINE_PERIODS: tuple[Period, ...] = (MIN1, MIN5, MIN15, MIN30, MIN60, HOUR4, DAY1, WEEK1, MON1)
"""The bars kept for every kline series (trades, mark price, premium index, ...)."""
OPEN_INTEREST_PERIODS: tuple[Period, ...] = (MIN60, HOUR4, HOUR12, DAY1)
"""swap_his_open_interest's periods."""
BY_NAME: dict[str, Period] = {p.name: p for p in (*KLINE_PERIODS, HOUR12)}
