"""/swap-notification's pushes of an order (`orders`, `matchOrders`) in HTX's shapes, and the
same pushes deferred: shaped where they are written.

`orders`: the order's fields are swap_openorders' (orders.py) less `update_time` and
`self_match_prevent`, which HTX's push does not carry; its fills are swap_order_detail's.
`matchOrders`: the fields of HTX's table, with no fee and no profit.

A `Deferred` push holds the order as the command left it (order_copy.py) instead of its JSON.
Where the socket relay writes the connection, the relay's process shapes, encodes and gzips it
(http/relay): the server's process, bound by the GIL, pays a copy and its encoding (2.4 us)
where the shape, JSON and gzip cost it 9 us. Elsewhere (`message`) the server shapes it the
same way, from the same copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...domain.orders import Order, Trade
from . import order_copy
from . import orders as shapes

_MATCH_ORDER_FIELDS = (
    "symbol", "contract_code", "status", "order_id", "order_id_str", "client_order_id",
    "order_type", "trade_volume", "volume", "is_tpsl", "direction", "offset", "lever_rate",
    "price", "created_at", "order_source", "order_price_type",
)  # fmt: skip
_MATCH_TRADE_FIELDS = (
    "id", "trade_id", "trade_price", "trade_volume", "trade_turnover", "created_at", "role",
)  # fmt: skip


def notify(topic: str, ts: int, **fields: Any) -> dict[str, Any]:
    """A push: `{"op": "notify", "topic", "ts", ...}`."""
    return {"op": "notify", "topic": topic, "ts": ts, **fields}


def order_push(order: Order, trades: list[Trade], now: int) -> dict[str, Any]:
    message = notify(f"orders.{order.contract_code.lower()}", now, uid=str(order.uid))
    message.update(shapes.order(order, update_time=False))
    del message["self_match_prevent"]
    message["trade"] = [shapes.trade(t) for t in trades]
    return message


def match_push(order: Order, trades: list[Trade], now: int) -> dict[str, Any]:
    full = shapes.order(order)
    message = notify(f"matchOrders.{order.contract_code.lower()}", now, uid=str(order.uid))
    message.update((name, full[name]) for name in _MATCH_ORDER_FIELDS)
    message["trade"] = [
        {name: row[name] for name in _MATCH_TRADE_FIELDS} for row in map(shapes.trade, trades)
    ]
    return message


_SHAPES: tuple[Callable[[Order, list[Trade], int], dict[str, Any]], ...] = (
    order_push,
    match_push,
)
ORDERS, MATCH_ORDERS = 0, 1
"""A `Deferred`'s kind: its shape's place in `_SHAPES` (the relay's record carries it)."""


class Deferred:
    """A push of an order, shaped later: its kind and the encoded copy it is shaped from."""

    __slots__ = ("copied", "kind")

    def __init__(self, kind: int, copied: bytes) -> None:
        self.kind = kind
        self.copied = copied


def deferred(kind: int, order: Order, trades: list[Trade], now: int) -> Deferred:
    """The push of `kind`, with `order` as it is now (it may change after this returns)."""
    return Deferred(kind, order_copy.encode(order, trades, now))


def message(push: Deferred) -> dict[str, Any]:
    """The push's JSON value; ValueError (msgspec's DecodeError is one) for a kind or copy
    this build cannot read."""
    if not 0 <= push.kind < len(_SHAPES):
        raise ValueError(f"no push of kind {push.kind}")
    return _SHAPES[push.kind](*order_copy.decode(push.copied))
