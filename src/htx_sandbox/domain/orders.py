"""Orders and their fills, with HTX's fields and only HTX's status transitions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import average_price
from .types import (
    CANCELLED,
    CANCELLING,
    EPOCH,
    PARTIALLY_FILLED_CANCELLED,
    SUBMITTED,
    UID,
    ZERO,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    Role,
    SelfMatchPrevent,
    TradeId,
)

S = OrderStatus
ORDER_TYPE_QUOTATION = 1
ORDER_TYPE_LIQUIDATION = 3
NOT_LIQUIDATION = "0"
# canceled_source of the cancels HTX names (its order tables): the dead man's switch
# (swap-cancel-after) and self-trade prevention. The liquidation's is domain/liquidation.py's.
TIMEOUT_CANCELED = "timeout-canceled-order"
PREVENT_SELF_DEALING = "prevent-self-dealing"
# 11 (cancelling) may still fill: the cancel lands after a delay, as on HTX.
_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.SUBMITTED: frozenset({S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.CANCELLING}),
    S.PARTIALLY_FILLED: frozenset(
        {S.PARTIALLY_FILLED, S.FILLED, S.PARTIALLY_FILLED_CANCELLED, S.CANCELLING}
    ),
    S.CANCELLING: frozenset(
        {S.CANCELLING, S.FILLED, S.CANCELLED, S.PARTIALLY_FILLED_CANCELLED}
    ),
    S.PARTIALLY_FILLED_CANCELLED: frozenset(),
    S.FILLED: frozenset(),
    S.CANCELLED: frozenset(),
}


class IllegalTransitionError(RuntimeError):
    """A status change HTX never makes: a bug in the exchange, never a client's error."""


@dataclass(slots=True)
class Trade:
    """One side of a match, as swap_order_detail lists it."""

    trade_id: TradeId
    """The match id, shared by maker and taker."""
    id: str
    """Globally unique: "<trade_id>-<order_id>-<n>"."""
    order_id: OrderId
    uid: UID
    contract_code: str
    direction: Direction
    offset: Offset
    price: Decimal
    volume: int
    turnover: Decimal
    """volume x contract_size, in USD."""
    value: Decimal
    """Coin value: turnover / price."""
    fee: Decimal
    """Negative when paid, as HTX reports it."""
    fee_asset: str
    role: Role
    profit: Decimal
    created_at: Millis
    query_id: int = 0
    """The fill's place in the exchange's sequence of fills (HTX's query_id of match
    results): unique and increasing in the order fills happen, unlike the match id."""

    @property
    def number(self) -> int:
        """The fill's 1-based number within its order (the id's last part)."""
        return int(self.id.rsplit("-", 1)[1])


class Order:
    """A client's order; mutable while open, frozen in fact once final."""

    __slots__ = (
        "canceled_at",
        "canceled_source",
        "client_order_id",
        "contract_code",
        "created_at",
        "direction",
        "fee",
        "is_tpsl",
        "lever_rate",
        "liquidation_type",
        "margin_frozen",
        "offset",
        "order_id",
        "order_price_type",
        "order_source",
        "order_type",
        "price",
        "price_ticks",
        "profit",
        "self_match_prevent",
        "status",
        "symbol",
        "trade_turnover",
        "trade_value",
        "trade_volume",
        "trades",
        "uid",
        "update_time",
        "volume",
    )

    # Positional on purpose: keyword arguments cost a place more than the whole constructor.
    def __init__(
        self,
        order_id: OrderId,
        uid: UID,
        contract_code: str,
        symbol: str,
        direction: Direction,
        offset: Offset,
        volume: int,
        price: Decimal,
        price_ticks: int,
        order_price_type: OrderPriceType,
        lever_rate: int,
        client_order_id: ClientOrderId | None,
        self_match_prevent: SelfMatchPrevent,
        margin_frozen: Decimal,
        created_at: Millis,
        order_source: str = "api",
    ) -> None:
        self.order_id = order_id
        self.uid = uid
        self.contract_code = contract_code
        self.symbol = symbol
        self.direction = direction
        self.offset = offset
        self.volume = volume
        self.price = price
        self.price_ticks = price_ticks
        self.order_price_type = order_price_type
        self.lever_rate = lever_rate
        self.client_order_id = client_order_id
        self.self_match_prevent = self_match_prevent
        self.margin_frozen = margin_frozen
        self.created_at = created_at
        self.update_time = created_at
        self.order_source = order_source
        self.status = SUBMITTED
        self.trade_volume = 0
        self.trade_turnover = ZERO
        self.trade_value = ZERO
        self.fee = ZERO
        self.profit = ZERO
        self.canceled_at = EPOCH
        self.is_tpsl = False
        """Whether TP/SL legs were attached to it when it was placed."""
        self.order_type = ORDER_TYPE_QUOTATION
        """HTX's order_type: 1 an ordinary order, 3 a forced liquidation."""
        self.liquidation_type = NOT_LIQUIDATION
        """HTX's liquidation_type: "0" none, "1" netting, "2" partial, "3" full liquidation."""
        self.canceled_source = ""
        """Who cancelled it when not its owner: "" for the owner (or not cancelled)."""
        # A tuple: most orders never fill, and an empty tuple is shared where a list is not.
        self.trades: tuple[Trade, ...] = ()

    @property
    def remaining(self) -> int:
        return self.volume - self.trade_volume

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def trade_avg_price(self) -> Decimal | None:
        """Harmonic mean of the fill prices; None before the first fill, as HTX answers null."""
        if not self.trade_volume:
            return None
        return average_price(self.trade_turnover, self.trade_value)

    def _move_to(self, status: OrderStatus, now: Millis) -> None:
        if status not in _TRANSITIONS[self.status]:
            raise IllegalTransitionError(f"order {self.order_id}: {self.status} -> {status}")
        self.status = status
        self.update_time = now

    def record_fill(self, trade: Trade) -> None:
        if not 0 < trade.volume <= self.remaining or not self.is_open:
            raise IllegalTransitionError(f"order {self.order_id}: cannot fill {trade.volume}")
        self.trade_volume += trade.volume
        self.trade_turnover += trade.turnover
        self.trade_value += trade.value
        self.fee += trade.fee
        self.profit += trade.profit
        self.trades += (trade,)
        if self.trade_volume == self.volume:
            self._move_to(OrderStatus.FILLED, trade.created_at)
        elif self.status is CANCELLING:
            self._move_to(CANCELLING, trade.created_at)
        else:
            self._move_to(OrderStatus.PARTIALLY_FILLED, trade.created_at)

    def mark_cancelling(self, now: Millis) -> None:
        self._move_to(CANCELLING, now)

    def mark_cancelled(self, now: Millis) -> None:
        """Final cancel: 5 when partly filled, otherwise 7."""
        final = PARTIALLY_FILLED_CANCELLED if self.trade_volume else CANCELLED
        self._move_to(final, now)
        self.canceled_at = now

    def __repr__(self) -> str:
        return (
            f"Order({self.order_id}, uid={self.uid}, {self.contract_code} {self.direction}"
            f"/{self.offset} {self.trade_volume}/{self.volume}@{self.price}, status={self.status})"
        )
