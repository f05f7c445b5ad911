"""swap_relation_tpsl_order's answer: an opening order with its TP/SL legs (tpsl_order_info),
in the fields and JSON types of HTX's example."""

from __future__ import annotations

from typing import Any

from ...domain.orders import Order
from ...domain.strategy_orders import StrategyOrder
from ..core.wire import num, num_or_null
from .orders import order as order_row
from .strategy_orders import num_or_zero, other_id, tpsl_order_type

OPENING_FIELDS = (
    "symbol", "contract_code", "volume", "price", "order_price_type", "direction", "offset",
    "lever_rate", "order_id", "order_id_str", "client_order_id", "created_at", "trade_volume",
    "trade_turnover", "fee", "trade_avg_price", "margin_frozen", "profit", "status",
    "order_type", "order_source", "fee_asset", "canceled_at",
)  # fmt: skip


def relation(opening: Order, legs: list[StrategyOrder]) -> dict[str, Any]:
    row = order_row(opening, update_time=False)
    out = {name: row[name] for name in OPENING_FIELDS}
    out["tpsl_order_info"] = [leg_info(leg) for leg in legs]
    return out


def leg_info(leg: StrategyOrder) -> dict[str, Any]:
    return {
        "volume": leg.volume,
        "direction": leg.direction.value,
        "tpsl_order_type": tpsl_order_type(leg),
        "order_id": leg.order_id,
        "order_id_str": str(leg.order_id),
        "trigger_type": leg.trigger_type.value,
        "trigger_price": num(leg.trigger_price),
        "order_price": num_or_zero(leg.order_price),
        "created_at": leg.created_at,
        "order_price_type": leg.order_price_type.value,
        "relation_tpsl_order_id": other_id(leg.relation_tpsl_order_id),
        "status": int(leg.status),
        "canceled_at": leg.canceled_at,
        "fail_code": leg.fail_code,
        "fail_reason": leg.fail_reason,
        "triggered_price": num_or_null(leg.triggered_price),
        "relation_order_id": other_id(leg.relation_order_id),
    }
