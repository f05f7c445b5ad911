"""Server frames as HTX sends them: JSON (Decimals as numbers, as on REST), gzip-compressed, in
binary WebSocket frames. Clients send plain JSON text.

A public message is packed once and the same bytes go to every subscriber (`Channels.publish`);
`stats.packed` counts the compressions, so that a test can tell.
"""

from __future__ import annotations

import zlib
from typing import Any

import msgspec

from ..core import wire

GZIP = 31
"""zlib's wbits for a gzip container (header and CRC), what gzip.decompress reads."""
LEVEL = 1
"""Frames are small JSON: the fastest level already gets most of the gain."""
MAX_CLIENT_FRAME = 64 * 1024
"""The largest client frame read; HTX's requests are a few hundred bytes."""


class Stats:
    __slots__ = ("packed",)

    def __init__(self) -> None:
        self.packed = 0


stats = Stats()


def pack(message: Any) -> bytes:
    """One message as the bytes of a binary frame."""
    stats.packed += 1
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, GZIP)
    return compressor.compress(wire.encode(message)) + compressor.flush()


_decoder = msgspec.json.Decoder()


def unpack(data: str | bytes) -> Any:
    """A client frame's JSON (text, or binary holding UTF-8 JSON); ValueError if it is not."""
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:  # nesting deeper than msgspec's
        raise ValueError(str(error)) from None
