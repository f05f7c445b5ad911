"""Positions, and the holding that groups one UID's positions and open orders on one contract."""

from __future__ import annotations

from decimal import Decimal

from .money import average_price, contract_value, share, truncate, unrealized
from .orders import Order
from .types import BUY, LONG, OPEN, SHORT, UID, ZERO, Direction, OrderId, PositionSide


class Position:
    """One side (long or short) of a UID's position on a contract.

    Coin values are kept rather than average prices: they add up exactly, and the average price
    of an inverse position is their harmonic mean, volume x contract_size / value. `cost_value`
    is the value at the position price (cost_hold), which each funding settlement resets to the
    settlement price once it has booked the unrealized profit; `open_value` is the value at the
    open prices (cost_open), which nothing but opening and closing moves.
    """

    __slots__ = ("contract_code", "cost_value", "frozen", "open_value", "side", "uid", "volume")

    def __init__(self, uid: UID, contract_code: str, side: PositionSide) -> None:
        self.uid = uid
        self.contract_code = contract_code
        self.side = side
        self.volume = 0
        self.frozen = 0
        """Volume held by pending close orders."""
        self.cost_value = ZERO
        self.open_value = ZERO

    @property
    def available(self) -> int:
        return self.volume - self.frozen

    def cost_open(self, contract_size: Decimal) -> Decimal | None:
        if not self.volume:
            return None
        return average_price(contract_size * self.volume, self.open_value)

    def cost_hold(self, contract_size: Decimal) -> Decimal | None:
        if not self.volume:
            return None
        return average_price(contract_size * self.volume, self.cost_value)

    def open(self, volume: int, value: Decimal) -> None:
        self.volume += volume
        self.cost_value += value
        self.open_value += value

    def close(self, volume: int, value: Decimal) -> Decimal:
        """Take `volume` (already frozen by the close order) out at coin value `value`; returns the
        realized profit: long volume x size x (1/open - 1/close), short the opposite."""
        released = share(self.cost_value, volume, self.volume)
        self.open_value -= share(self.open_value, volume, self.volume)
        self.volume -= volume
        self.frozen -= volume
        self.cost_value -= released
        return released - value if self.side is LONG else value - released

    def settle(
        self, contract_size: Decimal, price: Decimal, hold: Decimal | None = None
    ) -> tuple[Decimal, Decimal]:
        """Hold the position at the settlement `price` from now on and return the profit that
        booked, with the rounding left over.

        The profit is HTX's, volume x size x (1/cost_hold - 1/price) for a long (the opposite
        for a short) truncated to the 1e-18 grid, as HTX prints it; the value at the new price
        is quantized as any value is. The coin between the two (a few 1e-18) is the rounding,
        which the caller keeps so that nothing is created or lost. `hold` is cost_hold, when
        the caller has it already."""
        if not self.volume:
            return ZERO, ZERO
        value = contract_value(self.volume, contract_size, price)
        if hold is None:
            hold = average_price(contract_size * self.volume, self.cost_value)
        turnover = contract_size * self.volume
        exact = unrealized(turnover, hold, price)
        profit = truncate(exact if self.side is LONG else -exact)
        moved = self.cost_value - value if self.side is LONG else value - self.cost_value
        self.cost_value = value
        return profit, moved - profit

    def profit_unreal(self, contract_size: Decimal, mark_price: Decimal) -> Decimal:
        if not self.volume:
            return ZERO
        at_mark = contract_value(self.volume, contract_size, mark_price)
        if self.side is LONG:
            return self.cost_value - at_mark
        return at_mark - self.cost_value


def closed_side(direction: Direction) -> PositionSide:
    """The position a close order of `direction` reduces: selling closes the long."""
    return SHORT if direction is BUY else LONG


def opened_side(direction: Direction) -> PositionSide:
    return LONG if direction is BUY else SHORT


class Holding:
    """Everything one UID has on one contract: both positions, the lever rate, and its open
    orders. The open-order dict is the index that makes cancel-all O(own open orders)."""

    __slots__ = ("close_orders", "contract_code", "lever_rate", "long", "open_orders",
                 "opening_orders", "short", "uid")

    def __init__(self, uid: UID, contract_code: str) -> None:
        self.uid = uid
        self.contract_code = contract_code
        self.long = Position(uid, contract_code, LONG)
        self.short = Position(uid, contract_code, SHORT)
        self.lever_rate: int | None = None
        self.open_orders: dict[OrderId, Order] = {}
        self.opening_orders = 0
        self.close_orders = 0

    def position(self, side: PositionSide) -> Position:
        return self.long if side is LONG else self.short

    @property
    def has_exposure(self) -> bool:
        """Positions or open orders pin the lever rate."""
        return bool(self.long.volume or self.short.volume or self.open_orders)

    def add_open_order(self, order: Order) -> None:
        self.open_orders[order.order_id] = order
        if order.offset is OPEN:
            self.opening_orders += 1
        else:
            self.close_orders += 1

    def remove_open_order(self, order: Order) -> None:
        del self.open_orders[order.order_id]
        if order.offset is OPEN:
            self.opening_orders -= 1
        else:
            self.close_orders -= 1
