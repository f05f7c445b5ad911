"""A TP and an SL set together are one-cancels-the-other: the leg that fires and places its
close ends its sibling as expired (11). A leg whose firing fails (5) leaves its sibling
waiting, and legs set apart never touch each other."""

from __future__ import annotations

from htx_sandbox.domain.commands import CancelStrategyOrders
from htx_sandbox.domain.events import StrategyOrderChanged
from htx_sandbox.domain.strategy_orders import StrategyKind

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
from .tpsl_helpers import OPTIMAL_5, S, leg, long_position, place_tpsl, trade_at, trade_down_at


def test_the_tp_placing_its_close_expires_the_sl() -> None:
    ex = make_exchange()
    long_position(ex, 2)
    tp, sl = place_tpsl(ex, SELL, 2, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    trade_at(ex, 61000)
    assert (tp.status, sl.status) == (S.PLACED, S.EXPIRED)
    assert sl.update_time == NOW and sl.canceled_at == 0 and sl.relation_order_id is None
    trade_down_at(ex, 58000)  # the expired SL never fires
    assert sl.status is S.EXPIRED and sl.triggered_price is None


def test_the_sl_placing_its_close_expires_the_tp() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000, kind=OPTIMAL_5))
    assert tp is not None and sl is not None
    buy(ex, BOB, 2, 59000)
    sell(ex, CAROL, 1, 59000)
    assert (tp.status, sl.status) == (S.EXPIRED, S.PLACED)


def test_the_sibling_expiry_is_reported_as_a_change_of_the_same_command() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    sell(ex, BOB, 1, 61000)
    events = ex.place_order(order_cmd(CAROL, BUY, 1, 61000), NOW).events
    changed = {e.order_id for e in events if isinstance(e, StrategyOrderChanged)}
    assert {tp.order_id, sl.order_id} <= changed


def test_a_failed_firing_leaves_the_sibling_waiting() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    sell(ex, ALICE, 1, 70000, offset=CLOSE)  # freezes the whole position: nothing to close
    trade_at(ex, 61000)
    assert (tp.status, sl.status) == (S.FAILED, S.WAITING)


def test_legs_set_apart_are_not_siblings() -> None:
    ex = make_exchange()
    long_position(ex, 2)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61000))
    _, sl = place_tpsl(ex, SELL, 1, sl=leg(59000))
    assert tp is not None and sl is not None
    trade_at(ex, 61000)
    assert (tp.status, sl.status) == (S.PLACED, S.WAITING)
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 2  # the TP's close rests at 61000


def test_one_sweep_through_both_legs_fires_the_tp_only() -> None:
    """Both legs' prices crossed by one taker: they fire in id order, so the TP places its
    close and the SL, expired by it, is not fired after it."""
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    sell(ex, BOB, 1, 58900)
    sell(ex, BOB, 1, 61100)
    outcome = ex.execute(order_cmd(CAROL, BUY, 2, 61100), NOW)  # trades at 58900 and 61100
    assert outcome.error is None
    assert (tp.status, sl.status) == (S.PLACED, S.EXPIRED) and sl.triggered_price is None


def test_cancelling_one_leg_leaves_its_sibling_waiting() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, sl = place_tpsl(ex, SELL, 1, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    cancel = CancelStrategyOrders(StrategyKind.TPSL, ALICE, BTC, [str(tp.order_id)])
    assert ex.cancel_strategy_orders(cancel, NOW).reply.successes == [str(tp.order_id)]
    assert (tp.status, sl.status) == (S.CANCELLED, S.WAITING)
    trade_down_at(ex, 59000)
    assert sl.status is S.PLACED
