"""Every strategy order the exchange holds, and the indexes each operation needs.

- `by_owner`: a UID's open orders of one kind on one contract, so that a strategy cancel-all,
  the lever switch's check and the open-orders queries cost O(own orders), never a scan;
- `books`: per contract, the waiting orders sorted by the price that fires them;
- `tracking`: per contract, the activated trailing orders, which follow every trade;
- `attached`: an opening order's TP/SL legs, which its fills activate;
- `finished`: the eviction queue, as for ordinary orders.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from .events import StrategyOrderChanged
from .eviction import evict_ended
from .orders import Order
from .strategy_orders import StrategyKind, StrategyOrder, StrategyStatus
from .tracking_book import TrackingBook
from .trigger_book import TriggerBook
from .types import UID, Millis, OrderId

Owner = tuple[UID, str, StrategyKind]
MAX_STRATEGY_ORDERS = 1_000_000


@dataclass(frozen=True, slots=True)
class StrategyLimits:
    """Open strategy orders a UID may hold of each kind: per contract (1081, 1403, 1427) and
    on all contracts together (1453, 1454, 1455). HTX publishes no figures; these are the
    sandbox's defaults, configurable per run."""

    per_contract: int = 100
    platform: int = 500

    def __post_init__(self) -> None:
        if not 1 <= self.per_contract <= self.platform <= MAX_STRATEGY_ORDERS:
            raise ValueError("strategy order limits: 1 <= per contract <= platform <= 10^6")


class StrategyBook:
    def __init__(self, limits: StrategyLimits | None = None) -> None:
        self.limits = limits or StrategyLimits()
        self.orders: dict[OrderId, StrategyOrder] = {}
        """Open orders and the recently finished ones."""
        self.by_owner: dict[Owner, dict[OrderId, StrategyOrder]] = {}
        self.open_per_kind: dict[tuple[UID, StrategyKind], int] = {}
        self.books: dict[str, TriggerBook] = {}
        self.tracking: dict[str, TrackingBook] = {}
        self.attached: dict[OrderId, list[StrategyOrder]] = {}
        self.finished: deque[OrderId] = deque()

    def __len__(self) -> int:
        return len(self.orders)

    def owned(
        self, uid: UID, contract_code: str, kind: StrategyKind
    ) -> dict[OrderId, StrategyOrder]:
        return self.by_owner.get((uid, contract_code, kind), {})

    def open_count(self, uid: UID, contract_code: str, kind: StrategyKind) -> int:
        return len(self.by_owner.get((uid, contract_code, kind), ()))

    def platform_count(self, uid: UID, kind: StrategyKind) -> int:
        return self.open_per_kind.get((uid, kind), 0)

    def book(self, contract_code: str) -> TriggerBook:
        book = self.books.get(contract_code)
        if book is None:
            book = self.books[contract_code] = TriggerBook(contract_code)
        return book

    def tracking_book(self, contract_code: str) -> TrackingBook:
        tracking = self.tracking.get(contract_code)
        if tracking is None:
            tracking = self.tracking[contract_code] = TrackingBook(contract_code)
        return tracking

    # -- life of an order ------------------------------------------------------------------

    def add(self, order: StrategyOrder, *, opening_open: bool = True) -> None:
        """A new open order (or one restored from storage), indexed by what its status needs;
        `opening_open` says whether an attached leg's opening order is still open (and so
        may still change the leg)."""
        self.orders[order.order_id] = order
        if not order.is_open:
            return
        key = (order.uid, order.contract_code, order.kind)
        self.by_owner.setdefault(key, {})[order.order_id] = order
        count_key = (order.uid, order.kind)
        self.open_per_kind[count_key] = self.open_per_kind.get(count_key, 0) + 1
        if order.source_order_id is not None and opening_open:
            self.attached.setdefault(order.source_order_id, []).append(order)
        if order.status is StrategyStatus.NOT_ACTIVATED:
            return  # its opening order's first fill arms it
        if order.kind is StrategyKind.TRACK and order.is_active:
            self.tracking_book(order.contract_code).add(order)
        else:
            self.book(order.contract_code).add(order)

    def accept(self, order: StrategyOrder) -> StrategyOrderChanged:
        """A new order a command placed: indexed, and the change to record for it."""
        self.add(order)
        return StrategyOrderChanged(order.order_id)

    def arm(self, order: StrategyOrder) -> None:
        """A TP/SL leg becomes active (2): from now on its price fires it."""
        order.status = StrategyStatus.WAITING
        self.book(order.contract_code).add(order)

    def track(self, order: StrategyOrder) -> None:
        """A trailing order was activated: it follows every trade from now on."""
        order.is_active = True
        self.tracking_book(order.contract_code).add(order)

    def finish(
        self, order: StrategyOrder, status: StrategyStatus, now: Millis
    ) -> StrategyOrderChanged:
        """End an open order: out of every index, into the eviction queue."""
        key = (order.uid, order.contract_code, order.kind)
        owned = self.by_owner.get(key)
        if status.is_open or owned is None or owned.pop(order.order_id, None) is not order:
            raise ValueError(f"strategy order {order.order_id} cannot end as {status!r}")
        if not owned:
            del self.by_owner[key]
        if order.status is StrategyStatus.WAITING:
            if order.kind is StrategyKind.TRACK and order.is_active:
                self.tracking[order.contract_code].discard(order)
            else:
                self.books[order.contract_code].discard(order)
        self._ended(order, status, now)
        self._uncount(order.uid, order.kind, 1)
        self.finished.append(order.order_id)
        return StrategyOrderChanged(order.order_id)

    def finish_all(
        self, orders: Sequence[StrategyOrder], status: StrategyStatus, now: Millis
    ) -> list[StrategyOrderChanged]:
        """`finish` for many open orders of one owner (a UID's orders of one kind on one
        contract), with the owner's index, its count and the books kept once for all of them:
        the strategy cancel-alls' path, whose cost must stay a small constant per own order
        (as ExchangeState.cancel_resting's for swap_cancelall)."""
        if not orders:
            return []
        first = orders[0]
        uid, code, kind = first.uid, first.contract_code, first.kind
        key = (uid, code, kind)
        owned = self.by_owner[key]
        if status.is_open:
            raise ValueError(f"strategy orders cannot end as {status!r}")
        tracked = kind is StrategyKind.TRACK  # an active one waits in the tracking book
        waiting: list[StrategyOrder] = []
        active: list[StrategyOrder] = []
        for order in orders:
            if owned.pop(order.order_id, None) is not order:
                raise ValueError(f"strategy order {order.order_id} is no open order of {key}")
            if order.status is StrategyStatus.WAITING:
                (active if tracked and order.is_active else waiting).append(order)
            self._ended(order, status, now)
        if not owned:
            del self.by_owner[key]
        if waiting:
            self.books[code].discard(*waiting)
        if active:
            self.tracking[code].discard(*active)
        self._uncount(uid, kind, len(orders))
        self.finished.extend(order.order_id for order in orders)
        return [StrategyOrderChanged(order.order_id) for order in orders]

    def _ended(self, order: StrategyOrder, status: StrategyStatus, now: Millis) -> None:
        """The order's own fields, and its opening order's legs, once it has left its owner's
        index and its book."""
        order.status = status
        order.update_time = now
        if status is StrategyStatus.CANCELLED:
            order.canceled_at = now
        source = order.source_order_id
        if source is not None:
            legs = self.attached.get(source)
            if legs is not None and order in legs:
                legs.remove(order)
                if not legs:
                    del self.attached[source]

    def _uncount(self, uid: UID, kind: StrategyKind, ended: int) -> None:
        count_key = (uid, kind)
        left = self.open_per_kind[count_key] - ended
        if left:
            self.open_per_kind[count_key] = left
        else:
            del self.open_per_kind[count_key]

    # -- TP/SL legs attached to an opening order ----------------------------------------------

    def opening_filled(self, opening: Order, now: Millis) -> list[StrategyOrderChanged]:
        """The opening order filled (some more): its legs cover what it has filled, and the
        first fill activates them (1 -> 2)."""
        changed = []
        for leg in self.attached.get(opening.order_id, ()):
            leg.volume = opening.trade_volume
            leg.update_time = now
            if leg.status is StrategyStatus.NOT_ACTIVATED:
                self.arm(leg)
            changed.append(StrategyOrderChanged(leg.order_id))
        if not opening.remaining:
            self.attached.pop(opening.order_id, None)
        return changed

    def opening_ended(
        self, opening: Order, now: Millis, *, position_open: bool = True
    ) -> list[StrategyOrderChanged]:
        """The opening order was cancelled: legs it never activated end with it (12); active
        ones keep guarding what it filled, unless that position is already closed (11)."""
        changed = []
        for leg in list(self.attached.pop(opening.order_id, ())):
            if leg.status is StrategyStatus.NOT_ACTIVATED:
                changed.append(self.finish(leg, StrategyStatus.NOT_ACTIVATED_EXPIRED, now))
            elif not position_open:
                changed.append(self.finish(leg, StrategyStatus.EXPIRED, now))
        return changed

    def evict_finished(self, before: Millis) -> int:
        """Forget orders that ended before `before` (storage keeps them)."""
        return evict_ended(self.finished, self.orders, before)
