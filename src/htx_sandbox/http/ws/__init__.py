"""HTX's three WebSocket services on the REST host and port: /swap-ws (market data), /ws_index
(index and basis data) and /swap-notification (orders, accounts, positions; public feeds).

The path of one push: the engine commits a batch and calls the push hub (service/push.py) on
its thread; each feed with subscribers captures what the batch means for it; the hub hands
the captures to the event loop in commit order; there each feed shapes its messages and
`Channels.publish` gzips each once and queues the bytes on every subscriber's `Sender`
(bounded: a connection too far behind is closed, never skipped). See docs/architecture.md.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from .server import WsServer
from .settings import WsSettings

__all__ = ["WsServer", "WsSettings", "routes"]


def _server(websocket: WebSocket) -> WsServer:
    server: WsServer = websocket.app.state.ws
    return server


async def swap_ws(websocket: WebSocket) -> None:
    server = _server(websocket)
    await server.serve(websocket, server.market)


async def ws_index(websocket: WebSocket) -> None:
    server = _server(websocket)
    await server.serve(websocket, server.index)


async def swap_notification(websocket: WebSocket) -> None:
    server = _server(websocket)
    await server.serve(websocket, server.notification)


routes: list[BaseRoute] = [
    WebSocketRoute("/swap-ws", swap_ws),
    WebSocketRoute("/ws_index", ws_index),
    WebSocketRoute("/swap-notification", swap_notification),
]
