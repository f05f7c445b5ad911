"""HTX's enumerations and the small value types every domain module shares."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import NewType

UID = NewType("UID", int)
OrderId = NewType("OrderId", int)
TradeId = NewType("TradeId", int)
ClientOrderId = NewType("ClientOrderId", int)
Millis = NewType("Millis", int)
"""Milliseconds since the Unix epoch, as every HTX timestamp."""
EPOCH = Millis(0)

CLIENT_ORDER_ID_MAX = 2**63 - 1
ZERO = Decimal(0)


class Direction(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def opposite(self) -> Direction:
        return Direction.SELL if self is Direction.BUY else Direction.BUY


class Offset(StrEnum):
    OPEN = "open"
    CLOSE = "close"


class OrderPriceType(StrEnum):
    """Every order_price_type an order can carry: swap_order's (SWAP_ORDER_PRICE_TYPES), and
    the lightning close's."""

    LIMIT = "limit"
    POST_ONLY = "post_only"
    IOC = "ioc"
    FOK = "fok"
    OPPONENT = "opponent"
    OPPONENT_IOC = "opponent_ioc"
    OPPONENT_FOK = "opponent_fok"
    OPTIMAL_5 = "optimal_5"
    OPTIMAL_10 = "optimal_10"
    OPTIMAL_20 = "optimal_20"
    OPTIMAL_5_IOC = "optimal_5_ioc"
    OPTIMAL_10_IOC = "optimal_10_ioc"
    OPTIMAL_20_IOC = "optimal_20_ioc"
    OPTIMAL_5_FOK = "optimal_5_fok"
    OPTIMAL_10_FOK = "optimal_10_fok"
    OPTIMAL_20_FOK = "optimal_20_fok"
    # swap_lightning_close_position's: a close at the counterparty's best 30 levels.
    LIGHTNING = "lightning"
    LIGHTNING_IOC = "lightning_ioc"
    LIGHTNING_FOK = "lightning_fok"

    @property
    def needs_price(self) -> bool:
        """limit, post_only, ioc and fok carry the client's price; the rest price off the book."""
        return self in _PRICED

    @property
    def time_in_force(self) -> TimeInForce:
        return _TIME_IN_FORCE[self]

    @property
    def optimal_depth(self) -> int:
        """How many levels of the opposite side an optimal_N order reaches; 1 for opponent."""
        return _DEPTH.get(self, 1)

    @property
    def is_optimal(self) -> bool:
        """optimal_N: the lightning types reach across levels too, but are not optimal_N."""
        return self in _DEPTH and self not in LIGHTNING_PRICE_TYPES

    @property
    def is_opponent(self) -> bool:
        return self in (
            OrderPriceType.OPPONENT,
            OrderPriceType.OPPONENT_IOC,
            OrderPriceType.OPPONENT_FOK,
        )


class TimeInForce(StrEnum):
    GTC = "gtc"  # rests on the book until filled or cancelled
    IOC = "ioc"  # fills what it can now, the rest is cancelled
    FOK = "fok"  # fills completely now or is cancelled whole
    POST_ONLY = "post_only"  # rests; cancelled instead of taking


LIGHTNING_DEPTH = 30
"""A lightning close takes the counterparty's prices across its best 30 levels."""
_PRICED = frozenset(
    {OrderPriceType.LIMIT, OrderPriceType.POST_ONLY, OrderPriceType.IOC, OrderPriceType.FOK}
)
_DEPTH = {
    OrderPriceType.OPTIMAL_5: 5,
    OrderPriceType.OPTIMAL_10: 10,
    OrderPriceType.OPTIMAL_20: 20,
    OrderPriceType.OPTIMAL_5_IOC: 5,
    OrderPriceType.OPTIMAL_10_IOC: 10,
    OrderPriceType.OPTIMAL_20_IOC: 20,
    OrderPriceType.OPTIMAL_5_FOK: 5,
    OrderPriceType.OPTIMAL_10_FOK: 10,
    OrderPriceType.OPTIMAL_20_FOK: 20,
    OrderPriceType.LIGHTNING: LIGHTNING_DEPTH,
    OrderPriceType.LIGHTNING_IOC: LIGHTNING_DEPTH,
    OrderPriceType.LIGHTNING_FOK: LIGHTNING_DEPTH,
}
_TIME_IN_FORCE = {
    OrderPriceType.LIMIT: TimeInForce.GTC,
    OrderPriceType.POST_ONLY: TimeInForce.POST_ONLY,
    OrderPriceType.IOC: TimeInForce.IOC,
    OrderPriceType.FOK: TimeInForce.FOK,
    OrderPriceType.OPPONENT: TimeInForce.GTC,
    OrderPriceType.OPPONENT_IOC: TimeInForce.IOC,
    OrderPriceType.OPPONENT_FOK: TimeInForce.FOK,
    OrderPriceType.OPTIMAL_5: TimeInForce.GTC,
    OrderPriceType.OPTIMAL_10: TimeInForce.GTC,
    OrderPriceType.OPTIMAL_20: TimeInForce.GTC,
    OrderPriceType.OPTIMAL_5_IOC: TimeInForce.IOC,
    OrderPriceType.OPTIMAL_10_IOC: TimeInForce.IOC,
    OrderPriceType.OPTIMAL_20_IOC: TimeInForce.IOC,
    OrderPriceType.OPTIMAL_5_FOK: TimeInForce.FOK,
    OrderPriceType.OPTIMAL_10_FOK: TimeInForce.FOK,
    OrderPriceType.OPTIMAL_20_FOK: TimeInForce.FOK,
    # lightning: what the 30 levels do not fill rests as a limit order at the last of them.
    OrderPriceType.LIGHTNING: TimeInForce.GTC,
    OrderPriceType.LIGHTNING_IOC: TimeInForce.IOC,
    OrderPriceType.LIGHTNING_FOK: TimeInForce.FOK,
}
LIGHTNING_PRICE_TYPES = frozenset(
    {OrderPriceType.LIGHTNING, OrderPriceType.LIGHTNING_IOC, OrderPriceType.LIGHTNING_FOK}
)
SWAP_ORDER_PRICE_TYPES = frozenset(OrderPriceType) - LIGHTNING_PRICE_TYPES
"""What swap_order accepts: HTX prints the lightning types on orders, but only the lightning
close places them."""


class OrderStatus(IntEnum):
    """HTX's order status codes; this exchange uses 3, 4, 5, 6, 7 and 11."""

    SUBMITTED = 3  # resting on the book
    PARTIALLY_FILLED = 4
    PARTIALLY_FILLED_CANCELLED = 5
    FILLED = 6
    CANCELLED = 7
    CANCELLING = 11

    @property
    def is_open(self) -> bool:
        return self in _OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return not self.is_open


_OPEN_STATUSES = frozenset(
    {OrderStatus.SUBMITTED, OrderStatus.PARTIALLY_FILLED, OrderStatus.CANCELLING}
)


class Role(StrEnum):
    MAKER = "maker"
    TAKER = "taker"


class SelfMatchPrevent(IntEnum):
    """HTX's self_match_prevent: 0 allows self-trades, 1 cancels the taker and keeps the maker."""

    ALLOW = 0
    CANCEL_TAKER = 1


class ContractStatus(IntEnum):
    DELISTING = 0
    LISTING = 1
    PENDING_LISTING = 2
    SUSPENSION = 3
    SUSPENDING_LISTING = 4
    IN_SETTLEMENT = 5
    DELIVERING = 6
    SETTLEMENT_COMPLETED = 7
    DELIVERED = 8


class PositionSide(StrEnum):
    """HTX names a position by the direction that opened it: buy is long, sell is short."""

    LONG = "buy"
    SHORT = "sell"


# Members read as `Class.MEMBER` cost ~50 ns each on Python 3.11 (the enum metaclass defeats the
# attribute cache), several times per order; the hot paths compare against these names instead.
BUY, SELL = Direction.BUY, Direction.SELL
OPEN, CLOSE = Offset.OPEN, Offset.CLOSE
LONG, SHORT = PositionSide.LONG, PositionSide.SHORT
GTC, FOK, POST_ONLY = TimeInForce.GTC, TimeInForce.FOK, TimeInForce.POST_ONLY
LISTING = ContractStatus.LISTING
CANCEL_TAKER = SelfMatchPrevent.CANCEL_TAKER
MAKER = Role.MAKER
SUBMITTED, CANCELLING = OrderStatus.SUBMITTED, OrderStatus.CANCELLING
CANCELLED, PARTIALLY_FILLED_CANCELLED = (
    OrderStatus.CANCELLED,
    OrderStatus.PARTIALLY_FILLED_CANCELLED,
)
