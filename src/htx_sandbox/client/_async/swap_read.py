"""Read endpoints of the swap API (signed, `read` permission): orders, account, positions."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _ops as ops
from ..models import Account, HistoryPage, Order, OrderDetail, OrdersPage, Position
from ._session import AsyncSwapSession


class AsyncSwapRead(AsyncSwapSession):
    async def swap_openorders(
        self,
        contract_code: str | None = None,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
        trade_type: int | None = None,
        sort_by: str | None = None,
    ) -> OrdersPage:
        return await self._call(
            ops.swap_openorders(contract_code, page_index, page_size, trade_type, sort_by)
        )

    async def swap_order_info(
        self,
        contract_code: str,
        *,
        order_id: ops.Ids | None = None,
        client_order_id: ops.Ids | None = None,
    ) -> list[Order]:
        return await self._call(ops.swap_order_info(contract_code, order_id, client_order_id))

    async def swap_order_detail(
        self,
        contract_code: str,
        order_id: int,
        *,
        created_at: int | None = None,
        order_type: int | None = None,
        page_index: int | None = None,
        page_size: int | None = None,
    ) -> OrderDetail:
        return await self._call(
            ops.swap_order_detail(
                contract_code, order_id, created_at, order_type, page_index, page_size
            )
        )

    async def swap_hisorders(
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
        `create_date` is the number of days back (at least 1; past 90, the last 90)."""
        return await self._call(
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

    async def swap_account_info(self, contract_code: str | None = None) -> list[Account]:
        return await self._call(ops.swap_account_info(contract_code))

    async def swap_position_info(self, contract_code: str | None = None) -> list[Position]:
        return await self._call(ops.swap_position_info(contract_code))
