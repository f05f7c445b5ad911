"""TP/SL legs activated in a cascade: an opening order that a later round of a command fills
activates its legs for that round's trades and the later ones, not for the trades of earlier
rounds, which came before the fill (a taker that fills beyond its own SL in the command's own
trades is stopped out at once: test_tpsl_attached.py).

The cascade: Carol sells into Bob's bid at 58000 (round 1); that fires Bob's trigger order,
whose buy takes Alice's opening ask at 58600 (round 2), with its TP at 58300."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.strategy_orders import StrategyStatus

from .helpers import ALICE, BOB, BUY, CAROL, SELL, buy, make_exchange, order_cmd, sell
from .tpsl_helpers import attach, leg, legs_of, trade_down_at
from .triggers import LE, place_trigger


def test_a_leg_activated_by_a_later_round_waits_for_a_trade_after_its_fill() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, SELL, 1, "58600"), tp=leg("58300"))
    (tp,) = legs_of(ex, opening)
    buy(ex, BOB, 1, "58000")
    trigger = place_trigger(ex, BOB, LE, "58000", BUY, 1, "58600")
    sell(ex, CAROL, 1, "58000")  # round 1 trades 58000, round 2 fills Alice at 58600
    assert trigger.status is StrategyStatus.PLACED and opening.trade_volume == 1
    assert (tp.status, tp.volume) == (StrategyStatus.WAITING, 1)  # 58000 came before it
    trade_down_at(ex, "58300")
    assert tp.status is StrategyStatus.PLACED and tp.triggered_price == Decimal(58300)
