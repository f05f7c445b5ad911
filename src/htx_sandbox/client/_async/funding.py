"""Funding and settlement: the public funding rates, settlement records and estimated
settlement price, and (signed, `read` permission) the UID's settlement and financial records."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _funding_ops as ops
from ..models import (
    EstimatedSettlementPrice,
    FinancialRecord,
    FundingRate,
    FundingRatePage,
    Klines,
    SettlementRecordsPage,
    UserSettlementPage,
)
from ._session import AsyncSwapSession


class AsyncFunding(AsyncSwapSession):
    async def swap_funding_rate(self, contract_code: str) -> FundingRate:
        return await self._call(ops.swap_funding_rate(contract_code))

    async def swap_batch_funding_rate(self, contract_code: str | None = None) -> list[FundingRate]:
        return await self._call(ops.swap_batch_funding_rate(contract_code))

    async def swap_historical_funding_rate(
        self, contract_code: str, *, page_index: int | None = None, page_size: int | None = None
    ) -> FundingRatePage:
        """The settled periods' rates, newest first."""
        return await self._call(
            ops.swap_historical_funding_rate(contract_code, page_index, page_size)
        )

    async def swap_premium_index_kline(self, contract_code: str, period: str, size: int) -> Klines:
        """The premium index's minute samples as klines."""
        return await self._call(ops.funding_kline("premium_index", contract_code, period, size))

    async def swap_estimated_rate_kline(
        self, contract_code: str, period: str, size: int
    ) -> Klines:
        """The running period's funding rate, as it moved, as klines."""
        return await self._call(ops.funding_kline("estimated_rate", contract_code, period, size))

    async def swap_settlement_records(
        self,
        contract_code: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> SettlementRecordsPage:
        return await self._call(
            ops.swap_settlement_records(contract_code, start_time, end_time, page_index, page_size)
        )

    async def swap_estimated_settlement_price(
        self, contract_code: str | None = None
    ) -> list[EstimatedSettlementPrice]:
        return await self._call(ops.swap_estimated_settlement_price(contract_code))

    async def swap_user_settlement_records(
        self,
        contract_code: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> UserSettlementPage:
        return await self._call(
            ops.swap_user_settlement_records(
                contract_code, start_time, end_time, page_index, page_size
            )
        )

    async def swap_financial_record(
        self,
        contract: str,
        *,
        type: int | Sequence[int] | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
    ) -> list[FinancialRecord]:
        """v3: `type` one code or several (e.g. (30, 31), funding); a window of at most 48 h,
        newest first unless `direct` is "next"; `from_id` pages on from a query_id."""
        return await self._call(
            ops.swap_financial_record(contract, type, start_time, end_time, direct, from_id)
        )

    async def swap_financial_record_exact(
        self,
        contract: str,
        *,
        type: int | Sequence[int] | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
    ) -> list[FinancialRecord]:
        """The same query as swap_financial_record (HTX documents the two alike)."""
        return await self._call(
            ops.swap_financial_record(
                contract, type, start_time, end_time, direct, from_id, exact=True
            )
        )
