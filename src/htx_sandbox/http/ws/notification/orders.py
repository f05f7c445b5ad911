"""`orders.$contract_code` and `matchOrders.$contract_code`.

`orders`: every change of an order (placed, filled in part or whole, cancelling, cancelled,
refused by FOK/IOC/post_only), one push per order and command, with the order as that command
left it and under `trade` the fills it made (empty for a change without one), sent once the
batch is committed. An order two commands of one batch filled is two pushes, whatever the
load; a cancel-all pushes one message per cancelled order. The order's fields are
swap_openorders' (http/shapes/orders.py) less `update_time` and `self_match_prevent`, which
HTX's push does not carry; the fills are swap_order_detail's.

`matchOrders`: the matching engine's fills (no liquidation orders), one push per order and
command, with the fields of HTX's table: no fee, no profit; and, as HTX notes, a post_only
order as soon as it is placed: status 3 on the book or 7 refused (it would have taken), no
trade.

Topics are pushed as `orders.btc-usd`: HTX's examples print the code in lower case, and ccxt
routes a push by that exact string (or by it less `.btc-usd`, for a `*` subscription).
"""

from __future__ import annotations

from typing import Any

from ....domain.events import OrderAccepted, OrderCancelled, OrderCancelling, OrderTraded
from ....domain.orders import Order, Trade
from ....domain.types import OrderId, OrderPriceType
from ....service.push import Batch
from ...shapes import orders as shapes
from .base import NotifyFeed, Push, Pushes, notify

ORDER_TYPE_QUOTATION = 1
"""order_type of an ordinary order (3 liquidation, 4 delivery)."""
_MATCH_ORDER_FIELDS = (
    "symbol", "contract_code", "status", "order_id", "order_id_str", "client_order_id",
    "order_type", "trade_volume", "volume", "is_tpsl", "direction", "offset", "lever_rate",
    "price", "created_at", "order_source", "order_price_type",
)  # fmt: skip
_MATCH_TRADE_FIELDS = (
    "id", "trade_id", "trade_price", "trade_volume", "trade_turnover", "created_at", "role",
)  # fmt: skip


_ORDER_CHANGES = (OrderAccepted, OrderCancelled, OrderCancelling)
"""A tuple, not a union: `A | B` builds a new object each time it is evaluated."""


def _changed(batch: Batch) -> dict[OrderId, list[Trade]]:
    """The orders the batch changed, in the order it first changed them, with their fills."""
    changed: dict[OrderId, list[Trade]] = {}
    for event in batch.events:
        kind = type(event)
        if kind is OrderTraded:
            assert isinstance(event, OrderTraded)
            changed.setdefault(event.trade.order_id, []).append(event.trade)
        elif kind is OrderAccepted or kind is OrderCancelled or kind is OrderCancelling:
            assert isinstance(event, _ORDER_CHANGES)
            changed.setdefault(event.order_id, [])
    return changed


class Orders(NotifyFeed):
    kind = "orders"
    each_command = True

    def capture(self, batch: Batch) -> object | None:
        pushes: list[Push] = []
        reads = batch.reads
        for order_id, trades in _changed(batch).items():
            order = reads.order(order_id)
            if order is None or not self.listens(order.uid, order.contract_code):
                continue
            pushes.append(
                Push(order.uid, order.contract_code, order_push(order, trades, batch.now))
            )
        return Pushes(pushes) if pushes else None


def order_push(order: Order, trades: list[Trade], now: int) -> dict[str, Any]:
    message = notify(f"orders.{order.contract_code.lower()}", now, uid=str(order.uid))
    message.update(shapes.order(order, update_time=False))
    del message["self_match_prevent"]
    message["trade"] = [shapes.trade(t) for t in trades]
    return message


class MatchOrders(NotifyFeed):
    kind = "matchOrders"
    each_command = True

    def capture(self, batch: Batch) -> object | None:
        fills: dict[OrderId, list[Trade]] = {}
        reads = batch.reads
        for event in batch.events:
            kind = type(event)
            if kind is OrderTraded:
                assert isinstance(event, OrderTraded)
                trade = event.trade
                if self.listens(trade.uid, trade.contract_code):
                    fills.setdefault(trade.order_id, []).append(trade)
            elif kind is OrderAccepted:  # HTX: a post_only order comes at once, 3 or 7
                assert isinstance(event, OrderAccepted)
                placed = reads.order(event.order_id)
                if (
                    placed is not None
                    and placed.order_price_type is OrderPriceType.POST_ONLY
                    and self.listens(placed.uid, placed.contract_code)
                ):
                    fills.setdefault(placed.order_id, [])
        pushes: list[Push] = []
        for order_id, trades in fills.items():
            order = reads.order(order_id)
            if order is None or order.order_type != ORDER_TYPE_QUOTATION:
                continue
            pushes.append(
                Push(order.uid, order.contract_code, match_push(order, trades, batch.now))
            )
        return Pushes(pushes) if pushes else None


def match_push(order: Order, trades: list[Trade], now: int) -> dict[str, Any]:
    full = shapes.order(order)
    message = notify(f"matchOrders.{order.contract_code.lower()}", now, uid=str(order.uid))
    message.update((name, full[name]) for name in _MATCH_ORDER_FIELDS)
    message["trade"] = [
        {name: row[name] for name in _MATCH_TRADE_FIELDS} for row in map(shapes.trade, trades)
    ]
    return message
