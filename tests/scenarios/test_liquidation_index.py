"""The liquidation index follows every change of an account that holds a position, not only of
its position: a short its balance covers at any price is unreachable (no mark liquidates it),
yet the margin its new orders freeze can make it reachable, and an index move then finds it
(here cancelling the order is enough: the short is unreachable again)."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import OrderStatus

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


def test_frozen_margin_makes_an_unreachable_short_reachable() -> None:
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, "0.0168")  # a little more than the short's value: covered at any price
    buy(ex, BOB, 10, 60000)
    sell(ex, DAVE, 10, 60000, lever=2)
    index = ex.state.liquidations
    assert (DAVE, "BTC") in index.unreachable and (DAVE, "BTC") not in index.placed
    # A bid freezing most of what is left: with it counted, a (very) high mark liquidates.
    bid = buy(ex, DAVE, 1, 6300, lever=2)
    entry = index.placed[(DAVE, "BTC")]
    assert entry[:2] == (BTC, "rises")
    set_index(ex, (entry[2] * Decimal("1.01")).quantize(Decimal(1)))
    assert bid.status is OrderStatus.CANCELLED and bid.canceled_source == "risk"
    assert liquidation_orders(ex, DAVE) == []
    assert ex.state.holdings[(DAVE, BTC)].short.volume == 10
    assert (DAVE, "BTC") in index.unreachable
