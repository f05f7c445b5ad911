"""JSON on the wire as HTX writes it: Decimals as JSON numbers, HTX's envelopes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from starlette.responses import Response

from ..domain.errors import HtxError

_encoder = msgspec.json.Encoder(decimal_format="number")
JSON = "application/json"


_ZERO_RAW = msgspec.Raw(b"0")


def num(value: Decimal) -> msgspec.Raw:
    """A Decimal as a JSON number the way HTX prints it: plain digits, never an exponent
    (0.000000333333333333, not 3.33333333333E-7; 0, not 0E-18), without the trailing zeros
    of the 1e-18 grid (10, not 10.000000000000000000), so one figure never prints two ways."""
    return msgspec.Raw(text(value).encode()) if value else _ZERO_RAW


def text(value: Decimal) -> str:
    """A Decimal as HTX's string fields print it: no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def encode(body: Any) -> bytes:
    return _encoder.encode(body)


def ok_body(data: Any, ts: int) -> dict[str, Any]:
    return {"status": "ok", "data": data, "ts": ts}


def error_body(err: HtxError, lang: str, ts: int) -> dict[str, Any]:
    """HTX's error envelope, sent with HTTP 200: clients read err_code, not the HTTP status."""
    return {"status": "error", "err_code": err.code, "err_msg": err.wire_message(lang), "ts": ts}


def gateway_error_body(message: str, ts: int) -> dict[str, Any]:
    """The gateway's own rejections (authentication) carry code 403 and a bilingual text."""
    return {"status": "error", "err_code": 403, "err_msg": message, "ts": ts}


def json_response(body: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return Response(_encoder.encode(body), status_code=status, media_type=JSON, headers=headers)


def ok(data: Any, ts: int, headers: dict[str, str] | None = None) -> Response:
    return json_response(ok_body(data, ts), headers)


def error(err: HtxError, lang: str, ts: int, headers: dict[str, str] | None = None) -> Response:
    return json_response(error_body(err, lang, ts), headers)
