"""The ASGI application: every family's routes over one engine.

Requests for an exact path that an endpoint declares skip Starlette's router (one dict lookup):
the table is derived from the routes themselves, so a new family cannot be forgotten there.
Starlette still serves what the table does not hold: paths with parameters, HEAD, unknown paths
and methods (404/405 as JSON), and lifespan.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ..service.clock import Clock
from ..service.engine import Engine
from ..service.fixtures import Fixtures
from ..service.market import MarketData
from ..service.price_source import PriceSource
from . import admin, dashboard, market, swap, ws
from .auth.admin_token import AdminToken
from .core import wire
from .core.endpoint import Endpoint
from .core.gateway import Gateway, HttpSettings

ROUTES: list[BaseRoute] = [*swap.routes, *market.routes, *admin.routes, *ws.routes]
"""Every endpoint (each an `Endpoint`, core/endpoint.py) and the WebSocket services (ws/). The
app also serves the dashboard's static files (`dashboard.routes`), which are neither."""


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths answer 404 with a JSON body, in the shape HTX's gateway uses."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    reason = "Not Found" if status == 404 else "Method Not Allowed"
    gateway: Gateway = request.app.state.gateway
    body = {
        "timestamp": gateway.now_ms(),
        "status": status,
        "error": reason,
        "path": request.url.path,
    }
    # Outside the endpoints: no envelope, the same encoder (wire.py imports no web framework:
    # the socket relay's process imports it).
    return Response(wire.encode(body), status_code=status, media_type=wire.JSON)


def exact_paths(routes: list[BaseRoute]) -> dict[tuple[str, str], Endpoint]:
    """(method, path) -> endpoint for every route without path parameters."""
    table: dict[tuple[str, str], Endpoint] = {}
    for route in routes:
        if isinstance(route, Route) and isinstance(route.endpoint, Endpoint):
            if route.param_convertors:
                continue
            for method in route.methods or ():
                if method != "HEAD":
                    table[(method, route.path)] = route.endpoint
    return table


class HotPaths:
    """The exact-path table ahead of Starlette's router and middleware, and the WebSocket
    services (each pushed frame then costs one call into the server, not one per middleware
    layer too). Anything else goes to the Starlette app unchanged."""

    def __init__(self, app: Starlette, endpoints: dict[tuple[str, str], Endpoint]) -> None:
        self.app = app
        self.endpoints = endpoints
        self.state = app.state
        self.gateway: Gateway = app.state.gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.endpoints.get((scope["method"], scope["path"]))
            if endpoint is not None:
                scope["app"] = self.app
                await endpoint.serve(self.gateway, scope, receive, send)
                return
        elif scope["type"] == "websocket":
            socket = ws.endpoints.get(scope["path"])
            if socket is not None:
                scope["app"] = self.app
                await socket(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    engine: Engine,
    clock: Clock,
    settings: HttpSettings | None = None,
    market: MarketData | None = None,
    admin_token: str | None = None,
    prices: PriceSource | None = None,
    fixtures: Fixtures | None = None,
    ws_settings: ws.WsSettings | None = None,
) -> HotPaths:
    """The app over a built engine. `market` must have subscribed before engine.start() (see
    MarketData.for_engine); without it one is made here, which sees only later trades.
    `admin_token` opens the admin API (/sandbox-api/v1/); without one it answers 401 to all.
    `prices` is the index price source the admin API drives (a passive one when not given);
    `fixtures` what the admin API's reset brings back (None: an empty exchange).
    `ws_settings` are the WebSocket services' limits."""
    app = Starlette(
        routes=[*ROUTES, *dashboard.routes],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    # A path with a slash too many is unknown, as on HTX: a 307 to another path would make
    # a client's POST land where it did not send it.
    app.router.redirect_slashes = False
    gateway = Gateway(
        engine, clock, settings or HttpSettings(), market, AdminToken(admin_token), prices,
        fixtures,
    )
    gateway.paths = frozenset(r.path for r in ROUTES if isinstance(r, Route))
    app.state.gateway = gateway
    app.state.ws = ws.WsServer(gateway, ws_settings)
    return HotPaths(app, exact_paths(ROUTES))
