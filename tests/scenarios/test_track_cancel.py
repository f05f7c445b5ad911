"""Cancelling trailing orders (swap_track_cancel / swap_track_cancelall): inactive or active,
a cancelled order is done with the price; the other kinds' cancels do not see it, and while it
waits the lever rate cannot be switched (1045)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import CancelAllStrategy, CancelStrategyOrders, SwitchLeverRate
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.strategy_orders import StrategyKind, StrategyStatus

from .helpers import ALICE, BTC, BUY, NOW, SELL, make_exchange
from .track_helpers import track, trade_at

TRACK, TRIGGER = StrategyKind.TRACK, StrategyKind.TRIGGER


def test_an_active_order_cancelled_stops_following_the_price() -> None:
    ex = make_exchange()
    active, waiting = track(ex, BUY, active="59000"), track(ex, BUY, active="58000")
    trade_at(ex, "59000")
    ids = [str(active.order_id), str(waiting.order_id)]
    reply = ex.cancel_strategy_orders(CancelStrategyOrders(TRACK, ALICE, BTC, ids), NOW).reply
    assert reply.successes == ids and reply.errors == []
    assert active.status is waiting.status is StrategyStatus.CANCELLED
    assert active.canceled_at == NOW
    trade_at(ex, "57000")
    trade_at(ex, "60000")
    assert active.market_limit_price == Decimal(59000) and not waiting.is_active
    assert len(ex.state.strategies.tracking[BTC]) == 0


def test_the_trigger_family_does_not_see_trailing_orders() -> None:
    ex = make_exchange()
    order = track(ex, BUY)
    cmd = CancelStrategyOrders(TRIGGER, ALICE, BTC, [str(order.order_id)])
    reply = ex.cancel_strategy_orders(cmd, NOW).reply
    assert [e.error.code for e in reply.errors] == [ErrorCode.CANCEL_ORDER_NOT_EXIST]
    assert order.is_open


def test_cancel_all_by_direction() -> None:
    ex = make_exchange()
    buying, selling = track(ex, BUY), track(ex, SELL, active="61000")
    cmd = CancelAllStrategy(TRACK, ALICE, BTC, direction=SELL)
    assert ex.cancel_all_strategy(cmd, NOW).reply.successes == [str(selling.order_id)]
    assert buying.is_open
    with pytest.raises(HtxError) as nothing:
        ex.cancel_all_strategy(cmd, NOW)
    assert nothing.value.code == ErrorCode.NO_ORDERS_TO_CANCEL


def test_a_waiting_trailing_order_blocks_switching_the_lever_rate() -> None:
    ex = make_exchange()
    order = track(ex, BUY)
    switch = SwitchLeverRate(ALICE, BTC, 20)
    outcome = ex.execute(switch, NOW)
    assert outcome.error is not None
    assert outcome.error.code == ErrorCode.SWITCH_LEVERAGE_WITH_OPEN_ORDERS
    ex.cancel_strategy_orders(CancelStrategyOrders(TRACK, ALICE, BTC, [str(order.order_id)]), NOW)
    assert ex.execute(switch, NOW).error is None
