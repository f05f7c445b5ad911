"""HTX Signature v2 as an httpx.Auth: signs each request it is given, over its method, host,
path and query (the JSON body is not signed, as on HTX)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime

import httpx

from ..protocol.signature import encode, host_without_port, signed_params


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HtxAuth(httpx.Auth):
    """Signs requests with an HTX API key.

    The signature covers the host the request goes to (its Host header without the port),
    unless `sign_host` names another one: HTX's own SDKs sign `api.hbdm.com` whatever address
    they talk to, and the sandbox accepts that as well. `now` supplies the signing time
    (default: the wall clock, in UTC)."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        sign_host: str | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.sign_host = sign_host
        self.now = now

    def host_for(self, request: httpx.Request) -> str:
        if self.sign_host is not None:
            return self.sign_host.lower()
        return host_without_port(request.headers.get("host") or request.url.host)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        own = dict(request.url.params.multi_items())
        query = signed_params(
            self.access_key,
            self.secret_key,
            request.method,
            self.host_for(request),
            request.url.path,
            self.now(),
            own,
        )
        text = "&".join(f"{encode(k)}={encode(v)}" for k, v in query)
        request.url = request.url.copy_with(query=text.encode("ascii"))
        yield request
