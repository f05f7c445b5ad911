"""Faults on HTX paths: `POST /faults` arms one (`{"path": "/swap-api/v1/swap_order", "uid": 1,
"count": 2, "err_code": 1032}`, or `"http_status": 502`, `"delay_ms": 1500`, `"drop": true`),
`GET /faults` lists the armed ones with what remains, `DELETE /faults` clears them all.
See http/core/faults.py for how a request meets one.

Closing a UID's WebSocket sessions (issue 16) belongs beside these once the WebSocket server
exists (issue 15): a `POST /sandbox-api/v1/sessions/close` of its own, routed in
http/admin/__init__.py, asking the push hub to close that UID's connections."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ERROR_MESSAGES, ErrorCode, HtxError
from ..core.body import Body
from ..core.endpoint import Call, admin
from ..core.faults import FAULT_KINDS, MAX_COUNT, MAX_DELAY_MS, Fault, FaultKind
from . import fields

_FIELDS = frozenset({"path", "uid", "count", *FAULT_KINDS})


def fault_row(fault: Fault) -> dict[str, Any]:
    row: dict[str, Any] = {
        "fault_id": fault.fault_id,
        "path": fault.path,
        "uid": fault.uid,
        "remaining": fault.remaining,
    }
    row[fault.kind] = True if fault.kind == "drop" else fault.value
    return row


def _kind(body: Body) -> tuple[FaultKind, int]:
    given = [kind for kind in FAULT_KINDS if body.has(kind)]
    if not given:
        raise HtxError(ErrorCode.FIELD_EMPTY, "err_code")
    if len(given) > 1:  # one fault at a time
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, given[1])
    kind = given[0]
    if kind == "drop":
        if body.fields["drop"] is not True:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "drop")
        return kind, 1
    value = body.integer(kind)
    valid = value is not None and (
        (kind == "err_code" and value in ERROR_MESSAGES)
        or (kind == "http_status" and 400 <= value <= 599)
        or (kind == "delay_ms" and 1 <= value <= MAX_DELAY_MS)
    )
    if not valid or value is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, kind)
    return kind, value


@admin
async def arm_fault(call: Call) -> Any:
    body = call.body
    unknown = sorted(set(body.fields) - _FIELDS)
    if unknown:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, unknown[0])
    path = fields.required_text(body, "path")
    # HTX's paths only: the sandbox's own controls are never faulted (they undo faults).
    if path not in call.gateway.paths or path.startswith(fields.PREFIX + "/"):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "path")
    uid = fields.uid(body)
    count = body.integer("count")
    if count is None:
        count = 1
    if not 1 <= count <= MAX_COUNT:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "count")
    kind, value = _kind(body)
    try:
        fault = call.gateway.faults.arm(path, uid, kind, value, count)
    except OverflowError:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "count") from None
    return fault_row(fault)


@admin
async def list_faults(call: Call) -> Any:
    return [fault_row(fault) for fault in call.gateway.faults.listed()]


@admin
async def clear_faults(call: Call) -> Any:
    return {"cleared": call.gateway.faults.clear()}


routes = [
    Route(f"{fields.PREFIX}/faults", list_faults, methods=["GET"]),
    Route(f"{fields.PREFIX}/faults", arm_fault, methods=["POST"]),
    Route(f"{fields.PREFIX}/faults", clear_faults, methods=["DELETE"]),
]
