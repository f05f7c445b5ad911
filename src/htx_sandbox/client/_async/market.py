"""Public endpoints (no key needed): contracts, time, heartbeat, market data, klines and open
interest."""

from __future__ import annotations

from .. import _ops as ops
from ..models import (
    BasisSeries,
    BatchTick,
    Contract,
    Depth,
    Heartbeat,
    IndexPrice,
    Klines,
    MergedDetail,
    OpenInterest,
    OpenInterestHistory,
    PriceLimit,
    Trades,
)
from ._session import AsyncSwapSession


class AsyncMarket(AsyncSwapSession):
    async def swap_contract_info(self, contract_code: str | None = None) -> list[Contract]:
        return await self._call(ops.swap_contract_info(contract_code))

    async def timestamp(self) -> int:
        """The server's time, ms since the epoch."""
        return await self._call(ops.timestamp())

    async def heartbeat(self) -> Heartbeat:
        return await self._call(ops.heartbeat())

    async def market_depth(self, contract_code: str, type: str = "step0") -> Depth:
        return await self._call(ops.market_depth(contract_code, type))

    async def market_detail_merged(self, contract_code: str) -> MergedDetail:
        return await self._call(ops.market_detail_merged(contract_code))

    async def market_trade(self, contract_code: str | None = None) -> Trades:
        """The last trade round of a contract (of every contract without one)."""
        return await self._call(ops.market_trade(contract_code))

    async def market_history_kline(
        self,
        contract_code: str,
        period: str,
        size: int | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> Klines:
        """Trade klines: the newest `size` bars, or (without size) those from `start` to `end`
        (HTX's `from` and `to`, seconds)."""
        return await self._call(ops.market_history_kline(contract_code, period, size, start, end))

    async def swap_mark_price_kline(self, contract_code: str, period: str, size: int) -> Klines:
        return await self._call(ops.swap_mark_price_kline(contract_code, period, size))

    async def swap_basis(
        self,
        contract_code: str,
        period: str,
        size: int | None = None,
        basis_price_type: str | None = None,
    ) -> BasisSeries:
        """The trade price against the index, per bar (`basis_price_type`: open, the default,
        close, high, low or average)."""
        return await self._call(ops.swap_basis(contract_code, period, size, basis_price_type))

    async def market_batch_merged(
        self, contract_code: str | None = None, *, v2: bool = False
    ) -> list[BatchTick]:
        """The 24-hour overview of every contract (of one): detail/batch_merged, v1 or v2."""
        return await self._call(ops.market_batch_merged(contract_code, v2=v2))

    async def swap_open_interest(self, contract_code: str | None = None) -> list[OpenInterest]:
        return await self._call(ops.swap_open_interest(contract_code))

    async def swap_his_open_interest(
        self, contract_code: str, period: str, amount_type: int = 1, size: int | None = None
    ) -> OpenInterestHistory:
        """One tick per period (60min, 4hour, 12hour, 1day), newest first; amount_type 1 in
        contracts, 2 in coin."""
        return await self._call(
            ops.swap_his_open_interest(contract_code, period, amount_type, size)
        )
    async def swap_index(self, contract_code: str | None = None) -> list[IndexPrice]:
        """The index price of a contract (of every contract that has one, without one)."""
        return await self._call(ops.swap_index(contract_code))

    async def swap_price_limit(self, contract_code: str | None = None) -> list[PriceLimit]:
        """The price band: the highest buy and the lowest sell price accepted now."""
        return await self._call(ops.swap_price_limit(contract_code))
