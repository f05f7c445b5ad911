"""A UID's account history (signed, read): `POST /swap-api/v3/swap_financial_record` and
`swap_financial_record_exact` (HTX documents the two alike: every balance change with its type
code, in a window of at most 48 h within 90 days, paged by query_id), and
`POST /swap-api/v1/swap_user_settlement_records` (one record per settlement)."""

from __future__ import annotations

from typing import Any, Literal

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis
from ...service.ports import FinancialRecordQuery, SettlementQuery
from ...service.queries import Reads
from ..core.body import Body, unsigned
from ..core.endpoint import Call, private
from ..core.envelopes import V3_ENVELOPE
from ..shapes import funding as shapes
from . import fields
from .funding import settlement_window

WINDOW_MS = 48 * 3_600_000
MAX_AGE_MS = 90 * 86_400_000
RECORDS_PER_PAGE = 100
"""HTX states no page size for v3 financial records; v3 match results allow at most 100."""
DIRECTIONS: dict[str, Literal["prev", "next"]] = {"prev": "prev", "next": "next"}
MAX_TYPES = 50
"""More codes than HTX documents (about 30): a longer list is refused, not searched."""


def record_types(body: Body) -> tuple[int, ...]:
    """`type`: a comma-separated list of record type codes ("30,31"); absent: all. A code
    that is no number is 1067; a number HTX does not write here matches nothing."""
    text = body.text("type")
    if text is None:
        return ()
    parts = [part.strip() for part in text.split(",")]
    codes = [unsigned(part) for part in parts]
    if len(parts) > MAX_TYPES or any(code is None for code in codes):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "type")
    return tuple(sorted({code for code in codes if code is not None}))


def record_window(body: Body, now: int) -> tuple[Millis, Millis]:
    """end_time (default now) and start_time (default end - 48 h): at most 48 h apart, within
    the last 90 days; 1067 otherwise."""
    end = body.integer("end_time")
    start = body.integer("start_time")
    end = now if end is None else end
    start = end - WINDOW_MS if start is None else start
    if not now - MAX_AGE_MS <= end <= now:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "end_time")
    if not (end - WINDOW_MS <= start <= end and start >= now - MAX_AGE_MS):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "start_time")
    return Millis(start), Millis(end)


def direction(body: Body) -> Literal["prev", "next"]:
    value = body.text("direct")
    if value is None:
        return "prev"
    found = DIRECTIONS.get(value.lower())
    if found is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "direct")
    return found


@private("read", V3_ENVELOPE)
async def swap_financial_record(call: Call) -> Any:
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    types = record_types(body)
    start, end = record_window(body, call.now)
    direct = direction(body)
    from_id = body.integer("from_id")
    if from_id is not None and from_id < 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "from_id")
    uid = call.uid

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        found = reads.financial_records(FinancialRecordQuery(
            uid, contract.contract_code, start, end, types, direct, from_id, RECORDS_PER_PAGE
        ))  # fmt: skip
        return [shapes.financial_record(r) for r in found]

    return await call.read(read)


@private("read")
async def swap_user_settlement_records(call: Call) -> Any:
    """The UID's settlement records on a contract, newest first, paged."""
    code = fields.contract_code(call.body, required=True)
    assert code is not None
    start, end = settlement_window(call.body, call.now)
    index, size = fields.page(call.body)
    uid = call.uid

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        query = SettlementQuery(contract.contract_code, start, end, index, size, uid)
        found, total = reads.user_settlements(query)
        rows = [shapes.user_settlement_record(u) for u in found]
        return fields.paged("settlement_records", rows, total, index, size)

    return await call.read(read)


routes = [
    Route(fields.V3 + "swap_financial_record", swap_financial_record, methods=["POST"]),
    Route(fields.V3 + "swap_financial_record_exact", swap_financial_record, methods=["POST"]),
    Route(
        fields.V1 + "swap_user_settlement_records", swap_user_settlement_records, methods=["POST"]
    ),
]
