"""swap_cancelall's direction/offset filters over a UID holding every kind of order.

ALICE holds a long and a short position on BTC-USD, so she can rest orders of all four kinds:
buy/open, buy/close (closes the short), sell/open and sell/close (closes the long). Two of them
are partly filled before the cancel. Every one of the nine filter combinations must cancel
exactly the matching orders (7, or 5 when partly filled), leave the rest alone, release exactly
the margin and the position volume the cancelled orders held, and take them off the book.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.commands import CancelAll
from htx_sandbox.domain.events import OrderCancelled
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import Direction, Millis, Offset, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    LEVER,
    NOW,
    OPEN,
    SELL,
    buy,
    make_exchange,
    sell,
)

CANCEL_AT = Millis(NOW + 5_000)
CANCELLED = OrderStatus.CANCELLED
BTC_SIZE = Decimal(100)


def initial_margin(volume: int, price: Decimal, lever: int = LEVER) -> Decimal:
    """volume x 100 USD / (price x lever), on the 1e-18 coin grid: worked out here, not borrowed."""
    with localcontext() as ctx:
        ctx.prec = 60
        return (BTC_SIZE * volume / (price * lever)).quantize(Decimal("1e-18"))


@dataclass
class Book:
    """ALICE's resting orders by kind, and the other UIDs' resting orders beside them."""

    ex: Exchange
    alice: dict[tuple[Direction, Offset], list[Order]]
    others: list[Order]

    def alice_orders(self) -> list[Order]:
        return [order for orders in self.alice.values() for order in orders]


def build() -> Book:
    ex = make_exchange()
    # ALICE goes long 10 and short 10 against BOB at 60000.
    sell(ex, BOB, 10, "60000")
    assert buy(ex, ALICE, 10, "60000").status is OrderStatus.FILLED
    buy(ex, BOB, 10, "60000")
    assert sell(ex, ALICE, 10, "60000").status is OrderStatus.FILLED

    # Two orders partly filled by CAROL before the rest of the book exists.
    part_buy_open = buy(ex, ALICE, 6, "59500")
    part_sell_close = sell(ex, ALICE, 5, "62000", offset=CLOSE)
    sell(ex, CAROL, 2, "59500")
    buy(ex, CAROL, 2, "62000")
    assert part_buy_open.status is OrderStatus.PARTIALLY_FILLED
    assert part_sell_close.status is OrderStatus.PARTIALLY_FILLED

    alice = {
        (BUY, OPEN): [buy(ex, ALICE, 2, "59000"), part_buy_open],
        (BUY, CLOSE): [buy(ex, ALICE, 3, "58000", offset=CLOSE)],
        (SELL, OPEN): [sell(ex, ALICE, 4, "61000")],
        (SELL, CLOSE): [sell(ex, ALICE, 1, "62500", offset=CLOSE), part_sell_close],
    }
    # BOB rests at ALICE's prices (and one of his own), so depth shows what stays at a level.
    others = [
        buy(ex, BOB, 7, "59000"),
        buy(ex, BOB, 1, "58000", offset=CLOSE),
        sell(ex, BOB, 8, "61000"),
        sell(ex, BOB, 9, "62000", offset=CLOSE),
        buy(ex, CAROL, 1, "57000"),
    ]
    book = Book(ex, alice, others)
    for order in book.alice_orders() + others:
        assert order.is_open and order.status is not OrderStatus.CANCELLING
    return book


Depth = tuple[list[tuple[Decimal, int]], list[tuple[Decimal, int]]]


def expected_depth(orders: list[Order]) -> Depth:
    bids: dict[Decimal, int] = {}
    asks: dict[Decimal, int] = {}
    for order in orders:
        if order.is_open:
            side = bids if order.direction is BUY else asks
            side[order.price] = side.get(order.price, 0) + order.remaining
    return (
        sorted(bids.items(), reverse=True),
        sorted(asks.items()),
    )


DIRECTIONS = [None, BUY, SELL]
OFFSETS = [None, OPEN, CLOSE]
COMBINATIONS = [(d, o) for d in DIRECTIONS for o in OFFSETS]


def _id(value: object) -> str:
    return "any" if value is None else str(value)


@pytest.mark.parametrize(
    ("direction", "offset"),
    COMBINATIONS,
    ids=[f"{_id(d)}-{_id(o)}" for d, o in COMBINATIONS],
)
def test_cancel_all_cancels_exactly_the_matching_orders(
    direction: Direction | None, offset: Offset | None
) -> None:
    book = build()
    ex = book.ex
    matching = [
        order
        for (d, o), orders in book.alice.items()
        if (direction is None or d is direction) and (offset is None or o is offset)
        for order in orders
    ]
    untouched = [order for order in book.alice_orders() if order not in matching]
    assert matching, "every combination matches at least one of ALICE's orders"

    # What the matching orders hold, worked out independently of the exchange.
    margin_released = sum(
        (initial_margin(o.remaining, o.price) for o in matching if o.offset is OPEN), Decimal(0)
    )
    long_released = sum(o.remaining for o in matching if (o.direction, o.offset) == (SELL, CLOSE))
    short_released = sum(o.remaining for o in matching if (o.direction, o.offset) == (BUY, CLOSE))
    for order in matching:
        if order.offset is OPEN:
            assert order.margin_frozen == initial_margin(order.remaining, order.price)

    account_before = ex.account(ALICE, "BTC")
    holding = ex.state.holdings[(ALICE, BTC)]
    long_frozen, short_frozen = holding.long.frozen, holding.short.frozen
    long_volume, short_volume = holding.long.volume, holding.short.volume
    untouched_before = [(o.status, o.trade_volume, o.margin_frozen) for o in untouched]
    others_before = [(o.status, o.trade_volume, o.margin_frozen) for o in book.others]
    bob_before = ex.account(BOB, "BTC")
    bob_holding = ex.state.holdings[(BOB, BTC)]
    bob_frozen = (bob_holding.long.frozen, bob_holding.short.frozen)

    applied = ex.cancel_all(CancelAll(ALICE, BTC, direction=direction, offset=offset), CANCEL_AT)
    reply = applied.reply

    # The reply: the cancelled ids, as strings, each once; no errors.
    assert all(isinstance(s, str) for s in reply.successes)
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in matching)
    assert len(set(reply.successes)) == len(reply.successes)
    assert reply.errors == []

    # The matching orders are cancelled: 5 when partly filled, else 7, at the cancel's time.
    for order in matching:
        final = OrderStatus.PARTIALLY_FILLED_CANCELLED if order.trade_volume else CANCELLED
        assert order.status is final, order
        assert order.canceled_at == CANCEL_AT
        assert order.margin_frozen == 0
    events = {e.order_id: e.status for e in applied.events if isinstance(e, OrderCancelled)}
    assert events == {o.order_id: o.status for o in matching}

    # Everything else is as it was.
    assert [(o.status, o.trade_volume, o.margin_frozen) for o in untouched] == untouched_before
    assert [(o.status, o.trade_volume, o.margin_frozen) for o in book.others] == others_before
    assert {o.order_id for o in ex.open_orders(ALICE, BTC)} == {o.order_id for o in untouched}

    # Margin and frozen position volume come back exactly; positions themselves do not move.
    account_after = ex.account(ALICE, "BTC")
    assert account_before.margin_frozen - account_after.margin_frozen == margin_released
    assert account_after.margin_available - account_before.margin_available == margin_released
    assert account_after.margin_static == account_before.margin_static
    assert account_after.margin_frozen == sum(
        (initial_margin(o.remaining, o.price) for o in untouched if o.offset is OPEN), Decimal(0)
    )
    assert long_frozen - holding.long.frozen == long_released
    assert short_frozen - holding.short.frozen == short_released
    assert holding.long.frozen == sum(
        o.remaining for o in untouched if (o.direction, o.offset) == (SELL, CLOSE)
    )
    assert holding.short.frozen == sum(
        o.remaining for o in untouched if (o.direction, o.offset) == (BUY, CLOSE)
    )
    assert (holding.long.volume, holding.short.volume) == (long_volume, short_volume)
    assert ex.account(BOB, "BTC") == bob_before
    assert (bob_holding.long.frozen, bob_holding.short.frozen) == bob_frozen

    # The book shows only what is still open.
    assert ex.depth(BTC) == expected_depth(untouched + book.others)


def test_partly_filled_orders_keep_their_fills_when_cancelled() -> None:
    book = build()
    ex = book.ex
    part_buy_open = book.alice[(BUY, OPEN)][1]
    part_sell_close = book.alice[(SELL, CLOSE)][1]
    ex.cancel_all(CancelAll(ALICE, BTC), CANCEL_AT)
    assert (part_buy_open.status, part_buy_open.trade_volume) == (
        OrderStatus.PARTIALLY_FILLED_CANCELLED,
        2,
    )
    assert (part_sell_close.status, part_sell_close.trade_volume) == (
        OrderStatus.PARTIALLY_FILLED_CANCELLED,
        2,
    )
    # long 10 + 2 bought - 2 sold; the fills stand, nothing is frozen any more.
    holding = ex.state.holdings[(ALICE, BTC)]
    assert (holding.long.volume, holding.long.frozen) == (10, 0)
    assert (holding.short.volume, holding.short.frozen) == (10, 0)
    assert ex.account(ALICE, "BTC").margin_frozen == 0


def test_unfiltered_cancel_all_empties_the_callers_side_of_the_book() -> None:
    book = build()
    ex = book.ex
    ex.cancel_all(CancelAll(ALICE, BTC), CANCEL_AT)
    assert ex.open_orders(ALICE, BTC) == []
    assert ex.state.holdings[(ALICE, BTC)].open_orders == {}
    assert ex.depth(BTC) == expected_depth(book.others)
    # ALICE's positions are still there: cancel-all cancels orders, never positions.
    assert [(p.direction, p.volume, p.frozen) for p in ex.positions(ALICE, BTC)] == [
        ("buy", 10, 0),
        ("sell", 10, 0),
    ]


def test_filters_applied_one_after_another_add_up_to_everything() -> None:
    book = build()
    ex = book.ex
    seen: list[str] = []
    for direction, offset in ((BUY, OPEN), (SELL, None), (None, CLOSE)):
        seen += ex.cancel_all(CancelAll(ALICE, BTC, direction, offset), CANCEL_AT).reply.successes
    assert sorted(seen) == sorted(str(o.order_id) for o in book.alice_orders())
    assert ex.open_orders(ALICE, BTC) == []

