"""Liquidation, step 2: the account's long and short on a contract are netted against each
other (liquidation_type "1"): a sell closing the long and a buy closing the short fill each
other off the book at the mark, free of charge, moving no price and printing nothing on the
public tape; the pair's profit does not depend on that price. The locked-margin rule then
charges the net position only, which can be enough to end the liquidation there."""

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


def hedged(long: int, short: int, btc: str):  # type: ignore[no-untyped-def]
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, btc)
    sell(ex, BOB, long, 60000)
    buy(ex, DAVE, long, 60000, lever=20)
    buy(ex, CAROL, short, 60000)
    sell(ex, DAVE, short, 60000, lever=20)
    return ex


def test_netting_alone_can_end_the_liquidation() -> None:
    ex = hedged(100, 90, "0.0165")
    holding = ex.state.holdings[(DAVE, BTC)]
    before = ex.account(DAVE, "BTC")
    # Long 100 and short 90: margin on the long's 100 contracts, a loss on the net 10. At 33000
    # the ratio is below 0; on the net 10 alone it is far above.
    assert before.risk is not None and before.risk.risk_rate is not None
    outcome = set_index(ex, 33000)
    netting = liquidation_orders(ex, DAVE)
    assert [(o.direction, o.volume, o.liquidation_type) for o in netting] == [
        (Direction.SELL, 90, "1"), (Direction.BUY, 90, "1")
    ]  # fmt: skip
    for order in netting:
        assert (order.order_type, order.order_source) == (3, "risk")
        assert order.status is OrderStatus.FILLED
        assert order.price == Decimal(33000)  # the mark
        assert order.fee == 0
    fills = [e.trade for e in outcome.events if isinstance(e, OrderTraded)]
    assert {t.role for t in fills} == {Role.MAKER}  # no taker: nothing on the public tape
    assert len({t.trade_id for t in fills}) == 1  # one match, the two orders' sides
    assert ex.state.last_price[BTC] == Decimal(60000)  # no market trade
    assert (holding.long.volume, holding.short.volume) == (10, 0)
    after = ex.account(DAVE, "BTC")
    # Opened at the same price, the pair's profit is 0 whatever price it closes at; no fee.
    assert after.margin_static == before.margin_static
    assert after.risk is not None and after.risk.risk_rate is not None
    assert after.risk.risk_rate > 0


def test_what_netting_leaves_at_risk_goes_on_to_the_next_steps() -> None:
    ex = hedged(100, 10, "0.02")
    set_index(ex, 40000)
    kinds = [(o.direction, o.volume, o.liquidation_type) for o in liquidation_orders(ex, DAVE)]
    assert kinds == [
        (Direction.SELL, 10, "1"), (Direction.BUY, 10, "1"), (Direction.SELL, 90, "3")
    ]  # fmt: skip
    holding = ex.state.holdings[(DAVE, BTC)]
    assert (holding.long.volume, holding.short.volume) == (0, 0)
