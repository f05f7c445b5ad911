"""Decimals as the wire prints them (http/core/wire.py): plain digits on the 1e-18 grid."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from htx_sandbox.http.core.wire import encode, num, text


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("60000.0", "60000"),  # the tick's trailing zero (HTX prints 13707)
        ("10.000000000000000000", "10"),
        ("3.33333333333E-7", "0.000000333333333333"),  # never an exponent
        ("0E-18", "0"),  # where HTX's Java prints 0E-18
        ("1E+3", "1000"),
        ("0.000169491525423729", "0.000169491525423729"),  # on the grid already: unchanged
        # computed to 60 digits (a ratio): rounded half even to 18 decimals
        ("1.030149581489096360123456789", "1.03014958148909636"),
        ("0.0000000000000000015", "0.000000000000000002"),
        ("0.0000000000000000025", "0.000000000000000002"),
        ("-0.0000000000000000004", "0"),  # below half a step: 0, never -0
    ],
)
def test_a_decimal_prints_in_plain_digits_on_the_1e_18_grid(value: str, printed: str) -> None:
    assert text(Decimal(value)) == printed
    assert encode({"x": num(Decimal(value))}) == b'{"x":' + printed.encode() + b"}"


def test_the_printed_number_reads_back_as_the_rounded_figure() -> None:
    figure = Decimal(1) / Decimal(3)  # 0.333... to the context's precision
    decoded = msgspec.json.decode(encode([num(figure)]), type=list[Decimal])
    assert decoded == [Decimal("0.333333333333333333")]


def test_a_figure_prints_the_same_however_often_and_in_whatever_form() -> None:
    """num remembers what it printed by value: equal Decimals of any exponent share it, and
    the memory is bounded."""
    from htx_sandbox.http.core import wire

    for form in ("60000", "60000.0", "6E+4", "60000.000000000000000000"):
        assert encode([num(Decimal(form)), num(Decimal(form))]) == b"[60000,60000]"
    for i in range(wire._PRINTED_MAX + 10):
        num(Decimal(i) / 7)
    assert len(wire._PRINTED) <= wire._PRINTED_MAX
    assert encode([num(Decimal(22) / 7)]) == b"[3.142857142857142857]"
