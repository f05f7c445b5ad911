"""swap_switch_lever_rate with strategy orders waiting: a trigger or trailing order will place
at its lever rate, so it counts as an open order (1045, as HTX's own tests observe); the
refusal changes nothing. Once it has fired or been cancelled, it no longer counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import SwitchLeverRate
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import UID

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    ETH,
    NOW,
    OPEN,
    SELL,
    buy,
    make_exchange,
    sell,
)
from .triggers import GE, cancel_ids, full_snapshot, place_trigger

BLOCKED = ErrorCode.SWITCH_LEVERAGE_WITH_OPEN_ORDERS


def switch(ex: Exchange, lever: int, uid: UID = ALICE, code: str = BTC) -> int:
    return ex.switch_lever_rate(SwitchLeverRate(uid, code, lever), NOW).reply.lever_rate


def refused_switch(ex: Exchange, lever: int) -> HtxError:
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, lever), NOW)
    assert full_snapshot(ex) == before, "a refused lever switch changed the exchange"
    return info.value


def trailing(ex: Exchange, uid: UID = ALICE) -> StrategyOrder:
    """A waiting trailing order, put in the book directly (its endpoint is not this module's)."""
    state = ex.state
    contract = state.contracts.get(BTC)
    order = StrategyOrder(
        state.order_ids.next(NOW), StrategyKind.TRACK, uid, BTC, "BTC", SELL, OPEN, 1, 10,
        StrategyPriceType.OPTIMAL_5, TriggerType.GE, Decimal(61000), contract.ticks(Decimal(61000)),
        None, NOW, callback_rate=Decimal("0.01"),
    )  # fmt: skip
    state.strategies.add(order)
    return order


def test_a_waiting_trigger_order_blocks_the_switch_with_1045() -> None:
    ex = make_exchange()
    place_trigger(ex, ALICE, GE, "61000", BUY, 1, "61000")
    error = refused_switch(ex, 20)  # also: no holding is left behind by the refusal
    assert error.code == BLOCKED
    assert error.message() == "Unable to switch leverage due to open orders."


def test_a_waiting_trigger_order_blocks_it_beside_a_position() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, 60000)
    buy(ex, ALICE, 1, 60000)
    place_trigger(ex, ALICE, GE, "61000", SELL, 1, "61000", offset=CLOSE)
    assert refused_switch(ex, 20).code == BLOCKED


def test_a_waiting_trailing_order_blocks_it_too() -> None:
    ex = make_exchange()
    trailing(ex)
    assert refused_switch(ex, 20).code == BLOCKED


def test_once_cancelled_it_no_longer_blocks() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "61000", BUY, 1, "61000")
    ex.cancel_strategy_orders(cancel_ids(ALICE, order.order_id), NOW)
    assert switch(ex, 20) == 20


def test_once_fired_only_what_it_placed_can_block() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60000", BUY, 1, "60000")
    sell(ex, BOB, 2, 60000)
    buy(ex, CAROL, 1, 60000)  # fires: Alice's order takes Bob's second contract
    assert order.status is StrategyStatus.PLACED
    assert ex.open_orders(ALICE) == []
    assert switch(ex, 20) == 20  # a filled position alone does not block


def test_other_contracts_and_other_uids_trigger_orders_do_not_block() -> None:
    ex = make_exchange()
    place_trigger(ex, ALICE, GE, "3100", BUY, 1, "3100", code=ETH)
    place_trigger(ex, BOB, GE, "61000", BUY, 1, "61000")
    assert switch(ex, 20) == 20
    assert refused_switch_on(ex, ETH).code == BLOCKED


def refused_switch_on(ex: Exchange, code: str) -> HtxError:
    with pytest.raises(HtxError) as info:
        ex.switch_lever_rate(SwitchLeverRate(ALICE, code, 20), NOW)
    return info.value
