"""Inverse (coin-margined) arithmetic on the 1e-18 grid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.money import (
    COIN_QUANTUM,
    average_price,
    coin,
    contract_value,
    fee,
    initial_margin,
    share,
)


def test_coin_quantum_is_eighteen_places() -> None:
    assert Decimal("1e-18") == COIN_QUANTUM
    assert coin(Decimal(1)).as_tuple().exponent == -18


def test_coin_rounds_half_even_at_the_eighteenth_place() -> None:
    assert coin(Decimal("0.0000000000000000005")) == Decimal(0)
    assert coin(Decimal("0.0000000000000000015")) == Decimal("0.000000000000000002")
    assert coin(Decimal("0.00000000000000000151")) == Decimal("0.000000000000000002")
    assert coin(Decimal("1.0000000000000000004")) == Decimal(1)


def test_coin_keeps_large_amounts_whole() -> None:
    # 10 billion coins still keep all 18 decimal places (no context precision loss).
    amount = Decimal("12345678901.123456789012345678")
    assert coin(amount) == amount


def test_contract_value_is_volume_times_size_over_price() -> None:
    assert contract_value(1, Decimal(100), Decimal(50000)) == Decimal("0.002")
    assert contract_value(10, Decimal(100), Decimal(60000)) == Decimal("0.016666666666666667")
    assert contract_value(3, Decimal(10), Decimal("3000.01")) == coin(
        Decimal(30) / Decimal("3000.01")
    )


def test_contract_value_is_on_the_grid() -> None:
    value = contract_value(7, Decimal(100), Decimal("61234.5"))
    assert value == value.quantize(COIN_QUANTUM)
    assert value.as_tuple().exponent == -18


def test_initial_margin_divides_by_the_lever_rate() -> None:
    assert initial_margin(10, Decimal(100), Decimal(50000), 10) == Decimal("0.002")
    assert initial_margin(1, Decimal(100), Decimal(60000), 3) == Decimal("0.000555555555555556")
    assert initial_margin(0, Decimal(100), Decimal(60000), 3) == Decimal(0)


def test_initial_margin_at_lever_1_is_the_contract_value() -> None:
    size, price = Decimal(100), Decimal("61234.5")
    assert initial_margin(9, size, price, 1) == contract_value(9, size, price)


def test_fee_is_value_times_rate_on_the_grid() -> None:
    assert fee(Decimal("0.002"), Decimal("0.0005")) == Decimal("0.000001")
    assert fee(Decimal("0.016666666666666667"), Decimal("0.0002")) == Decimal(
        "0.000003333333333333"
    )


@pytest.mark.parametrize(("part", "whole"), [(1, 3), (2, 3), (1, 7), (5, 9)])
def test_share_is_proportional_on_the_grid(part: int, whole: int) -> None:
    amount = Decimal("0.016666666666666667")
    assert share(amount, part, whole) == coin(amount * part / whole)


def test_share_of_everything_is_exactly_the_amount() -> None:
    amount = Decimal("0.016666666666666667")
    assert share(amount, 3, 3) is amount


def test_shares_taken_one_by_one_exhaust_the_amount() -> None:
    # How a position releases its cost: share of what is left, the last share exact.
    left, volume = Decimal("0.1"), 3
    released = Decimal(0)
    while volume:
        part = share(left, 1, volume)
        left -= part
        released += part
        volume -= 1
    assert left == 0
    assert released == Decimal("0.1")


def test_average_price_is_the_harmonic_mean() -> None:
    # One contract at 40000 and one at 60000: 2 / (1/40000 + 1/60000) = 48000.
    size = Decimal(100)
    value = contract_value(1, size, Decimal(40000)) + contract_value(1, size, Decimal(60000))
    assert average_price(size * 2, value) == Decimal(48000)


def test_average_price_has_fifteen_significant_digits() -> None:
    size = Decimal(100)
    value = contract_value(1, size, Decimal(50000)) + contract_value(1, size, Decimal(60000))
    # 2 / (1/50000 + 1/60000) = 54545.4545...
    assert average_price(size * 2, value) == Decimal("54545.4545454545")


def test_average_price_of_one_fill_is_its_price() -> None:
    size = Decimal(100)
    for price in (Decimal("60000.1"), Decimal("12345.6"), Decimal("0.1")):
        assert average_price(size * 3, contract_value(3, size, price)) == price
