"""Strategy orders: trigger, take-profit/stop-loss and trailing orders, with HTX's fields.

A strategy order waits, freezing nothing, until the last trade price meets its condition; then
it places an ordinary order through swap_order's path and records the result. The three kinds
share one record: HTX lists them with the same core fields (and the same status codes), each
kind adding a few of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from .types import EPOCH, UID, Direction, Millis, Offset, OrderId, OrderPriceType


class StrategyKind(StrEnum):
    """Which family an order belongs to: each has its own endpoints and its own cancel-all."""

    TRIGGER = "trigger"
    TPSL = "tpsl"
    TRACK = "track"

    @property
    def order_source(self) -> str:
        """order_source of the ordinary orders it places (HTX's enum; `track` per HTX's own
        tests of trailing orders)."""
        return self.value


class TriggerType(StrEnum):
    """ge fires when the last price is at or above the trigger price, le at or below."""

    GE = "ge"
    LE = "le"


class StrategyPriceType(StrEnum):
    """How the ordinary order a strategy order places is priced."""

    LIMIT = "limit"
    OPTIMAL_5 = "optimal_5"
    OPTIMAL_10 = "optimal_10"
    OPTIMAL_20 = "optimal_20"
    FORMULA_PRICE = "formula_price"
    """Trailing orders only: a limit at the extreme since activation, moved by callback_rate."""

    @property
    def placed_as(self) -> OrderPriceType:
        """The order_price_type of the ordinary order placed on firing."""
        return _PLACED_AS[self]


_PLACED_AS = {
    StrategyPriceType.LIMIT: OrderPriceType.LIMIT,
    StrategyPriceType.OPTIMAL_5: OrderPriceType.OPTIMAL_5,
    StrategyPriceType.OPTIMAL_10: OrderPriceType.OPTIMAL_10,
    StrategyPriceType.OPTIMAL_20: OrderPriceType.OPTIMAL_20,
    StrategyPriceType.FORMULA_PRICE: OrderPriceType.LIMIT,
}
TRIGGER_PRICE_TYPES = frozenset(
    {
        StrategyPriceType.LIMIT,
        StrategyPriceType.OPTIMAL_5,
        StrategyPriceType.OPTIMAL_10,
        StrategyPriceType.OPTIMAL_20,
    }
)
"""What trigger orders and TP/SL legs accept."""
TRACK_PRICE_TYPES = frozenset(StrategyPriceType) - {StrategyPriceType.LIMIT}
"""What trailing orders accept."""


class StrategyStatus(IntEnum):
    """HTX's status codes of strategy orders; the sandbox passes through 1, 2, 4, 5, 6, 11, 12
    (3 and 8-10 are HTX's internal in-between states, never observable here)."""

    NOT_ACTIVATED = 1
    """A TP/SL leg attached to an opening order that has not filled yet."""
    WAITING = 2
    """Submitted, waiting for its price (HTX: "submitted" / "ready to submit")."""
    PLACED = 4
    """Fired: the ordinary order was placed (relation_order_id names it)."""
    FAILED = 5
    """Fired, but the ordinary order was refused (fail_code, fail_reason)."""
    CANCELLED = 6
    EXPIRED = 11
    """A TP/SL leg ended by the exchange: its pair fired or its position closed."""
    NOT_ACTIVATED_EXPIRED = 12
    """A TP/SL leg whose opening order ended without a fill."""

    @property
    def is_open(self) -> bool:
        return self in _OPEN


_OPEN = frozenset({StrategyStatus.NOT_ACTIVATED, StrategyStatus.WAITING})


class TpslOrderType(StrEnum):
    TP = "tp"
    SL = "sl"


@dataclass(slots=True, eq=False)
class StrategyOrder:
    """One strategy order. Trigger orders use the core fields; TP/SL legs add the tpsl_* ones
    (they are always closing orders, without a lever rate); trailing orders the track ones."""

    order_id: OrderId
    kind: StrategyKind
    uid: UID
    contract_code: str
    symbol: str
    direction: Direction
    offset: Offset
    volume: int
    lever_rate: int | None
    order_price_type: StrategyPriceType
    trigger_type: TriggerType
    trigger_price: Decimal
    """For a trailing order: its active_price (the condition that activates it)."""
    trigger_ticks: int
    order_price: Decimal | None
    """None for optimal_N and formula_price (HTX prints 0)."""
    created_at: Millis
    status: StrategyStatus = StrategyStatus.WAITING
    update_time: Millis = EPOCH
    order_source: str = "api"
    relation_order_id: OrderId | None = None
    """The ordinary order it placed."""
    triggered_price: Decimal | None = None
    triggered_at: Millis | None = None
    order_insert_at: Millis = EPOCH
    canceled_at: Millis = EPOCH
    fail_code: int | None = None
    fail_reason: str | None = None
    # TP/SL legs
    tpsl_order_type: TpslOrderType | None = None
    source_order_id: OrderId | None = None
    """The opening order a leg is attached to; None for a TP/SL set on a position."""
    relation_tpsl_order_id: OrderId | None = None
    """The other leg of a TP and SL set together."""
    # trailing orders
    callback_rate: Decimal | None = None
    is_active: bool = False
    market_limit_price: Decimal | None = None
    """Since activation: the lowest price for a buy, the highest for a sell."""
    formula_price: Decimal | None = None
    real_volume: int = 0

    def __post_init__(self) -> None:
        if not self.update_time:
            self.update_time = self.created_at

    @property
    def is_open(self) -> bool:
        return self.status.is_open
