"""Bars as a reader sees them: every period from the first bar on, the empty ones flat at the
previous close; and the in-memory window that keeps the newest bars."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.service.bars import Bar, Window, filled
from htx_sandbox.service.periods import MIN1, MON1

T0 = 1_764_000_000  # a minute (and a GMT+8 day) boundary


def bar(minute: int, open_: str, close: str, vol: int = 1) -> Bar:
    o, c = Decimal(open_), Decimal(close)
    return Bar(T0 + 60 * minute, o, max(o, c), min(o, c), c, vol, 1, Decimal("0.1"))


def test_a_period_without_a_bar_is_flat_at_the_previous_close() -> None:
    bars = [bar(0, "100", "101"), bar(3, "99", "98")]
    out = filled(MIN1, T0, T0 + 4 * 60, bars, None)
    assert [b.id for b in out] == [T0 + 60 * i for i in range(5)]
    assert out[0] is bars[0] and out[3] is bars[1]
    for gap in (out[1], out[2]):
        assert (gap.open, gap.high, gap.low, gap.close) == (Decimal(101),) * 4
        assert (gap.vol, gap.count, gap.amount) == (0, 0, 0)
    assert out[4].close == Decimal(98) and out[4].vol == 0


def test_periods_before_the_first_bar_are_left_out() -> None:
    bars = [bar(5, "100", "101")]
    out = filled(MIN1, T0, T0 + 6 * 60, bars, None)
    assert [b.id for b in out] == [T0 + 300, T0 + 360]
    assert filled(MIN1, T0, T0 + 600, [], None) == []


def test_a_bar_before_the_range_fills_its_start() -> None:
    before = bar(-10, "90", "95")
    out = filled(MIN1, T0, T0 + 60, [], before)
    assert [(b.id, b.close, b.vol) for b in out] == [(T0, 95, 0), (T0 + 60, 95, 0)]


def test_months_fill_by_calendar() -> None:
    start = MON1.start(T0)
    first = Bar.first(start, Decimal(7))
    out = filled(MON1, start, MON1.shift(start, 3), [first], None)
    assert [b.id for b in out] == [MON1.shift(start, i) for i in range(4)]


def test_a_window_keeps_the_newest_bars_and_knows_what_it_lacks() -> None:
    window = Window()
    for minute in range(12):
        window.put(bar(minute, "1", "2"), keep=5, slack=3)
    assert len(window.bars) <= 8
    assert window.bars[-1].id == T0 + 11 * 60
    assert not window.complete
    oldest = window.ids[0]
    assert window.covers(oldest) and not window.covers(oldest - 60)
    inside, before = window.between(oldest + 60, T0 + 11 * 60)
    assert before is window.bars[0] and inside == window.bars[1:]


def test_putting_a_bar_again_replaces_it() -> None:
    window = Window()
    window.put(bar(0, "1", "2"), keep=10, slack=0)
    window.put(bar(1, "2", "3"), keep=10, slack=0)
    window.put(bar(0, "1", "5", vol=9), keep=10, slack=0)
    assert [b.vol for b in window.bars] == [9, 1]
    assert window.find(T0) == bar(0, "1", "5", vol=9)
    assert window.complete
