"""What every endpoint goes through: authentication, rate limits, body decoding, the engine, and
HTX's envelopes. Routes only say what an endpoint does with a decoded request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..domain.commands import Command, Outcome, Reply
from ..domain.errors import ErrorCode, HtxError, language_for
from ..domain.exchange import Exchange
from ..domain.types import UID
from ..service.api_keys import ApiKey
from ..service.clock import Clock
from ..service.engine import Engine, EngineUnavailableError
from . import wire
from .auth import AuthError, AuthSettings, authenticate
from .inputs import Body
from .ratelimit import Quota, RateLimiter

T = TypeVar("T")
log = logging.getLogger(__name__)
Envelope = Literal["v1", "v3"]


@dataclass(frozen=True, slots=True)
class HttpSettings:
    auth: AuthSettings = field(default_factory=AuthSettings)
    trade_quota: Quota = field(default_factory=lambda: Quota(72))
    read_quota: Quota = field(default_factory=lambda: Quota(72))
    public_quota: Quota = field(default_factory=lambda: Quota(240))
    rate_limit: bool = True


class Gateway:
    def __init__(self, engine: Engine, clock: Clock, settings: HttpSettings) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        enabled = settings.rate_limit
        self.limiters = {
            "trade": RateLimiter(settings.trade_quota, enabled),
            "read": RateLimiter(settings.read_quota, enabled),
        }
        self.public_limiter = RateLimiter(settings.public_quota, enabled)
        # HTX allows one leverage switch per 3 seconds per UID.
        self.switch_limiter = RateLimiter(Quota(1, 3000), enabled)

    def now_ms(self) -> int:
        return self.clock.now()

    async def read(self, query: Callable[[Exchange], T]) -> T:
        """Read on the engine thread, so no half-applied command is ever seen."""
        return await self.engine.query_async(query)


@dataclass(slots=True)
class Call:
    """One authenticated private request."""

    gateway: Gateway
    key: ApiKey
    body: Body
    lang: str
    query: dict[str, str]
    """The decoded query parameters (the signature's, and a GET's own)."""

    @property
    def uid(self) -> UID:
        return self.key.uid

    async def execute(self, command: Command) -> Reply:
        """Apply a command through the single writer; its HtxError becomes the reply's error."""
        outcome: Outcome = await self.gateway.engine.execute_async(command)
        if outcome.error is not None:
            raise outcome.error
        return outcome.reply

    async def read(self, query: Callable[[Exchange], T]) -> T:
        return await self.gateway.read(query)


Handler = Callable[[Call], Awaitable[Any]]


def gateway_of(request: Request) -> Gateway:
    found: Gateway = request.app.state.gateway
    return found


class PrivateEndpoint:
    """A signed endpoint as a bare ASGI app: these are the hot paths (every order, every
    cancel), so they read the scope directly instead of building Request and Response objects.
    Starlette's router hands a non-function endpoint the raw (scope, receive, send)."""

    def __init__(self, handler: Handler, permission: Literal["trade", "read"], envelope: Envelope):
        self.handler = handler
        self.permission = permission
        self.envelope = envelope
        self.__name__ = handler.__name__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reached through Starlette's router (HotPaths calls serve() directly)."""
        await self.serve(scope["app"].state.gateway, scope, receive, send)

    async def serve(self, gateway: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
        host, language = "", None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"accept-language":
                language = value.decode("latin-1")
        lang = language_for(language)
        now = gateway.now_ms()
        client = scope.get("client")
        try:
            key, query = authenticate(
                gateway.engine.api_keys,
                gateway.settings.auth,
                method=scope["method"],
                host_header=host,
                path=scope["path"],
                raw_query=scope["query_string"].decode("latin-1"),
                client_ip=client[0] if client else None,
                permission=self.permission,
                now_ms=now,
            )
        except AuthError as error:
            await _send(scope, send, wire.gateway_error_body(str(error), now), [])
            return
        scope["htx.uid"] = key.uid  # for the access log
        allowed, headers = gateway.limiters[self.permission].take_raw(key.uid, now)
        if not allowed:
            limited = HtxError(ErrorCode.RATE_LIMITED)
            await _send(scope, send, _error_body(limited, self.envelope, lang, now), headers)
            return
        try:
            body = Body.parse(await read_body(receive))
            data = await self.handler(Call(gateway, key, body, lang, query))
        except HtxError as error:
            reply = _error_body(error, self.envelope, lang, gateway.now_ms())
            # Raised through Call.execute, whose frame holds the outcome holding the error: drop
            # the traceback, or every rejected request leaves a cycle for the cyclic GC (whose
            # full passes then stalled a busy server for 0.4 s).
            error.__traceback__ = None
        except EngineUnavailableError:
            busy = HtxError(ErrorCode.SYSTEM_BUSY)
            reply = _error_body(busy, self.envelope, lang, gateway.now_ms())
        except Exception:  # a bug of ours: still HTX's envelope, never a bare 500
            log.exception("%s failed", scope["path"])
            failed = HtxError(ErrorCode.SYSTEM_ERROR)
            reply = _error_body(failed, self.envelope, lang, gateway.now_ms())
        else:
            if self.envelope == "v3":
                reply = {"code": 200, "msg": "", "data": data, "ts": gateway.now_ms()}
            else:
                reply = wire.ok_body(data, gateway.now_ms())
        await _send(scope, send, reply, headers)


def private(
    permission: Literal["trade", "read"], envelope: Envelope = "v1"
) -> Callable[[Handler], PrivateEndpoint]:
    """Make a handler an endpoint: signature and permission, rate limit, body, envelope and
    errors are the endpoint's; the handler only says what the request does."""

    def wrap(handler: Handler) -> PrivateEndpoint:
        return PrivateEndpoint(handler, permission, envelope)

    return wrap


MAX_BODY_BYTES = 64 * 1024
"""A batch of 25 orders is about 6 KiB; anything far larger is not a request HTX accepts."""


async def read_body(receive: Receive) -> bytes:
    """The whole request body; 1030 beyond MAX_BODY_BYTES or when the client disconnects."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # The client went (or the server closed a slow body): what came may still parse
            # as a whole request, and must not run. The error reply goes nowhere.
            raise HtxError(ErrorCode.INPUT_ERROR)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HtxError(ErrorCode.INPUT_ERROR)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


_JSON_HEADERS = [(b"content-type", b"application/json")]



async def _send(
    scope: Scope, send: Send, body: Any, headers: list[tuple[bytes, bytes]]
) -> None:
    code = body.get("err_code", body.get("code"))
    if code is not None and code != 200:
        scope["htx.err_code"] = code  # for the access log
    payload = wire.encode(body)
    length = [(b"content-length", str(len(payload)).encode())]
    await send(
        {"type": "http.response.start", "status": 200, "headers": _JSON_HEADERS + length + headers}
    )
    await send({"type": "http.response.body", "body": payload})


def public(
    handler: Callable[[Request], Awaitable[Any]],
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a public handler: the per-IP rate limit, the v1 envelope and HTX's errors."""

    async def endpoint(request: Request) -> Response:
        gateway = gateway_of(request)
        lang = language_for(request.headers.get("accept-language"))
        now = gateway.now_ms()
        ip = request.client.host if request.client else ""
        allowed, headers = gateway.public_limiter.take(ip, now)
        if not allowed:
            return wire.error(HtxError(ErrorCode.RATE_LIMITED), lang, now, headers)
        try:
            data = await handler(request)
        except HtxError as error:
            return wire.error(error, lang, gateway.now_ms(), headers)
        except EngineUnavailableError:
            return wire.error(HtxError(ErrorCode.SYSTEM_BUSY), lang, gateway.now_ms(), headers)
        except Exception:  # a bug of ours: still HTX's envelope, never a bare 500
            log.exception("%s failed", request.url.path)
            return wire.error(HtxError(ErrorCode.SYSTEM_ERROR), lang, gateway.now_ms(), headers)
        if isinstance(data, Response):
            data.headers.update(headers)
            return data
        return wire.ok(data, gateway.now_ms(), headers)

    endpoint.__name__ = handler.__name__
    return endpoint


def _error_body(error: HtxError, envelope: Envelope, lang: str, now: int) -> dict[str, Any]:
    if envelope == "v3":
        return {"code": error.code, "msg": error.wire_message(lang), "data": None, "ts": now}
    return wire.error_body(error, lang, now)
