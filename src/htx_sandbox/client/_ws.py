"""The I/O-free half of the WebSocket feeds (async and sync alike): URLs, frames, the two
dialects HTX speaks (`sub`/`id` on /swap-ws and /ws_index, `op`/`cid` on /swap-notification),
the heartbeat answers, the auth frame, and typed decoding of what the server sends."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import msgspec

from ..protocol.signature import host_without_port, signed_params
from . import ws_models as m
from .errors import AuthenticationFailed, HtxApiError, UnexpectedResponse, api_error
from .models import Model

DEFAULT_WS_URL = "wss://api.hbdm.com"
"""HTX's host for the three services (`wss://api.hbdm.vn` is the one advised on AWS)."""
MARKET_PATH = "/swap-ws"
INDEX_PATH = "/ws_index"
NOTIFICATION_PATH = "/swap-notification"
AUTH_KEY = "auth"
ANY_KEY = "*"
"""The key of a reply that answers whatever request is waiting."""
Now = Callable[[], datetime]
"""Where a feed takes its signing time from."""

_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder(decimal_format="number")
_GZIP_OR_ZLIB = 47
"""zlib's wbits for "detect a gzip or zlib header": HTX's frames are gzip."""
_AUTH_CODES = frozenset({2001, 2002, 2003})
"""Invalid authentication, authentication required, authentication failed."""


def ws_url(base_url: str, path: str) -> str:
    """The service's URL under `base_url` (`http(s)://` is read as `ws(s)://`, so the REST
    base URL of the sandbox serves as well)."""
    parts = urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    if scheme not in ("ws", "wss") or not parts.netloc:
        raise ValueError(f"not a WebSocket base URL: {base_url!r}")
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{path}"


def host_of(url: str) -> str:
    """The host a signature covers: the URL's, without the port."""
    return host_without_port(urlsplit(url).netloc)


def pack(message: Mapping[str, Any]) -> str:
    """A client frame: JSON text."""
    return _encoder.encode(message).decode()


def unpack(data: bytes | str) -> Any:
    """A server frame's JSON: gzip binary as HTX sends it (plain text accepted too)."""
    try:
        if isinstance(data, bytes):
            data = zlib.decompress(data, _GZIP_OR_ZLIB) if data[:1] in (b"\x1f", b"x") else data
        return _decoder.decode(data)
    except (zlib.error, msgspec.DecodeError) as error:
        raise UnexpectedResponse(f"not a JSON frame: {error}") from None


def auth_frame(access_key: str, secret_key: str, host: str, when: datetime) -> dict[str, str]:
    """`op: auth` with signature v2 over `GET`, `host` and /swap-notification (the Signature is
    Base64, not URL-encoded, in JSON)."""
    params = signed_params(access_key, secret_key, "GET", host, NOTIFICATION_PATH, when)
    return {"op": "auth", "type": "api", **dict(params)}


def _convert(value: Any, kind: Any, where: str = "") -> Any:
    """`value` as `kind`; UnexpectedResponse naming `where` (a channel, a topic) if it is not."""
    try:
        return msgspec.convert(value, kind, strict=False)
    except msgspec.ValidationError as error:
        raise UnexpectedResponse(f"{where or 'reply'}: {error}: {str(value)[:300]}") from None


def _error(code: int | str, message: str) -> HtxApiError:
    if code in _AUTH_CODES:
        return AuthenticationFailed(code, message)
    return api_error(code, message)


class MarketDialect:
    """/swap-ws and /ws_index: `{"sub"|"unsub"|"req": topic, "id": ...}`, `{"ping": n}`."""

    def heartbeat(self, message: Any) -> dict[str, Any] | None:
        """The answer to a server ping, or None if `message` is none."""
        if isinstance(message, dict) and "ping" in message and len(message) == 1:
            return {"pong": message["ping"]}
        return None

    def sub(self, topic: str, key: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        return {**extra, "sub": topic, "id": key}

    def unsub(self, topic: str, key: str) -> dict[str, Any]:
        return {"unsub": topic, "id": key}

    def req(self, topic: str, key: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        return {**extra, "req": topic, "id": key}

    def reply_key(self, message: Any) -> str | None:
        if isinstance(message, dict) and "status" in message and "ch" not in message:
            key = message.get("id")
            return None if key is None else str(key)
        return None

    def decode(self, message: Any) -> m.MarketPush | m.MarketReply:
        if not isinstance(message, dict):
            raise UnexpectedResponse(f"not a JSON object: {str(message)[:300]}")
        if "ch" in message and "tick" in message:
            ch = message["ch"]
            kind = _tick_type(ch) if isinstance(ch, str) else None
            tick = message["tick"]
            if kind is not None:
                tick = _convert(_no_empty_sides(tick), kind, ch)
            return m.MarketPush(ch=ch, ts=message.get("ts", 0), tick=tick)
        reply: m.MarketReply = _convert(message, m.MarketReply)
        if reply.rep is not None and reply.data is not None:
            items = _item_type(reply.rep)
            if items is not None:
                reply = msgspec.structs.replace(reply, data=_convert(reply.data, items, reply.rep))
        return reply

    def check(self, reply: m.MarketPush | m.MarketReply) -> m.MarketReply:
        """The reply if it accepts, else its error raised."""
        if not isinstance(reply, m.MarketReply):
            raise UnexpectedResponse(f"a push where a reply was due: {reply}")
        if reply.status != "ok":
            raise _error(reply.err_code or reply.status, reply.err_msg or "")
        return reply


class NotificationDialect:
    """/swap-notification: `{"op": "sub"|"unsub"|"auth", "cid": ..., ...}`,
    `{"op": "ping", "ts": "..."}`."""

    def heartbeat(self, message: Any) -> dict[str, Any] | None:
        if isinstance(message, dict) and message.get("op") == "ping":
            return {"op": "pong", "ts": message.get("ts")}  # echoed as sent (a string on HTX)
        return None

    def sub(self, topic: str, key: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        return {**extra, "op": "sub", "cid": key, "topic": topic}

    def unsub(self, topic: str, key: str) -> dict[str, Any]:
        return {"op": "unsub", "cid": key, "topic": topic}

    def reply_key(self, message: Any) -> str | None:
        if not isinstance(message, dict):
            return None
        op = message.get("op")
        if op == AUTH_KEY:
            return AUTH_KEY
        if op in ("error", "close"):
            return ANY_KEY  # no cid: the answer to the frame the server was reading
        if op in ("sub", "unsub"):
            key = message.get("cid")
            return None if key is None else str(key)
        return None

    def decode(self, message: Any) -> m.NotificationPush | m.NotificationReply:
        if not isinstance(message, dict):
            raise UnexpectedResponse(f"not a JSON object: {str(message)[:300]}")
        topic = message.get("topic")
        if message.get("op") == "notify" and isinstance(topic, str):
            kind = _notify_type(topic)
            if kind is None:
                return m.Notify(topic=topic, ts=message.get("ts"), fields=message)
            push: m.NotificationPush = _convert(message, kind, topic)
            return push
        reply: m.NotificationReply = _convert(message, m.NotificationReply)
        return reply

    def check(self, reply: m.NotificationPush | m.NotificationReply) -> m.NotificationReply:
        if not isinstance(reply, m.NotificationReply):
            raise UnexpectedResponse(f"a push where a reply was due: {reply}")
        if reply.err_code != 0:
            raise _error(reply.err_code, reply.err_msg or "")
        if reply.op in ("error", "close"):
            raise api_error(reply.err_code, f'refused with {{"op": "{reply.op}"}}')
        return reply


_KLINE_SERIES = frozenset({"kline", "index", "premium_index", "estimated_rate", "mark_price"})
_TICKS: dict[str, type[Model]] = {
    "depth": m.DepthTick,
    "bbo": m.BboTick,
    "detail": m.DetailTick,
    "trade": m.TradeTick,
    "basis": m.BasisTick,
}
_ITEMS: dict[str, Any] = {"trade": list[m.TradeItem], "basis": list[m.BasisTick]}
_KLINES: Any = list[m.KlineTick]
_NOTIFY: dict[str, type[Model]] = {
    "orders": m.OrderNotify,
    "matchorders": m.MatchOrderNotify,
    "accounts": m.AccountsNotify,
    "positions": m.PositionsNotify,
    "trigger_order": m.TriggerOrderNotify,
}
_PUBLIC: dict[str, type[Model]] = {
    "liquidation_orders": m.LiquidationOrdersNotify,
    "funding_rate": m.FundingRateNotify,
    "contract_info": m.ContractInfoNotify,
}


def _no_empty_sides(tick: Any) -> Any:
    """An empty side of the book as None: `bid`/`ask` are `[price, vol]`, and a server may
    print an empty one as `[]` (the sandbox does) rather than null."""
    if isinstance(tick, dict) and (tick.get("bid") == [] or tick.get("ask") == []):
        tick = dict(tick)
        for side in ("bid", "ask"):
            if tick.get(side) == []:
                tick[side] = None
    return tick


def _series(channel: str) -> str | None:
    """`market.BTC-USD.kline.1min` -> `kline`."""
    parts = channel.split(".", 3)
    return parts[2] if len(parts) >= 3 and parts[0] == "market" else None


def _tick_type(channel: str) -> type[Model] | None:
    series = _series(channel)
    if series in _KLINE_SERIES:
        return m.KlineTick
    return None if series is None else _TICKS.get(series)


def _item_type(channel: str) -> Any:
    """The type of a `req` reply's data."""
    series = _series(channel)
    if series in _KLINE_SERIES:
        return _KLINES
    return None if series is None else _ITEMS.get(series)


def _notify_type(topic: str) -> type[Model] | None:
    parts = topic.split(".")
    if parts[0].lower() == "public":
        return _PUBLIC.get(parts[-1]) if len(parts) == 3 else None
    return _NOTIFY.get(parts[0].lower())
