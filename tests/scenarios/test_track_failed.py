"""A trailing order whose ordinary order is refused when it fires ends in status 5, with HTX's
code and text of the refusal in fail_code and fail_reason; nothing else changes, and it is
done with the price."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyPriceType, StrategyStatus

from .helpers import ALICE, BOB, BTC, BUY, CAROL, NOW, SELL, buy, make_exchange, sell
from .track_helpers import track, trade_at

P = StrategyPriceType


def assert_failed(ex: Exchange, order: StrategyOrder, code: ErrorCode, reason: str) -> None:
    assert order.status is StrategyStatus.FAILED
    assert (order.fail_code, order.fail_reason) == (code, reason)
    assert order.triggered_at == order.update_time == NOW and order.triggered_price is not None
    assert order.relation_order_id is None and order.real_volume == 0
    assert order.order_insert_at == 0
    assert ex.open_orders(ALICE) == [] and ex.account(ALICE, "BTC").margin_frozen == 0
    strategies = ex.state.strategies
    assert strategies.owned(ALICE, BTC, order.kind) == {}
    assert order.order_id not in strategies.tracking.get(BTC, {})


def test_not_enough_margin_is_1047() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01", volume=1_000_000, lever=1)
    trade_at(ex, "59000")
    trade_at(ex, "59590")
    assert_failed(ex, order, ErrorCode.INSUFFICIENT_MARGIN, "Insufficient margin available.")
    assert (ALICE, BTC) not in ex.state.holdings or not ex.state.holdings[(ALICE, BTC)].long.volume


def test_optimal_n_on_an_empty_side_is_1076() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01", kind=P.OPTIMAL_20)
    trade_at(ex, "59000")
    trade_at(ex, "59590")  # the sweep leaves no ask behind
    assert_failed(ex, order, ErrorCode.NO_ORDER_BOOK_DATA, "No orders, please try again later.")


def test_a_lever_rate_the_position_no_longer_has_is_1349() -> None:
    ex = make_exchange()
    order = track(ex, SELL, active="61000", callback="0.01", lever=20)
    sell(ex, CAROL, 1, 60000)
    buy(ex, ALICE, 1, 60000, lever=10)  # the holding is at 10 now
    trade_at(ex, "61000")
    trade_at(ex, "60390")
    assert order.fail_code == ErrorCode.LEVERAGE_MISMATCH
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 1


def test_a_failed_order_is_done_with_the_price() -> None:
    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01", kind=P.OPTIMAL_5)
    trade_at(ex, "59000")
    trade_at(ex, "59590")
    assert order.status is StrategyStatus.FAILED
    sell(ex, BOB, 1, 65000)  # now there is an ask for an optimal_5 buy
    trade_at(ex, "58000")
    trade_at(ex, "59590")
    assert order.status is StrategyStatus.FAILED and order.market_limit_price == Decimal(59000)
    assert all(o.order_source != "track" for o in ex.state.orders.values())
