"""Account reference endpoints of the swap API (signed, `read` permission): a contract's
account with its positions, and what the API lets the UID do (lever rates, per-order caps,
fees, transfer and position limits, API disablement), and the valuation of its accounts."""

from __future__ import annotations

from .. import _account_ops as ops
from ..models import (
    AccountPositions,
    ApiTradingStatus,
    AvailableLevelRate,
    BalanceValuation,
    Fee,
    OrderLimits,
    PositionLimit,
    TransferLimit,
)
from ._session import AsyncSwapSession


class AsyncSwapAccount(AsyncSwapSession):
    async def swap_account_position_info(self, contract_code: str) -> list[AccountPositions]:
        """The contract's margin account, with its positions under `positions`."""
        return await self._call(ops.swap_account_position_info(contract_code))

    async def swap_available_level_rate(
        self, contract_code: str | None = None
    ) -> list[AvailableLevelRate]:
        return await self._call(ops.swap_available_level_rate(contract_code))

    async def swap_order_limit(
        self, order_price_type: str = "limit", contract_code: str | None = None
    ) -> OrderLimits:
        """The most contracts one order of `order_price_type` may open or close."""
        return await self._call(ops.swap_order_limit(order_price_type, contract_code))

    async def swap_fee(self, contract_code: str | None = None) -> list[Fee]:
        return await self._call(ops.swap_fee(contract_code))

    async def swap_transfer_limit(self, contract_code: str | None = None) -> list[TransferLimit]:
        return await self._call(ops.swap_transfer_limit(contract_code))

    async def swap_position_limit(self, contract_code: str | None = None) -> list[PositionLimit]:
        return await self._call(ops.swap_position_limit(contract_code))

    async def swap_balance_valuation(
        self, valuation_asset: str | None = None
    ) -> list[BalanceValuation]:
        """Every margin account together, in BTC (the default) or USD."""
        return await self._call(ops.swap_balance_valuation(valuation_asset))

    async def swap_api_trading_status(self) -> ApiTradingStatus:
        return await self._call(ops.swap_api_trading_status())
