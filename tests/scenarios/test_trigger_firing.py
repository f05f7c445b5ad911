"""A trigger order fires on the last trade price: ge at or above its trigger price, le at or
below, inside the command whose trade crossed it; the ordinary order it places is what it
described, with order_source "trigger", and the trigger order records it (status 4)."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.events import OrderAccepted
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus
from htx_sandbox.domain.types import Millis, OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    ETH,
    NOW,
    OPEN,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
)
from .triggers import GE, LE, P, changed_ids, place_trigger, trade_at

LATER = Millis(NOW + 5_000)
WAITING, PLACED = StrategyStatus.WAITING, StrategyStatus.PLACED


def child(ex: object, order: StrategyOrder) -> Order:
    assert order.relation_order_id is not None, "the trigger order has not placed an order"
    placed = ex.order(order.relation_order_id)  # type: ignore[attr-defined]
    assert isinstance(placed, Order)
    return placed


def test_ge_fires_at_a_trade_at_its_price_and_not_below() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60000")
    trade_at(ex, "60099.9")
    assert order.status is WAITING
    trade_at(ex, "60100")
    assert order.status is PLACED


def test_le_fires_at_a_trade_at_its_price_and_not_above() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, LE, "59900", SELL, 1, "60000")
    trade_at(ex, "59900.1")
    assert order.status is WAITING
    trade_at(ex, "59900")
    assert order.status is PLACED


def test_a_trade_beyond_the_trigger_price_fires_it() -> None:
    ex = make_exchange()
    up = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "58000")  # rests below what follows
    down = place_trigger(ex, ALICE, LE, "59900", SELL, 1, "61000")
    trade_at(ex, "60500")
    assert (up.status, down.status) == (PLACED, WAITING)
    trade_at(ex, "59000")
    assert down.status is PLACED


def test_a_condition_already_met_at_placement_waits_for_the_next_trade() -> None:
    ex = make_exchange()
    trade_at(ex, "60000")
    order = place_trigger(ex, ALICE, GE, "59000", BUY, 1, "59000")
    assert order.status is WAITING  # the last price is above it, but no trade has come since
    trade_at(ex, "60000")
    assert order.status is PLACED


def test_one_taker_sweeping_levels_fires_what_its_trades_crossed() -> None:
    ex = make_exchange()
    for price in ("60010", "60020", "60030", "60040"):
        sell(ex, BOB, 1, price)
    ge_crossed = place_trigger(ex, ALICE, GE, "60015", BUY, 1, "59000")
    ge_at_high = place_trigger(ex, ALICE, GE, "60030", BUY, 1, "59000")
    ge_beyond = place_trigger(ex, ALICE, GE, "60030.1", BUY, 1, "59000")
    le_at_low = place_trigger(ex, ALICE, LE, "60010", SELL, 1, "61000")
    le_below = place_trigger(ex, ALICE, LE, "60009.9", SELL, 1, "61000")
    buy(ex, CAROL, 3, 60040)  # trades at 60010, 60020 and 60030
    assert [o.status for o in (ge_crossed, ge_at_high, ge_beyond, le_at_low, le_below)] == [
        PLACED, PLACED, WAITING, PLACED, WAITING,
    ]  # fmt: skip


def test_trades_on_another_contract_fire_nothing_here() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "3000", BUY, 1, "3000", code=ETH)
    trade_at(ex, "60000")  # BTC-USD: ETH's trigger is far below, but not its contract
    assert order.status is WAITING
    trade_at(ex, "3000", code=ETH)
    assert order.status is PLACED


def test_a_limit_trigger_places_its_order_at_order_price() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 3, "60050", lever=20)
    trade_at(ex, "60100")
    placed = child(ex, order)
    assert (placed.uid, placed.contract_code, placed.direction, placed.offset) == (
        ALICE, BTC, BUY, OPEN,
    )  # fmt: skip
    assert (placed.volume, placed.price, placed.order_price_type) == (
        3, Decimal("60050"), OrderPriceType.LIMIT,
    )  # fmt: skip
    assert (placed.lever_rate, placed.order_source) == (20, "trigger")
    assert placed.status is OrderStatus.SUBMITTED  # nothing to meet at 60050: it rests
    assert ex.open_orders(ALICE) == [placed]
    assert placed.margin_frozen > 0  # frozen now, not before (see test_trigger_place)


def test_the_placed_order_trades_like_any_other() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 2, "60200")
    sell(ex, BOB, 2, 60150)
    trade_at(ex, "60100")  # Carol's trade fires it; it takes Bob's 60150
    placed = child(ex, order)
    assert placed.status is OrderStatus.FILLED
    assert [(t.price, t.volume) for t in placed.trades] == [(Decimal(60150), 2)]
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 2


def test_an_optimal_trigger_is_priced_off_the_book_when_it_fires() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60000", BUY, 6, kind=P.OPTIMAL_5)
    asks = [Decimal(60010 + 10 * i) for i in range(6)]
    for price in asks:
        sell(ex, BOB, 1, price)
    trade_at(ex, "60000")  # placed among Bob's asks: Carol's trade at 60000 is below them
    placed = child(ex, order)
    assert placed.order_price_type is OrderPriceType.OPTIMAL_5
    assert placed.price == asks[4]  # the 5th best ask, as swap_order prices optimal_5
    assert [t.price for t in placed.trades] == asks[:5]
    assert placed.status is OrderStatus.PARTIALLY_FILLED  # the 6th rests at that price


def test_the_trigger_order_records_what_it_placed() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60000")
    carol = trade_at(ex, "60100", now=LATER)
    placed = child(ex, order)
    assert (order.status, order.relation_order_id) == (PLACED, placed.order_id)
    assert (order.triggered_price, order.triggered_at) == (Decimal("60100"), LATER)
    assert (order.order_insert_at, order.update_time) == (LATER, LATER)
    assert (order.fail_code, order.fail_reason, order.canceled_at) == (None, None, 0)
    assert placed.created_at == LATER and placed.order_id > carol.order_id
    assert not order.is_open and ex.state.strategies.open_count(ALICE, BTC, order.kind) == 0


def test_the_firing_is_an_event_of_the_command_that_traded() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60000")
    sell(ex, BOB, 1, 60100)
    events = ex.place_order(order_cmd(CAROL, BUY, 1, 60100), NOW).events
    assert changed_ids(events) == [order.order_id]
    accepted = [e.order_id for e in events if isinstance(e, OrderAccepted)]
    assert accepted[-1] == order.relation_order_id


def test_triggered_price_is_the_extreme_the_trades_reached_past_the_trigger() -> None:
    ex = make_exchange()
    for price in ("60010", "60020", "60030"):
        sell(ex, BOB, 1, price)
    up = place_trigger(ex, ALICE, GE, "60015", BUY, 1, "59000")
    down = place_trigger(ex, ALICE, LE, "60025", SELL, 1, "61000")
    buy(ex, CAROL, 3, 60030)
    assert up.triggered_price == Decimal("60030")  # the highest trade, which is at or above
    assert down.triggered_price == Decimal("60010")  # the lowest, at or below


def test_a_closing_trigger_without_a_lever_rate_places_at_the_positions() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, 60000)
    buy(ex, ALICE, 2, 60000, lever=20)  # Alice is long 2 at lever 20
    order = place_trigger(ex, ALICE, LE, "59500", SELL, 2, "59400", offset=CLOSE, lever=None)
    trade_at(ex, "59500")
    placed = child(ex, order)
    assert (placed.offset, placed.lever_rate, placed.volume) == (CLOSE, 20, 2)
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 2  # the close order holds it now


def test_every_uids_trigger_orders_fire_on_the_same_trade() -> None:
    ex = make_exchange()
    alice = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60000")
    bob = place_trigger(ex, BOB, GE, "60100", BUY, 1, "60000")
    trade_at(ex, "60100")
    assert (alice.status, bob.status) == (PLACED, PLACED)
    assert child(ex, bob).uid == BOB and child(ex, alice).uid == ALICE


def test_an_order_self_match_prevention_cancels_still_counts_as_placed() -> None:
    ex = make_exchange()
    sell(ex, ALICE, 1, 60050)  # Alice's own ask, in the way of what her trigger will buy
    order = place_trigger(ex, ALICE, GE, "60000", BUY, 1, "60100")
    trade_at(ex, "60000")
    placed = child(ex, order)
    assert order.status is PLACED  # the order was placed; matching then refused it
    assert placed.status is OrderStatus.CANCELLED and placed.trade_volume == 0
