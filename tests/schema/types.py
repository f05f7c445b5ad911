"""A small language for the JSON shapes of tests/schema/endpoints.py, and its checker.

A shape is one of:

- a type name: ``"int"`` (a JSON integer: HTX's int and long), ``"num"`` (a JSON number,
  integer or not: HTX's decimal), ``"str"``, ``"bool"``, ``"null"``; with a trailing ``?`` it
  may also be null (``"num?"``);
- a dict: an object with exactly these keys (a key ending in ``?`` may be absent), each value
  of its shape; HTX's QA suite validates its answers the same way, extra keys failing;
- ``rows(shape)``: a list of such values, at least one of them unless ``rows(shape, 0)`` (a list
  the exchange of the test leaves empty is then no check of its items: say why where it is
  used);
- ``"level"``: a book level, ``[price, volume]``, two numbers (``"level?"``: or null);
- ``Either(a, b)``: a value of either shape (a TP/SL leg that was not asked for is null).

Numbers are read as Decimal (``json.loads(..., parse_float=Decimal)``), so a JSON number with a
fraction is a Decimal and one without an int; a bool is never a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Shape = Any
"""str | dict[str, Shape] | Rows | Either (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class Rows:
    item: Shape
    at_least: int = 1


@dataclass(frozen=True, slots=True)
class Either:
    first: Shape
    second: Shape


def rows(item: Shape, at_least: int = 1) -> Rows:
    return Rows(item, at_least)


LEVEL = "level"


def _is_type(value: Any, name: str) -> bool:
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "num":
        return isinstance(value, int | Decimal) and not isinstance(value, bool)
    if name == "str":
        return isinstance(value, str)
    if name == "bool":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == LEVEL:
        return (
            isinstance(value, list) and len(value) == 2 and all(_is_type(v, "num") for v in value)
        )
    raise ValueError(f"unknown type name {name!r}")


def problems(value: Any, shape: Shape, where: str = "$") -> list[str]:
    """Every way `value` differs from `shape`, each naming its place ("$.data[0].price")."""
    if isinstance(shape, str):
        name, nullable = shape.removesuffix("?"), shape.endswith("?")
        if value is None and nullable:
            return []
        return [] if _is_type(value, name) else [f"{where}: {value!r} is not {shape}"]
    if isinstance(shape, Either):
        first = problems(value, shape.first, where)
        return [] if not first else problems(value, shape.second, where) and first
    if isinstance(shape, Rows):
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        if len(value) < shape.at_least:
            return [f"{where}: {len(value)} items, the test needs at least {shape.at_least}"]
        return [
            p for i, item in enumerate(value) for p in problems(item, shape.item, f"{where}[{i}]")
        ]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        found: list[str] = []
        names = {key.removesuffix("?") for key in shape}
        for key, inner in shape.items():
            name = key.removesuffix("?")
            if name in value:
                found += problems(value[name], inner, f"{where}.{name}")
            elif not key.endswith("?"):
                found.append(f"{where}: {name} is missing")
        found += [f"{where}: {name} is not documented" for name in value if name not in names]
        return found
    raise ValueError(f"unknown shape {shape!r}")


def number_problems(value: Any, where: str = "$") -> list[str]:
    """Every JSON number with a fraction not printed as HTX prints its figures: at most 18
    decimals (the 1e-18 grid), without trailing zeros (a Decimal read by parse_float keeps the
    digits and the exponent it was written with; see EXPONENT for the notation)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in number_problems(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in number_problems(v, f"{where}[{i}]")]
    if isinstance(value, Decimal):
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        if exponent < -18 or (exponent < 0 and digits[-1] == 0):
            return [f"{where}: {value} is not on the 1e-18 grid without trailing zeros"]
    return []


EXPONENT = re.compile(r"[:\[,]\s*-?[0-9]+(?:\.[0-9]+)?[eE]")
"""A JSON number written with an exponent, in an answer's text (HTX's Java prints a zero of
scale 18 as 0E-18; the sandbox never writes one)."""
