"""The ASGI application: HTX's routes over one engine."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..service.clock import Clock
from ..service.engine import Engine
from ..service.market import MarketData
from . import routes_market, routes_public, routes_read, routes_trade, wire
from .gateway import Gateway, HttpSettings


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths answer 404 with a JSON body, in the shape HTX's gateway uses."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    reason = "Not Found" if status == 404 else "Method Not Allowed"
    body = {
        "timestamp": gateway_now(request),
        "status": status,
        "error": reason,
        "path": request.url.path,
    }
    return wire.json_response(body, status=status)


def gateway_now(request: Request) -> int:
    gateway: Gateway = request.app.state.gateway
    return gateway.now_ms()


def create_app(
    engine: Engine,
    clock: Clock,
    settings: HttpSettings | None = None,
    market: MarketData | None = None,
) -> Starlette:
    """The app over a built engine. `market` must have subscribed before engine.start() (see
    MarketData.for_engine); without it one is made here, which sees only later trades."""
    app = Starlette(
        routes=[
            *routes_trade.routes,
            *routes_read.routes,
            *routes_public.routes,
            *routes_market.routes,
        ],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.gateway = Gateway(engine, clock, settings or HttpSettings())
    app.state.market = market or MarketData.for_engine(engine)
    return app
