"""The waiting strategy orders of one contract, sorted by the price that fires them.

Two heaps: `ge` orders by ascending trigger price, `le` orders by descending. After trades
between `low` and `high` the crossed orders are exactly those at the top of each heap, so a
check costs O(log n) per fired order and O(1) when nothing fires, however many wait. Removal is
lazy (a cancelled order's entry is skipped when it surfaces); the heaps are rebuilt once dead
entries outnumber the live ones, so memory stays proportional to what waits.
"""

from __future__ import annotations

import heapq

from .strategy_orders import StrategyOrder, TriggerType
from .types import OrderId

_Entry = tuple[int, OrderId]
"""(sort key, order id): ascending ticks for ge, negated ticks for le."""


class TriggerBook:
    __slots__ = ("_dead", "_ge", "_le", "contract_code", "live")

    def __init__(self, contract_code: str) -> None:
        self.contract_code = contract_code
        self.live: dict[OrderId, StrategyOrder] = {}
        self._ge: list[_Entry] = []
        self._le: list[_Entry] = []
        self._dead = 0

    def __len__(self) -> int:
        return len(self.live)

    @property
    def entries(self) -> int:
        """Heap entries held, live and dead: what the book's memory is proportional to. At
        most max(64, live) of them are dead."""
        return len(self._ge) + len(self._le)

    def add(self, order: StrategyOrder) -> None:
        """A waiting order; not one that is waiting here already, nor one discarded since it
        was last taken out by `crossed` (its dead entry would count as live again)."""
        self.live[order.order_id] = order
        if order.trigger_type is TriggerType.GE:
            heapq.heappush(self._ge, (order.trigger_ticks, order.order_id))
        else:
            heapq.heappush(self._le, (-order.trigger_ticks, order.order_id))

    def discard(self, *orders: StrategyOrder) -> None:
        """Take the orders out (those waiting here: any other is passed over); the heaps are
        rebuilt at most once, however many go."""
        live, dead = self.live, 0
        for order in orders:
            if live.pop(order.order_id, None) is not None:
                dead += 1
        if dead:  # else nothing changed: a fired order, taken out by `crossed`
            self._dead += dead
            self._compact_if_sparse()

    def crossed(self, low: int, high: int) -> list[StrategyOrder]:
        """Take out every order that trades from `low` to `high` ticks fire: ge orders at or
        below `high`, le orders at or above `low`."""
        out: list[StrategyOrder] = []
        live, ge, le = self.live, self._ge, self._le
        while ge and ge[0][0] <= high:
            order = live.pop(heapq.heappop(ge)[1], None)
            if order is None:
                self._dead -= 1
            else:
                out.append(order)
        while le and -le[0][0] >= low:
            order = live.pop(heapq.heappop(le)[1], None)
            if order is None:
                self._dead -= 1
            else:
                out.append(order)
        if out:  # fewer live orders may leave the dead ones outnumbering them
            self._compact_if_sparse()
        return out

    def _compact_if_sparse(self) -> None:
        if self._dead > 64 and self._dead > len(self.live):
            self._compact()

    def _compact(self) -> None:
        live = self.live
        self._ge = [entry for entry in self._ge if entry[1] in live]
        self._le = [entry for entry in self._le if entry[1] in live]
        heapq.heapify(self._ge)
        heapq.heapify(self._le)
        self._dead = 0
