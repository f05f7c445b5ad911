"""Order and trade ids: HTX's shape (18-19 digit longs), unique, increasing, deterministic."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from htx_sandbox.domain.ids import (
    ORDER_ID_EPOCH_MS,
    TRADE_ID_START,
    OrderIdGenerator,
    TradeIdGenerator,
    public_trade_id,
)
from htx_sandbox.domain.types import Millis

LONG_MAX = 2**63 - 1


def _ms(year: int, month: int = 1, day: int = 1) -> Millis:
    return Millis(int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000))


NOW = _ms(2025, 6, 1)


@pytest.mark.parametrize(
    "now",
    [_ms(2020), _ms(2024, 2, 29), NOW, _ms(2035), _ms(2044, 12, 31)],
)
def test_order_ids_today_have_18_digits(now: Millis) -> None:
    # HTX's order ids look like 771038212360937472 (18 digits).
    generator = OrderIdGenerator()
    ids = [generator.next(now) for _ in range(1000)]
    assert all(len(str(order_id)) == 18 for order_id in ids)


@pytest.mark.parametrize("now", [_ms(2046), _ms(2100), _ms(2200)])
def test_order_ids_later_have_19_digits_and_fit_a_long(now: Millis) -> None:
    order_id = OrderIdGenerator().next(now)
    assert len(str(order_id)) == 19
    assert order_id <= LONG_MAX


def test_order_ids_are_positive_ints() -> None:
    order_id = OrderIdGenerator().next(NOW)
    assert type(order_id) is int
    assert order_id > 0


def test_order_ids_strictly_increase_at_the_same_time() -> None:
    generator = OrderIdGenerator()
    ids = [generator.next(NOW) for _ in range(10_000)]
    assert all(a < b for a, b in itertools.pairwise(ids))


def test_order_ids_strictly_increase_when_time_goes_backwards() -> None:
    generator = OrderIdGenerator()
    times = [NOW, NOW - 1, NOW - 60_000, NOW, NOW + 1, NOW - 5, _ms(2020), NOW + 2]
    ids = [generator.next(Millis(t)) for t in times]
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert len(set(ids)) == len(ids)


def test_order_ids_increase_with_time() -> None:
    generator = OrderIdGenerator()
    first = generator.next(NOW)
    later = generator.next(Millis(NOW + 1))
    assert later > first + 1  # a new millisecond starts a new block, not just the next number


def test_many_ids_in_one_millisecond_stay_below_the_next_millisecond() -> None:
    same = OrderIdGenerator()
    ids = [same.next(NOW) for _ in range(1000)]
    assert ids[-1] < OrderIdGenerator().next(Millis(NOW + 1))


def test_order_ids_are_deterministic() -> None:
    times = [NOW, NOW, NOW + 3, NOW + 2, NOW + 1000, NOW + 1000, NOW + 999]
    a, b = OrderIdGenerator(), OrderIdGenerator()
    assert [a.next(Millis(t)) for t in times] == [b.next(Millis(t)) for t in times]


def test_resuming_from_last_never_repeats_an_id() -> None:
    first = OrderIdGenerator()
    issued = [first.next(Millis(NOW + i)) for i in range(5)]
    resumed = OrderIdGenerator(first.last)
    # Even if the clock after the restart is behind the last command's time.
    after = [resumed.next(Millis(NOW - 1000)), resumed.next(Millis(NOW + 2))]
    assert after[0] > issued[-1]
    assert after[1] > after[0]
    assert not set(after) & set(issued)


def test_before_the_epoch_ids_still_increase() -> None:
    generator = OrderIdGenerator()
    ids = [generator.next(Millis(ORDER_ID_EPOCH_MS - 10)) for _ in range(3)]
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert ids[0] > 0


def test_trade_ids_increase_from_the_start() -> None:
    generator = TradeIdGenerator()
    ids = [generator.next() for _ in range(100)]
    assert ids[0] == TRADE_ID_START + 1
    assert ids == list(range(TRADE_ID_START + 1, TRADE_ID_START + 101))
    assert generator.last == ids[-1]


def test_trade_ids_resume_from_last() -> None:
    generator = TradeIdGenerator(last=TRADE_ID_START + 41)
    assert generator.next() == TRADE_ID_START + 42
    assert generator.next() == TRADE_ID_START + 43


def test_trade_ids_are_deterministic() -> None:
    a, b = TradeIdGenerator(), TradeIdGenerator()
    assert [a.next() for _ in range(5)] == [b.next() for _ in range(5)]


def test_a_match_of_more_fills_than_four_digits_hold_takes_the_next_match_ids_too() -> None:
    generator = TradeIdGenerator()
    small = generator.next()
    generator.reserve(10_000)  # fills numbered 0000-9999: nothing more is taken
    big = generator.next()
    assert big == small + 1
    generator.reserve(10_001)  # its last fill's public id is (big + 1) * 10000
    after = generator.next()
    assert after == big + 2
    last_of_big = public_trade_id(big, 10_001)
    assert public_trade_id(after, 1) > last_of_big > public_trade_id(big, 10_000)


def test_public_trade_ids_are_the_match_id_and_four_digits_from_zero() -> None:
    # HTX's example: group 50951781561, fills 509517815610000, 509517815610001, ...
    assert [public_trade_id(50951781561, n) for n in (1, 2, 3)] == [
        509517815610000, 509517815610001, 509517815610002,
    ]  # fmt: skip
