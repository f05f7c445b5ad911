"""Deferred order pushes (http/shapes/pushes.py, order_copy.py): what the socket relay's process
packs from an order's copy is, byte for byte, what the server would have packed from the order
itself, whatever the order's state; the copy is the order at the time it was taken."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.orders import Order, Trade
from htx_sandbox.domain.types import (
    UID,
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
from htx_sandbox.http.core import frames
from htx_sandbox.http.shapes import order_copy, pushes

NOW = 1_764_000_000_123


def an_order(**changes: Any) -> Order:
    order = Order(
        OrderId(1_234_567_890_123_456_789), UID(42), "BTC-USD", "BTC", Direction.SELL,
        Offset.CLOSE, 7, Decimal("60123.4"), 601234, OrderPriceType.POST_ONLY, 20,
        ClientOrderId(99), SelfMatchPrevent(1), Decimal("0.000581992468397296"),
        Millis(NOW - 5000), "web",
    )  # fmt: skip
    for name, value in changes.items():
        setattr(order, name, value)
    return order


def a_trade(order: Order, n: int, price: str) -> Trade:
    return Trade(
        TradeId(700 + n), f"{700 + n}-{order.order_id}-{n}", order.order_id, order.uid,
        order.contract_code, order.direction, order.offset, Decimal(price), 2, Decimal("200"),
        Decimal("200") / Decimal(price), Decimal("-0.0000006652"), "BTC", Role.MAKER,
        Decimal("0.00012"), Millis(NOW - 10), query_id=9000 + n,
    )  # fmt: skip


ORDERS = {
    "new": an_order(),
    "filled in part": an_order(
        status=OrderStatus.PARTIALLY_FILLED, trade_volume=4, trade_turnover=Decimal("400"),
        trade_value=Decimal("0.006653"), fee=Decimal("-0.0000013304"),
        profit=Decimal("-0.00002"), update_time=Millis(NOW - 10),
    ),
    "cancelled by the switch": an_order(
        status=OrderStatus.CANCELLED, canceled_at=Millis(NOW - 1), client_order_id=None,
        canceled_source="timeout-canceled-order", is_tpsl=True, order_type=3,
        liquidation_type="2", margin_frozen=Decimal(0),
    ),
}  # fmt: skip


def test_the_copy_holds_every_slot_of_an_order_but_its_fills() -> None:
    assert list(order_copy.FIELDS) == [s for s in Order.__slots__ if s != "trades"]


@pytest.mark.parametrize("state", list(ORDERS))
@pytest.mark.parametrize(
    ("kind", "shape"),
    [(pushes.ORDERS, pushes.order_push), (pushes.MATCH_ORDERS, pushes.match_push)],
)
def test_a_deferred_push_packs_what_the_order_itself_would(
    state: str, kind: int, shape: Any
) -> None:
    order = ORDERS[state]
    trades = [a_trade(order, 1, "60123.4"), a_trade(order, 2, "60200")]
    for fills in ([], trades):
        push = pushes.deferred(kind, order, fills, NOW)
        expected = shape(order, fills, NOW)
        assert pushes.message(push) == expected
        wire = frames.deferred_wire(push)
        assert wire == frames.pack(expected, shared=False).wire
        assert json.loads(gzip.decompress(wire[4:] if wire[1] == 126 else wire[2:])) == (
            json.loads(frames.wire.encode(expected))
        )


def test_the_copy_is_the_order_when_it_was_taken() -> None:
    order = an_order()
    push = pushes.deferred(pushes.ORDERS, order, [], NOW)
    order.status = OrderStatus.FILLED
    order.trade_volume = order.volume
    message = pushes.message(push)
    assert message["status"] == int(OrderStatus.SUBMITTED)
    assert message["trade_volume"] == 0


def test_a_deferred_frame_is_packed_here_once_when_its_bytes_are_wanted() -> None:
    order = ORDERS["filled in part"]
    frame = frames.pack(pushes.deferred(pushes.ORDERS, order, [], NOW))
    assert frame.deferred is not None
    before = frames.stats.packed
    assert frame.wire == frames.pack(pushes.order_push(order, [], NOW), shared=False).wire
    assert frame.payload and frame.deferred is None
    assert frames.stats.packed - before == 2  # the frame's, and the one it is compared with


@pytest.mark.parametrize("copied", [b"", b"\x93\x01\x02", b"not msgpack at all"])
def test_a_copy_this_build_cannot_read_raises_never_packs_garbage(copied: bytes) -> None:
    with pytest.raises(ValueError):  # msgspec's DecodeError is a ValueError
        pushes.message(pushes.Deferred(pushes.ORDERS, copied))


def test_a_kind_this_build_does_not_know_raises() -> None:
    good = pushes.deferred(pushes.ORDERS, an_order(), [], NOW)
    with pytest.raises(ValueError, match="no push of kind 9"):
        pushes.message(pushes.Deferred(9, good.copied))
