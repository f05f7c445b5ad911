"""The price files `prices play` reads: time,price rows and klines, with or without a header,
times in seconds, milliseconds or ISO 8601, in any order; every bad line named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.cli.price_files import PriceFileError, read_points

D = Decimal


def test_time_price_rows_in_seconds_or_ms_sorted() -> None:
    text = "# a comment\n1700000060,61000\n\n1700000000000,60000.5\n"
    assert read_points(text) == [(1_700_000_000_000, D("60000.5")), (1_700_000_060_000, D(61000))]


def test_klines_by_position_take_the_close() -> None:
    text = "1700000000000,60000,60600,59900,60500,12\n1700000060000,60500,61100,60400,61000,7\n"
    assert read_points(text) == [(1_700_000_000_000, D(60500)), (1_700_000_060_000, D(61000))]


def test_a_header_names_the_columns_in_any_order() -> None:
    text = "close,volume,date\n60500,3,2023-11-14T22:13:20\n61000,1,2023-11-14T23:14:20+01:00\n"
    assert read_points(text) == [(1_700_000_000_000, D(60500)), (1_700_000_060_000, D(61000))]


def test_iso_times_without_a_header() -> None:
    assert read_points("2023-11-14T22:13:20Z,60500\n") == [(1_700_000_000_000, D(60500))]


def test_iso_times_are_utc_unless_they_say_otherwise() -> None:
    text = "time,price\n2023-11-14T22:13:20,60500\n2023-11-14T23:14:20+01:00,61000\n"
    assert read_points(text) == [(1_700_000_000_000, D(60500)), (1_700_000_060_000, D(61000))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rows"),
        ("when,what\n1,2\n", "a header needs a time column"),
        ("1700000000,60000,1\n", "line 1: expected time,price"),
        ("1700000000,abc\n", "line 1"),
        ("yesterday,60000\n", "a header needs"),
        ("time,price\nyesterday,60000\n", "line 2: not a time"),
        ("time,price\n1700000000,0\n", "line 2: a price must be positive"),
        ("time,price\n1700000000,1\n1700000000000,2\n", "line 3: a second row"),
        ("time,price\n", "no time,price rows"),
    ],
)
def test_bad_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(PriceFileError, match=message):
        read_points(text)

