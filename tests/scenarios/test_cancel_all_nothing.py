"""swap_cancelall with nothing to cancel: a top-level 1051 "No orders to cancel.", and no change.

HTX answers {"status":"error","err_code":1051,"err_msg":"No orders to cancel."} (not "ok" with
empty lists) when none of the caller's orders on the contract match the filters.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from htx_sandbox.domain.commands import CancelAll, CancelOrders, Tick
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderStatus

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
    snapshot,
)

LATER = Millis(NOW + 1_000)
NO_ORDERS = ErrorCode.NO_ORDERS_TO_CANCEL


def full_snapshot(ex: Exchange) -> object:
    """helpers.snapshot plus what a cancel could also touch: cancel times, timers, events."""
    state = ex.state
    return (
        snapshot(ex),
        {oid: (o.canceled_at, o.update_time) for oid, o in state.orders.items()},
        list(state.pending_cancels),
        dict(state.cancel_after),
        list(state.events),
        state.now,
    )


def assert_nothing_to_cancel(ex: Exchange, cmd: CancelAll) -> HtxError:
    """cancel_all raises 1051 and changes nothing; returns the error."""
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.cancel_all(cmd, LATER)
    assert info.value.code == NO_ORDERS
    assert full_snapshot(ex) == before
    return info.value


def test_1051_texts() -> None:
    error = assert_nothing_to_cancel(make_exchange(), CancelAll(ALICE, BTC))
    assert error.code == 1051
    assert error.message() == "No orders to cancel."
    assert error.message("en") == "No orders to cancel."
    assert error.message("zh") == "没有可撤销的订单"
    assert error.wire_message() == "No orders to cancel."


def test_uid_without_any_order() -> None:
    assert_nothing_to_cancel(make_exchange(), CancelAll(ALICE, BTC))


def test_uid_with_filters_and_no_orders_at_all() -> None:
    ex = make_exchange()
    for direction in (None, BUY, SELL):
        for offset in (None, OPEN, CLOSE):
            assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC, direction, offset))


def test_only_other_uids_have_orders() -> None:
    ex = make_exchange()
    bob_bid = buy(ex, BOB, 3, "59000")
    carol_ask = sell(ex, CAROL, 2, "61000")
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC))
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC, BUY))
    assert (bob_bid.status, carol_ask.status) == (OrderStatus.SUBMITTED, OrderStatus.SUBMITTED)


def test_only_orders_on_another_contract() -> None:
    ex = make_exchange()
    eth = buy(ex, ALICE, 3, "2900", code=ETH)
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC))
    assert eth.status is OrderStatus.SUBMITTED


def test_only_finished_orders() -> None:
    """Filled and cancelled orders are not "orders to cancel"."""
    ex = make_exchange()
    sell(ex, BOB, 2, "60000")
    filled = buy(ex, ALICE, 2, "60000")
    cancelled = buy(ex, ALICE, 1, "59000")
    ex.cancel_orders(CancelOrders(ALICE, BTC, [str(cancelled.order_id)]), NOW)
    assert (filled.status, cancelled.status) == (OrderStatus.FILLED, OrderStatus.CANCELLED)
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC))


FilterCase = tuple[str, list[tuple[Direction, Offset]], Direction | None, Offset | None]
NO_MATCH: list[FilterCase] = [
    ("only buys, cancel sells", [(BUY, OPEN)], SELL, None),
    ("only opens, cancel closes", [(BUY, OPEN), (SELL, OPEN)], None, CLOSE),
    ("only closes, cancel opens", [(BUY, CLOSE), (SELL, CLOSE)], None, OPEN),
    ("buy open and sell close, cancel buy close", [(BUY, OPEN), (SELL, CLOSE)], BUY, CLOSE),
    ("buy open and sell close, cancel sell open", [(BUY, OPEN), (SELL, CLOSE)], SELL, OPEN),
    ("three kinds, cancel the fourth", [(BUY, OPEN), (BUY, CLOSE), (SELL, OPEN)], SELL, CLOSE),
]


def _with_positions(ex: Exchange, uid: UID) -> None:
    """Give `uid` a long and a short of 5 on BTC-USD (against BOB) so it can rest close orders."""
    sell(ex, BOB, 5, "60000")
    buy(ex, uid, 5, "60000")
    buy(ex, BOB, 5, "60000")
    sell(ex, uid, 5, "60000")


@pytest.mark.parametrize(
    ("kinds", "direction", "offset"),
    [case[1:] for case in NO_MATCH],
    ids=[case[0] for case in NO_MATCH],
)
def test_filter_matches_nothing(
    kinds: list[tuple[Direction, Offset]], direction: Direction | None, offset: Offset | None
) -> None:
    ex = make_exchange()
    _with_positions(ex, ALICE)
    prices = {BUY: "59000", SELL: "61000"}
    mine = [
        (buy if d is BUY else sell)(ex, ALICE, 1, prices[d], offset=o) for d, o in kinds
    ]
    # Another UID holds exactly the kind of order the filter asks for: still nothing of ALICE's.
    if offset is not CLOSE:
        (buy if direction is BUY else sell)(ex, CAROL, 1, prices[direction or SELL])
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC, direction, offset))
    assert all(o.status is OrderStatus.SUBMITTED for o in mine)


def test_second_cancel_all_right_after_a_successful_one() -> None:
    ex = make_exchange()
    orders = [buy(ex, ALICE, 1, "59000"), sell(ex, ALICE, 2, "61000")]
    reply = ex.cancel_all(CancelAll(ALICE, BTC), NOW).reply
    assert sorted(reply.successes) == sorted(str(o.order_id) for o in orders)
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC))
    assert all(o.status is OrderStatus.CANCELLED and o.canceled_at == NOW for o in orders)


def test_filtered_cancel_all_then_the_same_filter_again() -> None:
    ex = make_exchange()
    bid = buy(ex, ALICE, 1, "59000")
    ask = sell(ex, ALICE, 2, "61000")
    assert ex.cancel_all(CancelAll(ALICE, BTC, BUY), NOW).reply.successes == [str(bid.order_id)]
    assert_nothing_to_cancel(ex, CancelAll(ALICE, BTC, BUY))
    assert ask.status is OrderStatus.SUBMITTED
    assert ex.cancel_all(CancelAll(ALICE, BTC, SELL), NOW).reply.successes == [str(ask.order_id)]


Setup = Callable[[Exchange], None]


def _nothing(ex: Exchange) -> None:
    return None


def _others_only(ex: Exchange) -> None:
    buy(ex, BOB, 1, "59000")


def _already_cancelled(ex: Exchange) -> None:
    buy(ex, ALICE, 1, "59000")
    ex.cancel_all(CancelAll(ALICE, BTC), NOW)


def _sells_only(ex: Exchange) -> None:
    sell(ex, ALICE, 1, "61000")


@pytest.mark.parametrize(
    ("setup", "cmd"),
    [
        (_nothing, CancelAll(ALICE, BTC)),
        (_others_only, CancelAll(ALICE, BTC)),
        (_already_cancelled, CancelAll(ALICE, BTC)),
        (_sells_only, CancelAll(ALICE, BTC, BUY)),
    ],
    ids=["no orders", "other uids only", "after a cancel-all", "filter matches nothing"],
)
def test_execute_reports_1051_as_an_outcome(setup: Setup, cmd: CancelAll) -> None:
    ex = make_exchange()
    setup(ex)
    ex.execute(Tick(), LATER)  # settle the clock first so execute has no timers of its own
    before = full_snapshot(ex)
    outcome = ex.execute(cmd, LATER)
    assert outcome.reply is None
    assert outcome.error is not None
    assert outcome.error.code == NO_ORDERS
    assert outcome.error.message("zh") == "没有可撤销的订单"
    assert outcome.events == []
    assert full_snapshot(ex) == before


def test_unopened_uid_is_1220_not_1051() -> None:
    """A UID that never opened contract trading is refused as such, before any order lookup."""
    ex = make_exchange()
    buy(ex, BOB, 1, "59000")
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.cancel_all(CancelAll(UID(404), BTC), LATER)
    assert info.value.code == ErrorCode.CONTRACTS_NOT_OPENED
    assert full_snapshot(ex) == before
