"""Firing: an active trailing order fires when the price turns back by callback_rate from its
extreme: a buy at low x (1 + callback), a sell at high x (1 - callback), truncated to the tick.
It places an ordinary order with order_source "track": formula_price as a limit at that price,
optimal_N priced off the book; the trailing order ends in status 4 naming it."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import CancelAll, PlaceOrder
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyPriceType, StrategyStatus
from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import ALICE, BOB, BTC, BUY, LEVER, NOW, OPEN, SELL, make_exchange
from .track_helpers import child, sweep_up, track, trade_at

P = StrategyPriceType


def ask(ex: Exchange, price: str) -> None:
    """Bob offers 1 contract at `price`, resting."""
    offer = PlaceOrder(BOB, BTC, SELL, OPEN, 1, LEVER, OrderPriceType.LIMIT, Decimal(price))
    ex.place_order(offer, NOW)


def test_a_buy_fires_on_the_rise_from_its_low_as_a_limit_at_the_truncated_price() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.003", volume=2, lever=20)
    trade_at(ex, "59000")
    trade_at(ex, "58000.3")  # the low; 58000.3 x 1.003 = 58174.3009
    trade_at(ex, "58174.3")  # short of it by 0.0009: not yet a 0.3 % rise
    assert order.status is StrategyStatus.WAITING
    trade_at(ex, "58174.4")
    assert order.status is StrategyStatus.PLACED
    assert order.market_limit_price == Decimal("58000.3")
    assert order.triggered_price == Decimal("58174.4")
    assert order.formula_price == Decimal("58174.3")  # HTX's formula, truncated to the tick
    assert order.triggered_at == order.order_insert_at == order.update_time == NOW
    placed = child(ex, order)
    assert (placed.order_price_type, placed.price) == (OrderPriceType.LIMIT, Decimal("58174.3"))
    assert (placed.direction, placed.offset, placed.volume, placed.lever_rate) == (
        BUY, OPEN, 2, 20,
    )  # fmt: skip
    assert placed.order_source == "track" and placed.uid == ALICE
    assert order.real_volume == 2
    assert placed.status is OrderStatus.SUBMITTED  # nothing offered at 58174.3 or below


def test_a_sell_fires_on_the_fall_from_its_high_as_a_limit_at_the_truncated_price() -> None:
    ex = make_exchange()
    order = track(ex, SELL, active="61000", callback="0.02")
    trade_at(ex, "61000")
    trade_at(ex, "61500.7")  # 61500.7 x 0.98 = 60270.686 -> 60270.6
    trade_at(ex, "60270.7")
    assert order.is_open
    trade_at(ex, "60270.6")
    assert order.status is StrategyStatus.PLACED
    assert (order.market_limit_price, order.formula_price) == (
        Decimal("61500.7"), Decimal("60270.6"),
    )  # fmt: skip
    placed = child(ex, order)
    assert (placed.direction, placed.price, placed.order_source) == (
        SELL, Decimal("60270.6"), "track",
    )  # fmt: skip


def test_triggered_price_is_the_farthest_trade_of_the_firing_command() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    trade_at(ex, "59000")
    sweep_up(ex, "59500", "59700")  # crosses 59590 on its way
    assert order.status is StrategyStatus.PLACED
    assert order.triggered_price == Decimal(59700)
    assert child(ex, order).price == order.formula_price == Decimal(59590)


def test_optimal_n_is_priced_off_the_book() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01", volume=2, kind=P.OPTIMAL_5)
    trade_at(ex, "59000")
    ask(ex, "59700")
    ask(ex, "59800")
    trade_at(ex, "59590")  # 59000 x 1.01: Carol takes Bob's ask there, and the trailing fires
    assert order.status is StrategyStatus.PLACED
    placed = child(ex, order)
    assert placed.order_price_type is OrderPriceType.OPTIMAL_5
    assert placed.order_source == "track" and placed.status is OrderStatus.FILLED
    assert [trade.price for trade in placed.trades] == [Decimal(59700), Decimal(59800)]
    assert order.formula_price == Decimal(59590)  # the price that fired it
    assert ex.depth(BTC)[1] == []


def test_what_one_trade_fires_fires_in_acceptance_order() -> None:
    ex = make_exchange()
    first = track(ex, BUY, active="59000", callback="0.01")
    second = track(ex, BUY, active="59000", callback="0.005")
    trade_at(ex, "59000")
    trade_at(ex, "59600")
    assert first.status is second.status is StrategyStatus.PLACED
    assert first.relation_order_id is not None and second.relation_order_id is not None
    assert first.relation_order_id < second.relation_order_id
    assert child(ex, second).price == Decimal("59295")  # 59000 x 1.005


def test_a_fired_order_is_done_with_the_price() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")
    trade_at(ex, "59000")
    trade_at(ex, "59590")
    placed_id = order.relation_order_id
    assert len(ex.state.strategies.tracking[BTC]) == 0
    ex.cancel_all(CancelAll(ALICE, BTC), NOW)  # its child out of the way of the trades below
    trade_at(ex, "58000")
    trade_at(ex, "60000")
    assert order.relation_order_id == placed_id and order.market_limit_price == Decimal(59000)
    sources = [o.order_source for o in ex.state.orders.values()]
    assert sources.count("track") == 1


def test_its_own_child_can_move_another_trailing_order_in_the_same_command() -> None:
    # The child's trades are trades like any: the next round of the command sees them.
    ex = make_exchange()
    firing = track(ex, BUY, active="59000", callback="0.01", kind=P.OPTIMAL_5)
    trade_at(ex, "59000")
    watching = track(ex, SELL, active="59500", callback="0.05")
    trade_at(ex, "59500")  # activates the sell at 59500; the buy needs 59590
    ask(ex, "59900")
    trade_at(ex, "59590")  # fires the buy, whose child takes 59900
    assert child(ex, firing).trades[0].price == Decimal(59900)
    assert watching.market_limit_price == Decimal(59900)


def test_a_callback_finer_than_the_tick_still_needs_a_turn_back() -> None:
    # 0.1 % of 99.5 is less than the 0.5 tick: truncated, the fire price would be the low
    # itself, and a trade there would fire an order that saw no rise at all.
    contracts = ContractRegistry()
    contracts.add(Contract(BTC, "BTC", Decimal(100), Decimal("0.5"), Decimal(100)))
    ex = make_exchange(contracts=contracts)
    order = track(ex, BUY, active="99.5", callback="0.001")
    trade_at(ex, "99.5")
    trade_at(ex, "99.5")
    assert order.is_active and order.status is StrategyStatus.WAITING
    trade_at(ex, "100")  # 99.5 x 1.001 = 99.5995: the first price past it
    assert order.status is StrategyStatus.PLACED
    assert (order.triggered_price, order.formula_price) == (Decimal(100), Decimal("99.5"))
