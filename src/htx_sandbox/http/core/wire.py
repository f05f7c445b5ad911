"""JSON on the wire as HTX writes it: Decimals as JSON numbers, never floats, never exponents."""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

import msgspec
from starlette.responses import Response

_encoder = msgspec.json.Encoder(decimal_format="number")
# normalize() rounds to its context's precision: the event loop's default 28 digits would cut
# a figure that the engine's 60-digit context computed exactly.
_NORMALIZE = Context(prec=60).normalize
JSON = "application/json"
_ZERO_RAW = msgspec.Raw(b"0")


def num(value: Decimal) -> msgspec.Raw:
    """A Decimal as a JSON number the way HTX prints it: plain digits, never an exponent
    (0.000000333333333333, not 3.33333333333E-7; 0, not 0E-18), without the trailing zeros
    of the 1e-18 grid (10, not 10.000000000000000000), so one figure never prints two ways."""
    return msgspec.Raw(text(value).encode()) if value else _ZERO_RAW


def num_or_null(value: Decimal | None) -> msgspec.Raw | None:
    """`num`, or JSON null for a figure that is not there (yet)."""
    return None if value is None else num(value)


def text(value: Decimal) -> str:
    """A Decimal as HTX's string fields print it: no exponent, no trailing zeros."""
    return format(_NORMALIZE(value), "f")


def encode(body: Any) -> bytes:
    return _encoder.encode(body)


def gateway_error_body(message: str, ts: int) -> dict[str, Any]:
    """The gateway's own rejections (authentication) carry code 403 and a bilingual text."""
    return {"status": "error", "err_code": 403, "err_msg": message, "ts": ts}


def json_response(body: Any, status: int = 200) -> Response:
    """For the answers outside the endpoints (unknown paths)."""
    return Response(_encoder.encode(body), status_code=status, media_type=JSON)
