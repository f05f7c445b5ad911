"""Public risk data: adjust factors, the insurance fund, tiered margin and the liquidation
feed (no key needed)."""

from __future__ import annotations

from .. import _ops as ops
from ..models import AdjustFactors, InsuranceFundPage, LadderMargin, LiquidationOrder, RiskInfo
from ._session import AsyncSwapSession


class AsyncRisk(AsyncSwapSession):
    async def swap_adjustfactor(self, contract_code: str | None = None) -> list[AdjustFactors]:
        """The adjust-factor tiers of each lever rate (every contract without one)."""
        return await self._call(ops.swap_adjustfactor(contract_code))

    async def swap_risk_info(self, contract_code: str | None = None) -> list[RiskInfo]:
        """The insurance fund's balance and the estimated clawback rate of each contract."""
        return await self._call(ops.swap_risk_info(contract_code))

    async def swap_insurance_fund(
        self,
        contract_code: str,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> InsuranceFundPage:
        """The insurance fund's balance history, newest first (at most 100 a page)."""
        return await self._call(ops.swap_insurance_fund(contract_code, page_index, page_size))

    async def swap_ladder_margin(self, contract_code: str | None = None) -> list[LadderMargin]:
        return await self._call(ops.swap_ladder_margin(contract_code))

    async def swap_liquidation_orders(
        self,
        contract: str,
        *,
        trade_type: int = 0,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: str | None = None,
        from_id: int | None = None,
    ) -> list[LiquidationOrder]:
        """The public liquidation feed (v3): `trade_type` 0 all, 5 liquidated longs, 6
        liquidated shorts; `direct` "prev" (newest first, the default) or "next", paged by
        `from_id` (a row's query_id)."""
        return await self._call(
            ops.swap_liquidation_orders(
                contract, trade_type, start_time, end_time, direct, from_id
            )
        )
