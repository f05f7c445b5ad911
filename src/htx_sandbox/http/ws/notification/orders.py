"""`orders.$contract_code` and `matchOrders.$contract_code`.

`orders`: every change of an order (placed, filled in part or whole, cancelling, cancelled,
refused by FOK/IOC/post_only), one push per order and command, with the order as that command
left it and under `trade` the fills it made (empty for a change without one), sent once the
batch is committed. An order two commands of one batch filled is two pushes, whatever the
load; a cancel-all pushes one message per cancelled order. The order's fields are
swap_openorders' (http/shapes/orders.py) less `update_time` and `self_match_prevent`, which
HTX's push does not carry; the fills are swap_order_detail's (http/shapes/pushes.py).

`matchOrders`: the matching engine's fills (no liquidation orders), one push per order and
command, with the fields of HTX's table: no fee, no profit; and, as HTX notes, a post_only
order as soon as it is placed: status 3 on the book or 7 refused (it would have taken), no
trade.

Topics are pushed as `orders.btc-usd`: HTX's examples print the code in lower case, and ccxt
routes a push by that exact string (or by it less `.btc-usd`, for a `*` subscription).

Both are captured as `Deferred` pushes: a copy of the order, shaped where the frame is written
(in the socket relay's process when it writes the connection).
"""

from __future__ import annotations

from ....domain.events import OrderAccepted, OrderCancelled, OrderCancelling, OrderTraded
from ....domain.orders import Trade
from ....domain.types import OrderId, OrderPriceType
from ....service.push import Batch
from ...shapes.pushes import MATCH_ORDERS, ORDERS, deferred
from .base import NotifyFeed, Push, Pushes

ORDER_TYPE_QUOTATION = 1
"""order_type of an ordinary order (3 liquidation, 4 delivery)."""


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
            push = deferred(ORDERS, order, trades, batch.now)
            pushes.append(Push(order.uid, order.contract_code, push))
        return Pushes(pushes) if pushes else None


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
            push = deferred(MATCH_ORDERS, order, trades, batch.now)
            pushes.append(Push(order.uid, order.contract_code, push))
        return Pushes(pushes) if pushes else None
