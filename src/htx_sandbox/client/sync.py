"""HtxSwapClient: HTX's Coin-Margined Swap API over httpx, one method per endpoint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import TypeVar

import httpx

from . import _ops as ops
from .auth import HtxAuth, _utc_now
from .errors import CredentialsRequired
from .models import (
    Account,
    BatchResult,
    CancelAfterResult,
    CancelResult,
    Contract,
    Depth,
    Direction,
    Heartbeat,
    HistoryPage,
    LeverRate,
    MergedDetail,
    Offset,
    Order,
    OrderDetail,
    OrderPlaced,
    OrderRequest,
    OrdersPage,
    Position,
    Trades,
)

T = TypeVar("T")


class HtxSwapClient:
    """A blocking client of HTX's Coin-Margined Swap API (and of the sandbox, which speaks it).

    `access_key`/`secret_key` are needed for the private endpoints only. Requests are signed
    over the host of `base_url` unless `sign_host` names the host to sign over. `transport`
    replaces httpx's network transport (in tests: an in-process one). `timeout` is in seconds
    or an `httpx.Timeout`. Errors raise `HtxApiError` subclasses (see `htx_sandbox.client`).
    Use it as a context manager, or call `close()`."""

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str = ops.DEFAULT_BASE_URL,
        sign_host: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = ops.DEFAULT_TIMEOUT,
        headers: dict[str, str] | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.auth = (
            HtxAuth(access_key, secret_key, sign_host=sign_host, now=now)
            if access_key and secret_key
            else None
        )
        self._http = httpx.Client(
            base_url=base_url, transport=transport, timeout=timeout, headers=headers
        )

    @property
    def base_url(self) -> httpx.URL:
        return self._http.base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HtxSwapClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, op: ops.Op[T]) -> T:
        if op.private and self.auth is None:
            raise CredentialsRequired(f"{op.path} needs access_key and secret_key")
        response = self._http.request(
            op.method,
            op.path,
            params=op.params,
            content=op.content,
            headers=op.headers,
            auth=self.auth if op.private else None,
        )
        return op.result(response)

    # -- trading -----------------------------------------------------------------------------

    def swap_order(
        self,
        contract_code: str,
        *,
        direction: Direction,
        offset: Offset,
        volume: int,
        lever_rate: int,
        order_price_type: str = "limit",
        price: ops.Number | None = None,
        client_order_id: int | None = None,
        self_match_prevent: int | None = None,
        reduce_only: bool | None = None,
    ) -> OrderPlaced:
        """Place one order (POST /swap-api/v1/swap_order)."""
        order = ops.make_order(
            contract_code, direction, offset, volume, lever_rate, order_price_type, price,
            client_order_id, self_match_prevent, reduce_only,
        )  # fmt: skip
        return self._call(ops.swap_order(order))

    def swap_batchorder(self, orders: Sequence[OrderRequest]) -> BatchResult:
        """Place up to 10 orders; each succeeds or fails on its own."""
        return self._call(ops.swap_batchorder(orders))

    def swap_cancel(
        self,
        contract_code: str,
        *,
        order_id: ops.Ids | None = None,
        client_order_id: ops.Ids | None = None,
    ) -> CancelResult:
        """Cancel orders by id (one or a list of up to 10); order_id wins over client_order_id."""
        return self._call(ops.swap_cancel(contract_code, order_id, client_order_id))

    def swap_cancelall(
        self,
        contract_code: str,
        *,
        direction: Direction | None = None,
        offset: Offset | None = None,
    ) -> CancelResult:
        """Cancel every open order on a contract; NoOrdersToCancel (1051) when none match."""
        return self._call(ops.swap_cancelall(contract_code, direction, offset))

    def swap_switch_lever_rate(self, contract_code: str, lever_rate: int) -> LeverRate:
        return self._call(ops.swap_switch_lever_rate(contract_code, lever_rate))

    def swap_cancel_after(self, on: bool, time_out: int | None = None) -> CancelAfterResult:
        """The dead man's switch: with `on`, cancel everything `time_out` ms (>= 5000) from now
        unless called again."""
        return self._call(ops.swap_cancel_after(on, time_out))

    # -- reads -------------------------------------------------------------------------------

    def swap_openorders(
        self,
        contract_code: str | None = None,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
        trade_type: int | None = None,
        sort_by: str | None = None,
    ) -> OrdersPage:
        return self._call(
            ops.swap_openorders(contract_code, page_index, page_size, trade_type, sort_by)
        )

    def swap_order_info(
        self,
        contract_code: str,
        *,
        order_id: ops.Ids | None = None,
        client_order_id: ops.Ids | None = None,
    ) -> list[Order]:
        return self._call(ops.swap_order_info(contract_code, order_id, client_order_id))

    def swap_order_detail(
        self,
        contract_code: str,
        order_id: int,
        *,
        created_at: int | None = None,
        order_type: int | None = None,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> OrderDetail:
        return self._call(
            ops.swap_order_detail(
                contract_code, order_id, created_at, order_type, page_index, page_size
            )
        )

    def swap_hisorders(
        self,
        contract_code: str,
        *,
        trade_type: int = 0,
        type: int = 1,
        status: int | Sequence[int] = 0,
        create_date: int = 7,
        page_index: int | None = None,
        page_size: int | None = None,
        sort_by: str | None = None,
    ) -> HistoryPage:
        """Order history: `type` 1 all orders, 2 finished only; `status` 0 is every status;
        `create_date` is the number of days back (1 to 90)."""
        return self._call(
            ops.swap_hisorders(
                contract_code,
                trade_type,
                type,
                status,
                create_date,
                page_index,
                page_size,
                sort_by,
            )
        )

    def swap_account_info(self, contract_code: str | None = None) -> list[Account]:
        return self._call(ops.swap_account_info(contract_code))

    def swap_position_info(self, contract_code: str | None = None) -> list[Position]:
        return self._call(ops.swap_position_info(contract_code))

    # -- public ------------------------------------------------------------------------------

    def swap_contract_info(self, contract_code: str | None = None) -> list[Contract]:
        return self._call(ops.swap_contract_info(contract_code))

    def timestamp(self) -> int:
        """The server's time, ms since the epoch."""
        return self._call(ops.timestamp())

    def heartbeat(self) -> Heartbeat:
        return self._call(ops.heartbeat())

    def market_depth(self, contract_code: str, type: str = "step0") -> Depth:
        return self._call(ops.market_depth(contract_code, type))

    def market_detail_merged(self, contract_code: str) -> MergedDetail:
        return self._call(ops.market_detail_merged(contract_code))

    def market_trade(self, contract_code: str | None = None) -> Trades:
        """The last trade round of a contract (of every contract without one)."""
        return self._call(ops.market_trade(contract_code))
