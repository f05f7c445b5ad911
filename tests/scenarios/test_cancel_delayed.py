"""Cancels with a delay (Exchange(cancel_delay_ms=100)): status 11 first, the cancel lands later.

On HTX an accepted cancel means "instruction accepted": the order goes to 11 (cancelling), can
still trade, and ends 7 (or 5 if it traded, or 6 if it filled completely) when the cancel lands.
Here the cancel lands at request time + 100 ms, when time is advanced (advance() or execute()).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from htx_sandbox.domain.commands import CancelAll, CancelOrders, CancelReply, Tick
from htx_sandbox.domain.events import Event, OrderCancelled, OrderCancelling
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import Millis, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CLOSE,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
    snapshot,
)

DELAY = 100
T = Millis(NOW + 1_000)
DUE = Millis(T + DELAY)


def delayed() -> Exchange:
    ex = make_exchange(cancel_delay_ms=DELAY)
    ex.execute(Tick(), NOW)
    return ex


def initial_margin(volume: int, price: Decimal, lever: int = 10) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(100) * volume / (price * lever)).quantize(Decimal("1e-18"))


def cancel(ex: Exchange, *order_ids: str, now: Millis = T) -> CancelReply:
    return ex.cancel_orders(CancelOrders(ALICE, BTC, list(order_ids)), now).reply


def errors_of(reply: CancelReply) -> list[tuple[str, int]]:
    return [(e.order_id, e.error.code) for e in reply.errors]


def cancelled_events(events: list[Event]) -> list[tuple[int, OrderStatus]]:
    return [(e.order_id, e.status) for e in events if isinstance(e, OrderCancelled)]


def test_cancel_moves_the_order_to_11_and_keeps_it_on_the_book() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 2, "59000")
    applied = ex.cancel_orders(CancelOrders(ALICE, BTC, [str(order.order_id)]), T)
    assert applied.reply.successes == [str(order.order_id)]
    assert applied.reply.errors == []
    assert order.status is OrderStatus.CANCELLING
    assert order.canceled_at == 0
    assert [e for e in applied.events if isinstance(e, OrderCancelling)] == [
        OrderCancelling(order.order_id)
    ]
    assert cancelled_events(applied.events) == []
    # Still resting, still holding its margin, still an open order.
    assert ex.depth(BTC) == ([(order.price, 2)], [])
    assert ex.account(ALICE, "BTC").margin_frozen == initial_margin(2, Decimal(59000))
    assert [o.order_id for o in ex.open_orders(ALICE, BTC)] == [order.order_id]


def test_a_second_cancel_gets_1062_per_order_and_changes_nothing() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 2, "59000")
    cancel(ex, str(order.order_id))
    before = (snapshot(ex), list(ex.state.pending_cancels))
    reply = cancel(ex, str(order.order_id), now=Millis(T + 50))
    assert reply.successes == []
    assert errors_of(reply) == [(str(order.order_id), 1062)]
    assert reply.errors[0].error.message() == "Cancelling. Please be patient."
    assert reply.errors[0].error.message("zh") == "撤单中,请耐心等待"
    assert (snapshot(ex), list(ex.state.pending_cancels)) == before
    # The first cancel's due time stands: it does not move to the second request's time + delay.
    ex.advance(DUE)
    assert (order.status, order.canceled_at) == (OrderStatus.CANCELLED, DUE)


def test_cancel_all_reports_1062_with_status_ok_when_only_cancelling_orders_match() -> None:
    ex = delayed()
    a = buy(ex, ALICE, 1, "59000")
    b = buy(ex, ALICE, 1, "58000")
    first = ex.cancel_all(CancelAll(ALICE, BTC), T).reply
    assert sorted(first.successes) == sorted([str(a.order_id), str(b.order_id)])
    assert a.status is OrderStatus.CANCELLING and b.status is OrderStatus.CANCELLING
    # No 1051: there are orders, they are being cancelled. The reply is "ok" with errors.
    again = ex.cancel_all(CancelAll(ALICE, BTC), Millis(T + 10)).reply
    assert again.successes == []
    assert sorted(errors_of(again)) == sorted([(str(a.order_id), 1062), (str(b.order_id), 1062)])


def test_cancel_all_mixes_new_cancels_and_1062() -> None:
    ex = delayed()
    cancelling = buy(ex, ALICE, 1, "59000")
    cancel(ex, str(cancelling.order_id))
    fresh = buy(ex, ALICE, 1, "58000", now=Millis(T + 10))
    untouched = sell(ex, ALICE, 1, "61000", now=Millis(T + 10))
    reply = ex.cancel_all(CancelAll(ALICE, BTC, BUY), Millis(T + 20)).reply
    assert reply.successes == [str(fresh.order_id)]
    assert errors_of(reply) == [(str(cancelling.order_id), 1062)]
    assert untouched.status is OrderStatus.SUBMITTED
    ex.advance(Millis(T + 1_000))
    assert (cancelling.canceled_at, fresh.canceled_at) == (DUE, Millis(T + 20 + DELAY))


def test_the_cancel_lands_at_the_due_time_via_advance() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 2, "59000")
    cancel(ex, str(order.order_id))
    assert cancelled_events(ex.advance(Millis(DUE - 1)).events) == []
    assert order.status is OrderStatus.CANCELLING
    applied = ex.advance(DUE)
    assert cancelled_events(applied.events) == [(order.order_id, OrderStatus.CANCELLED)]
    assert (order.status, order.canceled_at) == (OrderStatus.CANCELLED, DUE)
    assert ex.depth(BTC) == ([], [])
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert ex.open_orders(ALICE, BTC) == []


def test_canceled_at_is_the_due_time_even_when_time_jumps_past_it() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 2, "59000")
    cancel(ex, str(order.order_id))
    outcome = ex.execute(Tick(), Millis(DUE + 60_000))
    assert outcome.error is None
    assert cancelled_events(outcome.events) == [(order.order_id, OrderStatus.CANCELLED)]
    assert order.canceled_at == DUE


def test_the_cancel_lands_via_execute_tick() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 2, "59000")
    ex.execute(CancelOrders(ALICE, BTC, [str(order.order_id)]), T)
    assert cancelled_events(ex.execute(Tick(), Millis(DUE - 1)).events) == []
    outcome = ex.execute(Tick(), DUE)
    assert cancelled_events(outcome.events) == [(order.order_id, OrderStatus.CANCELLED)]
    assert order.canceled_at == DUE
    # A cancel that has landed is final: a repeat is 1071 now, no longer 1062.
    assert errors_of(cancel(ex, str(order.order_id), now=DUE)) == [(str(order.order_id), 1071)]


def test_the_order_still_fills_while_cancelling_then_ends_5() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 5, "59000")
    cancel(ex, str(order.order_id))
    taker = sell(ex, BOB, 2, "59000", now=Millis(T + 50))
    assert taker.status is OrderStatus.FILLED
    assert order.status is OrderStatus.CANCELLING
    assert order.trade_volume == 2
    assert order.margin_frozen == initial_margin(3, Decimal(59000))
    assert ex.account(ALICE, "BTC").margin_frozen == initial_margin(3, Decimal(59000))
    assert ex.depth(BTC) == ([(order.price, 3)], [])
    events = ex.execute(Tick(), DUE).events
    assert cancelled_events(events) == [(order.order_id, OrderStatus.PARTIALLY_FILLED_CANCELLED)]
    assert (order.status, order.canceled_at) == (OrderStatus.PARTIALLY_FILLED_CANCELLED, DUE)
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert [p.volume for p in ex.positions(ALICE, BTC)] == [2]
    assert ex.depth(BTC) == ([], [])


def test_a_fully_filled_cancelling_order_ends_6() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 3, "59000")
    cancel(ex, str(order.order_id))
    sell(ex, BOB, 3, "59000", now=Millis(T + 50))
    assert order.status is OrderStatus.FILLED
    assert ex.open_orders(ALICE, BTC) == []
    assert ex.depth(BTC) == ([], [])
    events = ex.execute(Tick(), Millis(DUE + 1)).events
    assert cancelled_events(events) == []
    assert order.status is OrderStatus.FILLED
    assert order.canceled_at == 0
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert [p.volume for p in ex.positions(ALICE, BTC)] == [3]
    assert errors_of(cancel(ex, str(order.order_id), now=Millis(DUE + 1))) == [
        (str(order.order_id), 1063)
    ]


def test_a_taker_at_the_due_time_finds_the_order_gone() -> None:
    """execute() lands the due cancel before it applies its command."""
    ex = delayed()
    order = buy(ex, ALICE, 3, "59000")
    ex.execute(CancelOrders(ALICE, BTC, [str(order.order_id)]), T)
    outcome = ex.execute(order_cmd(BOB, SELL, 3, "59000"), DUE)
    assert outcome.error is None
    assert (order.status, order.trade_volume) == (OrderStatus.CANCELLED, 0)
    assert cancelled_events(outcome.events)[0] == (order.order_id, OrderStatus.CANCELLED)
    # BOB's sell found no bid and rests.
    assert ex.depth(BTC) == ([], [(order.price, 3)])


def test_a_taker_just_before_the_due_time_still_trades() -> None:
    ex = delayed()
    order = buy(ex, ALICE, 3, "59000")
    ex.execute(CancelOrders(ALICE, BTC, [str(order.order_id)]), T)
    ex.execute(order_cmd(BOB, SELL, 1, "59000"), Millis(DUE - 1))
    assert (order.status, order.trade_volume) == (OrderStatus.CANCELLING, 1)
    ex.execute(Tick(), DUE)
    assert (order.status, order.canceled_at) == (OrderStatus.PARTIALLY_FILLED_CANCELLED, DUE)


def test_cancels_land_in_time_order_each_at_its_own_due_time() -> None:
    ex = delayed()
    first = buy(ex, ALICE, 1, "59000")
    second = buy(ex, ALICE, 1, "58000")
    cancel(ex, str(second.order_id), now=Millis(T + 30))
    cancel(ex, str(first.order_id), now=T)
    events = ex.advance(Millis(T + 500)).events
    assert cancelled_events(events) == [
        (first.order_id, OrderStatus.CANCELLED),
        (second.order_id, OrderStatus.CANCELLED),
    ]
    assert (first.canceled_at, second.canceled_at) == (DUE, Millis(T + 30 + DELAY))


def test_cancel_all_with_delay_cancels_everything_at_the_due_time() -> None:
    ex = delayed()
    sell(ex, BOB, 4, "60000")
    buy(ex, ALICE, 4, "60000")
    orders = [buy(ex, ALICE, 1, "59000"), sell(ex, ALICE, 2, "62000", offset=CLOSE)]
    holding = ex.state.holdings[(ALICE, BTC)]
    assert holding.long.frozen == 2
    reply = ex.cancel_all(CancelAll(ALICE, BTC), T).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in orders)
    assert all(o.status is OrderStatus.CANCELLING for o in orders)
    assert holding.long.frozen == 2  # released only when the cancel lands
    ex.execute(Tick(), DUE)
    assert all(o.status is OrderStatus.CANCELLED and o.canceled_at == DUE for o in orders)
    assert holding.long.frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == 0
