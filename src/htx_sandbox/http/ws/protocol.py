"""uvicorn's sans-I/O WebSocket protocol, plus one way in that ASGI lacks: writing a frame that
is already built.

A push goes to many subscribers with the same bytes (`frames.Frame.wire`: the gzip payload
behind its RFC 6455 header, built once). Through ASGI each subscriber would pay a
`websocket.send` await and websockets' frame serialization (`send_binary`, `data_to_send`)
for the same bytes, which cost 85 % of the event loop's push time with 100 subscribers. This
protocol offers the ASGI app, under `scope["extensions"][EXTENSION]`, a `FrameSink`: a
synchronous `write` of the built frame straight to the transport, and the protocol's
`writable` event (cleared while the transport's buffer is above its high-water mark), so that
a sender can stop and queue while the client reads slowly.

Everything else (handshake, client frames, RFC 6455 pings, close) is uvicorn's; `abort` ends
a connection whose client does not read even the close frame, which ASGI cannot do. Frames
written here bypass websockets' connection state, which tracks no outgoing data frame, only
the close: `write` refuses once a close was sent or the connection is gone.

With a socket relay (`relaying`, http/relay), the first frame written once the handshake's
bytes have left hands the connection to the relay's process: from then on everything the
connection sends, uvicorn's frames too, goes through the relay in order (`RelayedTransport`),
and the relay's pause and resume drive `writable` as the transport's own would. A round's
frames that hold a deferred push (an order's, http/shapes/pushes.py) go to the relay frame by
frame, the deferred ones as what the relay's process packs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, Protocol

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from ..relay.link import RelayedTransport, SocketRelay

if TYPE_CHECKING:
    from .fanout import Share

EXTENSION = "htx-sandbox.frame-sink"


class FrameSink(Protocol):
    writable: asyncio.Event
    """Set while the transport takes more without buffering past its high-water mark."""

    def write(self, wire: bytes) -> bool:
        """Write whole frames (headers and payloads); False if the connection is closed."""
        ...

    def write_share(self, share: Share) -> bool:
        """Write a round's frames (`write` of their joined bytes, unless the socket relay
        packs the deferred ones); False if the connection is closed."""
        ...

    def abort(self) -> None:
        """Drop the connection at once (a client that reads nothing, not even its close)."""
        ...


class PushProtocol(WebSocketsSansIOProtocol):
    """What `uvicorn.Config(ws=...)` gets wherever the sandbox serves its WebSockets (the
    class `relaying` makes, where a socket relay writes)."""

    relay: ClassVar[SocketRelay | None] = None

    @classmethod
    def relaying(cls, relay: SocketRelay | None) -> type[PushProtocol]:
        """This protocol, its connections handed to `relay` (None: each writes its own)."""
        return type(cls.__name__, (cls,), {"relay": relay})

    async def run_asgi(self) -> None:
        self.scope["extensions"][EXTENSION] = {"sink": self}
        await super().run_asgi()

    def write(self, wire: bytes) -> bool:
        transport = self._writing()
        if transport is None:
            return False
        transport.write(wire)
        return True

    def write_share(self, share: Share) -> bool:
        transport = self._writing()
        if transport is None:
            return False
        if isinstance(transport, RelayedTransport) and share.deferred:
            transport.write_frames(share.frames)
        else:
            transport.write(share.wire)
        return True

    def _writing(self) -> asyncio.Transport | None:
        """The transport frames are written to now, or None if the connection is closed."""
        if self.close_sent or self.disconnected or not self.handshake_complete:
            return None
        transport = self.transport
        if transport.is_closing():
            return None
        relay = self.relay
        # Handed over once the handshake's bytes are out: the relay writes after them.
        if (
            relay is not None
            and not isinstance(transport, RelayedTransport)
            and transport.get_write_buffer_size() == 0
        ):
            relayed = relay.open(transport, self)
            if relayed is not None:
                self.transport = transport = relayed
        return transport

    def abort(self) -> None:
        self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        transport = self.transport
        if isinstance(transport, RelayedTransport):
            transport.lost(exc)
        super().connection_lost(exc)


def sink(scope_extensions: dict[str, dict[object, object]] | None) -> FrameSink | None:
    """The connection's sink, if the server is a `PushProtocol` (a test client or another
    server gives none: frames then go through ASGI's `websocket.send`)."""
    if not scope_extensions:
        return None
    found = scope_extensions.get(EXTENSION)
    if found is None:
        return None
    value = found.get("sink")
    return value if isinstance(value, PushProtocol) else None
