"""AsyncHtxSwapClient: HTX's Coin-Margined Swap API over httpx, one method per endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx

from .. import _ops as ops
from .._wire import DEFAULT_TIMEOUT
from ..auth import HtxAuth, _utc_now
from .funding import AsyncFunding
from .history import AsyncHistory
from .market import AsyncMarket
from .risk import AsyncRisk
from .strategy import AsyncStrategyOrders
from .swap_account import AsyncSwapAccount
from .swap_read import AsyncSwapRead
from .swap_tpsl import AsyncSwapTpsl
from .swap_trade import AsyncSwapTrade


class AsyncHtxSwapClient(
    AsyncSwapTrade, AsyncSwapRead, AsyncStrategyOrders, AsyncMarket, AsyncSwapTpsl,
    AsyncSwapAccount, AsyncFunding, AsyncRisk, AsyncHistory,
):
    """A client of HTX's Coin-Margined Swap API (and of the sandbox, which speaks it).

    `access_key`/`secret_key` are needed for the private endpoints only. Requests are signed
    over the host of `base_url` unless `sign_host` names the host to sign over. `transport`
    replaces httpx's network transport (in tests: an in-process one). `timeout` is in seconds
    or an `httpx.Timeout`. Errors raise `HtxApiError` subclasses (see `htx_sandbox.client`).
    Leave its `async with` block, or `await client.aclose()`, when done."""

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str = ops.DEFAULT_BASE_URL,
        sign_host: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        headers: dict[str, str] | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.auth = (
            HtxAuth(access_key, secret_key, sign_host=sign_host, now=now)
            if access_key and secret_key
            else None
        )
        super().__init__(
            httpx.AsyncClient(
                base_url=base_url, transport=transport, timeout=timeout, headers=headers
            )
        )
