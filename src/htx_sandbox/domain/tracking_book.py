"""The active trailing orders of one contract, sorted by the two prices trades are checked
against.

An active buy fires when a trade reaches its fire price, low x (1 + callback_rate), and follows
the price when a trade goes below its low; a sell fires at high x (1 - callback_rate) and
follows a trade above its high. The fire price is exact: the price has turned back by at
least callback_rate (only formula_price's limit price is truncated to the tick, trailing.py).

Four heaps put the order whose turn comes first on top: buys by fire price (lowest first) and
by low (highest first), sells by fire price (highest first) and by high (lowest first). So a
command's trades cost O(log n) for each order they fire or move and O(1) when they do neither,
however many orders are active (a scan would make every trade on the contract pay for all of
them).

A fire heap is keyed by the fire price as a Decimal: rounding it to the tick grid keeps the
order, so only the order on top is ever rounded, with its contract's tick. Removal is lazy, as
in the trigger book: an entry whose order left, or whose extreme moved since it was made, is
skipped when it surfaces, and the heaps are rebuilt once dead entries outnumber live ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .contracts import Contract
from .strategy_orders import StrategyOrder
from .types import BUY, OrderId

ONE = Decimal(1)
_Entry = tuple[Decimal, OrderId, Decimal]
"""(sort key, order id, the extreme the entry was made for)."""


def reach(order: StrategyOrder, extreme: Decimal) -> Decimal:
    """The untruncated fire price: extreme x (1 + callback_rate) for a buy, x (1 -
    callback_rate) for a sell."""
    rate = order.callback_rate or Decimal(0)
    return extreme * (ONE + rate if order.direction is BUY else ONE - rate)


def ticks_at_or_below(price: Decimal, contract: Contract) -> int:
    """The highest price on the contract's grid at or below `price`, in ticks: the price
    truncated, and the first trade price that reaches a sell's fire price."""
    return int((price / contract.price_tick).to_integral_value(ROUND_FLOOR))


def ticks_at_or_above(price: Decimal, contract: Contract) -> int:
    """The lowest price on the contract's grid at or above `price`, in ticks: the first trade
    price that reaches a buy's fire price."""
    return int((price / contract.price_tick).to_integral_value(ROUND_CEILING))


class TrackingBook(Mapping[OrderId, StrategyOrder]):
    """Read as a mapping of the active orders by id (what the dict it replaced was); changed
    only through add, discard, fired and follow."""

    __slots__ = ("_buy_fire", "_buy_low", "_dead", "_sell_fire", "_sell_high", "contract_code",
                 "live")  # fmt: skip

    def __init__(self, contract_code: str) -> None:
        self.contract_code = contract_code
        self.live: dict[OrderId, StrategyOrder] = {}
        self._buy_fire: list[_Entry] = []  # fire price, ascending
        self._buy_low: list[_Entry] = []  # low, negated: highest first
        self._sell_fire: list[_Entry] = []  # fire price, negated: highest first
        self._sell_high: list[_Entry] = []  # high, ascending
        self._dead = 0

    def __len__(self) -> int:
        return len(self.live)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self.live

    def __iter__(self) -> Iterator[OrderId]:
        return iter(self.live)

    def __getitem__(self, order_id: OrderId) -> StrategyOrder:
        return self.live[order_id]

    def add(self, order: StrategyOrder) -> None:
        """An activated order, following from its market_limit_price."""
        if order.market_limit_price is None:  # only a row restored without one: start at
            order.market_limit_price = order.trigger_price  # the price that activated it
        self.live[order.order_id] = order
        self._push(order, order.market_limit_price)

    def discard(self, *orders: StrategyOrder) -> None:
        """Take the orders out (those active here: any other is passed over); the heaps are
        rebuilt at most once, however many go."""
        live, dead = self.live, 0
        for order in orders:
            if live.pop(order.order_id, None) is not None:
                dead += 2  # its fire entry and its extreme entry
        if dead:  # else nothing changed: a fired order, taken out by `fired`
            self._dead += dead
            self._compact_if_dead()

    def fired(self, contract: Contract, low: int, high: int) -> list[StrategyOrder]:
        """Take out every order that trades from `low` to `high` ticks fire: buys whose fire
        price is at or below `high`, sells whose is at or above `low`."""
        out: list[StrategyOrder] = []
        while self._buy_fire:
            order = self._top(self._buy_fire)
            if order is None:
                continue
            if ticks_at_or_above(self._buy_fire[0][0], contract) > high:
                break
            out.append(self._take(self._buy_fire))
        while self._sell_fire:
            order = self._top(self._sell_fire)
            if order is None:
                continue
            if ticks_at_or_below(-self._sell_fire[0][0], contract) < low:
                break
            out.append(self._take(self._sell_fire))
        self._compact_if_dead()
        return out

    def follow(self, low: Decimal, high: Decimal) -> list[StrategyOrder]:
        """Move every extreme that trades from `low` to `high` went past: a buy's low above
        `low` becomes `low`, a sell's high below `high` becomes `high`. Returns those orders."""
        moved_buys = self._passed(self._buy_low, lambda key: -key > low)
        moved_sells = self._passed(self._sell_high, lambda key: key < high)
        for order in moved_buys:
            order.market_limit_price = low
            self._push(order, low)
        for order in moved_sells:
            order.market_limit_price = high
            self._push(order, high)
        self._compact_if_dead()
        return moved_buys + moved_sells

    # -- the heaps ---------------------------------------------------------------------------

    def _push(self, order: StrategyOrder, extreme: Decimal) -> None:
        fire_heap, extreme_heap = self._heaps(order)
        fire_entry, extreme_entry = _entries(order, extreme)
        heapq.heappush(fire_heap, fire_entry)
        heapq.heappush(extreme_heap, extreme_entry)

    def _heaps(self, order: StrategyOrder) -> tuple[list[_Entry], list[_Entry]]:
        if order.direction is BUY:
            return self._buy_fire, self._buy_low
        return self._sell_fire, self._sell_high

    def _top(self, heap: list[_Entry]) -> StrategyOrder | None:
        """The order of the top entry if the entry is current, else None (it is dropped)."""
        _, order_id, extreme = heap[0]
        order = self.live.get(order_id)
        if order is not None and order.market_limit_price == extreme:
            return order
        heapq.heappop(heap)
        self._dead -= 1
        return None

    def _passed(
        self, heap: list[_Entry], past: Callable[[Decimal], bool]
    ) -> list[StrategyOrder]:
        """Pop the current entries whose key is `past`, returning their orders (whose fire
        entries, made for the old extreme, are dead from now on)."""
        out: list[StrategyOrder] = []
        while heap:
            order = self._top(heap)
            if order is None:
                continue
            if not past(heap[0][0]):
                break
            heapq.heappop(heap)
            self._dead += 1
            out.append(order)
        return out

    def _take(self, heap: list[_Entry]) -> StrategyOrder:
        """Take the (current) top entry's order out of the book."""
        order = self.live.pop(heapq.heappop(heap)[1])
        self._dead += 1  # its other entry
        return order

    def _compact_if_dead(self) -> None:
        """Rebuild the heaps from the live orders once dead entries outnumber live ones (each
        live order has two): memory stays proportional to what is active."""
        if self._dead <= 64 or self._dead <= 2 * len(self.live):
            return
        self._buy_fire, self._buy_low, self._sell_fire, self._sell_high = [], [], [], []
        self._dead = 0
        for order in self.live.values():
            assert order.market_limit_price is not None  # set by add() and follow()
            fire_heap, extreme_heap = self._heaps(order)
            fire_entry, extreme_entry = _entries(order, order.market_limit_price)
            fire_heap.append(fire_entry)
            extreme_heap.append(extreme_entry)
        for heap in (self._buy_fire, self._buy_low, self._sell_fire, self._sell_high):
            heapq.heapify(heap)


def _entries(order: StrategyOrder, extreme: Decimal) -> tuple[_Entry, _Entry]:
    """An order's fire-heap and extreme-heap entries, keyed so that the top comes first."""
    key = reach(order, extreme)
    if order.direction is BUY:
        return (key, order.order_id, extreme), (-extreme, order.order_id, extreme)
    return (-key, order.order_id, extreme), (extreme, order.order_id, extreme)
