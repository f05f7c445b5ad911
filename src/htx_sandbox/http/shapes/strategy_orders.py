"""Strategy orders in HTX's wire shapes: the rows of swap_{trigger,tpsl,track}_openorders and
_hisorders, field for field as HTX's examples and its QA suite's schemas have them.

Common to all three: `order_id` an integer with `order_id_str`, `order_type` 1, prices as JSON
numbers (`order_price` 0 for the optimal_N and formula_price types, which have none), ids of
other orders as strings ("-1" for none), and in history `triggered_price`, `fail_code` and
`fail_reason` null until the order fired or failed. TP/SL rows have no offset and no lever rate
(every TP/SL is a close); trailing rows add the callback rate and the activation state.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from ...domain.strategy_orders import StrategyOrder
from ...domain.types import OrderId
from ..core.wire import num, num_or_null

ORDER_TYPE_PLACE = 1
"""order_type: 1 "place orders" (HTX's examples show 1 for cancelled orders too)."""
NONE_ID = "-1"
"""What HTX prints for an id an order does not have (yet): no sibling, nothing placed."""


def num_or_zero(value: Decimal | None) -> msgspec.Raw:
    """`num`, or 0 where HTX prints 0 for nothing: the order price of the types that have
    none (optimal_N, formula_price)."""
    return num(value if value is not None else Decimal(0))


def other_id(value: OrderId | None) -> str:
    """The id of another order, as a string; NONE_ID when there is none."""
    return NONE_ID if value is None else str(value)


def tpsl_order_type(o: StrategyOrder) -> str | None:
    return o.tpsl_order_type.value if o.tpsl_order_type is not None else None


def trigger_open(o: StrategyOrder, lever_rate: int | None) -> dict[str, Any]:
    """swap_trigger_openorders; `lever_rate` is the order's own, else its holding's."""
    return {
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "trigger_type": o.trigger_type.value,
        "volume": o.volume,
        "order_type": ORDER_TYPE_PLACE,
        "direction": o.direction.value,
        "offset": o.offset.value,
        "lever_rate": lever_rate,
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "order_source": o.order_source,
        "trigger_price": num(o.trigger_price),
        "order_price": num_or_zero(o.order_price),
        "created_at": o.created_at,
        "order_price_type": o.order_price_type.value,
        "status": int(o.status),
    }


def trigger_history(o: StrategyOrder, lever_rate: int | None) -> dict[str, Any]:
    """swap_trigger_hisorders: the open fields and what became of the order (HTX's order)."""
    return {
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "trigger_type": o.trigger_type.value,
        "volume": o.volume,
        "order_type": ORDER_TYPE_PLACE,
        "direction": o.direction.value,
        "offset": o.offset.value,
        "lever_rate": lever_rate,
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "relation_order_id": other_id(o.relation_order_id),
        "order_price_type": o.order_price_type.value,
        "status": int(o.status),
        "order_source": o.order_source,
        "trigger_price": num(o.trigger_price),
        "triggered_price": num_or_null(o.triggered_price),
        "order_price": num_or_zero(o.order_price),
        "created_at": o.created_at,
        "update_time": o.update_time,
        "triggered_at": o.triggered_at,
        "order_insert_at": o.order_insert_at,
        "canceled_at": o.canceled_at,
        "fail_code": o.fail_code,
        "fail_reason": o.fail_reason,
    }


def tpsl_open(o: StrategyOrder, lever_rate: int | None = None) -> dict[str, Any]:
    """swap_tpsl_openorders (no offset, no lever rate: `lever_rate` is not used)."""
    return {
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "volume": o.volume,
        "order_type": ORDER_TYPE_PLACE,
        "direction": o.direction.value,
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "order_source": o.order_source,
        "trigger_type": o.trigger_type.value,
        "trigger_price": num(o.trigger_price),
        "order_price": num_or_zero(o.order_price),
        "created_at": o.created_at,
        "order_price_type": o.order_price_type.value,
        "status": int(o.status),
        "tpsl_order_type": tpsl_order_type(o),
        "source_order_id": None if o.source_order_id is None else str(o.source_order_id),
        "relation_tpsl_order_id": other_id(o.relation_tpsl_order_id),
    }


def tpsl_history(o: StrategyOrder, lever_rate: int | None = None) -> dict[str, Any]:
    """swap_tpsl_hisorders."""
    return {
        **tpsl_open(o),
        "canceled_at": o.canceled_at,
        "fail_code": o.fail_code,
        "fail_reason": o.fail_reason,
        "triggered_price": num_or_null(o.triggered_price),
        "relation_order_id": other_id(o.relation_order_id),
        "update_time": o.update_time,
    }


def track_open(o: StrategyOrder, lever_rate: int | None) -> dict[str, Any]:
    """swap_track_openorders: `active_price` is the price that activates the order (held as
    its trigger price), `is_active` 1 once it did."""
    return {
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "volume": o.volume,
        "order_type": ORDER_TYPE_PLACE,
        "direction": o.direction.value,
        "offset": o.offset.value,
        "lever_rate": lever_rate,
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "order_source": o.order_source,
        "created_at": o.created_at,
        "order_price_type": o.order_price_type.value,
        "status": int(o.status),
        "callback_rate": num_or_zero(o.callback_rate),
        "active_price": num(o.trigger_price),
        "is_active": 1 if o.is_active else 0,
    }


def track_history(o: StrategyOrder, lever_rate: int | None) -> dict[str, Any]:
    """swap_track_hisorders: `market_limit_price` is the extreme since activation (lowest for a
    buy, highest for a sell), `formula_price` the price it fired at, `real_volume` what the
    placed order was for."""
    return {
        **track_open(o, lever_rate),
        "update_time": o.update_time,
        "canceled_at": o.canceled_at,
        "fail_code": o.fail_code,
        "fail_reason": o.fail_reason,
        "market_limit_price": num_or_null(o.market_limit_price),
        "formula_price": num_or_null(o.formula_price),
        "real_volume": o.real_volume,
        "triggered_price": num_or_null(o.triggered_price),
        "relation_order_id": other_id(o.relation_order_id),
    }
