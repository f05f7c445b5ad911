"""Server frames as HTX sends them: JSON (Decimals as numbers, as on REST), gzip-compressed, in
binary WebSocket frames. Clients send plain JSON text.

A public message is packed once and the same bytes go to every subscriber (`Channels.publish`):
a `Frame` holds the gzip payload and, built on first use, the whole RFC 6455 frame that a
`PushProtocol` connection writes as it is. `stats.packed` counts the compressions, so that a
test can tell.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import msgspec

from ..core import wire

GZIP = 16
"""Added to zlib's wbits: a gzip container (header and CRC), what gzip.decompress reads."""
LEVEL = 1
"""Frames are small JSON: the fastest level already gets most of the gain."""
MAX_CLIENT_FRAME = 64 * 1024
"""The largest client frame read; HTX's requests are a few hundred bytes."""


BINARY_FIN = 0x82
"""First header byte of an unfragmented binary frame (FIN, opcode 2)."""


class Stats:
    __slots__ = ("packed",)

    def __init__(self) -> None:
        self.packed = 0


stats = Stats()


class Frame:
    """One server message, packed: what every subscriber of it is sent."""

    __slots__ = ("_wire", "payload")

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        """The gzip bytes: a binary message's data, as ASGI's `websocket.send` takes it."""
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        """The frame as it goes on the socket: server frames are never masked (RFC 6455
        5.1), so the same bytes serve every connection."""
        built = self._wire
        if built is None:
            built = self._wire = _header(len(self.payload)) + self.payload
        return built


def _header(size: int) -> bytes:
    if size < 126:
        return bytes((BINARY_FIN, size))
    if size < 1 << 16:
        return struct.pack("!BBH", BINARY_FIN, 126, size)
    return struct.pack("!BBQ", BINARY_FIN, 127, size)


def pack(message: Any) -> Frame:
    """One message as a binary frame."""
    stats.packed += 1
    data = wire.encode(message)
    # A window no larger than the message (512 bytes to zlib's 32 KiB) compresses it as well
    # as the largest would, and keeps the compressor's state (about 4 windows' worth) small
    # enough to come from malloc's free lists: the default 32 KiB window and memLevel 8 take
    # 256 KiB of fresh pages per message, which cost a 600-byte push 15 us of page faults.
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, GZIP + bits, max(1, bits - 7))
    return Frame(compressor.compress(data) + compressor.flush())


_decoder = msgspec.json.Decoder()


def unpack(data: str | bytes) -> Any:
    """A client frame's JSON (text, or binary holding UTF-8 JSON); ValueError if it is not."""
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:  # nesting deeper than msgspec's
        raise ValueError(str(error)) from None
