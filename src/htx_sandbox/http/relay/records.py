"""The records the server and its socket relay (`child`) exchange over their Unix socket.

Server to relay, each a header `KIND` (kind, connection, size) and `size` bytes when the kind
carries data:

- `OPEN`: a connection is handed over; its socket is the next descriptor in the order the
  relay received them (sent as SCM_RIGHTS with the bytes of this record or earlier ones).
- `BLOB`: bytes a `SEND` of the same batch names by their index (`connection` is unused):
  one round's frames, which a hundred subscribers share, cross the socket once.
- `BUILD`: a blob the relay packs itself, a deferred push (http/shapes/pushes.py): `size`
  bytes of the order's copy, `connection` holding the push's kind. A connection sent a copy
  the relay cannot pack gets a close frame (1011, "internal error") instead, and is closed
  (`CLOSED`): never a silent gap.
- `SEND`: write blob number `size` of the batch to the connection, after what it was sent
  before.
- `END`: the batch is over (its blobs are forgotten).
- `CLOSE`: close the connection once everything sent to it is written; answered `CLOSED`.
- `DROP`: close it now, whatever is left unwritten (the client went, or is aborted).

Relay to server: first `STARTED`, once its modules are loaded (the server hands nothing over
before, so that a connection's first frames never wait on the relay's start-up), then each a
header `EVENT` (kind, connection): `PAUSED` (more than the high-water
mark waits for the client), `RESUMED` (below the low-water mark again), `GONE` (a write
failed: the client went away, or it was too far behind) and `CLOSED` (a `CLOSE` is done).
"""

from __future__ import annotations

import struct

KIND = struct.Struct("<BII")
EVENT = struct.Struct("<BI")

OPEN, BLOB, SEND, END, CLOSE, DROP, BUILD = 1, 2, 3, 4, 5, 6, 7
PAUSED, RESUMED, GONE, CLOSED = 1, 2, 3, 4
STARTED = b"R"

HIGH_WATER = 64 * 1024
"""Bytes waiting for one client above which the server is told to hold its frames (asyncio's
default for a transport)."""
LOW_WATER = 16 * 1024
HARD_LIMIT = 32 * 1024 * 1024
"""Bytes waiting for one client at which the relay gives up on it: the server stops sending at
`HIGH_WATER`, so only a server that ignored `PAUSED` gets here."""
MAX_FDS = 64
"""Descriptors one read of the relay's socket takes at most."""
