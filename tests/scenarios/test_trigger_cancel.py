"""swap_trigger_cancel: the caller's waiting trigger orders by id, at most 10; every id that is
not one (unknown, another UID's, another contract's, finished, not a number) is a per-order
1061 in `errors`, never a top-level error; a cancelled trigger order never fires."""

from __future__ import annotations

import pytest

from htx_sandbox.domain.commands import CancelOrders, CancelStrategyOrders
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus
from htx_sandbox.domain.types import UID, ContractStatus, Millis, OrderStatus
from tests.texts import empty

from .helpers import ALICE, BOB, BTC, BUY, CLOSE, ETH, NOW, SELL, buy, make_exchange
from .triggers import (
    GE,
    LE,
    TRIGGER,
    cancel_ids,
    changed_ids,
    full_snapshot,
    place_trigger,
    set_status,
    trade_at,
)

LATER = Millis(NOW + 2_000)
CANCELLED, WAITING = StrategyStatus.CANCELLED, StrategyStatus.WAITING
NOT_EXIST = ErrorCode.CANCEL_ORDER_NOT_EXIST


def waiting(ex: Exchange, n: int, uid: UID = ALICE, code: str = BTC) -> list[StrategyOrder]:
    price = 61000 if code == BTC else 3100
    return [place_trigger(ex, uid, GE, str(price + i), BUY, 1, str(price), code=code)
            for i in range(n)]  # fmt: skip


def errors_of(reply: object) -> list[tuple[str, int]]:
    return [(e.order_id, e.error.code) for e in reply.errors]  # type: ignore[attr-defined]


def test_cancelled_by_id_it_ends_in_6_and_never_fires() -> None:
    ex = make_exchange()
    order, other = waiting(ex, 2)
    applied = ex.cancel_strategy_orders(cancel_ids(ALICE, order.order_id), LATER)
    assert applied.reply.successes == [str(order.order_id)] and applied.reply.errors == []
    assert (order.status, order.canceled_at, order.update_time) == (CANCELLED, LATER, LATER)
    assert changed_ids(applied.events) == [order.order_id]
    assert other.status is WAITING
    trade_at(ex, "61001")
    assert order.status is CANCELLED and order.relation_order_id is None
    assert other.status is StrategyStatus.PLACED


def test_successes_and_errors_keep_the_requests_order() -> None:
    ex = make_exchange()
    a, b, c = waiting(ex, 3)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, c.order_id, 12345, a.order_id), NOW).reply
    assert reply.successes == [str(c.order_id), str(a.order_id)]
    assert errors_of(reply) == [("12345", NOT_EXIST)]
    assert reply.errors[0].error.message() == "The order does not exist."
    assert b.status is WAITING


def test_another_uids_order_is_unknown_and_untouched() -> None:
    ex = make_exchange()
    (bobs,) = waiting(ex, 1, uid=BOB)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, bobs.order_id), NOW).reply
    assert errors_of(reply) == [(str(bobs.order_id), NOT_EXIST)] and reply.successes == []
    assert bobs.status is WAITING


def test_another_contracts_order_is_unknown() -> None:
    ex = make_exchange()
    (eth,) = waiting(ex, 1, code=ETH)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, eth.order_id), NOW).reply
    assert errors_of(reply) == [(str(eth.order_id), NOT_EXIST)]
    assert eth.status is WAITING


@pytest.mark.parametrize("how", ["cancelled", "fired", "failed"])
def test_a_finished_order_is_unknown(how: str) -> None:
    ex = make_exchange()
    if how == "failed":  # nothing to close when it fires: 1048
        order = place_trigger(ex, ALICE, LE, "59900", SELL, 1, "59900", offset=CLOSE)
        trade_at(ex, "59900")
    elif how == "fired":
        order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "59000")
        trade_at(ex, "60100")
    else:
        order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "59000")
        ex.cancel_strategy_orders(cancel_ids(ALICE, order.order_id), NOW)
    assert not order.is_open
    status = order.status
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, order.order_id), LATER).reply
    assert errors_of(reply) == [(str(order.order_id), NOT_EXIST)]
    assert order.status is status and order.update_time == NOW


def test_the_same_id_twice_is_cancelled_once() -> None:
    ex = make_exchange()
    (order,) = waiting(ex, 1)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, order.order_id, order.order_id), NOW).reply
    assert reply.successes == [str(order.order_id)]
    assert errors_of(reply) == [(str(order.order_id), NOT_EXIST)]


@pytest.mark.parametrize("given", ["abc", "-1", "1e5", "+7", " ", "1" * 20, "١٢"])
def test_an_id_that_is_no_order_id_is_unknown(given: str) -> None:
    ex = make_exchange()
    waiting(ex, 1)
    reply = ex.cancel_strategy_orders(CancelStrategyOrders(TRIGGER, ALICE, BTC, [given]), NOW).reply
    assert errors_of(reply) == [(given, NOT_EXIST)]


def test_ordinary_and_trigger_orders_are_separate_id_spaces() -> None:
    ex = make_exchange()
    (trigger,) = waiting(ex, 1)
    resting = buy(ex, ALICE, 1, 59000)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, resting.order_id), NOW).reply
    assert errors_of(reply) == [(str(resting.order_id), NOT_EXIST)]
    assert resting.status is OrderStatus.SUBMITTED
    reply = ex.cancel_orders(CancelOrders(ALICE, BTC, [str(trigger.order_id)]), NOW).reply
    assert errors_of(reply) == [(str(trigger.order_id), NOT_EXIST)]
    assert trigger.status is WAITING


def test_ten_ids_at_most_and_at_least_one() -> None:
    ex = make_exchange()
    orders = waiting(ex, 11)
    before = full_snapshot(ex)
    for ids, code in (([o.order_id for o in orders], 1052), ([], 1066)):
        with pytest.raises(HtxError) as info:
            ex.cancel_strategy_orders(cancel_ids(ALICE, *ids), NOW)
        assert info.value.code == code
    assert info.value.message() == empty("order_id")
    assert full_snapshot(ex) == before
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, *[o.order_id for o in orders[:10]]), NOW)
    assert len(reply.reply.successes) == 10 and orders[10].status is WAITING


@pytest.mark.parametrize(
    ("uid", "code", "error"),
    [
        (UID(99), BTC, ErrorCode.CONTRACTS_NOT_OPENED),
        (ALICE, "XRP-USD", ErrorCode.CONTRACT_NOT_EXIST),
    ],
)
def test_unknown_user_or_contract(uid: UID, code: str, error: ErrorCode) -> None:
    ex = make_exchange()
    (order,) = waiting(ex, 1)
    with pytest.raises(HtxError) as info:
        ex.cancel_strategy_orders(cancel_ids(uid, order.order_id, code=code), NOW)
    assert info.value.code == error and order.status is WAITING


def test_a_suspended_contracts_trigger_orders_can_be_cancelled_not_in_settlement() -> None:
    ex = make_exchange()
    first, second = waiting(ex, 2)
    set_status(ex, ContractStatus.SUSPENSION)
    reply = ex.cancel_strategy_orders(cancel_ids(ALICE, first.order_id), NOW).reply
    assert reply.successes == [str(first.order_id)]
    set_status(ex, ContractStatus.IN_SETTLEMENT)
    with pytest.raises(HtxError) as info:
        ex.cancel_strategy_orders(cancel_ids(ALICE, second.order_id), NOW)
    assert info.value.code == ErrorCode.IN_SETTLEMENT and second.status is WAITING
