"""Public /swap-api/ endpoints and the server's own: contract list, server time, heartbeat."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.types import Millis
from ...service.queries import Reads
from ..core.endpoint import Call, public
from ..core.envelopes import BARE_ENVELOPE
from ..shapes.contracts import contract
from . import fields


@public()
async def swap_contract_info(call: Call) -> Any:
    code = call.query.get("contract_code") or None
    now = Millis(call.gateway.now_ms())

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [contract(c, now) for c in reads.contracts(code)]

    return await call.read(read)


@public(BARE_ENVELOPE, bucket=None)
async def timestamp(call: Call) -> Any:
    """Clock sync: `{"status":"ok","ts":...}` with no data, as HTX answers it."""
    return None


HEARTBEAT = {
    "heartbeat": 1,
    "estimated_recovery_time": None,
    "swap_heartbeat": 1,
    "swap_estimated_recovery_time": None,
    "linear_swap_heartbeat": 1,
    "linear_swap_estimated_recovery_time": None,
}


@public(bucket=None)
async def heartbeat(call: Call) -> Any:
    return HEARTBEAT


routes = [
    Route(fields.V1 + "swap_contract_info", swap_contract_info, methods=["GET"]),
    Route("/api/v1/timestamp", timestamp, methods=["GET"]),
    Route("/heartbeat/", heartbeat, methods=["GET"]),
]
