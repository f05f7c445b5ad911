"""Value parsers of the command line: each takes what a flag, an environment variable or a TOML
file gave and returns the typed value, or raises ValueError with a one-line reason.

A TOML file gives ints, bools and Decimals (floats are parsed as Decimal) as well as strings;
flags and variables give strings only. argtype() turns a parser into an argparse type.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def path(value: object) -> Path:
    return Path(text(value)).expanduser()


def integer(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected an integer, got {value!r}")


def positive_integer(value: object) -> int:
    number = integer(value)
    if number <= 0:
        raise ValueError(f"expected a positive integer, got {number}")
    return number


def integer_between(low: int, high: int) -> Callable[[object], int]:
    """An integer from `low` to `high`, both included."""

    def parse(value: object) -> int:
        number = integer(value)
        if not low <= number <= high:
            raise ValueError(f"expected an integer from {low} to {high}, got {number}")
        return number

    return parse


def port(value: object) -> int:
    number = integer(value)
    if not 0 <= number <= 65535:
        raise ValueError(f"expected a port number 0-65535, got {number}")
    return number


def decimal_value(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    else:
        raise ValueError(f"expected a number, got {value!r}")
    if not number.is_finite():
        raise ValueError(f"expected a number, got {value!r}")
    return number


def positive_decimal(value: object) -> Decimal:
    number = decimal_value(value)
    if number <= 0:
        raise ValueError(f"expected a positive number, got {value}")
    return number


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise ValueError(f"expected true or false, got {value!r}")


_DURATION_UNITS = {"ms": 1, "s": SECOND_MS, "m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS}


def duration_ms(value: object) -> int:
    """A duration: an integer of milliseconds, or a number with a unit (90s, 30m, 2h, 1.5d)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        digits = lowered.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = _DURATION_UNITS.get(lowered[len(digits) :] or "ms")
        try:
            amount = Decimal(digits.strip())
        except InvalidOperation:
            amount = None
        # adjusted(): a huge exponent (1e999999999) must not become a billion-digit int.
        if unit is not None and amount is not None and amount.is_finite() and (
            amount.adjusted() < 18
        ):
            milliseconds = amount * unit
            if milliseconds == milliseconds.to_integral_value():
                return int(milliseconds)
    raise ValueError(f"expected a duration such as 90s, 30m, 2h or milliseconds, got {value!r}")


def duration_between(low_ms: int, high_ms: int, low: str, high: str) -> Callable[[object], int]:
    """duration_ms within [low_ms, high_ms]; `low` and `high` name the bounds in messages."""

    def parse(value: object) -> int:
        milliseconds = duration_ms(value)
        if not low_ms <= milliseconds <= high_ms:
            raise ValueError(
                f"expected a duration from {low} to {high}, got {value!r} ({milliseconds} ms)"
            )
        return milliseconds

    parse.__name__ = "duration"
    return parse


def choice(*choices: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")

    parse.__name__ = "choice"
    return parse


def argtype(parse: Callable[[object], Any], name: str | None = None) -> Callable[[str], Any]:
    """A value parser as an argparse type: a ValueError becomes a one-line usage error."""

    def convert(given: str) -> Any:
        try:
            return parse(given)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    # argparse names the type in "invalid <name> value" messages.
    convert.__name__ = name or parse.__name__.strip("_")
    return convert
