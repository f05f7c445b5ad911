"""Trailing orders in a cascade: the trades of one round of firing are one range, but the
rounds of one command come one after another. A later round's trades (those of an order an
earlier round fired) come after the extreme the earlier round made, so the order fires on it
within the same command; it can even activate in one round and fire in the next.
(Within one round a new extreme still waits for the next round: test_track_extreme.py.)

The cascade: Carol sells into Bob's bid at 58000 (the command's own trade, round 1); that fires
Bob's trigger order, whose buy takes Carol's ask at 58600 (round 2)."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus

from .helpers import BOB, BUY, CAROL, buy, make_exchange, sell
from .track_helpers import track, trade_at
from .triggers import LE, place_trigger


def set_up_cascade(ex: Exchange) -> StrategyOrder:
    """Bob bids 1 at 58000, Carol asks 1 at 58600, and Bob's trigger order buys 1 at 58600
    once a trade reaches 58000; returns that trigger order."""
    buy(ex, BOB, 1, "58000")
    sell(ex, CAROL, 1, "58600")
    return place_trigger(ex, BOB, LE, "58000", BUY, 1, "58600")


def test_a_later_round_fires_on_the_extreme_an_earlier_round_of_the_command_made() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    trade_at(ex, "59000")  # activates it: its low is 59000, its fire price 59590
    trigger = set_up_cascade(ex)
    sell(ex, CAROL, 1, "58000")  # round 1 trades 58000; round 2 58600 >= 58000 x 1.01
    assert trigger.status is StrategyStatus.PLACED
    assert order.status is StrategyStatus.PLACED
    assert order.market_limit_price == Decimal(58000)
    assert (order.triggered_price, order.formula_price) == (Decimal(58600), Decimal(58580))


def test_a_cascade_can_activate_an_order_and_fire_it_in_one_command() -> None:
    ex = make_exchange()
    trade_at(ex, "59000")
    order = track(ex, BUY, active="58500", callback="0.01")
    set_up_cascade(ex)
    sell(ex, CAROL, 1, "58000")  # round 1 activates it at 58000, round 2 fires it at 58600
    assert order.is_active and order.status is StrategyStatus.PLACED
    assert (order.market_limit_price, order.triggered_price) == (Decimal(58000), Decimal(58600))
