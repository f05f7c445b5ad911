"""HTX's three WebSocket services on the REST host and port: /swap-ws (market data), /ws_index
(index and basis data) and /swap-notification (orders, accounts, positions; public feeds).

The path of one push: the engine commits a batch and calls the push hub (service/push.py) on
its thread; each feed with subscribers captures what the batch means for it; the hub hands
the captures to the event loop in commit order; there each feed shapes its messages and
`Channels.publish` gzips each once and queues the bytes on every subscriber's `Sender`
(bounded: a connection too far behind is closed, never skipped). See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from .protocol import PushProtocol
from .server import WsServer
from .session import Service
from .settings import WsSettings

__all__ = ["PushProtocol", "WsServer", "WsSettings", "endpoints", "routes"]


class _Endpoint:
    """One service's ASGI endpoint (a class, so Starlette hands it the ASGI triple): Starlette's
    WebSocket for the handshake, reads and close, and the ASGI `send` itself for the frames, so
    that a push costs each subscriber one ASGI call and not the WebSocket wrapper's state checks
    too (the connection's Sender writes only between accept and close)."""

    def __init__(self, service: Callable[[WsServer], Service]) -> None:
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        server: WsServer = websocket.app.state.ws
        await server.serve(websocket, self.service(server), send)


endpoints: dict[str, _Endpoint] = {
    "/swap-ws": _Endpoint(lambda server: server.market),
    "/ws_index": _Endpoint(lambda server: server.index),
    "/swap-notification": _Endpoint(lambda server: server.notification),
}
"""Path -> endpoint: the app's HotPaths calls them ahead of Starlette's middleware, so the
`send` a Sender writes with is the server's own (no wrapper per frame)."""

routes: list[BaseRoute] = [WebSocketRoute(path, app) for path, app in endpoints.items()]
