"""Trading endpoints of the swap API (signed, `trade` permission)."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _ops as ops
from ..models import (
    BatchResult,
    CancelAfterResult,
    CancelResult,
    Direction,
    LeverRate,
    Offset,
    OrderPlaced,
    OrderRequest,
)
from ._session import AsyncSwapSession


class AsyncSwapTrade(AsyncSwapSession):
    async def swap_order(
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
        return await self._call(ops.swap_order(order))

    async def swap_lightning_close_position(
        self,
        contract_code: str,
        *,
        direction: Direction,
        volume: int,
        order_price_type: str = "lightning",
        client_order_id: int | None = None,
    ) -> OrderPlaced:
        """Close a position at once at the counterparty's best 30 levels: sell closes a long,
        buy a short (POST /swap-api/v1/swap_lightning_close_position)."""
        return await self._call(
            ops.swap_lightning_close_position(
                contract_code, direction, volume, order_price_type, client_order_id
            )
        )

    async def swap_batchorder(self, orders: Sequence[OrderRequest]) -> BatchResult:
        """Place up to 10 orders; each succeeds or fails on its own."""
        return await self._call(ops.swap_batchorder(orders))

    async def swap_cancel(
        self,
        contract_code: str,
        *,
        order_id: ops.Ids | None = None,
        client_order_id: ops.Ids | None = None,
    ) -> CancelResult:
        """Cancel orders by id (one or a list of up to 10); order_id wins over client_order_id."""
        return await self._call(ops.swap_cancel(contract_code, order_id, client_order_id))

    async def swap_cancelall(
        self,
        contract_code: str,
        *,
        direction: Direction | None = None,
        offset: Offset | None = None,
    ) -> CancelResult:
        """Cancel every open order on a contract; NoOrdersToCancel (1051) when none match."""
        return await self._call(ops.swap_cancelall(contract_code, direction, offset))

    async def swap_switch_lever_rate(self, contract_code: str, lever_rate: int) -> LeverRate:
        return await self._call(ops.swap_switch_lever_rate(contract_code, lever_rate))

    async def swap_cancel_after(self, on: bool, time_out: int | None = None) -> CancelAfterResult:
        """The dead man's switch: with `on`, cancel everything `time_out` ms (>= 5000) from now
        unless called again."""
        return await self._call(ops.swap_cancel_after(on, time_out))
