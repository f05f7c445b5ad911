"""JSON on the wire as HTX writes it: Decimals as JSON numbers on the 1e-18 grid, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(decimal_format="number")
# normalize() rounds to its context's precision: the event loop's default 28 digits would cut
# a figure that the engine's 60-digit context computed exactly.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
_NORMALIZE = _CONTEXT.normalize
_GRID = Decimal("1e-18")
GRID_DECIMALS = 18
"""HTX prints its coin figures with 18 decimals: every figure goes out on that grid."""
JSON = "application/json"
_ZERO_RAW = msgspec.Raw(b"0")


_PRINTED: dict[Decimal, msgspec.Raw] = {}
"""num's answers by value: prices, sizes and fees repeat, and printing one costs ten times the
lookup. Equal Decimals print alike (the text is of the normalized value), so the value is the
key. Both threads read it (a dict's get and set are atomic); at `_PRINTED_MAX` it starts over."""
_PRINTED_MAX = 1 << 16


def num(value: Decimal) -> msgspec.Raw:
    """A Decimal as a JSON number on the 1e-18 grid, in plain digits (0.000000333333333333, not
    3.33333333333E-7; 0, where HTX's Java prints a zero of scale 18 as 0E-18), without the
    grid's trailing zeros (10, not 10.000000000000000000), so one figure never prints two ways."""
    if not value:
        return _ZERO_RAW
    printed = _PRINTED.get(value)
    if printed is None:
        if len(_PRINTED) >= _PRINTED_MAX:
            _PRINTED.clear()
        printed = _PRINTED[value] = msgspec.Raw(text(value).encode())
    return printed


def num_or_null(value: Decimal | None) -> msgspec.Raw | None:
    """`num`, or JSON null for a figure that is not there (yet)."""
    return None if value is None else num(value)


def text(value: Decimal) -> str:
    """A Decimal as HTX's string fields print it: no exponent, no trailing zeros, on the 1e-18
    grid (a ratio such as profit_rate, computed to 60 digits, is rounded half even to it)."""
    printed = format(_NORMALIZE(value), "f")
    dot = printed.find(".")
    if dot < 0 or len(printed) - dot - 1 <= GRID_DECIMALS:
        return printed  # the common case: already on the grid, a find and a length
    if value.adjusted() >= 40:  # beyond what quantize can hold in 60 digits (never computed)
        return printed
    on_grid = value.quantize(_GRID, context=_CONTEXT)
    return format(_NORMALIZE(on_grid), "f") if on_grid else "0"  # never "-0"


def encode(body: Any) -> bytes:
    return _encoder.encode(body)


def gateway_error_body(message: str, ts: int) -> dict[str, Any]:
    """The gateway's own rejections (authentication) carry code 403 and a bilingual text."""
    return {"status": "error", "err_code": 403, "err_msg": message, "ts": ts}
