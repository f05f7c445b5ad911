"""Take-profit / stop-loss endpoints of the swap API: legs on a position (signed, `trade`
permission) and an opening order with its attached legs (signed, `read` permission)."""

from __future__ import annotations

from .. import _ops as ops
from ..models import Direction, RelationTpslOrder, TpslPlaced
from ._session import AsyncSwapSession


class AsyncSwapTpsl(AsyncSwapSession):
    async def swap_tpsl_order(
        self,
        contract_code: str,
        *,
        direction: Direction,
        volume: int,
        tp_trigger_price: ops.Number | None = None,
        tp_order_price: ops.Number | None = None,
        tp_order_price_type: str | None = None,
        sl_trigger_price: ops.Number | None = None,
        sl_order_price: ops.Number | None = None,
        sl_order_price_type: str | None = None,
    ) -> TpslPlaced:
        """A take-profit and/or stop-loss on the position `direction` closes (sell closes a
        long, buy a short); a leg exists when its trigger price is given
        (POST /swap-api/v1/swap_tpsl_order)."""
        tpsl = ops.tpsl_fields(
            tp_trigger_price, tp_order_price, tp_order_price_type,
            sl_trigger_price, sl_order_price, sl_order_price_type,
        )  # fmt: skip
        return await self._call(ops.swap_tpsl_order(contract_code, direction, volume, tpsl))

    async def swap_relation_tpsl_order(
        self, contract_code: str, order_id: int | str
    ) -> RelationTpslOrder:
        """An opening order with the TP/SL legs attached to it
        (POST /swap-api/v1/swap_relation_tpsl_order)."""
        return await self._call(ops.swap_relation_tpsl_order(contract_code, order_id))
