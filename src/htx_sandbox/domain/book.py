"""The order book of one contract: price levels in price-time priority.

Prices are kept as whole ticks (ints hash and compare far faster than Decimals). Each side keeps
its level keys in one ascending list whose *last* element is the best price, so that consuming the
best level is a pop from the end; asks are stored as negated ticks to get that order.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator

from .orders import Order
from .types import BUY, SELL, Direction, OrderId

Level = dict[OrderId, Order]
"""Orders resting at one price, oldest first (dicts keep insertion order)."""


class BookSide:
    __slots__ = ("_keys", "_levels", "_sign", "direction")

    def __init__(self, direction: Direction) -> None:
        self.direction = direction
        self._sign = 1 if direction is BUY else -1
        self._levels: dict[int, Level] = {}
        self._keys: list[int] = []

    def __len__(self) -> int:
        """The number of price levels."""
        return len(self._keys)

    def best_ticks(self) -> int | None:
        return self._keys[-1] * self._sign if self._keys else None

    def add(self, order: Order) -> None:
        ticks = order.price_ticks
        level = self._levels.get(ticks)
        if level is None:
            level = self._levels[ticks] = {}
            insort(self._keys, ticks * self._sign)
        level[order.order_id] = order

    def remove(self, order: Order) -> None:
        ticks = order.price_ticks
        level = self._levels[ticks]
        del level[order.order_id]
        if not level:
            del self._levels[ticks]
            key = ticks * self._sign
            keys = self._keys
            if keys[-1] == key:
                keys.pop()
            else:
                del keys[bisect_left(keys, key)]

    def levels(self) -> Iterator[tuple[int, Level]]:
        """Levels from the best price outwards, as (ticks, orders)."""
        sign = self._sign
        levels = self._levels
        for key in reversed(self._keys):
            ticks = key * sign
            yield ticks, levels[ticks]

    def nth_best_ticks(self, n: int) -> int | None:
        """The n-th best price (1-based), or the worst there is when the side is shallower."""
        if not self._keys:
            return None
        return self._keys[-min(n, len(self._keys))] * self._sign

    def crosses(self, ticks: int, limit_ticks: int) -> bool:
        """Whether a resting price on this side is marketable for a taker limited at limit_ticks."""
        return ticks >= limit_ticks if self._sign > 0 else ticks <= limit_ticks

    def volume_at(self, ticks: int) -> int:
        """The remaining volume resting at `ticks` (0 when there is no such level)."""
        level = self._levels.get(ticks)
        return sum(order.remaining for order in level.values()) if level else 0

    def depth(self, levels: int) -> list[tuple[int, int]]:
        """Aggregated (ticks, remaining volume) of the best `levels` levels."""
        out: list[tuple[int, int]] = []
        for ticks, level in self.levels():
            if len(out) == levels:
                break
            out.append((ticks, sum(order.remaining for order in level.values())))
        return out

    def orders(self) -> Iterator[Order]:
        for _, level in self.levels():
            yield from level.values()


class OrderBook:
    """Both sides of one contract's book: buy orders rest on bids, sell orders on asks."""

    __slots__ = ("asks", "bids", "contract_code")

    def __init__(self, contract_code: str) -> None:
        self.contract_code = contract_code
        self.bids = BookSide(BUY)
        self.asks = BookSide(SELL)

    def side(self, direction: Direction) -> BookSide:
        """The side on which orders of `direction` rest."""
        return self.bids if direction is BUY else self.asks

    def opposite(self, direction: Direction) -> BookSide:
        """The side an order of `direction` takes from."""
        return self.asks if direction is BUY else self.bids

    def is_crossed(self) -> bool:
        bid, ask = self.bids.best_ticks(), self.asks.best_ticks()
        return bid is not None and ask is not None and bid >= ask
