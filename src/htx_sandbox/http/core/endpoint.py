"""One HTX endpoint = authentication x rate-limit bucket x envelope x handler, as a bare ASGI app.

Every endpoint answers through `Endpoint.serve`: the sequence "authenticate, rate-limit, decode
the body, run the handler, wrap the answer or the failure in the envelope" is written once, here.
A failure of any kind, an unexpected exception included (logged once, with its traceback),
answers HTTP 200 in the endpoint's own envelope. Handlers only say what a request does.

Endpoints read the ASGI scope directly instead of building Starlette's Request and Response:
every order and cancel passes here. Starlette's router hands a non-function endpoint the raw
(scope, receive, send); the app's exact-path table (app.py) calls `serve` directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from ...domain.commands import Outcome, Reply
from ...domain.errors import ERROR_MESSAGES, ErrorCode, HtxError, language_for
from ...domain.types import UID
from ...service.api_keys import ApiKey
from ...service.engine import EngineCommand, EngineUnavailableError
from ...service.ports import StorageOutageError
from ...service.queries import Reads
from ..auth.signed import AuthError, authenticate
from . import wire
from .body import Body, read_body
from .envelopes import MARKET_ENVELOPE, V1_ENVELOPE, Envelope, Failure, MarketError
from .faults import Fault
from .gateway import Gateway

T = TypeVar("T")
log = logging.getLogger(__name__)

Auth = Literal["trade", "read", "public", "admin"]
"""Signed with the trade or read permission, open to all, or the admin token."""
Bucket = Literal["trade", "read", "public", "market"] | None
"""Which of the gateway's rate limiters counts the request (trade and read per UID, public and
market per IP); None counts nothing."""


@dataclass(slots=True)
class Call:
    """One request, as a handler sees it."""

    gateway: Gateway
    body: Body
    """A POST's JSON object, or a GET's query parameters."""
    lang: str
    query: dict[str, str]
    """The query parameters (a signed request's: decoded, the signature's included)."""
    key: ApiKey | None = None
    """The signing key (signed endpoints only)."""
    path: dict[str, Any] = field(default_factory=dict)
    """Path parameters (`/contracts/{contract_code}`)."""
    now: int = 0
    """When the request arrived (ms, the exchange's clock)."""

    @property
    def uid(self) -> UID:
        assert self.key is not None, "uid is a signed endpoint's"
        return self.key.uid

    def param(self, name: str) -> str:
        """A query parameter, stripped; "" when absent."""
        return self.query.get(name, "").strip()

    async def execute(self, command: EngineCommand) -> Reply:
        """Apply a command through the single writer; its HtxError becomes the reply's error."""
        outcome: Outcome = await self.gateway.engine.execute_async(command)
        if outcome.error is not None:
            raise outcome.error
        return outcome.reply

    async def read(self, query: Callable[[Reads], T]) -> T:
        return await self.gateway.read(query)


Handler = Callable[[Call], Awaitable[Any]]

_JSON = (b"content-type", b"application/json")
_STATUS_BODY = b"%d injected by the sandbox"
"""The body of an injected HTTP status: plain text, as a proxy in front of HTX answers."""
_UNAUTHORIZED_HEADERS = [(b"www-authenticate", b"Bearer")]


class Endpoint:
    __slots__ = ("__name__", "auth", "bucket", "envelope", "handler")

    def __init__(self, handler: Handler, *, auth: Auth, envelope: Envelope, bucket: Bucket):
        self.handler = handler
        self.auth = auth
        self.envelope = envelope
        self.bucket = bucket
        self.__name__ = handler.__name__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reached through Starlette's router (paths with parameters, HEAD)."""
        await self.serve(scope["app"].state.gateway, scope, receive, send)

    async def serve(self, gateway: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
        host, language, authorization = "", None, None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"accept-language":
                language = value.decode("latin-1")
            elif name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
        lang = language_for(language)
        now = gateway.now_ms()
        # The clients' time: signature timestamps and rate-limit windows are checked on it.
        wall = gateway.wall.now()
        client = scope.get("client")
        ip = client[0] if client else None
        auth, key, query = self.auth, None, None
        if auth == "trade" or auth == "read":
            try:
                key, query = authenticate(
                    gateway.engine.api_keys,
                    gateway.settings.auth,
                    method=scope["method"],
                    host_header=host,
                    path=scope["path"],
                    raw_query=scope["query_string"].decode("latin-1"),
                    client_ip=ip,
                    permission=auth,
                    now_ms=now,
                    wall_ms=wall,
                )
            except AuthError as error:
                scope["htx.err_code"] = 403  # for the access log
                await _send(send, wire.gateway_error_body(str(error), now))
                return
            scope["htx.uid"] = key.uid  # for the access log
        elif auth == "admin" and not gateway.admin.allows(authorization):
            scope["htx.err_code"] = 401
            refusal = {"status": "error", "err_code": 401, "err_msg": "invalid admin token"}
            await _send(send, {**refusal, "ts": now}, _UNAUTHORIZED_HEADERS, status=401)
            return
        if gateway.faults.armed and auth != "admin":
            fault = gateway.faults.take(scope["path"], key.uid if key is not None else None)
            if fault is not None and await self._inject(fault, scope, send, lang, now):
                return
        headers: list[tuple[bytes, bytes]] = []
        if self.bucket is not None:
            counted: object = key.uid if key is not None else (ip or "")
            allowed, headers = gateway.limiters[self.bucket].take_raw(counted, wall)
            if not allowed:
                await self._fail(scope, send, HtxError(ErrorCode.RATE_LIMITED), lang, now, headers)
                return
        try:
            if query is None:
                query = dict(parse_qsl(scope["query_string"].decode("latin-1"), True))
            if scope["method"] == "GET":
                body = Body(dict(query))
            else:
                body = Body.parse(await read_body(receive))
            call = Call(gateway, body, lang, query, key, scope.get("path_params") or {}, now)
            data = await self.handler(call)
            payload = wire.encode(self.envelope.ok(data, gateway.now_ms()))
        except HtxError as error:
            # Raised through Call.execute, whose frame holds the outcome holding the error: drop
            # the traceback, or every rejected request leaves a cycle for the cyclic GC (whose
            # full passes then stalled a busy server for 0.4 s).
            error.__traceback__ = None
            failure: Failure = error
        except MarketError as error:
            error.__traceback__ = None  # no cycle through this frame either
            failure = error
        except (EngineUnavailableError, StorageOutageError):
            failure = HtxError(ErrorCode.SYSTEM_BUSY)
        except Exception:  # a bug of ours: still the envelope, never a bare 500
            log.exception("%s %s failed", scope["method"], scope["path"])
            failure = HtxError(ErrorCode.SYSTEM_ERROR)
        else:
            await _send_payload(send, payload, headers)
            return
        await self._fail(scope, send, failure, lang, gateway.now_ms(), headers)

    async def _inject(self, fault: Fault, scope: Scope, send: Send, lang: str, now: int) -> bool:
        """Apply an armed fault; whether it answered (or dropped) the request. A delay only
        holds the request back: it is then served as usual."""
        scope["htx.injected"] = fault.injected  # for the access log
        if fault.kind == "delay_ms":
            await asyncio.sleep(fault.value / 1000)
            return False
        if fault.kind == "drop":
            abort = scope.get("htx.abort")  # the connection's, from http/core/guard.py
            if abort is not None:
                abort()
                # Let the loop run connection_lost before returning: uvicorn then knows the
                # client is gone and neither answers 500 nor logs a missing response.
                await asyncio.sleep(0)
            return True
        if fault.kind == "http_status":
            payload = _STATUS_BODY % fault.value
            start = [(b"content-type", b"text/plain; charset=utf-8"),
                     (b"content-length", b"%d" % len(payload))]  # fmt: skip
            await send({"type": "http.response.start", "status": fault.value, "headers": start})
            await send({"type": "http.response.body", "body": payload})
            return True
        placeholders = ERROR_MESSAGES[fault.value][0].count("{")
        error = HtxError(fault.value, *([""] * placeholders))
        await self._fail(scope, send, error, lang, now, [])
        return True

    async def _fail(
        self,
        scope: Scope,
        send: Send,
        failure: Failure,
        lang: str,
        now: int,
        headers: list[tuple[bytes, bytes]],
    ) -> None:
        scope["htx.err_code"] = failure.code  # for the access log
        await _send(send, self.envelope.error(failure, lang, now), headers)


async def _send(
    send: Send, body: Any, headers: list[tuple[bytes, bytes]] | None = None, status: int = 200
) -> None:
    await _send_payload(send, wire.encode(body), headers, status)


async def _send_payload(
    send: Send, payload: bytes, headers: list[tuple[bytes, bytes]] | None = None, status: int = 200
) -> None:
    start = [_JSON, (b"content-length", b"%d" % len(payload))]
    if headers:
        start += headers
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": payload})


# -- declarations ----------------------------------------------------------------------------


def private(
    permission: Literal["trade", "read"], envelope: Envelope = V1_ENVELOPE
) -> Callable[[Handler], Endpoint]:
    """A signed endpoint needing `permission`, counted in that permission's per-UID bucket."""

    def wrap(handler: Handler) -> Endpoint:
        return Endpoint(handler, auth=permission, envelope=envelope, bucket=permission)

    return wrap


def public(
    envelope: Envelope = V1_ENVELOPE, bucket: Bucket = "public"
) -> Callable[[Handler], Endpoint]:
    """An endpoint open to all, counted per IP (bucket None: not counted)."""

    def wrap(handler: Handler) -> Endpoint:
        return Endpoint(handler, auth="public", envelope=envelope, bucket=bucket)

    return wrap


def market_data(handler: Handler) -> Endpoint:
    """A `/swap-ex/market/` endpoint: open to all, its own per-IP quota, the market envelope."""
    return Endpoint(handler, auth="public", envelope=MARKET_ENVELOPE, bucket="market")


def admin(handler: Handler) -> Endpoint:
    """A sandbox admin endpoint: the admin token, no rate limit, v1's envelope."""
    return Endpoint(handler, auth="admin", envelope=V1_ENVELOPE, bucket=None)
