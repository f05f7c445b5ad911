"""One httpx client and how an `Op` travels over it: the part every client shares (swap and
admin). Each endpoint family is a subclass adding its methods; the clients compose them."""

from __future__ import annotations

from types import TracebackType
from typing import Self, TypeVar

import httpx

from .._wire import Op
from ..auth import HtxAuth
from ..errors import CredentialsRequired

T = TypeVar("T")


class AsyncSession:
    """Owns the httpx client: close it with `await client.aclose()` or by leaving its
    `async with` block."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    @property
    def base_url(self) -> httpx.URL:
        return self._http.base_url

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, op: Op[T], auth: httpx.Auth | None = None) -> T:
        response = await self._http.request(
            op.method,
            op.path,
            params=op.params,
            content=op.content,
            headers=op.headers,
            auth=auth,
        )
        return op.result(response)


class AsyncSwapSession(AsyncSession):
    """A session of HTX's swap API: private Ops are signed with `auth`, public ones are not."""

    auth: HtxAuth | None

    async def _call(self, op: Op[T]) -> T:
        if op.private and self.auth is None:
            raise CredentialsRequired(f"{op.path} needs access_key and secret_key")
        return await self._send(op, self.auth if op.private else None)
