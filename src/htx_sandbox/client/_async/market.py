"""Public endpoints (no key needed): contracts, time, heartbeat and market data."""

from __future__ import annotations

from .. import _ops as ops
from ..models import Contract, Depth, Heartbeat, IndexPrice, MergedDetail, PriceLimit, Trades
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

    async def swap_index(self, contract_code: str | None = None) -> list[IndexPrice]:
        """The index price of a contract (of every contract that has one, without one)."""
        return await self._call(ops.swap_index(contract_code))

    async def swap_price_limit(self, contract_code: str | None = None) -> list[PriceLimit]:
        """The price band: the highest buy and the lowest sell price accepted now."""
        return await self._call(ops.swap_price_limit(contract_code))
