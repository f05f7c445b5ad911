"""One WebSocket connection over the `websockets` library, in both forms: `AsyncWsTransport`
(its asyncio client) and `WsTransport` (its threading client). Hand-written rather than generated:
the two libraries differ in more than `await` (a receive timeout is an argument of the sync
`recv` but a timeout around the asyncio one; sleeping is `time.sleep` against
`asyncio.sleep`). The feeds in `_async/` call only these methods, so `scripts/unasync.py` turns
them into the blocking feeds by its usual renames.

Both answer RFC 6455 pings themselves (the library does) and send their own every 20 s, so a
dead peer is noticed even when the service's heartbeat is quiet. Every way a connection ends
(closed by the peer, reset, refused, timed out while opening) is raised as `ConnectionLost`."""

from __future__ import annotations

import asyncio
import time
from ssl import SSLContext

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection as SyncConnection
from websockets.sync.client import connect as sync_connect

from .errors import ConnectionLost

MAX_FRAME = 16 * 1024 * 1024
"""The largest server frame read (a 150-level book is a few KiB gzipped)."""


def _lost(error: BaseException) -> ConnectionLost:
    if isinstance(error, ConnectionClosed):
        close = error.rcvd or error.sent
        if close is not None:
            reason = f": {close.reason}" if close.reason else ""
            return ConnectionLost(f"closed with {close.code}{reason}", close.code)
        return ConnectionLost("connection closed without a close frame")
    return ConnectionLost(f"{type(error).__name__}: {error}")


class AsyncWsTransport:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    @classmethod
    async def open(
        cls, url: str, *, open_timeout: float, ssl: SSLContext | None = None
    ) -> AsyncWsTransport:
        try:
            # A context only when given: `ssl=None` would turn TLS off for a wss:// URL here.
            if ssl is None:
                opening = async_connect(
                    url, open_timeout=open_timeout, max_size=MAX_FRAME, compression=None
                )
            else:
                opening = async_connect(
                    url, open_timeout=open_timeout, max_size=MAX_FRAME, compression=None, ssl=ssl
                )
            connection = await opening
        except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
            raise _lost(error) from error
        except InvalidURI as error:
            raise ValueError(str(error)) from error
        return cls(connection)

    async def send(self, text: str) -> None:
        try:
            await self._connection.send(text)
        except (ConnectionClosed, OSError) as error:
            raise _lost(error) from error

    async def recv(self, timeout: float) -> bytes | str:
        """The next frame; TimeoutError if none comes within `timeout` seconds."""
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the frame when a
            # cancel and its arrival meet, and the cancelled caller reads on forever.
            async with asyncio.timeout(timeout):
                return await self._connection.recv()
        except TimeoutError:
            raise  # an OSError, but not a lost connection: the caller decides
        except (ConnectionClosed, OSError) as error:
            raise _lost(error) from error

    async def aclose(self) -> None:
        await self._connection.close()

    @staticmethod
    async def pause(seconds: float) -> None:
        await asyncio.sleep(seconds)


class WsTransport:
    def __init__(self, connection: SyncConnection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, url: str, *, open_timeout: float, ssl: SSLContext | None = None) -> WsTransport:
        try:
            connection = sync_connect(
                url, open_timeout=open_timeout, max_size=MAX_FRAME, compression=None, ssl=ssl
            )
            # Held open until close(), not for a `with` block: entering it says so (websockets
            # 17.1 warns about a connection used without one; earlier versions take it too).
            connection.__enter__()
        except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
            raise _lost(error) from error
        except InvalidURI as error:
            raise ValueError(str(error)) from error
        return cls(connection)

    def send(self, text: str) -> None:
        try:
            self._connection.send(text)
        except (ConnectionClosed, OSError) as error:
            raise _lost(error) from error

    def recv(self, timeout: float) -> bytes | str:
        """The next frame; TimeoutError if none comes within `timeout` seconds."""
        try:
            return self._connection.recv(timeout)
        except TimeoutError:
            raise  # an OSError, but not a lost connection: the caller decides
        except (ConnectionClosed, OSError) as error:
            raise _lost(error) from error

    def close(self) -> None:
        self._connection.close()

    @staticmethod
    def pause(seconds: float) -> None:
        time.sleep(seconds)
