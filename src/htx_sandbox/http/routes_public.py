"""Public endpoints: contract list, server time, heartbeat."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.exchange import Exchange
from ..domain.types import Millis
from . import views, wire
from .gateway import gateway_of, public
from .routes_read import _contracts


@public
async def swap_contract_info(request: Request) -> Any:
    gateway = gateway_of(request)
    code = request.query_params.get("contract_code") or None
    now = Millis(gateway.now_ms())

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        return [views.contract(c, now) for c in _contracts(exchange, code)]

    return await gateway.read(read)


async def timestamp(request: Request) -> Response:
    """Clock sync: `{"status":"ok","ts":...}` with no data, as HTX answers it."""
    return wire.json_response({"status": "ok", "ts": gateway_of(request).now_ms()})


async def heartbeat(request: Request) -> Response:
    data = {
        "heartbeat": 1,
        "estimated_recovery_time": None,
        "swap_heartbeat": 1,
        "swap_estimated_recovery_time": None,
        "linear_swap_heartbeat": 1,
        "linear_swap_estimated_recovery_time": None,
    }
    return wire.ok(data, gateway_of(request).now_ms())


routes = [
    Route("/swap-api/v1/swap_contract_info", swap_contract_info, methods=["GET"]),
    Route("/api/v1/timestamp", timestamp, methods=["GET"]),
    Route("/heartbeat/", heartbeat, methods=["GET"]),
]
