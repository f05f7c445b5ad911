"""Bounded memory: an order that has ended is forgotten once it ended before the retention
bound. Storage keeps it, so history still lists it; cancelling it answers 1061, as HTX does
once it purges an order. Ordinary and strategy orders alike."""

from __future__ import annotations

from collections import deque
from typing import Protocol, TypeVar

from .types import Millis, OrderId


class Ended(Protocol):
    @property
    def update_time(self) -> Millis: ...


E = TypeVar("E", bound=Ended)


def evict_ended(queue: deque[OrderId], orders: dict[OrderId, E], before: Millis) -> int:
    """Take from `orders` those at the head of `queue` (ids in the order they ended) that ended
    before `before`; returns how many. An id whose order is gone already is dropped too."""
    evicted = 0
    while queue:
        order = orders.get(queue[0])
        if order is not None and order.update_time >= before:
            break
        order_id = queue.popleft()
        if order is not None:
            del orders[order_id]
            evicted += 1
    return evicted
