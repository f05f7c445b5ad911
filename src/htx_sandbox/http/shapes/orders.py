"""Domain objects in HTX's wire shapes: field names, types and value sets as HTX answers them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain.orders import NOT_LIQUIDATION, ORDER_TYPE_LIQUIDATION, Order, Trade
from ...domain.types import ZERO, OrderPriceType
from ..core.wire import num, num_or_null

# swap_hisorders (v1) reports order_price_type as HTX's integer code.
ORDER_PRICE_TYPE_CODES: dict[OrderPriceType, int] = {
    OrderPriceType.LIMIT: 1,
    OrderPriceType.OPPONENT: 3,
    OrderPriceType.POST_ONLY: 6,
    OrderPriceType.OPTIMAL_5: 7,
    OrderPriceType.OPTIMAL_10: 8,
    OrderPriceType.OPTIMAL_20: 9,
    OrderPriceType.FOK: 10,
    OrderPriceType.IOC: 11,
    OrderPriceType.OPPONENT_IOC: 12,
    OrderPriceType.OPTIMAL_5_IOC: 14,
    OrderPriceType.OPTIMAL_10_IOC: 15,
    OrderPriceType.OPTIMAL_20_IOC: 16,
    OrderPriceType.OPPONENT_FOK: 17,
    OrderPriceType.OPTIMAL_5_FOK: 19,
    OrderPriceType.OPTIMAL_10_FOK: 40,
    OrderPriceType.OPTIMAL_20_FOK: 41,
    OrderPriceType.LIGHTNING: 4,
    OrderPriceType.LIGHTNING_IOC: 13,
    OrderPriceType.LIGHTNING_FOK: 18,
}


def order(o: Order, *, update_time: bool = True) -> dict[str, Any]:
    """An order as swap_openorders lists it; swap_order_info omits update_time."""
    out: dict[str, Any] = {
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "volume": o.volume,
        "price": num(o.price),
        "order_price_type": o.order_price_type.value,
        "order_type": o.order_type,
        "direction": o.direction.value,
        "offset": o.offset.value,
        "lever_rate": o.lever_rate,
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "client_order_id": o.client_order_id,
        "created_at": o.created_at,
        "trade_volume": o.trade_volume,
        "trade_turnover": num(o.trade_turnover),
        "fee": num(o.fee),
        "trade_avg_price": num_or_null(o.trade_avg_price),
        "margin_frozen": num(o.margin_frozen),
        "profit": num(o.profit),
        "status": int(o.status),
        "order_source": o.order_source,
        "fee_asset": o.symbol,
        "liquidation_type": o.liquidation_type,
        "canceled_at": o.canceled_at,
        "is_tpsl": int(o.is_tpsl),
        "real_profit": num(o.profit),
        "self_match_prevent": int(o.self_match_prevent),
        # Who cancelled it when not its owner (the switch, self-trade prevention, a
        # liquidation); "" otherwise, as a live answer captured by ccxt prints it.
        "canceled_source": o.canceled_source,
    }
    if update_time:
        out["update_time"] = o.update_time
    return out


def open_order(o: Order) -> dict[str, Any]:
    """An order as swap_openorders lists it: HTX's examples (2021 and today's) print an open
    order's liquidation_type and canceled_at as null, where swap_order_info prints "0" and 0."""
    out = order(o)
    if o.liquidation_type == NOT_LIQUIDATION:
        out["liquidation_type"] = None
    if not o.canceled_at:
        out["canceled_at"] = None
    return out


def instrument_price(o: Order) -> Decimal:
    """swap_order_detail's instrument_price, which HTX defines as the liquidation price: that of
    a liquidation order (order_type 3, sent at the account's bankruptcy price), 0 for any other
    order, as HTX's example of an ordinary order prints it."""
    return o.price if o.order_type == ORDER_TYPE_LIQUIDATION else ZERO


def history_order(o: Order) -> dict[str, Any]:
    """An order as swap_hisorders (v1) lists it: create_date, and an integer price type."""
    return {
        "order_id": o.order_id,
        "order_id_str": str(o.order_id),
        "symbol": o.symbol,
        "contract_code": o.contract_code,
        "lever_rate": o.lever_rate,
        "direction": o.direction.value,
        "offset": o.offset.value,
        "volume": o.volume,
        "price": num(o.price),
        "create_date": o.created_at,
        "update_time": o.update_time,
        "order_source": o.order_source,
        "order_price_type": ORDER_PRICE_TYPE_CODES[o.order_price_type],
        "margin_frozen": num(o.margin_frozen),
        "profit": num(o.profit),
        "trade_volume": o.trade_volume,
        "trade_turnover": num(o.trade_turnover),
        "fee": num(o.fee),
        # 0 before the first fill, where the order queries answer null: HTX's examples of
        # both history endpoints print an unfilled order's average as 0.
        "trade_avg_price": num(o.trade_avg_price or ZERO),
        "status": int(o.status),
        "order_type": o.order_type,
        "fee_asset": o.symbol,
        "liquidation_type": o.liquidation_type,
        "is_tpsl": int(o.is_tpsl),
        "real_profit": num(o.profit),
    }


def trade(t: Trade) -> dict[str, Any]:
    """One fill as swap_order_detail lists it."""
    return {
        "id": t.id,
        "trade_id": t.trade_id,
        "trade_price": num(t.price),
        "trade_volume": t.volume,
        "trade_turnover": num(t.turnover),
        "trade_fee": num(t.fee),
        "fee_asset": t.fee_asset,
        "role": t.role.value,
        "created_at": t.created_at,
        "profit": num(t.profit),
        "real_profit": num(t.profit),
    }
