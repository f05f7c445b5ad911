"""AsyncMarketFeed (/swap-ws), AsyncIndexFeed (/ws_index) and AsyncNotificationFeed
(/swap-notification): HTX's WebSocket services as typed message streams.

    async with AsyncMarketFeed(base_url="ws://127.0.0.1:8080") as feed:
        await feed.subscribe("market.BTC-USD.trade.detail")
        async for message in feed:
            ...  # MarketPush (tick typed by channel), Reconnected

One reader: a feed reads its connection only inside its own calls (`recv`, iteration,
`subscribe`, `unsubscribe`, `request`), answering HTX's heartbeat (`{"ping": n}` and
`{"op": "ping"}`) as it reads; pushes that arrive while a call waits for its reply are kept, in
order, for the next `recv`. So call them from one task (the body of the loop is fine), and keep
reading: HTX closes a connection after 5 unanswered heartbeats (25 s).

When the connection is lost while reading (closed, reset, or no frame for `idle_timeout`
seconds) the feed opens it again (`max_attempts` tries, waits doubling from
`reconnect_delay`), authenticates, renews every subscription, then yields a `Reconnected`:
what was pushed in between is missing. With `reconnect=False`, or once the attempts are spent,
`ConnectionLost` is raised. A refused request raises `HtxApiError` (2001-2003 as
`AuthenticationFailed`); a reply that does not come within `reply_timeout` raises TimeoutError.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import AsyncIterator
from ssl import SSLContext
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from .. import _ws
from .. import ws_models as m
from .._ws_transport import AsyncWsTransport
from ..auth import _utc_now
from ..errors import ConnectionLost

M = TypeVar("M")

DEFAULT_IDLE_TIMEOUT = 30.0
"""HTX pings every 5 s: six silent intervals mean the connection is gone."""
MAX_DELAY = 30.0


class AsyncFeed(Generic[M]):
    """The connection, subscriptions, heartbeat and reconnection every service shares."""

    path: str
    _dialect: Any

    def __init__(
        self,
        *,
        base_url: str = _ws.DEFAULT_WS_URL,
        reconnect: bool = True,
        max_attempts: int = 10,
        reconnect_delay: float = 0.5,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        reply_timeout: float = 10.0,
        open_timeout: float = 10.0,
        ssl: SSLContext | None = None,
    ) -> None:
        if max_attempts < 1 or min(idle_timeout, reply_timeout, open_timeout) <= 0:
            raise ValueError("max_attempts and the timeouts must be positive")
        self.url = _ws.ws_url(base_url, self.path)
        self.reconnect = reconnect
        self.max_attempts = max_attempts
        self.reconnect_delay = reconnect_delay
        self.idle_timeout = idle_timeout
        self.reply_timeout = reply_timeout
        self.open_timeout = open_timeout
        self.ssl = ssl
        self._transport: AsyncWsTransport | None = None
        self._pending: deque[Any] = deque()
        self._topics: dict[str, dict[str, Any]] = {}
        self._keys = itertools.count(1)
        self._closed = False

    @property
    def topics(self) -> list[str]:
        """The topics subscribed (and renewed on reconnection), in the order subscribed."""
        return list(self._topics)

    @property
    def connected(self) -> bool:
        return self._transport is not None

    async def connect(self) -> Self:
        """Open the connection now (else the first call that needs it does)."""
        await self._live()
        return self

    async def aclose(self) -> None:
        self._closed = True
        transport, self._transport = self._transport, None
        if transport is not None:
            await transport.aclose()

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def subscribe(self, topic: str, **extra: Any) -> Any:
        """`sub` (with `extra` fields, e.g. data_type="incremental"); the accepting reply."""
        transport = await self._live()
        key = str(next(self._keys))
        reply = await self._request(transport, self._dialect.sub(topic, key, extra), key)
        self._topics[topic] = extra
        return reply

    async def unsubscribe(self, topic: str) -> Any:
        """`unsub`; the accepting reply."""
        transport = await self._live()
        key = str(next(self._keys))
        reply = await self._request(transport, self._dialect.unsub(topic, key), key)
        self._topics.pop(topic, None)
        return reply

    async def recv(self) -> M:
        """The next message: a push, a `Reconnected`, or a reply no call was waiting for."""
        while True:
            if self._pending:
                item = self._pending.popleft()
                return cast(M, item if isinstance(item, m.Reconnected) else self._decode(item))
            transport = await self._live()
            try:
                message = await self._read(transport, None)
            except ConnectionLost as lost:
                await self._recover(lost)
                continue
            return cast(M, self._decode(message))

    async def __aiter__(self) -> AsyncIterator[M]:
        while True:
            yield await self.recv()

    def _decode(self, message: Any) -> Any:
        return self._dialect.decode(message)

    async def _live(self) -> AsyncWsTransport:
        if self._closed:
            raise ConnectionLost("the feed is closed")
        if self._transport is None:
            self._transport = await self._open()
        return self._transport

    async def _open(self) -> AsyncWsTransport:
        transport = await AsyncWsTransport.open(
            self.url, open_timeout=self.open_timeout, ssl=self.ssl
        )
        try:
            await self._login(transport)
        except BaseException:
            await transport.aclose()
            raise
        return transport

    async def _login(self, transport: AsyncWsTransport) -> None:
        """What a new connection must do before subscribing (authenticate)."""

    async def _request(self, transport: AsyncWsTransport, frame: dict[str, Any], key: str) -> Any:
        """Send `frame` and return its checked reply (the one carrying `key`); pushes read
        meanwhile wait in order for `recv`."""
        await transport.send(_ws.pack(frame))
        deadline = time.monotonic() + self.reply_timeout
        while True:
            message = await self._read(transport, deadline)
            if self._dialect.reply_key(message) in (key, _ws.ANY_KEY):
                return self._dialect.check(self._dialect.decode(message))
            self._pending.append(message)

    async def _read(self, transport: AsyncWsTransport, deadline: float | None) -> Any:
        """The next message that is not a heartbeat (those are answered here). TimeoutError
        at `deadline`; ConnectionLost after `idle_timeout` seconds without any frame."""
        while True:
            wait = self.idle_timeout
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
                if wait <= 0:
                    raise TimeoutError(f"no reply from {self.url} in {self.reply_timeout} s")
            try:
                data = await transport.recv(wait)
            except TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    continue  # the deadline's TimeoutError above
                raise ConnectionLost(f"no frame for {self.idle_timeout} s") from None
            message = _ws.unpack(data)
            answer = self._dialect.heartbeat(message)
            if answer is None:
                return message
            await transport.send(_ws.pack(answer))

    async def _recover(self, lost: ConnectionLost) -> None:
        """Open the connection again and renew the subscriptions, or raise `lost`."""
        old, self._transport = self._transport, None
        if old is not None:
            await old.aclose()
        if not self.reconnect or self._closed:
            self._closed = True  # a later call must not open a connection without the topics
            raise lost
        attempts = 0
        while True:
            attempts += 1
            transport: AsyncWsTransport | None = None
            try:
                transport = await self._open()
                for topic, extra in list(self._topics.items()):
                    key = str(next(self._keys))
                    await self._request(transport, self._dialect.sub(topic, key, extra), key)
            except (ConnectionLost, TimeoutError) as again:
                if transport is not None:
                    await transport.aclose()
                if attempts >= self.max_attempts:
                    self._closed = True
                    raise ConnectionLost(
                        f"{self.url}: {attempts} reconnection attempts failed, the last: {again}"
                        f" (first lost: {lost.reason})",
                        lost.code,
                    ) from again
                delay = min(self.reconnect_delay * 2 ** (attempts - 1), MAX_DELAY)
                await AsyncWsTransport.pause(delay)
                continue
            self._transport = transport
            self._pending.appendleft(
                m.Reconnected(url=self.url, attempts=attempts, reason=lost.reason)
            )
            return


class AsyncMarketDataFeed(AsyncFeed[m.MarketMessage]):
    """/swap-ws and /ws_index: `sub`, `unsub` and `req`."""

    _dialect = _ws.MarketDialect()

    async def subscribe(self, topic: str, **extra: Any) -> m.MarketReply:
        """`{"sub": topic, "id": ...}` plus `extra` (e.g. data_type="incremental")."""
        reply: m.MarketReply = await super().subscribe(topic, **extra)
        return reply

    async def unsubscribe(self, topic: str) -> m.MarketReply:
        reply: m.MarketReply = await super().unsubscribe(topic)
        return reply

    async def request(self, topic: str, **extra: Any) -> m.MarketReply:
        """`req`: history of a topic (`from`/`to` in seconds for klines: pass them as
        `**{"from": ..., "to": ...}`; `size` for trades). The reply's `data` is typed."""
        transport = await self._live()
        key = str(next(self._keys))
        reply: m.MarketReply = await self._request(
            transport, self._dialect.req(topic, key, extra), key
        )
        return reply


class AsyncMarketFeed(AsyncMarketDataFeed):
    """/swap-ws: klines, depth, incremental depth, bbo, detail, trade.detail."""

    path = _ws.MARKET_PATH


class AsyncIndexFeed(AsyncMarketDataFeed):
    """/ws_index: index, premium index, estimated funding rate, basis and mark-price klines."""

    path = _ws.INDEX_PATH


class AsyncNotificationFeed(AsyncFeed[m.NotificationMessage]):
    """/swap-notification: private topics (orders, matchOrders, accounts, positions,
    trigger_order; with `access_key` and `secret_key`) and the public.* ones (without).

    With keys, every connection authenticates first (`op: auth`, signature v2 over GET, the
    host of `base_url` or `sign_host`, and /swap-notification, timed by `now`); `user_id` is
    what the server answered."""

    path = _ws.NOTIFICATION_PATH
    _dialect = _ws.NotificationDialect()

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str = _ws.DEFAULT_WS_URL,
        sign_host: str | None = None,
        now: _ws.Now = _utc_now,
        reconnect: bool = True,
        max_attempts: int = 10,
        reconnect_delay: float = 0.5,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        reply_timeout: float = 10.0,
        open_timeout: float = 10.0,
        ssl: SSLContext | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            reconnect=reconnect,
            max_attempts=max_attempts,
            reconnect_delay=reconnect_delay,
            idle_timeout=idle_timeout,
            reply_timeout=reply_timeout,
            open_timeout=open_timeout,
            ssl=ssl,
        )
        self.access_key = access_key
        self.secret_key = secret_key
        self.sign_host = sign_host.lower() if sign_host else _ws.host_of(self.url)
        self.now = now
        self.user_id: str | None = None

    async def subscribe(self, topic: str, **extra: Any) -> m.NotificationReply:
        """`{"op": "sub", "cid": ..., "topic": topic}`."""
        reply: m.NotificationReply = await super().subscribe(topic, **extra)
        return reply

    async def unsubscribe(self, topic: str) -> m.NotificationReply:
        reply: m.NotificationReply = await super().unsubscribe(topic)
        return reply

    async def _login(self, transport: AsyncWsTransport) -> None:
        if not (self.access_key and self.secret_key):
            return
        frame = _ws.auth_frame(self.access_key, self.secret_key, self.sign_host, self.now())
        reply: m.NotificationReply = await self._request(transport, frame, _ws.AUTH_KEY)
        user = (reply.data or {}).get("user-id")
        self.user_id = None if user is None else str(user)
