"""Positions and holdings: inverse profit and loss, harmonic average cost, order counters.

Expected amounts are computed here from the inverse formulas in Decimal at high precision, with
each coin amount rounded half-even to 1e-18 as HTX prints them, independently of money.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest

from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.positions import Holding, Position, closed_side, opened_side
from htx_sandbox.domain.types import (
    UID,
    ZERO,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    PositionSide,
    SelfMatchPrevent,
)

SIZE = Decimal(100)  # BTC-USD: one contract is 100 USD
Q = Decimal("1e-18")


def exact(formula: Callable[[], Decimal]) -> Decimal:
    """Evaluate a formula over Decimals at 80 digits, then round half-even to 1e-18."""
    with localcontext() as ctx:
        ctx.prec = 80
        return formula().quantize(Q, rounding=ROUND_HALF_EVEN)


def long_profit(volume: int, open_price: str, close_price: str) -> Decimal:
    """Inverse long: volume x size x (1/open - 1/close)."""
    o, c = Decimal(open_price), Decimal(close_price)
    return exact(lambda: volume * SIZE * (1 / o - 1 / c))


def short_profit(volume: int, open_price: str, close_price: str) -> Decimal:
    """Inverse short: volume x size x (1/close - 1/open)."""
    o, c = Decimal(open_price), Decimal(close_price)
    return exact(lambda: volume * SIZE * (1 / c - 1 / o))


def value(volume: int, price: str) -> Decimal:
    """Coin value of `volume` contracts at `price`: volume x size / price, on the 1e-18 grid."""
    p = Decimal(price)
    return exact(lambda: volume * SIZE / p)


def long_position() -> Position:
    return Position(UID(1), "BTC-USD", PositionSide.LONG)


def short_position() -> Position:
    return Position(UID(1), "BTC-USD", PositionSide.SHORT)


def close(position: Position, volume: int, price: str) -> Decimal:
    position.frozen += volume  # a close order freezes the volume first
    return position.close(volume, value(volume, price))


# -- a new position ------------------------------------------------------------------------


def test_new_position_is_empty() -> None:
    position = long_position()
    assert position.volume == 0
    assert position.frozen == 0
    assert position.available == 0
    assert position.cost_value == ZERO
    assert position.cost_open(SIZE) is None
    assert position.profit_unreal(SIZE, Decimal(60000)) == ZERO


def test_open_adds_volume_and_coin_value() -> None:
    position = long_position()
    position.open(10, value(10, "50000"))
    assert position.volume == 10
    assert position.available == 10
    assert position.cost_value == Decimal("0.02")
    assert position.cost_open(SIZE) == Decimal(50000)


def test_available_excludes_frozen_volume() -> None:
    position = short_position()
    position.open(10, value(10, "50000"))
    position.frozen = 4
    assert position.available == 6


# -- realized profit -----------------------------------------------------------------------


def test_long_closed_higher_profits_by_the_inverse_formula() -> None:
    position = long_position()
    position.open(10, value(10, "50000"))
    profit = close(position, 10, "60000")
    # long: volume x size x (1/open - 1/close)
    expected = long_profit(10, "50000", "60000")
    assert expected == Decimal("0.003333333333333333")
    assert profit == expected
    assert position.volume == 0
    assert position.frozen == 0
    assert position.cost_value == ZERO


def test_long_closed_lower_loses() -> None:
    position = long_position()
    position.open(10, value(10, "60000"))
    profit = close(position, 10, "50000")
    expected = long_profit(10, "60000", "50000")
    assert expected == Decimal("-0.003333333333333333")
    assert profit == expected


def test_short_closed_lower_profits_by_the_inverse_formula() -> None:
    position = short_position()
    position.open(10, value(10, "60000"))
    profit = close(position, 10, "50000")
    # short: volume x size x (1/close - 1/open)
    expected = short_profit(10, "60000", "50000")
    assert expected == Decimal("0.003333333333333333")
    assert profit == expected
    assert position.volume == 0
    assert position.cost_value == ZERO


def test_short_closed_higher_loses() -> None:
    position = short_position()
    position.open(4, value(4, "40000"))
    profit = close(position, 4, "50000")
    expected = short_profit(4, "40000", "50000")
    assert expected == Decimal("-0.002")
    assert profit == expected


def test_close_at_the_open_price_is_flat() -> None:
    for position in (long_position(), short_position()):
        position.open(7, value(7, "61234.5"))
        assert close(position, 7, "61234.5") == ZERO


def test_partial_closes_release_cost_in_proportion() -> None:
    position = long_position()
    position.open(3, value(3, "40000"))  # 0.0075
    first = close(position, 1, "50000")
    # One third of the cost: 0.0025, against 0.002 received back.
    assert first == long_profit(1, "40000", "50000")
    assert first == Decimal("0.0005")
    assert position.volume == 2
    assert position.cost_value == Decimal("0.005")
    assert position.cost_open(SIZE) == Decimal(40000)
    second = close(position, 2, "32000")
    assert second == long_profit(2, "40000", "32000")
    assert second == Decimal("-0.00125")
    assert position.volume == 0
    assert position.cost_value == ZERO


def test_closing_in_pieces_releases_exactly_the_cost_paid() -> None:
    # A cost that does not split evenly: the last close takes exactly what is left.
    position = long_position()
    cost = value(3, "60000")  # 0.005
    cost += value(4, "70000")  # 400/70000 = 0.005714285714285714
    position.open(3, value(3, "60000"))
    position.open(4, value(4, "70000"))
    assert position.cost_value == cost
    received = ZERO
    profit = ZERO
    for volume, price in ((3, "65000"), (1, "65000"), (3, "65000")):
        received += value(volume, price)
        profit += close(position, volume, price)
    assert position.volume == 0
    assert position.cost_value == ZERO
    # Conservation: realized profit is exactly the cost paid in less the value taken out.
    assert profit == cost - received


def test_close_releases_the_frozen_volume() -> None:
    position = long_position()
    position.open(10, value(10, "50000"))
    position.frozen = 6  # e.g. a close order of 6 resting
    position.close(4, value(4, "50000"))
    assert position.volume == 6
    assert position.frozen == 2
    assert position.available == 4


# -- average open price --------------------------------------------------------------------


def test_cost_open_is_the_harmonic_mean_of_open_prices() -> None:
    position = long_position()
    position.open(1, value(1, "40000"))
    position.open(1, value(1, "60000"))
    # 2 / (1/40000 + 1/60000) = 48000 (the arithmetic mean would be 50000).
    assert position.cost_open(SIZE) == Decimal(48000)


def test_cost_open_weights_by_volume() -> None:
    position = short_position()
    position.open(3, value(3, "40000"))
    position.open(1, value(1, "60000"))
    with localcontext() as ctx:
        ctx.prec = 15
        expected = Decimal(4) / (Decimal(3) / Decimal(40000) + Decimal(1) / Decimal(60000))
    assert expected == Decimal("43636.3636363636")
    assert position.cost_open(SIZE) == expected


def test_cost_open_after_a_partial_close_is_unchanged() -> None:
    position = long_position()
    position.open(3, value(3, "40000"))
    position.open(1, value(1, "60000"))
    before = position.cost_open(SIZE)
    close(position, 2, "55000")
    assert position.cost_open(SIZE) == before


def test_cost_open_is_none_once_flat() -> None:
    position = long_position()
    position.open(2, value(2, "40000"))
    close(position, 2, "41000")
    assert position.cost_open(SIZE) is None


# -- unrealized profit ---------------------------------------------------------------------


def test_profit_unreal_of_a_long() -> None:
    position = long_position()
    position.open(10, value(10, "50000"))
    mark = Decimal(60000)
    expected = long_profit(10, "50000", "60000")
    assert position.profit_unreal(SIZE, mark) == expected
    assert position.profit_unreal(SIZE, Decimal(50000)) == ZERO


def test_profit_unreal_of_a_short() -> None:
    position = short_position()
    position.open(10, value(10, "50000"))
    mark = Decimal(60000)
    expected = short_profit(10, "50000", "60000")
    assert expected < 0
    assert position.profit_unreal(SIZE, mark) == expected


def test_profit_unreal_equals_profit_of_closing_at_mark() -> None:
    for position in (long_position(), short_position()):
        position.open(5, value(5, "48000.7"))
        unreal = position.profit_unreal(SIZE, Decimal("51234.5"))
        assert close(position, 5, "51234.5") == unreal


# -- sides ---------------------------------------------------------------------------------


def test_opened_and_closed_sides() -> None:
    assert opened_side(Direction.BUY) is PositionSide.LONG
    assert opened_side(Direction.SELL) is PositionSide.SHORT
    # Selling closes the long, buying closes the short.
    assert closed_side(Direction.SELL) is PositionSide.LONG
    assert closed_side(Direction.BUY) is PositionSide.SHORT


# -- holdings ------------------------------------------------------------------------------

_ids = iter(range(1, 1_000_000))


def make_order(offset: Offset, direction: Direction = Direction.BUY) -> Order:
    return Order(
        order_id=OrderId(next(_ids)),
        uid=UID(1),
        contract_code="BTC-USD",
        symbol="BTC",
        direction=direction,
        offset=offset,
        volume=1,
        price=Decimal(50000),
        price_ticks=500000,
        order_price_type=OrderPriceType.LIMIT,
        lever_rate=10,
        client_order_id=None,
        self_match_prevent=SelfMatchPrevent.CANCEL_TAKER,
        margin_frozen=ZERO,
        created_at=Millis(0),
    )


def test_new_holding() -> None:
    holding = Holding(UID(1), "BTC-USD")
    assert holding.lever_rate is None
    assert holding.open_orders == {}
    assert holding.opening_orders == 0
    assert holding.close_orders == 0
    assert not holding.has_exposure
    assert holding.long.side is PositionSide.LONG
    assert holding.short.side is PositionSide.SHORT
    assert holding.position(PositionSide.LONG) is holding.long
    assert holding.position(PositionSide.SHORT) is holding.short
    assert holding.long.uid == holding.short.uid == 1
    assert holding.long.contract_code == "BTC-USD"


def test_holding_counts_opening_and_closing_orders_separately() -> None:
    holding = Holding(UID(1), "BTC-USD")
    opens = [make_order(Offset.OPEN), make_order(Offset.OPEN, Direction.SELL)]
    closes = [make_order(Offset.CLOSE), make_order(Offset.CLOSE), make_order(Offset.CLOSE)]
    for order in opens + closes:
        holding.add_open_order(order)
    assert holding.opening_orders == 2
    assert holding.close_orders == 3
    assert list(holding.open_orders.values()) == opens + closes
    assert holding.has_exposure

    holding.remove_open_order(opens[0])
    holding.remove_open_order(closes[1])
    assert holding.opening_orders == 1
    assert holding.close_orders == 2
    assert list(holding.open_orders) == [opens[1].order_id, closes[0].order_id, closes[2].order_id]

    for order in (opens[1], closes[0], closes[2]):
        holding.remove_open_order(order)
    assert holding.opening_orders == 0
    assert holding.close_orders == 0
    assert not holding.has_exposure


def test_removing_an_order_not_held_raises_and_keeps_counters() -> None:
    holding = Holding(UID(1), "BTC-USD")
    holding.add_open_order(make_order(Offset.OPEN))
    with pytest.raises(KeyError):
        holding.remove_open_order(make_order(Offset.OPEN))
    assert holding.opening_orders == 1


@pytest.mark.parametrize("side", list(PositionSide))
def test_a_position_alone_is_exposure(side: PositionSide) -> None:
    holding = Holding(UID(1), "BTC-USD")
    holding.position(side).open(1, value(1, "50000"))
    assert holding.has_exposure
