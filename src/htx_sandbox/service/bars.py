"""One bar of a kline series, and the bars of one series as a reader sees them.

A series is a value over time, cut into bars per period: the trade price (with the volumes
traded), the mark price, the open interest. Bars exist only for periods in which the value was
recorded; a reader is shown every period from the first bar on, a period without a bar as a
flat bar at the previous close with nothing traded, as HTX prints them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from ..domain.types import ZERO
from .periods import Period


class Bar:
    """Open, high, low and close of one period, with what traded in it (one side of each
    match: HTX's doubling for its public volumes is the wire's business)."""

    __slots__ = ("amount", "close", "count", "high", "id", "low", "open", "vol")

    def __init__(
        self,
        id: int,
        open: Decimal,
        high: Decimal,
        low: Decimal,
        close: Decimal,
        vol: int = 0,
        count: int = 0,
        amount: Decimal = ZERO,
    ) -> None:
        self.id = id
        """The bar's start, in seconds."""
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.vol = vol
        """Contracts traded."""
        self.count = count
        """Matches."""
        self.amount = amount
        """Coin value traded."""

    @classmethod
    def first(cls, id: int, value: Decimal) -> Bar:
        return cls(id, value, value, value, value)

    def copy(self) -> Bar:
        return Bar(
            self.id, self.open, self.high, self.low, self.close, self.vol, self.count, self.amount
        )

    def flat(self, id: int) -> Bar:
        """A period after this bar in which nothing was recorded."""
        close = self.close
        return Bar(id, close, close, close, close)

    def record(self, value: Decimal) -> None:
        if value > self.high:
            self.high = value
        elif value < self.low:
            self.low = value
        self.close = value

    def trade(self, price: Decimal, volume: int, amount: Decimal) -> None:
        self.record(price)
        self.vol += volume
        self.count += 1
        self.amount += amount

    def merge(self, later: Bar) -> None:
        """Take in a later bar of the same period (a shorter period's bar inside this one)."""
        if later.high > self.high:
            self.high = later.high
        if later.low < self.low:
            self.low = later.low
        self.close = later.close
        self.vol += later.vol
        self.count += later.count
        self.amount += later.amount

    def moved(self, id: int) -> Bar:
        """A copy of this bar as bar `id` of a longer period."""
        return Bar(
            id, self.open, self.high, self.low, self.close, self.vol, self.count, self.amount
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bar) and self.values() == other.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def values(self) -> tuple[int, Decimal, Decimal, Decimal, Decimal, int, int, Decimal]:
        return (
            self.id, self.open, self.high, self.low, self.close, self.vol, self.count, self.amount
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"Bar{self.values()!r}"


class SeriesKey(NamedTuple):
    """One series of one contract in one period (a tuple: cheap to hash, as every bar staged
    and stored is looked up by it)."""

    series: str
    """HTX's topic name: kline, mark_price, premium_index, ..."""
    contract_code: str
    period: str


class SeriesBar(NamedTuple):
    """A bar with the series it belongs to: what a commit stores."""

    key: SeriesKey
    bar: Bar


def filled(
    period: Period, first: int, last: int, bars: Sequence[Bar], before: Bar | None
) -> list[Bar]:
    """Every period from the bar holding `first` to the one holding `last` (both bar ids),
    oldest first: the stored `bars` (ascending, all within the range) and, for the periods
    without one, a flat bar at the close before them. Periods before any bar are left out."""
    out: list[Bar] = []
    previous = before
    slot = first
    index = 0
    if previous is None:
        if not bars:
            return out
        slot = bars[0].id
    while slot <= last:
        if index < len(bars) and bars[index].id == slot:
            previous = bars[index]
            index += 1
            out.append(previous)
        elif previous is not None:
            out.append(previous.flat(slot))
        slot = period.next(slot)
    return out


class Window:
    """The newest bars of one series in memory, ascending by id; older ones are in the store.
    `complete` while the window holds every bar the store has."""

    __slots__ = ("bars", "complete", "ids")

    def __init__(self, bars: Iterable[Bar] = (), *, complete: bool = True) -> None:
        self.bars: list[Bar] = list(bars)
        self.ids: list[int] = [b.id for b in self.bars]
        self.complete = complete

    @property
    def last(self) -> Bar | None:
        return self.bars[-1] if self.bars else None

    def find(self, id: int) -> Bar | None:
        i = bisect_left(self.ids, id)
        return self.bars[i] if i < len(self.ids) and self.ids[i] == id else None

    def put(self, bar: Bar, keep: int, slack: int) -> None:
        """Store a bar, replacing the one with its id; keep the newest `keep` once there are
        more than `keep + slack` (trimming in steps keeps the cost of a put O(1) amortised)."""
        ids = self.ids
        if not ids or bar.id > ids[-1]:
            ids.append(bar.id)
            self.bars.append(bar)
        else:
            i = bisect_left(ids, bar.id)
            if i < len(ids) and ids[i] == bar.id:
                self.bars[i] = bar
            else:
                ids.insert(i, bar.id)
                self.bars.insert(i, bar)
        if len(ids) > keep + slack:
            drop = len(ids) - keep
            del ids[:drop]
            del self.bars[:drop]
            self.complete = False

    def covers(self, first: int) -> bool:
        """Whether the window alone answers a read from bar id `first` on."""
        return self.complete or (bool(self.ids) and self.ids[0] <= first)

    def between(self, first: int, last: int) -> tuple[list[Bar], Bar | None]:
        """The bars with first <= id <= last, and the one before them (None if none is here)."""
        ids = self.ids
        lo = bisect_left(ids, first)
        hi = bisect_left(ids, last + 1)
        return self.bars[lo:hi], (self.bars[lo - 1] if lo else None)
