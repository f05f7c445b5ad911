"""Cascades: the trades of an order a trigger order placed fire further trigger orders, in the
same command, round after round until a round trades nothing. Within a round orders fire in
acceptance order (ascending id); each fires once; the same commands give the same ids, events
and fills. Any trade fires them: another UID's, the market maker's batch, a lightning close."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import Deposit, LightningClose, OpenUser, PlaceBatch
from htx_sandbox.domain.events import Event
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus
from htx_sandbox.domain.types import UID, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
)
from .triggers import GE, LE, changed_ids, place_trigger, strategy_rows

PLACED, WAITING = StrategyStatus.PLACED, StrategyStatus.WAITING
MAKER = UID(9_000_001)


def chain() -> tuple[Exchange, list[StrategyOrder], list[Event]]:
    """Bob offers one contract at each of 60100, 60200 and 60300. Alice's trigger orders: A
    (ge 60100) buys at 60200, B (ge 60200) at 60300, C (ge 60300) at 60300; Carol's purchase
    at 60100 fires A, whose trade fires B, whose trade fires C. Returns Carol's events."""
    ex = make_exchange()
    for price in (60100, 60200, 60300):
        sell(ex, BOB, 1, price)
    a = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60200")
    b = place_trigger(ex, ALICE, GE, "60200", BUY, 1, "60300")
    c = place_trigger(ex, ALICE, GE, "60300", BUY, 1, "60300")
    events = ex.place_order(order_cmd(CAROL, BUY, 1, 60100), NOW).events
    return ex, [a, b, c], events


def child_of(ex: Exchange, order: StrategyOrder) -> object:
    assert order.relation_order_id is not None
    return ex.order(order.relation_order_id)


def test_a_fired_orders_trades_fire_the_next_in_the_same_command() -> None:
    ex, (a, b, c), events = chain()
    assert [o.status for o in (a, b, c)] == [PLACED, PLACED, PLACED]
    assert changed_ids(events) == [a.order_id, b.order_id, c.order_id]
    assert (a.triggered_price, b.triggered_price, c.triggered_price) == (
        Decimal(60100), Decimal(60200), Decimal(60300),
    )  # fmt: skip
    fills = [child_of(ex, o) for o in (a, b, c)]
    assert [f.status for f in fills] == [  # type: ignore[attr-defined]
        OrderStatus.FILLED, OrderStatus.FILLED, OrderStatus.SUBMITTED,
    ]  # fmt: skip
    assert ex.state.traded == {}  # nothing is left for a later command to fire


def test_the_same_commands_give_the_same_ids_events_and_fills() -> None:
    first, first_orders, first_events = chain()
    second, second_orders, second_events = chain()
    assert first_events == second_events
    assert strategy_rows(first) == strategy_rows(second)
    assert [o.relation_order_id for o in first_orders] == [
        o.relation_order_id for o in second_orders
    ]


def test_orders_crossed_together_fire_in_acceptance_order_not_price_order() -> None:
    ex = make_exchange()
    dave = open_dave(ex)
    sell(ex, BOB, 1, 60200)
    sell(ex, BOB, 1, 60300)  # one contract for whichever fires first
    first = place_trigger(ex, ALICE, GE, "60150", BUY, 1, "60300")
    second = place_trigger(ex, CAROL, GE, "60100", BUY, 1, "60300")  # nearer, but later
    buy(ex, dave, 1, 60200)  # a trade at 60200 crosses both in the same round
    assert (first.status, second.status) == (PLACED, PLACED)
    assert child_of(ex, first).status is OrderStatus.FILLED  # type: ignore[attr-defined]
    assert child_of(ex, second).status is OrderStatus.SUBMITTED  # type: ignore[attr-defined]
    assert first.relation_order_id < second.relation_order_id  # type: ignore[operator]


def open_dave(ex: Exchange) -> UID:
    """A fourth UID, funded as the others, to trade without crossing anyone's own orders."""
    dave = UID(4)
    ex.open_user(OpenUser(dave), NOW)
    ex.deposit(Deposit(dave, "BTC", Decimal(10)), NOW)
    return dave


def test_each_trigger_order_fires_once() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 2, "60100")
    sell(ex, BOB, 3, 60100)
    buy(ex, CAROL, 1, 60100)  # fires; the order it places takes 2 more at 60100, same round
    sell(ex, BOB, 1, 60100)
    buy(ex, CAROL, 1, 60100)  # a later trade at the price again
    placed = [o for o in ex.state.orders.values() if o.order_source == "trigger"]
    assert [o.order_id for o in placed] == [order.relation_order_id]
    assert placed[0].trade_volume == 2


def test_a_stop_cascade_down_the_book() -> None:
    ex = make_exchange()
    sell(ex, BOB, 3, 60000)
    buy(ex, ALICE, 3, 60000)  # Alice long 3
    for price in (59900, 59800, 59700):
        buy(ex, BOB, 1, price)
    stops = [
        place_trigger(ex, ALICE, LE, str(p), SELL, 1, str(p - 100), offset=CLOSE)
        for p in (59900, 59800, 59700)
    ]
    sell(ex, CAROL, 1, 59900)  # takes Bob's 59900: the first stop sells into 59800, and so on
    assert [s.status for s in stops] == [PLACED, PLACED, PLACED]
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 1  # two stops filled, one rests
    assert ex.depth(BTC)[0] == []


def test_a_cascade_crosses_uids() -> None:
    ex = make_exchange()
    sell(ex, CAROL, 1, 60100)
    sell(ex, CAROL, 1, 60200)
    alice = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60200")
    bob = place_trigger(ex, BOB, GE, "60200", BUY, 1, "60200")
    buy(ex, open_dave(ex), 1, 60100)
    assert (alice.status, bob.status) == (PLACED, PLACED)
    assert child_of(ex, bob).uid == BOB  # type: ignore[attr-defined]


def test_the_market_makers_batch_fires_trigger_orders() -> None:
    ex = make_exchange()
    ex.open_user(OpenUser(MAKER), NOW)
    ex.deposit(Deposit(MAKER, "BTC", Decimal(1_000)), NOW)
    buy(ex, CAROL, 1, 60100)
    order = place_trigger(ex, ALICE, LE, "60100", SELL, 1, "60500")
    batch = PlaceBatch(MAKER, [order_cmd(MAKER, SELL, 1, 60100), order_cmd(MAKER, SELL, 1, 61000)])
    applied = ex.place_batch(batch, NOW)
    assert order.status is PLACED and changed_ids(applied.events) == [order.order_id]


def test_a_lightning_close_fires_trigger_orders() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, 60000)
    buy(ex, ALICE, 1, 60000)
    buy(ex, CAROL, 1, 59500)
    order = place_trigger(ex, BOB, LE, "59500", SELL, 1, "59500")
    ex.lightning_close(LightningClose(ALICE, BTC, SELL, 1), NOW)
    assert order.status is PLACED
