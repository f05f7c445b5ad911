"""Liquidation, step 1: the account's open orders on the coin are cancelled first, by the system
(canceled_source "risk"), at once whatever the cancel delay, and its strategy orders with them;
when that alone brings the margin ratio back above 0, nothing more happens."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import CancelAll, PlaceTpsl, PlaceTriggerOrder, TpslLeg
from htx_sandbox.domain.events import OrderAccepted, OrderCancelled
from htx_sandbox.domain.strategy_orders import StrategyStatus, TriggerType
from htx_sandbox.domain.types import OrderStatus

from .helpers import (
    BOB,
    BTC,
    CAROL,
    CLOSE,
    DAVE,
    NOW,
    SELL,
    buy,
    fund,
    liquidation_orders,
    make_exchange,
    sell,
    set_index,
)


def dave_long_with_orders(cancel_delay_ms: int = 0):  # type: ignore[no-untyped-def]
    """DAVE: 0.01 BTC, long 10 BTC-USD at 60000 and 20x, two bids far below freezing most of
    what is left (1 at 1000, 1 at 1300), a close order above (at 70000: the book's mid stays
    below the index prices used here, so the mark follows the index), a trigger, a stop-loss."""
    ex = make_exchange((BOB, CAROL), cancel_delay_ms=cancel_delay_ms)
    fund(ex, DAVE, "0.01")
    sell(ex, BOB, 10, 60000)
    buy(ex, DAVE, 10, 60000, lever=20)
    bids = [buy(ex, DAVE, 1, 1000, lever=20), buy(ex, DAVE, 1, 1300, lever=20)]
    close = sell(ex, DAVE, 2, 70000, offset=CLOSE, lever=20)
    trigger = ex.place_trigger_order(
        PlaceTriggerOrder(DAVE, BTC, TriggerType.GE, Decimal(65000), SELL, CLOSE, 1,
                          order_price=Decimal(65000)),
        NOW,
    ).reply  # fmt: skip
    stop = ex.place_tpsl(
        PlaceTpsl(DAVE, BTC, SELL, 5, sl=TpslLeg(Decimal(30000), Decimal(30000))), NOW
    ).reply
    bob_bid = buy(ex, BOB, 1, 1200)
    return ex, bids, close, trigger.order_id, stop.sl_order, bob_bid


@pytest.mark.parametrize("cancel_delay_ms", [0, 50])
def test_orders_are_cancelled_first_and_that_alone_can_be_enough(cancel_delay_ms: int) -> None:
    ex, bids, close, trigger_id, stop_id, bob_bid = dave_long_with_orders(cancel_delay_ms)
    frozen = ex.account(DAVE, "BTC").margin_frozen
    assert frozen > 0
    # At 40000 the frozen margin counts against DAVE: 0.00166 / (0.00125 + 0.00885) - 0.2 < 0;
    # without it the ratio is 0.00166 / 0.00125 - 0.2 > 0.
    outcome = set_index(ex, 40000)
    for order in (*bids, close):
        assert order.status is OrderStatus.CANCELLED  # at once, even with a cancel delay
        assert order.canceled_source == "risk"
    for strategy_id in (trigger_id, stop_id):
        strategy = ex.strategy_order(strategy_id)
        assert strategy is not None and strategy.status is StrategyStatus.CANCELLED
    assert bob_bid.status is OrderStatus.SUBMITTED and bob_bid.canceled_source == ""
    account = ex.account(DAVE, "BTC")
    assert account.margin_frozen == 0
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 10  # the position is kept
    assert (DAVE, "BTC") in ex.state.liquidations.placed  # and watched, at its new trigger
    assert liquidation_orders(ex, DAVE) == []
    assert account.risk is not None and account.risk.risk_rate is not None
    assert account.risk.risk_rate > 0
    cancelled = {e.order_id for e in outcome.events if isinstance(e, OrderCancelled)}
    assert cancelled == {bids[0].order_id, bids[1].order_id, close.order_id}


def test_an_owner_cancel_has_no_canceled_source() -> None:
    ex, bids, *_ = dave_long_with_orders()
    ex.cancel_all(CancelAll(DAVE, BTC), NOW)
    assert all(o.status is OrderStatus.CANCELLED and o.canceled_source == "" for o in bids)


def test_the_cancels_come_before_the_liquidation_orders() -> None:
    ex, *_ = dave_long_with_orders()
    outcome = set_index(ex, 30000)  # beyond what cancelling can save
    kinds = [
        type(e).__name__
        for e in outcome.events
        if isinstance(e, OrderCancelled | OrderAccepted)
    ]
    assert kinds[:3] == ["OrderCancelled"] * 3
    assert "OrderAccepted" in kinds[3:]
    assert [o.liquidation_type for o in liquidation_orders(ex, DAVE)] == ["3"]
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 0
