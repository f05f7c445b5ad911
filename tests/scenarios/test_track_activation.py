"""Activation: a trailing order is inactive (is_active 0) until the last trade price reaches its
active_price, a buy's from above, a sell's from below; then is_active is 1 and it follows the
price from where the activating trades reached."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.strategy_orders import StrategyStatus

from .helpers import BUY, SELL, make_exchange
from .track_helpers import sweep_down, sweep_up, track, trade_at


def test_a_buy_activates_on_a_trade_at_its_active_price() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000")
    assert trade_at(ex, "59000.1") == [] and not order.is_active
    changes = trade_at(ex, "59000")
    assert order.is_active and order.status is StrategyStatus.WAITING
    assert order.market_limit_price == Decimal(59000)
    assert [change.order_id for change in changes] == [order.order_id]


def test_a_sell_activates_on_a_trade_at_its_active_price() -> None:
    ex = make_exchange()
    order = track(ex, SELL, active="61000")
    trade_at(ex, "60999.9")
    assert not order.is_active
    trade_at(ex, "61000")
    assert order.is_active and order.market_limit_price == Decimal(61000)


def test_a_gap_past_the_active_price_starts_from_the_price_reached() -> None:
    ex = make_exchange()
    buying, selling = track(ex, BUY, active="59000"), track(ex, SELL, active="61000")
    trade_at(ex, "58000")
    trade_at(ex, "62000")
    assert buying.is_active and buying.market_limit_price == Decimal(58000)
    assert selling.is_active and selling.market_limit_price == Decimal(62000)


def test_one_command_activates_from_the_extreme_of_its_trades() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000")
    sweep_down(ex, "59500", "59000", "58800")
    assert order.is_active and order.market_limit_price == Decimal(58800)


def test_the_activating_command_does_not_fire_it() -> None:
    # Trades seen as a range: 58000 and 59000 in one command, whose order within the command
    # the range does not keep; the retrace is measured from the next command on.
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    sweep_up(ex, "58000", "59000")  # 59000 >= 58000 x 1.01, but in the same command
    assert order.is_active and order.status is StrategyStatus.WAITING
    assert order.market_limit_price == Decimal(58000)


def test_orders_of_one_contract_activate_alone() -> None:
    ex = make_exchange()
    near, far = track(ex, BUY, active="59500"), track(ex, BUY, active="58000")
    trade_at(ex, "59400")
    assert near.is_active and not far.is_active
    assert far.market_limit_price is None
