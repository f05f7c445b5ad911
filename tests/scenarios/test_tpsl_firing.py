"""A TP/SL leg fires on the first trade at or beyond its trigger price (the last trade price,
whoever trades) and places an ordinary closing order: a limit at its order price or an
optimal_N priced off the book, at the holding's lever rate, with order_source "tpsl"."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import ALICE, BOB, BTC, BUY, CAROL, CLOSE, NOW, SELL, buy, make_exchange, sell
from .tpsl_helpers import (
    OPTIMAL_5,
    S,
    child,
    leg,
    long_position,
    place_tpsl,
    short_position,
    trade_at,
    trade_down_at,
)


def test_a_long_tp_fires_at_a_trade_at_its_price_placing_a_limit_close() -> None:
    ex = make_exchange()
    sell(ex, CAROL, 3, 60000)
    buy(ex, ALICE, 3, 60000, lever=20)
    tp, _ = place_tpsl(ex, SELL, 3, tp=leg(61000, 61010))
    assert tp is not None
    trade_at(ex, "60999.9")
    assert tp.status is S.WAITING
    trade_at(ex, 61000)
    assert tp.status is S.PLACED
    order = child(ex, tp)
    assert (order.direction, order.offset, order.volume) == (SELL, CLOSE, 3)
    assert (order.order_price_type, order.price) == (OrderPriceType.LIMIT, Decimal(61010))
    assert (order.order_source, order.lever_rate, order.uid) == ("tpsl", 20, ALICE)
    assert order.status is OrderStatus.SUBMITTED  # resting: nobody bids 61010
    assert tp.triggered_price == Decimal(61000) and tp.triggered_at == NOW
    assert tp.order_insert_at == NOW and tp.update_time == NOW
    assert tp.fail_code is None and tp.fail_reason is None


def test_a_long_sl_optimal_5_fires_at_or_below_and_sells_into_the_bids() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    _, sl = place_tpsl(ex, SELL, 3, sl=leg(59000, kind=OPTIMAL_5))
    assert sl is not None
    trade_down_at(ex, "59000.1")
    assert sl.status is S.WAITING
    buy(ex, BOB, 4, 58990)  # the bids the stop sells into
    sell(ex, CAROL, 1, 58990)  # the trade below the stop
    order = child(ex, sl)
    assert order.order_price_type is OrderPriceType.OPTIMAL_5 and order.order_source == "tpsl"
    assert order.status is OrderStatus.FILLED and order.trade_avg_price == Decimal(58990)
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 0
    assert sl.triggered_price == Decimal(58990)


def test_a_short_tp_fires_when_the_price_falls_and_its_sl_when_it_rises() -> None:
    ex = make_exchange()
    short_position(ex, 2)
    tp, _ = place_tpsl(ex, BUY, 1, tp=leg(59000))
    _, sl = place_tpsl(ex, BUY, 1, sl=leg(61000))
    assert tp is not None and sl is not None
    sell(ex, BOB, 2, 61000)
    buy(ex, CAROL, 1, 61000)  # the trade that fires the SL, whose close takes Bob's other ask
    assert (tp.status, sl.status) == (S.WAITING, S.PLACED)
    trade_down_at(ex, 59000)
    assert tp.status is S.PLACED
    for fired in (tp, sl):
        order = child(ex, fired)
        assert (order.direction, order.offset, order.volume) == (BUY, CLOSE, 1)


def test_a_sweep_through_the_trigger_fires_it_at_the_sweeps_far_end() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61200, kind=OPTIMAL_5))
    assert tp is not None
    buy(ex, BOB, 1, 60000)  # the bid the fired close sells into
    for price in (60500, 61000, 61500):
        sell(ex, BOB, 1, price)
    buy(ex, CAROL, 3, 61500)  # one taker across three levels
    assert tp.status is S.PLACED and tp.triggered_price == Decimal(61500)


def test_any_uids_trade_fires_it_and_only_once() -> None:
    ex = make_exchange()
    long_position(ex, 2)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61000))
    assert tp is not None
    trade_at(ex, 61000)
    first = tp.relation_order_id
    trade_at(ex, 61500)
    assert tp.relation_order_id == first
    sources = [o.order_source for o in ex.state.orders.values() if o.uid == ALICE]
    assert sources.count("tpsl") == 1


def test_a_fired_legs_close_can_fill_at_once_in_the_same_command() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61000))
    assert tp is not None
    sell(ex, BOB, 1, 61000)
    buy(ex, CAROL, 2, 61000)  # takes Bob's ask, and rests a bid the fired close then takes
    assert child(ex, tp).status is OrderStatus.FILLED
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 0
