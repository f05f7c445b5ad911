"""Settings a test changes while the sandbox runs: the cancel delay (`GET`/`POST
/cancel-delay`, `{"cancel_delay_ms": 1000}`: how long a cancel stays in status 11) and rate
limits per UID (`GET`/`POST`/`DELETE /rate-limits`, `{"uid": 1, "trade": 5, "read": 72}`: the
requests per window of 3 s of that UID's trade and read buckets)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...service.runtime import MAX_CANCEL_DELAY_MS, SetCancelDelay
from ..core.endpoint import Call, admin
from . import fields

BUCKETS = ("trade", "read")
MAX_LIMIT = 1_000_000
"""Requests per window: anything above is as good as no limit."""


@admin
async def show_cancel_delay(call: Call) -> Any:
    return {"cancel_delay_ms": call.gateway.engine.cancel_delay_ms}


@admin
async def set_cancel_delay(call: Call) -> Any:
    body = call.body
    unknown = sorted(set(body.fields) - {"cancel_delay_ms"})
    if unknown:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, unknown[0])
    ms = body.integer("cancel_delay_ms", required=True)
    if ms is None or not 0 <= ms <= MAX_CANCEL_DELAY_MS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "cancel_delay_ms")
    await call.execute(SetCancelDelay(ms))
    return {"cancel_delay_ms": call.gateway.engine.cancel_delay_ms}


def _limits(call: Call) -> dict[str, Any]:
    limiters = call.gateway.limiters
    uids = sorted({k for b in BUCKETS for k in limiters[b].overrides if isinstance(k, int)})
    return {
        "defaults": {
            b: {"limit": limiters[b].quota.limit, "interval_ms": limiters[b].quota.interval_ms,
                "enabled": limiters[b].enabled}
            for b in BUCKETS
        },
        "uids": [
            {"uid": uid, **{b: limiters[b].overrides.get(uid) for b in BUCKETS}} for uid in uids
        ],
    }  # fmt: skip


@admin
async def show_rate_limits(call: Call) -> Any:
    return _limits(call)


@admin
async def set_rate_limit(call: Call) -> Any:
    """A UID's limit of one or both buckets; null (or absent) leaves a bucket as it is."""
    body = call.body
    unknown = sorted(set(body.fields) - {"uid", *BUCKETS})
    if unknown:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, unknown[0])
    uid = fields.required_uid(body)
    given: dict[str, int] = {}
    for bucket in BUCKETS:
        limit = body.integer(bucket)
        if limit is None:
            continue
        if not 0 <= limit <= MAX_LIMIT:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, bucket)
        given[bucket] = limit
    if not given:
        raise HtxError(ErrorCode.FIELD_EMPTY, "trade")
    for bucket, limit in given.items():
        call.gateway.limiters[bucket].overrides[uid] = limit
    return _limits(call)


@admin
async def clear_rate_limits(call: Call) -> Any:
    """One UID's limits back to the defaults (`uid` given), else every UID's."""
    uid = fields.uid(call.body)
    for bucket in BUCKETS:
        overrides = call.gateway.limiters[bucket].overrides
        if uid is None:
            overrides.clear()
        else:
            overrides.pop(uid, None)
    return _limits(call)


routes = [
    Route(f"{fields.PREFIX}/cancel-delay", show_cancel_delay, methods=["GET"]),
    Route(f"{fields.PREFIX}/cancel-delay", set_cancel_delay, methods=["POST"]),
    Route(f"{fields.PREFIX}/rate-limits", show_rate_limits, methods=["GET"]),
    Route(f"{fields.PREFIX}/rate-limits", set_rate_limit, methods=["POST"]),
    Route(f"{fields.PREFIX}/rate-limits", clear_rate_limits, methods=["DELETE"]),
]
