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
    (0.000000333333333333, not 3.33333333333E-7; 0, not 0E-18)."""
    return msgspec.Raw(format(value, "f").encode()) if value else _ZERO_RAW


def json_response(body: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return Response(_encoder.encode(body), status_code=status, media_type=JSON, headers=headers)


def ok(data: Any, ts: int, headers: dict[str, str] | None = None) -> Response:
    return json_response({"status": "ok", "data": data, "ts": ts}, headers)


def error(err: HtxError, lang: str, ts: int, headers: dict[str, str] | None = None) -> Response:
    """HTTP 200 with HTX's error envelope: clients read err_code, never the HTTP status."""
    body = {
        "status": "error",
        "err_code": err.code,
        "err_msg": err.wire_message(lang),
        "ts": ts,
    }
    return json_response(body, headers)


def gateway_error(message: str, ts: int, headers: dict[str, str] | None = None) -> Response:
    """The gateway's own rejections (authentication) carry code 403 and a bilingual text."""
    body = {"status": "error", "err_code": 403, "err_msg": message, "ts": ts}
    return json_response(body, headers)
