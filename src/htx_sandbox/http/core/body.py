"""Request bodies as HTX reads them: JSON objects whose numbers may arrive as JSON numbers or as
numeric strings, where null means absent and unknown fields (ccxt's channel_code) are ignored.
Every bad value becomes an HtxError with HTX's code for it, never a 422 or a stack trace."""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

import msgspec
from starlette.types import Receive

from ...domain.bounds import MAX_PRICE_DECIMALS, MAX_PRICE_DIGITS, within
from ...domain.errors import ErrorCode, HtxError

# JSON numbers with a fraction decode straight to Decimal: a price never passes through float.
_decoder = msgspec.json.Decoder(float_hook=Decimal)
E = TypeVar("E", bound=Enum)


class Body:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = {k: v for k, v in fields.items() if v is not None}

    @classmethod
    def parse(cls, raw: bytes) -> Body:
        if not raw.strip():
            return cls({})
        try:
            decoded = _decoder.decode(raw)
        except (msgspec.DecodeError, RecursionError):  # RecursionError: absurdly deep nesting
            raise HtxError(ErrorCode.INPUT_ERROR) from None
        if not isinstance(decoded, dict):
            raise HtxError(ErrorCode.INPUT_ERROR)
        return cls(decoded)

    def has(self, name: str) -> bool:
        value = self.fields.get(name)
        return value is not None and value != ""

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.fields.get(name)
        if value is None or value == "":
            if required:
                raise HtxError(ErrorCode.FIELD_EMPTY, name)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
        return str(value)

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        empty: ErrorCode = ErrorCode.FIELD_EMPTY,
        invalid: ErrorCode = ErrorCode.ILLEGAL_PARAMETER,
    ) -> int | None:
        value = self.fields.get(name)
        if value is None or value == "":
            if required:
                raise HtxError(empty, name)
            return None
        number = _as_integer(value)
        if number is None:
            raise HtxError(invalid, name)
        return number

    def decimal(
        self,
        name: str,
        *,
        digits: int,
        places: int,
        invalid: ErrorCode = ErrorCode.ILLEGAL_PARAMETER,
    ) -> Decimal | None:
        """A number below 10^digits in magnitude with at most `places` decimals (trailing
        zeros aside); `invalid` for anything else. The bounds keep every value the domain
        computes with inside its exact arithmetic (domain/bounds.py)."""
        value = self.fields.get(name)
        if value is None or value == "":
            return None
        number = _as_decimal(value)
        if number is None or not within(number, digits=digits, places=places):
            raise HtxError(invalid, name)
        return number

    def price(self, name: str) -> Decimal | None:
        """A limit or trigger price: 1067 if not a number, 1069 if not positive or not below
        10^15, 1038 if finer than the finest tick (a contract's own grid is the domain's)."""
        value = self.fields.get(name)
        if value is None or value == "":
            return None
        number = _as_decimal(value)
        if number is None or not number.is_finite():
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
        if number <= 0 or number.adjusted() >= MAX_PRICE_DIGITS:
            raise HtxError(ErrorCode.PRICE_NOT_REASONABLE)
        if not within(number, digits=MAX_PRICE_DIGITS, places=MAX_PRICE_DECIMALS):
            raise HtxError(ErrorCode.PRICE_PRECISION)
        return number

    def choice(
        self,
        name: str,
        kind: type[E],
        code: ErrorCode,
        *,
        required: bool,
        allowed: Container[E] | None = None,
    ) -> E | None:
        """A member of `kind` (of `allowed`, when the endpoint takes only some); else `code`."""
        value = self.fields.get(name)
        if value is None or value == "":
            if required:
                raise HtxError(ErrorCode.FIELD_EMPTY, name)
            return None
        try:
            member = kind(value)
        except ValueError:
            raise HtxError(code) from None
        if allowed is not None and member not in allowed:
            raise HtxError(code)
        return member

    def id_list(self, name: str) -> list[str]:
        """A comma-separated id list, sent as a string (or, by some clients, a number)."""
        value = self.fields.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
        return [part.strip() for part in str(value).split(",") if part.strip()]


INT64 = 2**63


def unsigned(text: str) -> int | None:
    """Plain ASCII digits of a 64-bit integer, else None: checked before int(), which refuses
    strings of over 4,300 digits with a ValueError and is slow on long ones."""
    if len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number < INT64 else None


def _as_decimal(value: Any) -> Decimal | None:
    """A JSON number or numeric string as a Decimal (exact: never through float)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _as_integer(value: Any) -> int | None:
    """An integer within 64 bits (HTX's long), from a JSON number or a numeric string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -INT64 <= value < INT64 else None
    if isinstance(value, str):
        text = value.strip()
        body = text[1:] if text[:1] in "+-" else text
        if body.isdigit() and body.isascii():
            return _as_integer(int(text)) if len(body) <= 19 else None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
    if isinstance(value, Decimal):
        # Checked before int(): 1e3000000 would otherwise become a three-million-digit int.
        if not value.is_finite() or value.adjusted() > 18 or value != value.to_integral_value():
            return None
        return _as_integer(int(value))
    return None


MAX_BODY_BYTES = 64 * 1024
"""A batch of 25 orders is about 6 KiB; anything far larger is not a request HTX accepts."""


async def read_body(receive: Receive) -> bytes:
    """The whole request body; 1030 beyond MAX_BODY_BYTES or when the client disconnects."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # The client went (or the server closed a slow body): what came may still parse
            # as a whole request, and must not run. The error reply goes nowhere.
            raise HtxError(ErrorCode.INPUT_ERROR)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HtxError(ErrorCode.INPUT_ERROR)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
