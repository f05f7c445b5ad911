"""Server frames as HTX sends them: JSON (Decimals as numbers, as on REST), gzip-compressed, in
binary WebSocket frames. Clients send plain JSON text.

A public message is packed once and the same bytes go to every subscriber (`Channels.publish`):
a `Frame` holds the gzip payload and, built on first use, the whole RFC 6455 frame that a
`PushProtocol` connection writes as it is. `stats.packed` counts the compressions made in this
process, so that a test can tell.

The relay's process imports this module to pack deferred pushes (http/shapes/pushes.py): it
lives here, not with the WebSocket services, so that it comes without them.
"""

from __future__ import annotations

import struct
from typing import Any

import msgspec
from isal import isal_zlib

from ..shapes import pushes
from ..shapes.pushes import Deferred
from . import wire

GZIP = 31
"""wbits of a gzip container (header and CRC), what gzip.decompress reads."""
SHARED_LEVEL = 1
"""A frame several connections get (a public push) is compressed once and written many times:
its bytes count. ISA-L's level 1 is smaller than zlib's level 1 and twice as fast."""
SINGLE_LEVEL = 0
"""A frame one connection gets (a private push, a reply) is compressed for it alone: its time
counts. ISA-L's level 0 takes 1.4 us for a 600-byte order push (zlib's level 1: 10 us), for
45 % more bytes."""
MAX_CLIENT_FRAME = 64 * 1024
"""The largest client frame read; HTX's requests are a few hundred bytes."""


BINARY_FIN = 0x82
"""First header byte of an unfragmented binary frame (FIN, opcode 2)."""
CLOSE_FIN = 0x88
"""First header byte of a close frame (FIN, opcode 8)."""


class Stats:
    __slots__ = ("packed",)

    def __init__(self) -> None:
        self.packed = 0


stats = Stats()


class Frame:
    """One server message, packed: what every subscriber of it is sent. A `Deferred` push's
    frame is packed on first use here, or never here: where the socket relay writes the
    connection, its process packs it (`deferred` is what it is sent)."""

    __slots__ = ("_payload", "_wire", "deferred")

    def __init__(self, payload: bytes | None, deferred: Deferred | None = None) -> None:
        self._payload = payload
        self._wire: bytes | None = None
        self.deferred = deferred
        """The push this frame packs, while it is not packed here."""

    @property
    def payload(self) -> bytes:
        """The gzip bytes: a binary message's data, as ASGI's `websocket.send` takes it."""
        payload = self._payload
        if payload is None:
            assert self.deferred is not None
            payload = self._payload = _compress(pushes.message(self.deferred), shared=False)
            self.deferred = None
        return payload

    @property
    def wire(self) -> bytes:
        """The frame as it goes on the socket: server frames are never masked (RFC 6455
        5.1), so the same bytes serve every connection."""
        built = self._wire
        if built is None:
            payload = self.payload
            built = self._wire = _header(len(payload)) + payload
        return built


def close_frame(code: int, reason: str) -> bytes:
    """A close frame with its code and reason (RFC 6455 5.5.1: at most 123 bytes of reason)."""
    payload = struct.pack("!H", code) + reason.encode()[:123]
    return bytes((CLOSE_FIN, len(payload))) + payload


def _header(size: int) -> bytes:
    if size < 126:
        return bytes((BINARY_FIN, size))
    if size < 1 << 16:
        return struct.pack("!BBH", BINARY_FIN, 126, size)
    return struct.pack("!BBQ", BINARY_FIN, 127, size)


def pack(message: Any, *, shared: bool = True) -> Frame:
    """One message as a binary frame; `shared` if more than one connection is sent it. A
    `Deferred` push is packed when its bytes are first needed (for one connection alone)."""
    if type(message) is Deferred:
        return Frame(None, message)
    return Frame(_compress(message, shared))


def deferred_wire(push: Deferred) -> bytes:
    """The whole frame of a deferred push (what the socket relay's process writes)."""
    return Frame(None, push).wire


def _compress(message: Any, shared: bool) -> bytes:
    stats.packed += 1
    data = wire.encode(message)
    return isal_zlib.compress(data, SHARED_LEVEL if shared else SINGLE_LEVEL, GZIP)


_decoder = msgspec.json.Decoder()


def unpack(data: str | bytes) -> Any:
    """A client frame's JSON (text, or binary holding UTF-8 JSON); ValueError if it is not."""
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:  # nesting deeper than msgspec's
        raise ValueError(str(error)) from None
