"""`trigger_order.$contract_code`: a trigger order's final states only, as HTX pushes them:
placed (status 2, `event` "order"), fired (4, "trigger_success"), failed to place its order
(5, "trigger_fail"), cancelled (6, "cancel"). TP/SL and trailing orders have no topic.

Fields: swap_trigger_hisorders' row (http/shapes/strategy_orders.py) less `update_time`, which
HTX's push table does not list. HTX's rule for this topic: a contract cannot be subscribed
while `*` is (2014), and `*` covers the contracts held already (each push goes once).
"""

from __future__ import annotations

from ....domain.events import StrategyOrderChanged
from ....domain.strategy_orders import StrategyKind, StrategyStatus
from ....service.push import Batch
from ...shapes import strategy_orders as shapes
from ...shapes.pushes import notify
from ..sender import Sender
from .base import NotifyFeed, Owner, Push, Pushes
from .topics import ALL, Topic

EVENTS = {
    StrategyStatus.WAITING: "order",
    StrategyStatus.PLACED: "trigger_success",
    StrategyStatus.FAILED: "trigger_fail",
    StrategyStatus.CANCELLED: "cancel",
}


class TriggerOrders(NotifyFeed):
    kind = "trigger_order"
    each_command = True

    def covered(self, sender: Sender, owner: Owner, topic: Topic) -> bool:
        return topic.code != ALL and self.channels.holds(self.channel(owner, ALL), sender)

    def capture(self, batch: Batch) -> object | None:
        reads = batch.reads
        pushes: list[Push] = []
        seen: set[int] = set()
        for event in batch.events:
            if type(event) is not StrategyOrderChanged:
                continue
            assert isinstance(event, StrategyOrderChanged)
            order = reads.strategy_order(event.order_id)
            if (
                order is None
                or order.kind is not StrategyKind.TRIGGER
                or order.order_id in seen
                or not self.listens(order.uid, order.contract_code)
            ):
                continue
            name = EVENTS.get(order.status)
            if name is None:
                continue
            seen.add(order.order_id)
            lever_rate = order.lever_rate
            if lever_rate is None:
                lever_rate = reads.lever_rate(order.uid, reads.contract(order.contract_code))
            row = shapes.trigger_history(order, lever_rate)
            del row["update_time"]
            topic = f"trigger_order.{order.contract_code.lower()}"
            message = notify(topic, batch.now, event=name, uid=str(order.uid), data=[row])
            pushes.append(Push(order.uid, order.contract_code, message))
        return Pushes(pushes) if pushes else None
