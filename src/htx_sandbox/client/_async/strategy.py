"""Strategy orders (signed): trigger and trailing orders placed (TP/SL legs are swap_tpsl.py's
and swap_order's), and the cancels and queries of trigger, take-profit/stop-loss and trailing
orders. Cancels and placements count in HTX's 5 per second per UID and endpoint."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _ops as ops
from .. import _strategy_ops as strategy
from ..models import (
    CancelResult,
    Direction,
    Offset,
    OrderPlaced,
    StrategyOrdersPage,
    TpslHistoryOrder,
    TpslOrder,
    TrackHistoryOrder,
    TrackOrder,
    TriggerHistoryOrder,
    TriggerOrder,
    TriggerType,
)
from ._session import AsyncSwapSession


class AsyncStrategyOrders(AsyncSwapSession):
    # -- trigger orders ----------------------------------------------------------------------

    async def swap_trigger_order(
        self,
        contract_code: str,
        *,
        trigger_type: TriggerType,
        trigger_price: ops.Number,
        volume: int,
        direction: Direction,
        offset: Offset,
        order_price: ops.Number | None = None,
        order_price_type: str | None = None,
        lever_rate: int | None = None,
    ) -> OrderPlaced:
        """Place `order_price_type` (limit by default, at `order_price`; or optimal_5/10/20)
        once the last price is at or above (ge) or at or below (le) `trigger_price`.
        `lever_rate` may be left out to close, or to open on a holding that has one."""
        return await self._call(
            strategy.swap_trigger_order(
                contract_code, trigger_type, trigger_price, volume, direction, offset,
                order_price, order_price_type, lever_rate,
            )
        )  # fmt: skip

    async def swap_trigger_cancel(self, contract_code: str, order_id: ops.Ids) -> CancelResult:
        """Cancel up to 10 trigger orders by id; unknown ids come back in `errors` (1061)."""
        return await self._call(strategy.cancel("trigger", contract_code, order_id))

    async def swap_trigger_cancelall(
        self,
        contract_code: str,
        *,
        direction: Direction | None = None,
        offset: Offset | None = None,
    ) -> CancelResult:
        """NoOrdersToCancel (1051) when none match."""
        return await self._call(strategy.cancel_all("trigger", contract_code, direction, offset))

    async def swap_trigger_openorders(
        self,
        contract_code: str,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
        trade_type: int | None = None,
    ) -> StrategyOrdersPage[TriggerOrder]:
        """`trade_type`: 1 buy-open, 2 sell-open, 3 buy-close, 4 sell-close, 0 all."""
        return await self._call(
            strategy.trigger_openorders(contract_code, page_index, page_size, trade_type)
        )

    async def swap_trigger_hisorders(
        self,
        contract_code: str,
        *,
        status: int | Sequence[int] = 0,
        create_date: int = 7,
        trade_type: int = 0,
        page_index: int | None = None,
        page_size: int | None = None,
        sort_by: str | None = None,
    ) -> StrategyOrdersPage[TriggerHistoryOrder]:
        """Finished trigger orders: `status` 4 placed, 5 failed, 6 cancelled, 0 all of them;
        `create_date` days back (more than 90 reads 90); `sort_by` created_at or update_time."""
        return await self._call(
            strategy.trigger_hisorders(
                contract_code, status, create_date, trade_type, page_index, page_size, sort_by
            )
        )

    # -- take-profit / stop-loss orders --------------------------------------------------------

    async def swap_tpsl_cancel(self, contract_code: str, order_id: ops.Ids) -> CancelResult:
        return await self._call(strategy.cancel("tpsl", contract_code, order_id))

    async def swap_tpsl_cancelall(
        self, contract_code: str, *, direction: Direction | None = None
    ) -> CancelResult:
        """Every TP/SL closes, so there is no offset filter."""
        return await self._call(strategy.cancel_all("tpsl", contract_code, direction, None))

    async def swap_tpsl_openorders(
        self,
        contract_code: str,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
        trade_type: int | None = None,
    ) -> StrategyOrdersPage[TpslOrder]:
        """`trade_type`: 3 buy-close, 4 sell-close, 0 all."""
        return await self._call(
            strategy.tpsl_openorders(contract_code, page_index, page_size, trade_type)
        )

    async def swap_tpsl_hisorders(
        self,
        contract_code: str,
        *,
        status: int | Sequence[int] = 0,
        create_date: int = 7,
        page_index: int | None = None,
        page_size: int | None = None,
        sort_by: str | None = None,
    ) -> StrategyOrdersPage[TpslHistoryOrder]:
        """`status` 4 placed, 5 failed, 6 cancelled, 11 expired, 0 all of them."""
        return await self._call(
            strategy.tpsl_hisorders(
                contract_code, status, create_date, page_index, page_size, sort_by
            )
        )

    # -- trailing orders -----------------------------------------------------------------------

    async def swap_track_order(
        self,
        contract_code: str,
        *,
        direction: Direction,
        offset: Offset,
        volume: int,
        callback_rate: ops.Number,
        active_price: ops.Number,
        order_price_type: str = "formula_price",
        lever_rate: int | None = None,
    ) -> OrderPlaced:
        """Place a trailing order (POST /swap-api/v1/swap_track_order): it activates when the
        price reaches `active_price` (a buy's below the latest price, a sell's above), then
        places `order_price_type` once the price turns back by `callback_rate` (0.01 = 1 %)
        from its extreme. `lever_rate` may be left out to close, or while the position has
        one."""
        op = strategy.swap_track_order(
            contract_code, direction, offset, volume, callback_rate, active_price,
            order_price_type, lever_rate,
        )  # fmt: skip
        return await self._call(op)

    async def swap_track_cancel(self, contract_code: str, order_id: ops.Ids) -> CancelResult:
        return await self._call(strategy.cancel("track", contract_code, order_id))

    async def swap_track_cancelall(
        self,
        contract_code: str,
        *,
        direction: Direction | None = None,
        offset: Offset | None = None,
    ) -> CancelResult:
        return await self._call(strategy.cancel_all("track", contract_code, direction, offset))

    async def swap_track_openorders(
        self,
        contract_code: str,
        *,
        page_index: int | None = None,
        page_size: int | None = None,
        trade_type: int | None = None,
    ) -> StrategyOrdersPage[TrackOrder]:
        return await self._call(
            strategy.track_openorders(contract_code, page_index, page_size, trade_type)
        )

    async def swap_track_hisorders(
        self,
        contract_code: str,
        *,
        status: int | Sequence[int] = 0,
        create_date: int = 7,
        trade_type: int = 0,
        page_index: int | None = None,
        page_size: int | None = None,
        sort_by: str | None = None,
    ) -> StrategyOrdersPage[TrackHistoryOrder]:
        """`sort_by`: create_date (HTX's name here) or update_time."""
        return await self._call(
            strategy.track_hisorders(
                contract_code, status, create_date, trade_type, page_index, page_size, sort_by
            )
        )
