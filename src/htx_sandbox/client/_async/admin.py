"""AsyncAdminClient: the sandbox's own admin API (/sandbox-api/v1/), with the admin bearer
token. Accounts, deposits, API keys and contracts of a running sandbox; what the admin CLI
drives."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import httpx

from .. import _admin_ops as ops
from .. import _control_ops as controls
from .._wire import DEFAULT_TIMEOUT
from ..models import (
    ApiKey,
    Balance,
    CancelResult,
    Order,
    SandboxClock,
    SandboxContract,
    SandboxFault,
    SandboxIndexPrice,
    SandboxRateLimits,
    SandboxReset,
    SandboxSnapshot,
    SandboxUser,
)
from ._session import AsyncSession


class AsyncAdminClient(AsyncSession):
    """A client of the sandbox admin API. Errors raise the same typed exceptions as the trading
    client (a wrong or missing token: AuthenticationFailed with err_code 401)."""

    def __init__(
        self,
        base_url: str = ops.DEFAULT_ADMIN_URL,
        admin_token: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        headers = {"authorization": f"Bearer {admin_token}"} if admin_token else {}
        super().__init__(
            httpx.AsyncClient(
                base_url=base_url, transport=transport, timeout=timeout, headers=headers
            )
        )

    # -- accounts ----------------------------------------------------------------------------

    async def create_account(self, uid: int | None = None) -> int:
        """Open a UID (the next free one when not given); returns it."""
        return await self._send(ops.create_account(uid))

    async def list_accounts(self) -> list[SandboxUser]:
        return await self._send(ops.list_accounts())

    async def deposit(self, uid: int, symbol: str, amount: Decimal | int | str) -> Balance:
        """Credit `amount` of a coin to the UID's margin account; returns that account."""
        return await self._send(ops.deposit(uid, symbol, amount))

    # -- API keys ----------------------------------------------------------------------------

    async def create_api_key(
        self,
        uid: int,
        permissions: Iterable[str] = ("read", "trade"),
        *,
        ip_whitelist: Iterable[str] | None = None,
        expires_at: int | None = None,
    ) -> ApiKey:
        """A new key for the UID; the answer is the only time its `secret_key` is shown."""
        return await self._send(ops.create_api_key(uid, permissions, ip_whitelist, expires_at))

    async def list_api_keys(self, uid: int | None = None) -> list[ApiKey]:
        return await self._send(ops.list_api_keys(uid))

    async def disable_api_key(self, access_key: str) -> ApiKey:
        return await self._send(ops.disable_api_key(access_key))

    # -- contracts ---------------------------------------------------------------------------

    async def list_contracts(self) -> list[SandboxContract]:
        return await self._send(ops.list_contracts())

    async def add_contract(
        self,
        contract_code: str,
        *,
        symbol: str,
        contract_size: Decimal | int | str,
        price_tick: Decimal | int | str,
        reference_price: Decimal | int | str,
        **settings: Any,
    ) -> SandboxContract:
        """List a new contract; `settings` are optional fields (max_order_volume, lever_rates,
        maker_fee_rate, ...) passed as the admin API names them."""
        return await self._send(
            ops.add_contract(
                contract_code, symbol, contract_size, price_tick, reference_price, settings
            )
        )

    async def set_contract(
        self,
        contract_code: str,
        *,
        contract_status: int | None = None,
        reference_price: Decimal | int | str | None = None,
        price_limit_rate: Decimal | int | str | None = None,
        buy_limit: int | None = None,
        sell_limit: int | None = None,
    ) -> SandboxContract:
        """Change a contract's status, reference price, price limit rate (the price band's
        half-width around the index, e.g. "0.06") and/or position limits (the most contracts
        one UID may hold long / short; 0 lifts a limit)."""
        return await self._send(
            ops.set_contract(
                contract_code,
                contract_status,
                reference_price,
                price_limit_rate=price_limit_rate,
                buy_limit=buy_limit,
                sell_limit=sell_limit,
            )
        )

    # -- orders ------------------------------------------------------------------------------

    async def list_orders(self, uid: int, contract_code: str | None = None) -> list[Order]:
        """The UID's open orders (on one contract if given)."""
        return await self._send(ops.list_orders(uid, contract_code))

    async def cancel(
        self, uid: int, contract_code: str, order_ids: Iterable[int | str]
    ) -> CancelResult:
        """Cancel the UID's orders by id, as its own swap_cancel would."""
        return await self._send(ops.cancel(uid, contract_code, order_ids))

    async def cancel_all(
        self,
        uid: int,
        contract_code: str,
        *,
        direction: str | None = None,
        offset: str | None = None,
    ) -> CancelResult:
        """Cancel the UID's open orders on the contract (those of `direction` and `offset` when
        given), as its own swap_cancelall would: NoOrdersToCancel when none matches."""
        return await self._send(ops.cancel_all(uid, contract_code, direction, offset))

    # -- index prices ------------------------------------------------------------------------

    async def list_index_prices(self, contract_code: str | None = None) -> list[SandboxIndexPrice]:
        """Every contract's index (one contract's if given), with how it moves."""
        return await self._send(ops.list_index_prices(contract_code))

    async def set_index_price(
        self, contract_code: str, price: Decimal | int | str
    ) -> SandboxIndexPrice:
        """Hold the contract's index at `price`, from now on."""
        return await self._send(ops.set_index_price(contract_code, price))

    async def set_index_path(
        self, contract_code: str, points: Iterable[tuple[int, Decimal | int | str]]
    ) -> SandboxIndexPrice:
        """Follow (ms, price) points, ascending in time: linear between them, from the index
        now to the first, then holding the last."""
        return await self._send(ops.set_index_path(contract_code, points))

    async def walk_index(self, contract_code: str) -> SandboxIndexPrice:
        """Back to the random walk, from where the index stands."""
        return await self._send(ops.walk_index(contract_code))

    # -- the exchange clock (docs/test-controls.md) ------------------------------------------

    async def clock(self) -> SandboxClock:
        """The exchange's time, mode and speed."""
        return await self._send(controls.clock())

    async def set_clock(self, mode: controls.ClockMode, speed: int | None = None) -> SandboxClock:
        """Run the exchange clock live, frozen, or scaled `speed` times the wall clock's pace."""
        return await self._send(controls.set_clock(mode, speed))

    async def advance_clock(self, ms: int) -> SandboxClock:
        """Move the exchange's time forward by `ms` at once; what falls due on the way runs,
        in time order, before this returns (through an index path that takes a commit per
        minute passed: ~2 s for 8 h on SQLite; give the client a timeout to match)."""
        return await self._send(controls.advance_clock(ms))

    async def play_index_path(
        self, contract_code: str, points: Iterable[tuple[int, Decimal | int | str]]
    ) -> SandboxIndexPrice:
        """Follow (ms, price) points taken from anywhere in time (last week's klines): moved so
        that the earliest plays now on the exchange clock, their spacing kept."""
        ordered = sorted(((int(at), price) for at, price in points), key=lambda p: p[0])
        if not ordered:
            raise ValueError("no points to play")
        shift = (await self.clock()).now - ordered[0][0]
        return await self.set_index_path(contract_code, [(at + shift, p) for at, p in ordered])

    # -- faults ------------------------------------------------------------------------------

    async def arm_fault(
        self,
        path: str,
        *,
        uid: int | None = None,
        count: int = 1,
        err_code: int | None = None,
        http_status: int | None = None,
        delay_ms: int | None = None,
        drop: bool = False,
    ) -> SandboxFault:
        """The next `count` requests to an HTX path (of `uid` only, if given) answer HTX's
        `err_code` in that path's envelope, or HTTP `http_status`, or are held back
        `delay_ms`, or lose their connection (`drop`); give exactly one of the four."""
        return await self._send(controls.arm_fault(
            path, uid=uid, count=count, err_code=err_code, http_status=http_status,
            delay_ms=delay_ms, drop=drop,
        ))  # fmt: skip

    async def faults(self) -> list[SandboxFault]:
        """The armed faults, with the requests each still answers."""
        return await self._send(controls.faults())

    async def clear_faults(self) -> int:
        """Disarm every fault; how many there were."""
        return await self._send(controls.clear_faults())

    async def fault_paths(self) -> list[str]:
        """The HTX paths a fault may be armed on (every one the sandbox serves), sorted."""
        return await self._send(controls.fault_paths())

    # -- run-time settings -------------------------------------------------------------------

    async def cancel_delay(self) -> int:
        return await self._send(controls.cancel_delay())

    async def set_cancel_delay(self, ms: int) -> int:
        """How long a cancel stays in status 11 (cancelling) from now on, 0 to 60000 ms."""
        return await self._send(controls.set_cancel_delay(ms))

    async def close_sessions(self, uid: int | None = None) -> int:
        """Close `uid`'s /swap-notification sessions, or every WebSocket session (close code
        1012); how many were closed."""
        return await self._send(controls.close_sessions(uid))

    async def rate_limits(self) -> SandboxRateLimits:
        return await self._send(controls.rate_limits())

    async def set_rate_limit(
        self, uid: int, *, trade: int | None = None, read: int | None = None
    ) -> SandboxRateLimits:
        """The UID's own requests per 3 s window in the trade and/or read bucket (applies even
        when the server runs without rate limits)."""
        return await self._send(controls.set_rate_limit(uid, trade, read))

    async def clear_rate_limits(self, uid: int | None = None) -> SandboxRateLimits:
        """The UID's limits (every UID's when not given) back to the defaults."""
        return await self._send(controls.clear_rate_limits(uid))
    # -- reset and snapshots -----------------------------------------------------------------

    async def reset(self, *, empty: bool = False, fixtures: str | None = None) -> SandboxReset:
        """Empty the exchange (its contracts stay) and bring back its fixtures: the ones it was
        started with, `fixtures` (a TOML document) instead, or none with `empty`."""
        return await self._send(ops.reset(empty=empty, fixtures=fixtures))

    async def save_snapshot(self, name: str) -> SandboxSnapshot:
        """Save the whole state as `name` (1 to 64 letters, digits, ".", "_" or "-")."""
        return await self._send(ops.save_snapshot(name))

    async def list_snapshots(self) -> list[SandboxSnapshot]:
        return await self._send(ops.list_snapshots())

    async def restore_snapshot(self, name: str) -> SandboxSnapshot:
        """Bring back the state saved as `name`."""
        return await self._send(ops.restore_snapshot(name))

    async def delete_snapshot(self, name: str) -> None:
        await self._send(ops.delete_snapshot(name))
