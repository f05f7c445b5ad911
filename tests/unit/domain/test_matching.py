"""Planning fills: price-time priority, the taker's limit, and self-trade prevention."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.book import BookSide
from htx_sandbox.domain.matching import FillPlan, plan_fills, would_take
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import (
    UID,
    ZERO,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    SelfMatchPrevent,
)

TICK = Decimal("0.1")
TAKER = UID(1)
MAKER = UID(2)
ALLOW = SelfMatchPrevent.ALLOW
CANCEL_TAKER = SelfMatchPrevent.CANCEL_TAKER
_ids = iter(range(1, 1_000_000))


def make_order(direction: Direction, ticks: int, volume: int, uid: UID = MAKER) -> Order:
    order_id = next(_ids)
    return Order(
        order_id=OrderId(order_id),
        uid=uid,
        contract_code="BTC-USD",
        symbol="BTC",
        direction=direction,
        offset=Offset.OPEN,
        volume=volume,
        price=ticks * TICK,
        price_ticks=ticks,
        order_price_type=OrderPriceType.LIMIT,
        lever_rate=10,
        client_order_id=None,
        self_match_prevent=CANCEL_TAKER,
        margin_frozen=ZERO,
        created_at=Millis(order_id),
    )


def asks(*levels: tuple[int, int] | tuple[int, int, UID]) -> tuple[BookSide, list[Order]]:
    """An ask side from (ticks, volume[, uid]) in arrival order."""
    side = BookSide(Direction.SELL)
    orders = []
    for spec in levels:
        uid = spec[2] if len(spec) == 3 else MAKER
        order = make_order(Direction.SELL, spec[0], spec[1], uid)
        side.add(order)
        orders.append(order)
    return side, orders


def bids(*levels: tuple[int, int] | tuple[int, int, UID]) -> tuple[BookSide, list[Order]]:
    side = BookSide(Direction.BUY)
    orders = []
    for spec in levels:
        uid = spec[2] if len(spec) == 3 else MAKER
        order = make_order(Direction.BUY, spec[0], spec[1], uid)
        side.add(order)
        orders.append(order)
    return side, orders


def plan(side: BookSide, limit: int, volume: int, smp: SelfMatchPrevent = CANCEL_TAKER) -> FillPlan:
    return plan_fills(side, TAKER, limit, volume, smp)


def test_empty_side_plans_nothing() -> None:
    result = plan(BookSide(Direction.SELL), 1000, 5)
    assert list(result.fills) == []
    assert result.volume == 0
    assert not result.self_match


def test_buy_takes_asks_best_price_first_and_stops_at_its_limit() -> None:
    side, (a500, a502, a501) = asks((500, 1), (502, 4), (501, 2))
    result = plan(side, 501, 10)
    assert list(result.fills) == [(a500, 1), (a501, 2)]
    assert result.volume == 3
    assert not result.self_match
    assert a502 not in [maker for maker, _ in result.fills]


def test_sell_takes_bids_best_price_first_and_stops_at_its_limit() -> None:
    side, (_b500, b502, b501) = bids((500, 1), (502, 4), (501, 2))
    result = plan(side, 501, 10)
    assert list(result.fills) == [(b502, 4), (b501, 2)]
    assert result.volume == 6


def test_limit_worse_than_best_takes_nothing() -> None:
    side, _ = asks((500, 3))
    result = plan(side, 499, 3)
    assert list(result.fills) == []
    assert result.volume == 0
    assert not result.self_match


def test_limit_at_the_best_price_takes_it() -> None:
    side, (a500,) = asks((500, 3))
    assert list(plan(side, 500, 3).fills) == [(a500, 3)]


def test_time_priority_within_a_level() -> None:
    side, (first, second, third) = asks((500, 2), (500, 2), (500, 2))
    result = plan(side, 500, 5)
    assert list(result.fills) == [(first, 2), (second, 2), (third, 1)]
    assert result.volume == 5


def test_partial_level_takes_part_of_the_first_maker() -> None:
    side, (first, _second) = asks((500, 10), (500, 5))
    result = plan(side, 600, 4)
    assert list(result.fills) == [(first, 4)]
    assert result.volume == 4


def test_partial_level_stops_in_the_middle_of_a_level() -> None:
    side, (first, second, _third, _deeper) = asks((500, 3), (500, 3), (500, 3), (501, 9))
    result = plan(side, 501, 5)
    assert list(result.fills) == [(first, 3), (second, 2)]
    assert result.volume == 5


def test_plan_uses_the_makers_remaining_volume() -> None:
    side, (first, second) = asks((500, 10), (500, 5))
    first.trade_volume = 7  # as if filled 7 earlier
    result = plan(side, 500, 6)
    assert list(result.fills) == [(first, 3), (second, 3)]


def test_plan_changes_nothing() -> None:
    side, orders = asks((500, 3), (501, 3))
    plan(side, 501, 6)
    assert side.depth(5) == [(500, 3), (501, 3)]
    assert all(order.remaining == 3 for order in orders)


def test_cancel_taker_stops_at_own_resting_order() -> None:
    side, (other, _own, _after) = asks((500, 2), (500, 3, TAKER), (500, 4))
    result = plan(side, 500, 10, CANCEL_TAKER)
    assert list(result.fills) == [(other, 2)]
    assert result.volume == 2
    assert result.self_match


def test_cancel_taker_stops_at_own_order_on_a_deeper_level() -> None:
    side, (a500, _own, _a502) = asks((500, 2), (501, 3, TAKER), (502, 4))
    result = plan(side, 502, 10, CANCEL_TAKER)
    assert list(result.fills) == [(a500, 2)]
    assert result.volume == 2
    assert result.self_match


def test_cancel_taker_own_order_first_takes_nothing() -> None:
    side, _ = bids((500, 3, TAKER), (499, 4))
    result = plan(side, 499, 5, CANCEL_TAKER)
    assert list(result.fills) == []
    assert result.volume == 0
    assert result.self_match


def test_own_order_beyond_the_limit_is_no_self_match() -> None:
    side, (a500, _own) = asks((500, 2), (501, 3, TAKER))
    result = plan(side, 500, 10, CANCEL_TAKER)
    assert list(result.fills) == [(a500, 2)]
    assert not result.self_match


def test_own_order_not_reached_is_no_self_match() -> None:
    side, (first, _own) = asks((500, 5), (500, 3, TAKER))
    result = plan(side, 500, 5, CANCEL_TAKER)
    assert list(result.fills) == [(first, 5)]
    assert result.volume == 5
    assert not result.self_match


def test_allow_goes_through_own_orders() -> None:
    side, (other, own, after) = asks((500, 2), (500, 3, TAKER), (501, 4))
    result = plan(side, 501, 10, ALLOW)
    assert list(result.fills) == [(other, 2), (own, 3), (after, 4)]
    assert result.volume == 9
    assert not result.self_match


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(499, False), (500, True), (501, True)],
)
def test_would_take_for_a_buyer(limit: int, expected: bool) -> None:
    side, _ = asks((500, 1), (502, 1))
    assert would_take(side, limit) is expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(501, False), (500, True), (499, True)],
)
def test_would_take_for_a_seller(limit: int, expected: bool) -> None:
    side, _ = bids((500, 1), (498, 1))
    assert would_take(side, limit) is expected


def test_would_take_on_an_empty_side_is_false() -> None:
    assert not would_take(BookSide(Direction.SELL), 1)
    assert not would_take(BookSide(Direction.BUY), 10**9)
