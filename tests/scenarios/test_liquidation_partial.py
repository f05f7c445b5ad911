"""Liquidation, step 3: a net position above the first tier of adjust factors is reduced to the
top of the tier below (liquidation_type "2"), tier by tier, while the margin ratio stays at or
below 0: each reduction a liquidation order sent into the book at the bankruptcy price, free
of charge, filling what the book offers; the rest of the position is kept once the ratio is
above 0 again."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.events import OrderTraded
from htx_sandbox.domain.types import Direction, OrderStatus, Role

from .helpers import (
    BOB,
    BTC,
    CAROL,
    DAVE,
    buy,
    fund,
    liquidation_orders,
    make_exchange,
    sell,
    set_index,
)


def big_long(volume: int, btc: str):  # type: ignore[no-untyped-def]
    ex = make_exchange((BOB, CAROL), btc=Decimal(1000))
    fund(ex, DAVE, btc)
    sell(ex, BOB, volume, 60000)
    buy(ex, DAVE, volume, 60000, lever=20)
    return ex


def test_one_tier_down_is_enough() -> None:
    """Long 2500 at 20x (tier 1, factor 0.3; 0-1999 is tier 0 at 0.2): at 57400 the ratio is
    0.27 - 0.3; reduced to 1999 it is 0.34 - 0.2."""
    ex = big_long(2500, "0.25")
    bid = buy(ex, CAROL, 600, 57300)
    outcome = set_index(ex, 57400)
    [order] = liquidation_orders(ex, DAVE)
    assert (order.direction, order.volume, order.liquidation_type) == (Direction.SELL, 501, "2")
    assert order.status is OrderStatus.FILLED and order.order_source == "risk"
    assert order.fee == 0  # free of charge
    assert bid.trade_volume == 501 and bid.fee < 0  # the counterparty pays its maker fee
    taker = [e.trade for e in outcome.events if isinstance(e, OrderTraded)
             and e.trade.order_id == order.order_id]  # fmt: skip
    assert [(t.price, t.role) for t in taker] == [(Decimal(57300), Role.TAKER)]  # a real trade
    assert ex.state.last_price[BTC] == Decimal(57300)
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 1999
    account = ex.account(DAVE, "BTC")
    assert account.risk is not None and account.risk.risk_rate is not None
    assert account.risk.risk_rate > 0
    assert account.risk.contracts[BTC].adjust_factor == Decimal("0.2")


def test_tier_by_tier_until_the_ratio_is_above_zero() -> None:
    """Long 10500 (tier 2, 0.4): reduced to 9999 (tier 1, 0.3) it is still at risk at 56500,
    reduced again to 1999 (tier 0, 0.2) it is not."""
    ex = big_long(10500, "1.2")
    buy(ex, CAROL, 9000, 56400)
    set_index(ex, 56500)
    orders = liquidation_orders(ex, DAVE)
    assert [(o.volume, o.liquidation_type) for o in orders] == [(501, "2"), (8000, "2")]
    # Each is sent at the bankruptcy price of then: a fill above it leaves a surplus, which
    # moves the next one further away.
    assert orders[1].price < orders[0].price < Decimal(56400)
    assert all(t.price == Decimal(56400) for o in orders for t in o.trades)
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 1999
    account = ex.account(DAVE, "BTC")
    assert account.risk is not None and account.risk.risk_rate is not None
    assert account.risk.risk_rate > 0


def test_what_the_book_cannot_fill_goes_on_to_a_full_liquidation() -> None:
    """Nothing bids at or above the bankruptcy price: no partial order is sent, and the full
    liquidation's order is taken over by the insurance fund."""
    ex = big_long(2500, "0.25")
    buy(ex, CAROL, 600, 50000)  # below the bankruptcy price
    set_index(ex, 57400)
    [order] = liquidation_orders(ex, DAVE)
    assert (order.volume, order.liquidation_type, order.status) == (2500, "3", OrderStatus.FILLED)
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 0
