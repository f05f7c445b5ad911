"""The ASGI application: HTX's routes over one engine."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..service.clock import Clock
from ..service.engine import Engine
from ..service.market import MarketData
from . import admin, routes_extra, routes_market, routes_public, routes_read, routes_trade, wire
from .gateway import Gateway, HttpSettings, PrivateEndpoint


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


class HotPaths:
    """The signed endpoints by exact path, ahead of Starlette's router and middleware: every
    order and cancel takes this path, so it costs one dict lookup. Anything else (other
    methods, other paths, lifespan) goes to the Starlette app unchanged."""

    def __init__(self, app: Starlette, endpoints: dict[str, PrivateEndpoint]) -> None:
        self.app = app
        self.endpoints = endpoints
        self.state = app.state
        self.gateway: Gateway = app.state.gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            endpoint = self.endpoints.get(scope["path"])
            if endpoint is not None:
                scope["app"] = self.app
                await endpoint.serve(self.gateway, scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    engine: Engine,
    clock: Clock,
    settings: HttpSettings | None = None,
    market: MarketData | None = None,
    admin_token: str | None = None,
) -> HotPaths:
    """The app over a built engine. `market` must have subscribed before engine.start() (see
    MarketData.for_engine); without it one is made here, which sees only later trades.
    `admin_token` opens the admin API (/sandbox-api/v1/); without one it answers 401 to all."""
    app = Starlette(
        routes=[
            *routes_trade.routes,
            *routes_read.routes,
            *routes_public.routes,
            *routes_market.routes,
            *routes_extra.routes,
            *admin.routes,
        ],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    # A path with a slash too many is unknown, as on HTX: a 307 to another path would make
    # a client's POST land where it did not send it.
    app.router.redirect_slashes = False
    app.state.gateway = Gateway(engine, clock, settings or HttpSettings())
    app.state.market = market or MarketData.for_engine(engine)
    app.state.admin = admin.Admin(admin_token)
    hot = {
        route.path: route.endpoint
        for route in [*routes_trade.routes, *routes_read.routes, *routes_extra.routes]
        if isinstance(route, Route) and isinstance(route.endpoint, PrivateEndpoint)
    }
    return HotPaths(app, hot)
