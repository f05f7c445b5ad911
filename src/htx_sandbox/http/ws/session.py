"""One WebSocket connection of any of the three services: accept, read client frames, keep the
heartbeat, and clean up. What the frames mean is the service's (`Service`): /swap-ws and
/ws_index speak `sub`/`req`/`unsub` with `{"ping": n}`, /swap-notification speaks `op`.

Client frames are read one at a time and answered in order; a frame that is not a JSON object
gets the service's error answer and the connection stays. Every `ping_interval_s` the server
sends the service's ping; after `ping_misses` pings in a row without a pong it closes the
connection (close code 1008, the reason says why). WebSocket protocol pings (RFC 6455, what
ccxt sends) are answered by the server below this (uvicorn's websockets protocol, as
`protocol.PushProtocol` extends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

from starlette.types import Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ...service.clock import Clock
from ..core import frames
from . import protocol
from .fanout import Fanout
from .sender import Sender
from .settings import WsSettings

log = logging.getLogger(__name__)
HEARTBEAT_LOST = 1008
"""RFC 6455 "Policy Violation": the client stopped answering the heartbeat."""


class Service(Protocol):
    name: str
    """The path, for log lines."""

    def ping(self, ts: int) -> Any:
        """The heartbeat message."""
        ...

    async def handle(self, session: Session, message: Any) -> None:
        """One client frame (decoded JSON: any value). Must answer bad input itself."""
        ...

    def invalid(self, session: Session, text: str) -> None:
        """A frame that is not JSON."""
        ...

    def closed(self, session: Session) -> None:
        """The connection is over: drop its subscriptions."""
        ...


_WINDOWS = "rate-windows"


class Session:
    """A connection as the services see it: `send` a message, `sender` to subscribe."""

    def __init__(
        self,
        websocket: WebSocket,
        sender: Sender,
        clock: Clock,
        settings: WsSettings,
        wall: Clock | None = None,
    ) -> None:
        self.websocket = websocket
        self.sender = sender
        self.clock = clock
        self.wall = wall if wall is not None else clock
        """The clock the rate windows run on: the wall clock under the exchange's (REST's)."""
        self.settings = settings
        self.unanswered = 0
        self.state: dict[str, Any] = {}
        """What a service keeps per connection (rate windows, authentication ...)."""

    def send(self, message: Any) -> None:
        """A reply or push for this connection alone."""
        self.sender.offer(frames.pack(message, shared=False))

    def answered(self) -> None:
        """The client answered the heartbeat."""
        self.unanswered = 0

    def now(self) -> int:
        return self.clock.now()

    def within(self, kind: str, quota: int) -> bool:
        """Count one `kind` frame (sub, req): False, and not counted, when `quota` of them came
        within the second that began with the first frame counted. The window is on the wall
        clock, as REST's rate limits are: it bounds how fast a client sends, and a frozen
        exchange clock would never end it."""
        now = self.wall.now()
        windows: dict[str, list[int]] = self.state.setdefault(_WINDOWS, {})
        window = windows.get(kind)
        if window is None or now - window[0] >= 1000:
            window = windows[kind] = [now, 0]
        if window[1] >= quota:
            return False
        window[1] += 1
        return True


async def serve(
    websocket: WebSocket,
    send: Send,
    service: Service,
    clock: Clock,
    settings: WsSettings,
    fanout: Fanout,
    live: set[Session] | None = None,
    wall: Clock | None = None,
) -> None:
    """Run one connection to its end (`send`: the connection's ASGI send, for its frames);
    while it runs its session is in `live` (the server's registry, for closing sessions from
    outside: a reset, the admin API)."""
    await websocket.accept()
    client = websocket.client
    name = f"{service.name} {client.host}:{client.port}" if client else service.name
    sink = protocol.sink(websocket.scope.get("extensions"))
    sender = Sender(
        websocket, send, settings.queue_limit, name, fanout, sink, settings.close_wait_s
    )
    session = Session(websocket, sender, clock, settings, wall)
    if live is not None:
        live.add(session)
    heartbeat = asyncio.get_running_loop().create_task(_heartbeat(session, service))
    try:
        while not sender.closed:
            received = await websocket.receive()
            if received["type"] == "websocket.disconnect":
                break
            data = received.get("text")
            if data is None:
                data = received.get("bytes")
            if data is None:
                continue
            try:
                message = frames.unpack(data)
            except ValueError:
                service.invalid(session, data if isinstance(data, str) else repr(data[:100]))
                continue
            await service.handle(session, message)
    except WebSocketDisconnect:
        pass
    except Exception:  # a bug costs this connection, never the server
        log.exception("%s: connection failed", name)
        sender.close(1011, "internal error")
    finally:
        if live is not None:
            live.discard(session)
        heartbeat.cancel()
        with contextlib.suppress(BaseException):
            await heartbeat
        service.closed(session)
        if not sender.closed:
            await sender.finish()


async def _heartbeat(session: Session, service: Service) -> None:
    settings = session.settings
    while True:
        await asyncio.sleep(settings.ping_interval_s)
        if session.unanswered >= settings.ping_misses:
            log.info("%s: closed, %d pings unanswered", session.sender.name, session.unanswered)
            session.sender.close(
                HEARTBEAT_LOST, f"heartbeat lost: {session.unanswered} pings unanswered"
            )
            return
        session.unanswered += 1
        session.send(service.ping(session.now()))
