"""A UID's order and fill history with HTX's query_id paging (signed, `read` permission).

v3 (`swap_hisorders`, `_exact`, `swap_matchresults`, `_exact`): a window of at most 48 h within
90 days, newest first unless `direct` is "next"; pass the page's last query_id as `from_id`
for the next page. v1 `_exact`: any window within 90 days, pages newest first, `next_id` opens
the next page. v1 `swap_matchresults`: page_index paging over the last `create_date` days.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import _history_ops as ops
from ..models import (
    ExactHistoryOrder,
    ExactHistoryPage,
    MatchResult,
    MatchResultsExactPage,
    MatchResultsPage,
)
from ._session import AsyncSwapSession


class AsyncHistory(AsyncSwapSession):
    async def swap_hisorders_v3(
        self,
        contract: str,
        *,
        trade_type: int = 0,
        type: int = 1,
        status: int | Sequence[int] = 0,
        price_type: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> list[ExactHistoryOrder]:
        """v3 swap_hisorders (ccxt's fetch_orders): `type` 1 all, 2 finished; `status` 0 all
        or some of 3-7; `size` is the sandbox's (20 unless asked, at most 100)."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(
            ops.v3_hisorders(contract, trade_type, type, status, price_type, window, exact=False)
        )

    async def swap_hisorders_exact_v3(
        self,
        contract: str,
        *,
        trade_type: int = 0,
        type: int = 1,
        status: int | Sequence[int] = 0,
        price_type: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> list[ExactHistoryOrder]:
        """v3 swap_hisorders_exact: as swap_hisorders_v3, rows without update_time."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(
            ops.v3_hisorders(contract, trade_type, type, status, price_type, window, exact=True)
        )

    async def swap_hisorders_exact(
        self,
        contract_code: str,
        *,
        trade_type: int = 0,
        type: int = 1,
        status: int | Sequence[int] = 0,
        order_price_type: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> ExactHistoryPage:
        """v1 swap_hisorders_exact: `size` at most 50."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(
            ops.swap_hisorders_exact(
                contract_code, trade_type, type, status, order_price_type, window
            )
        )

    async def swap_matchresults_v3(
        self,
        contract: str,
        *,
        trade_type: int = 0,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> list[MatchResult]:
        """v3 swap_matchresults: `trade_type` 0 all, 1-4 a side, 5/6 liquidation fills."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(ops.v3_matchresults(contract, trade_type, window, exact=False))

    async def swap_matchresults_exact_v3(
        self,
        contract: str,
        *,
        trade_type: int = 0,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> list[MatchResult]:
        """v3 swap_matchresults_exact (ccxt's fetch_my_trades): as swap_matchresults_v3."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(ops.v3_matchresults(contract, trade_type, window, exact=True))

    async def swap_matchresults(
        self,
        contract_code: str,
        *,
        trade_type: int = 0,
        create_date: int = 7,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> MatchResultsPage:
        """v1 swap_matchresults: the last `create_date` days (past 90: the last 90)."""
        return await self._call(
            ops.swap_matchresults(contract_code, trade_type, create_date, page_index, page_size)
        )

    async def swap_matchresults_exact(
        self,
        contract_code: str,
        *,
        trade_type: int = 0,
        start_time: int | None = None,
        end_time: int | None = None,
        direct: ops.Direct | None = None,
        from_id: int | None = None,
        size: int | None = None,
    ) -> MatchResultsExactPage:
        """v1 swap_matchresults_exact: `size` at most 50."""
        window = ops.window(start_time, end_time, direct, from_id, size)
        return await self._call(ops.swap_matchresults_exact(contract_code, trade_type, window))
