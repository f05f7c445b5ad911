"""The WebSocket side of one app: the push hub over the engine, the feeds, the three services.

Built by `create_app` and kept in `app.state.ws`; a route's endpoint finds it there. The hub
is bound to the server's event loop by the first connection.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.types import Send
from starlette.websockets import WebSocket

from ...domain.types import UID
from ...service.push import PushHub
from ..core.gateway import Gateway
from . import session
from .fanout import Fanout
from .market.book import Book
from .market.detail import Detail
from .market.klines import INDEX_SPECS, KLINES, Klines
from .market.service import MarketService
from .market.topics import Kind
from .market.trades import TradeDetail
from .notification import NotificationService, authenticated_uid
from .session import Service, Session
from .settings import WsSettings

log = logging.getLogger(__name__)
TOO_MANY_CONNECTIONS = 1013
SERVICE_RESTART = 1012
"""RFC 6455 "Service Restart": a reset or a snapshot's restore replaced the exchange the
session was following (HTX's sessions end when its servers restart; clients reconnect)."""


class WsServer:
    def __init__(self, gateway: Gateway, settings: WsSettings | None = None) -> None:
        self.gateway = gateway
        self.settings = settings or WsSettings()
        self.hub = hub = PushHub(gateway.engine)
        self.fanout = fanout = Fanout()
        """One round for the three services: each connection's frames keep publish order."""
        market, engine = gateway.market, gateway.engine
        self.trades = TradeDetail(hub, fanout, market)
        self.book = Book(
            hub, fanout, market, self.settings.step_depth_interval_s,
            self.settings.high_freq_interval_s, self.settings.step_depth_refresh_s,
        )  # fmt: skip
        self.detail = Detail(hub, fanout, market)
        quiet = self.settings.quiet_check_s
        self.klines = Klines(hub, fanout, engine, market, (KLINES,), quiet)
        self.index_klines = Klines(hub, fanout, engine, market, INDEX_SPECS, quiet)
        market_kinds: list[Kind] = [self.klines, self.book, self.detail, self.trades]
        index_kinds: list[Kind] = [self.index_klines]
        self.market = MarketService("/swap-ws", market_kinds, market.knows)
        self.index = MarketService("/ws_index", index_kinds, market.knows)
        self.notification = NotificationService(
            hub, fanout, market.knows, lambda: gateway.engine.api_keys, gateway.settings.auth,
            self.settings,
        )
        self._per_ip: dict[str, int] = {}
        self.live: set[Session] = set()
        """Every open session of the three services."""
        self._loop: asyncio.AbstractEventLoop | None = None
        gateway.sessions = self
        gateway.engine.on_rebuild(self._rebuilt)

    def close_sessions(self, uid: UID | None, reason: str, code: int = SERVICE_RESTART) -> int:
        """Close every open session (`uid` None) or those /swap-notification sessions logged
        in as `uid`, with `code` and `reason`; how many. On the event loop."""
        chosen = [s for s in self.live if uid is None or authenticated_uid(s) == uid]
        for found in chosen:
            log.info("%s: closed by the sandbox: %s", found.sender.name, reason)
            found.sender.close(code, reason)
        return len(chosen)

    def _rebuilt(self, how: str) -> None:
        """The engine rebuilt the exchange (a reset or a restore; on its thread): what every
        session was sent no longer follows from what it will be sent, so each is closed, as
        HTX's end when its servers restart."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            what = "restored to a snapshot" if how == "restore" else "reset"
            loop.call_soon_threadsafe(self.close_sessions, None, f"the exchange was {what}")

    async def serve(self, websocket: WebSocket, service: Service, send: Send) -> None:
        """Run one connection; `send` is its ASGI send (the Sender writes frames with it)."""
        loop = asyncio.get_running_loop()
        self.hub.bind(loop)
        if self._loop is None:
            self._loop = loop
        ip = websocket.client.host if websocket.client else ""
        count = self._per_ip.get(ip, 0)
        if count >= self.settings.max_connections_per_ip:
            log.warning("%s: WebSocket refused, %d connections from %s", service.name, count, ip)
            await websocket.accept()  # so that the client reads the reason, not a bare 403
            await websocket.close(TOO_MANY_CONNECTIONS, "too many connections from this address")
            return
        self._per_ip[ip] = count + 1
        try:
            await session.serve(
                websocket, send, service, self.gateway.clock, self.settings, self.fanout,
                self.live, self.gateway.wall,
            )  # fmt: skip
        finally:
            left = self._per_ip[ip] - 1
            if left:
                self._per_ip[ip] = left
            else:
                del self._per_ip[ip]
