"""An order as one command left it, copied in one C call and encoded for another process.

The orders and matchOrders pushes are shaped from the order as the command left it, and an
`Order` changes in place. Shaping one on the engine thread costs what the pushes' JSON and gzip
cost again on the event loop, both in the server's process, which the GIL bounds. A copy is a
tuple of the order's slots (`operator.attrgetter`), encoded with MessagePack; the socket relay's
process decodes it (typed: Decimals, enums and ids come back as they were), restores an `Order`
and shapes it with the very functions the server uses (http/shapes/pushes.py).
"""

from __future__ import annotations

import operator
from decimal import Decimal

import msgspec

from ...domain.orders import Order, Trade
from ...domain.types import (
    UID,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    SelfMatchPrevent,
)


class OrderCopy(msgspec.Struct, array_like=True, frozen=True):
    """`Order`'s slots but its fills (a push names its own), in `Order.__slots__` order."""

    canceled_at: Millis
    canceled_source: str
    client_order_id: ClientOrderId | None
    contract_code: str
    created_at: Millis
    direction: Direction
    fee: Decimal
    is_tpsl: bool
    lever_rate: int
    liquidation_type: str
    margin_frozen: Decimal
    offset: Offset
    order_id: OrderId
    order_price_type: OrderPriceType
    order_source: str
    order_type: int
    price: Decimal
    price_ticks: int
    profit: Decimal
    self_match_prevent: SelfMatchPrevent
    status: OrderStatus
    symbol: str
    trade_turnover: Decimal
    trade_value: Decimal
    trade_volume: int
    uid: UID
    update_time: Millis
    volume: int


FIELDS = OrderCopy.__struct_fields__
_READ = operator.attrgetter(*FIELDS)


def copy(order: Order) -> OrderCopy:
    return OrderCopy(*_READ(order))


def restore(copied: OrderCopy) -> Order:
    """An `Order` equal to the one copied, without its fills."""
    order = Order.__new__(Order)
    for name in FIELDS:
        setattr(order, name, getattr(copied, name))
    order.trades = ()
    return order


Copied = tuple[OrderCopy, list[Trade], int]
"""What a push is shaped from: the order, the fills it made in the command, the push's ts."""
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Copied)


def encode(order: Order, trades: list[Trade], now: int) -> bytes:
    return _encoder.encode((copy(order), trades, now))


def decode(data: bytes) -> tuple[Order, list[Trade], int]:
    copied, trades, now = _decoder.decode(data)
    return restore(copied), trades, now

