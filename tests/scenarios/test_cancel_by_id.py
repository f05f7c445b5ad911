"""swap_cancel: cancel by order_id or client_order_id lists, with HTX's per-order errors.

Top-level errors (the whole request fails, nothing changes): more than 10 ids -> 1052, no ids
-> 1066. Per-order errors (status "ok", listed in `errors` next to the `successes`): 1061 unknown
(including unparsable ids, another UID's order, an order of another contract), 1063 filled,
1071 already cancelled.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.commands import CancelOrders, CancelReply, Tick
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.events import OrderCancelled
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import Millis, OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    CAROL,
    CLOSE,
    ETH,
    NOW,
    buy,
    make_exchange,
    sell,
    snapshot,
)

LATER = Millis(NOW + 2_000)


def initial_margin(volume: int, price: Decimal, lever: int = 10) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(100) * volume / (price * lever)).quantize(Decimal("1e-18"))


def cancel(ex: Exchange, *order_ids: str, client_ids: tuple[str, ...] = ()) -> CancelReply:
    cmd = CancelOrders(ALICE, BTC, list(order_ids), list(client_ids))
    return ex.cancel_orders(cmd, LATER).reply


def errors_of(reply: CancelReply) -> list[tuple[str, int]]:
    return [(e.order_id, e.error.code) for e in reply.errors]


def full_snapshot(ex: Exchange) -> object:
    state = ex.state
    return (
        snapshot(ex),
        {oid: (o.canceled_at, o.update_time) for oid, o in state.orders.items()},
        list(state.pending_cancels),
        list(state.events),
    )


def rejected(ex: Exchange, cmd: CancelOrders) -> HtxError:
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.cancel_orders(cmd, LATER)
    assert full_snapshot(ex) == before
    return info.value


# -- the happy paths -----------------------------------------------------------------------------


def test_cancel_by_order_id_list() -> None:
    ex = make_exchange()
    a = buy(ex, ALICE, 2, "59000")
    b = sell(ex, ALICE, 3, "61000")
    keep = buy(ex, ALICE, 1, "58000")
    frozen_before = ex.account(ALICE, "BTC").margin_frozen
    applied = ex.cancel_orders(
        CancelOrders(ALICE, BTC, [str(b.order_id), str(a.order_id)]), LATER
    )
    assert applied.reply.successes == [str(b.order_id), str(a.order_id)]
    assert applied.reply.errors == []
    for order in (a, b):
        assert order.status is OrderStatus.CANCELLED
        assert order.canceled_at == LATER
    assert keep.status is OrderStatus.SUBMITTED
    released = initial_margin(2, Decimal(59000)) + initial_margin(3, Decimal(61000))
    assert frozen_before - ex.account(ALICE, "BTC").margin_frozen == released
    assert ex.depth(BTC) == ([(keep.price, 1)], [])
    assert [e.order_id for e in applied.events if isinstance(e, OrderCancelled)] == [
        b.order_id,
        a.order_id,
    ]


def test_cancel_by_client_order_id_list_lists_the_client_ids() -> None:
    ex = make_exchange()
    a = buy(ex, ALICE, 2, "59000", coid=11)
    b = sell(ex, ALICE, 3, "61000", coid=22)
    keep = buy(ex, ALICE, 1, "58000", coid=33)
    reply = cancel(ex, client_ids=("22", "11"))
    assert reply.successes == ["22", "11"]
    assert reply.errors == []
    assert (a.status, b.status, keep.status) == (
        OrderStatus.CANCELLED,
        OrderStatus.CANCELLED,
        OrderStatus.SUBMITTED,
    )
    assert ex.order_by_client_id(ALICE, 11) is a


def test_order_id_list_wins_when_both_are_given() -> None:
    ex = make_exchange()
    by_id = buy(ex, ALICE, 1, "59000", coid=1)
    by_client = buy(ex, ALICE, 1, "58000", coid=2)
    reply = cancel(ex, str(by_id.order_id), client_ids=("2",))
    assert reply.successes == [str(by_id.order_id)]
    assert reply.errors == []
    assert by_id.status is OrderStatus.CANCELLED
    assert by_client.status is OrderStatus.SUBMITTED


def test_order_id_list_wins_even_when_none_of_its_ids_exists() -> None:
    ex = make_exchange()
    by_client = buy(ex, ALICE, 1, "58000", coid=2)
    reply = cancel(ex, "424242", client_ids=("2",))
    assert reply.successes == []
    assert errors_of(reply) == [("424242", 1061)]
    assert by_client.status is OrderStatus.SUBMITTED


def test_cancelling_a_close_order_releases_the_frozen_position_volume() -> None:
    ex = make_exchange()
    sell(ex, BOB, 5, "60000")
    buy(ex, ALICE, 5, "60000")
    close = sell(ex, ALICE, 3, "62000", offset=CLOSE)
    holding = ex.state.holdings[(ALICE, BTC)]
    assert (holding.long.volume, holding.long.frozen) == (5, 3)
    margin_frozen = ex.account(ALICE, "BTC").margin_frozen
    assert cancel(ex, str(close.order_id)).successes == [str(close.order_id)]
    assert (holding.long.volume, holding.long.frozen) == (5, 0)
    assert ex.account(ALICE, "BTC").margin_frozen == margin_frozen


def test_partly_filled_order_ends_5_with_canceled_at() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 5, "59000")
    sell(ex, BOB, 2, "59000")
    assert (order.status, order.trade_volume) == (OrderStatus.PARTIALLY_FILLED, 2)
    assert ex.account(ALICE, "BTC").margin_frozen == initial_margin(3, Decimal(59000))
    applied = ex.cancel_orders(CancelOrders(ALICE, BTC, [str(order.order_id)]), LATER)
    assert applied.reply.successes == [str(order.order_id)]
    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert order.canceled_at == LATER
    assert order.trade_volume == 2
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert [p.volume for p in ex.positions(ALICE, BTC)] == [2]
    assert ex.depth(BTC) == ([], [])
    assert [
        (e.order_id, e.status) for e in applied.events if isinstance(e, OrderCancelled)
    ] == [(order.order_id, OrderStatus.PARTIALLY_FILLED_CANCELLED)]


def test_execute_answers_per_order_errors_with_an_ok_reply() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "59000")
    outcome = ex.execute(CancelOrders(ALICE, BTC, [str(order.order_id), "abc"]), LATER)
    assert outcome.error is None
    assert isinstance(outcome.reply, CancelReply)
    assert outcome.reply.successes == [str(order.order_id)]
    assert errors_of(outcome.reply) == [("abc", 1061)]


# -- top-level rejections ------------------------------------------------------------------------


def test_more_than_ten_order_ids_is_1052_and_changes_nothing() -> None:
    ex = make_exchange()
    orders = [buy(ex, ALICE, 1, str(59000 - i)) for i in range(11)]
    error = rejected(ex, CancelOrders(ALICE, BTC, [str(o.order_id) for o in orders]))
    assert error.code == ErrorCode.BATCH_LIMIT_EXCEEDED
    assert error.code == 1052
    assert all(o.status is OrderStatus.SUBMITTED for o in orders)
    # Ten is allowed.
    reply = cancel(ex, *(str(o.order_id) for o in orders[:10]))
    assert len(reply.successes) == 10
    assert orders[10].status is OrderStatus.SUBMITTED


def test_more_than_ten_client_order_ids_is_1052() -> None:
    ex = make_exchange()
    orders = [buy(ex, ALICE, 1, str(59000 - i), coid=i + 1) for i in range(11)]
    error = rejected(ex, CancelOrders(ALICE, BTC, (), [str(i + 1) for i in range(11)]))
    assert error.code == 1052
    assert all(o.status is OrderStatus.SUBMITTED for o in orders)


def test_eleven_unknown_ids_are_still_1052() -> None:
    ex = make_exchange()
    error = rejected(ex, CancelOrders(ALICE, BTC, [str(i) for i in range(1, 12)]))
    assert error.code == 1052


def test_no_ids_at_all_is_1066() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", coid=5)
    error = rejected(ex, CancelOrders(ALICE, BTC, [], []))
    assert error.code == ErrorCode.FIELD_EMPTY
    assert error.code == 1066
    error = rejected(ex, CancelOrders(ALICE, BTC))
    assert error.code == 1066


# -- per-order errors ----------------------------------------------------------------------------


def test_1061_for_orders_the_caller_cannot_cancel_here() -> None:
    ex = make_exchange()
    mine = buy(ex, ALICE, 1, "59000")
    bobs = buy(ex, BOB, 1, "59000")
    my_eth = buy(ex, ALICE, 1, "2900", code=ETH)
    given = ["987654321", "abc", str(bobs.order_id), str(my_eth.order_id), "", "1.5"]
    reply = cancel(ex, *given)
    assert reply.successes == []
    assert errors_of(reply) == [(g, 1061) for g in given]
    assert all(isinstance(e.order_id, str) for e in reply.errors)
    error = reply.errors[0].error
    assert error.message() == "The order does not exist."
    assert error.wire_message() == "The order does not exist."
    assert error.message("zh") == "订单不存在"
    assert (mine.status, bobs.status, my_eth.status) == (OrderStatus.SUBMITTED,) * 3


def test_1061_for_client_order_ids_the_caller_does_not_own() -> None:
    ex = make_exchange()
    buy(ex, BOB, 1, "59000", coid=7)
    mine = buy(ex, ALICE, 1, "2900", code=ETH, coid=8)
    reply = cancel(ex, client_ids=("7", "8", "9", "x"))
    assert reply.successes == []
    assert errors_of(reply) == [("7", 1061), ("8", 1061), ("9", 1061), ("x", 1061)]
    assert mine.status is OrderStatus.SUBMITTED
    bobs = ex.order_by_client_id(BOB, 7)
    assert bobs is not None and bobs.status is OrderStatus.SUBMITTED


def test_1063_for_a_filled_order() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "60000")
    filled = buy(ex, ALICE, 2, "60000")
    assert filled.status is OrderStatus.FILLED
    before = full_snapshot(ex)
    reply = cancel(ex, str(filled.order_id))
    assert reply.successes == []
    assert errors_of(reply) == [(str(filled.order_id), 1063)]
    assert reply.errors[0].error.message() == "The order has been executed."
    assert filled.status is OrderStatus.FILLED
    assert full_snapshot(ex) == before


def test_1063_for_a_filled_order_by_client_id() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "60000")
    buy(ex, ALICE, 2, "60000", coid=99)
    reply = cancel(ex, client_ids=("99",))
    assert errors_of(reply) == [("99", 1063)]


def test_1071_for_a_cancelled_order() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "59000")
    assert cancel(ex, str(order.order_id)).successes == [str(order.order_id)]
    before = full_snapshot(ex)
    reply = cancel(ex, str(order.order_id))
    assert reply.successes == []
    assert errors_of(reply) == [(str(order.order_id), 1071)]
    assert reply.errors[0].error.message() == (
        "Repeated cancellation. Your order has been canceled."
    )
    assert full_snapshot(ex) == before
    assert order.canceled_at == LATER


def test_1071_for_a_partly_filled_cancelled_order() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 3, "59000")
    sell(ex, BOB, 1, "59000")
    cancel(ex, str(order.order_id))
    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert errors_of(cancel(ex, str(order.order_id))) == [(str(order.order_id), 1071)]


def test_1071_for_an_order_cancelled_at_placement() -> None:
    """An IOC remainder is cancelled when placed; cancelling it again is a repeat."""
    ex = make_exchange()
    ioc = buy(ex, ALICE, 1, "59000", kind=OrderPriceType.IOC)
    assert ioc.status is OrderStatus.CANCELLED
    assert errors_of(cancel(ex, str(ioc.order_id))) == [(str(ioc.order_id), 1071)]


def test_same_id_twice_in_one_list() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "59000")
    oid = str(order.order_id)
    applied = ex.cancel_orders(CancelOrders(ALICE, BTC, [oid, oid]), LATER)
    assert applied.reply.successes == [oid]
    assert errors_of(applied.reply) == [(oid, 1071)]
    assert order.status is OrderStatus.CANCELLED
    assert len([e for e in applied.events if isinstance(e, OrderCancelled)]) == 1
    assert ex.account(ALICE, "BTC").margin_frozen == 0


def test_same_client_id_twice_in_one_list() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", coid=3)
    reply = cancel(ex, client_ids=("3", "3"))
    assert reply.successes == ["3"]
    assert errors_of(reply) == [("3", 1071)]


def test_successes_and_errors_in_the_same_reply() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    filled = buy(ex, ALICE, 1, "60000")
    live = buy(ex, ALICE, 2, "59000")
    gone = buy(ex, ALICE, 1, "58000")
    cancel(ex, str(gone.order_id))
    other = sell(ex, CAROL, 1, "61000")
    live2 = sell(ex, ALICE, 1, "61500")
    given = [
        str(filled.order_id),
        str(live.order_id),
        "nope",
        str(gone.order_id),
        str(other.order_id),
        str(live2.order_id),
    ]
    reply = cancel(ex, *given)
    assert reply.successes == [str(live.order_id), str(live2.order_id)]
    assert errors_of(reply) == [
        (str(filled.order_id), 1063),
        ("nope", 1061),
        (str(gone.order_id), 1071),
        (str(other.order_id), 1061),
    ]
    assert live.status is OrderStatus.CANCELLED and live2.status is OrderStatus.CANCELLED
    assert other.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([], [(other.price, 1)])


def test_contract_code_is_case_insensitive() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "59000")
    reply = ex.cancel_orders(CancelOrders(ALICE, "btc-usd", [str(order.order_id)]), LATER).reply
    assert reply.successes == [str(order.order_id)]


def test_a_tick_after_the_cancel_changes_nothing() -> None:
    """With no cancel delay the cancel is final at once: time passing does not revisit it."""
    ex = make_exchange()
    order: Order = buy(ex, ALICE, 1, "59000")
    cancel(ex, str(order.order_id))
    outcome = ex.execute(Tick(), Millis(LATER + 60_000))
    assert outcome.events == []
    assert (order.status, order.canceled_at) == (OrderStatus.CANCELLED, LATER)
