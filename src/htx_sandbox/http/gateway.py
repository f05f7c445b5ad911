"""What every endpoint goes through: authentication, rate limits, body decoding, the engine, and
HTX's envelopes. Routes only say what an endpoint does with a decoded request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from ..domain.commands import Command, Reply
from ..domain.errors import ErrorCode, HtxError, language_for
from ..domain.exchange import Exchange
from ..domain.types import UID
from ..service.api_keys import ApiKey
from ..service.clock import Clock
from ..service.engine import Engine, EngineStoppedError
from . import wire
from .auth import AuthError, AuthSettings, authenticate
from .inputs import Body
from .ratelimit import Quota, RateLimiter

T = TypeVar("T")
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
    request: Request
    key: ApiKey
    body: Body
    lang: str

    @property
    def uid(self) -> UID:
        return self.key.uid

    async def execute(self, command: Command) -> Reply:
        """Apply a command through the single writer; its HtxError becomes the reply's error."""
        outcome = await self.gateway.engine.execute_async(command)
        if outcome.error is not None:
            raise outcome.error
        return outcome.reply

    async def read(self, query: Callable[[Exchange], T]) -> T:
        return await self.gateway.read(query)


Handler = Callable[[Call], Awaitable[Any]]


def gateway_of(request: Request) -> Gateway:
    found: Gateway = request.app.state.gateway
    return found


def private(permission: Literal["trade", "read"], envelope: Envelope = "v1") -> Callable[
    [Handler], Callable[[Request], Awaitable[Response]]
]:
    """Wrap a handler: signature and permission, rate limit, body, envelope and errors."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            gateway = gateway_of(request)
            lang = language_for(request.headers.get("accept-language"))
            now = gateway.now_ms()
            try:
                key = authenticate(
                    gateway.engine.api_keys,
                    gateway.settings.auth,
                    method=request.method,
                    host_header=request.headers.get("host", ""),
                    path=request.url.path,
                    query=request.query_params.multi_items(),
                    client_ip=request.client.host if request.client else None,
                    permission=permission,
                    now=datetime.fromtimestamp(now / 1000, UTC),
                )
            except AuthError as error:
                return wire.gateway_error(str(error), now)
            allowed, headers = gateway.limiters[permission].take(key.uid, now)
            if not allowed:
                return _error(HtxError(ErrorCode.RATE_LIMITED), envelope, lang, now, headers)
            try:
                body = Body.parse(await request.body())
                data = await handler(Call(gateway, request, key, body, lang))
            except HtxError as error:
                return _error(error, envelope, lang, gateway.now_ms(), headers)
            except EngineStoppedError:
                busy = HtxError(ErrorCode.SYSTEM_BUSY)
                return _error(busy, envelope, lang, gateway.now_ms(), headers)
            if isinstance(data, Response):
                data.headers.update(headers)
                return data
            if envelope == "v3":
                body_v3 = {"code": 200, "msg": "", "data": data, "ts": gateway.now_ms()}
                return wire.json_response(body_v3, headers)
            return wire.ok(data, gateway.now_ms(), headers)

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


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
        except EngineStoppedError:
            return wire.error(HtxError(ErrorCode.SYSTEM_BUSY), lang, gateway.now_ms(), headers)
        if isinstance(data, Response):
            data.headers.update(headers)
            return data
        return wire.ok(data, gateway.now_ms(), headers)

    endpoint.__name__ = handler.__name__
    return endpoint


def _error(
    error: HtxError, envelope: Envelope, lang: str, now: int, headers: dict[str, str]
) -> Response:
    if envelope == "v3":
        body = {"code": error.code, "msg": error.wire_message(lang), "data": None, "ts": now}
        return wire.json_response(body, headers)
    return wire.error(error, lang, now, headers)
