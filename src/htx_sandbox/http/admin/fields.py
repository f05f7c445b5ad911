"""Admin request fields, checked with HTX's codes (1066 empty, 1067 illegal)."""

from __future__ import annotations

from decimal import Decimal

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import UID
from ..core.body import INT64, Body
from ..core.endpoint import Call

PREFIX = "/sandbox-api/v1"


def uid(body: Body, *, required: bool = False) -> UID | None:
    """A uid: 1 to 2^63 - 1."""
    value = body.integer("uid", required=required)
    if value is None:
        return None
    if not 1 <= value < INT64:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    return UID(value)


def required_uid(body: Body) -> UID:
    found = uid(body, required=True)
    assert found is not None
    return found


def required_text(body: Body, name: str) -> str:
    value = body.text(name, required=True)
    assert value is not None
    return value


def required_decimal(body: Body, name: str, *, digits: int, places: int) -> Decimal:
    if not body.has(name):
        raise HtxError(ErrorCode.FIELD_EMPTY, name)
    value = body.decimal(name, digits=digits, places=places)
    assert value is not None
    return value


def positive(body: Body, name: str, *, digits: int, places: int) -> Decimal:
    value = required_decimal(body, name, digits=digits, places=places)
    if value <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def positive_int(body: Body, name: str, high: int = INT64 - 1) -> int | None:
    value = body.integer(name)
    if value is not None and not 1 <= value <= high:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def string_list(body: Body, name: str) -> list[str] | None:
    value = body.fields.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return list(value)


async def require_user(call: Call, uid: UID) -> None:
    if not await call.read(lambda reads: reads.has_user(uid)):
        raise HtxError(ErrorCode.ACCOUNT_NOT_EXIST)
