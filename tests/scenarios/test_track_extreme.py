"""Following the extreme: an active buy keeps the lowest price traded since activation (its
market_limit_price), a sell the highest; a move the other way that falls short of the
callback leaves it where it was."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.strategy_orders import StrategyStatus

from .helpers import BUY, SELL, make_exchange
from .track_helpers import sweep_down, sweep_up, track, trade_at


def test_a_buy_follows_the_price_down_and_never_back_up() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    trade_at(ex, "59000")
    changes = trade_at(ex, "58500")
    assert order.market_limit_price == Decimal(58500)
    assert [change.order_id for change in changes] == [order.order_id]
    assert trade_at(ex, "58800") == []  # up, but short of 58500 x 1.01 = 59085
    assert order.market_limit_price == Decimal(58500) and order.is_open
    trade_at(ex, "58000")
    assert order.market_limit_price == Decimal(58000)


def test_a_sell_follows_the_price_up_and_never_back_down() -> None:
    ex = make_exchange()
    order = track(ex, SELL, active="61000", callback="0.02")
    trade_at(ex, "61000")
    trade_at(ex, "62000")
    trade_at(ex, "61000")  # down, but short of 62000 x 0.98 = 60760
    assert order.market_limit_price == Decimal(62000) and order.is_open
    sweep_up(ex, "61500", "62500")
    assert order.market_limit_price == Decimal(62500)


def test_a_command_moves_the_extreme_to_the_farthest_of_its_trades() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000")
    trade_at(ex, "59000")
    sweep_down(ex, "58900", "58700", "58600")
    assert order.market_limit_price == Decimal(58600)


def test_a_command_that_moves_the_extreme_is_not_also_a_retrace_from_it() -> None:
    # 58000 then 58600 in one command: from 58000 that is a 1 % rise, but the range does not
    # say which came first; the new low counts from the next command on.
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    trade_at(ex, "59000")
    sweep_up(ex, "58000", "58600")
    assert order.market_limit_price == Decimal(58000)
    assert order.status is StrategyStatus.WAITING
    trade_at(ex, "58580")  # 58000 x 1.01
    assert order.status is StrategyStatus.PLACED


def test_inactive_orders_follow_nothing() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="58000")
    trade_at(ex, "59000")
    trade_at(ex, "58500")
    assert not order.is_active and order.market_limit_price is None


def test_each_order_keeps_its_own_extreme() -> None:
    ex = make_exchange()
    early = track(ex, BUY, active="59500", callback="0.05")
    late = track(ex, BUY, active="59000", callback="0.05")
    trade_at(ex, "59500")
    trade_at(ex, "59200")
    trade_at(ex, "59000")
    assert (early.market_limit_price, late.market_limit_price) == (Decimal(59000),) * 2
    trade_at(ex, "59400")
    late_extreme = track(ex, BUY, active="59300", callback="0.05")
    trade_at(ex, "59300")
    assert late_extreme.market_limit_price == Decimal(59300)
    assert early.market_limit_price == Decimal(59000)
