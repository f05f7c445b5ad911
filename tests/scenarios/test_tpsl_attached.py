"""tp_*/sl_* on swap_order and swap_batchorder: legs attached to an opening order, checked with
it (1404 on a close order; trigger prices against the order's price) before it is accepted,
and created with it, not activated (1), closing the side it opens. The order reports is_tpsl."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import CancelAllStrategy, CancelStrategyOrders, PlaceBatch
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyKind, TpslOrderType, TriggerType
from htx_sandbox.domain.types import OrderPriceType

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CLOSE,
    NOW,
    SELL,
    make_exchange,
    order_cmd,
    rejected,
    sell,
    submit,
)
from .tpsl_helpers import (
    OPTIMAL_5,
    S,
    attach,
    leg,
    legs_of,
    limited_exchange,
    long_position,
    open_tpsl,
    trade_at,
    with_tpsl,
)


def test_legs_wait_not_activated_with_the_opening_order_as_their_source() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 2, 60000), tp=leg(62000), sl=leg(59000))
    assert opening.is_tpsl
    tp, sl = legs_of(ex, opening)
    assert (tp.order_id, sl.order_id) == (opening.order_id + 1, opening.order_id + 2)
    assert (tp.relation_tpsl_order_id, sl.relation_tpsl_order_id) == (sl.order_id, tp.order_id)
    for order, kind, fires in ((tp, TpslOrderType.TP, TriggerType.GE),
                               (sl, TpslOrderType.SL, TriggerType.LE)):  # fmt: skip
        assert order.status is S.NOT_ACTIVATED and order.source_order_id == opening.order_id
        assert (order.tpsl_order_type, order.trigger_type) == (kind, fires)
        assert (order.direction, order.offset, order.volume) == (SELL, CLOSE, 2)
    assert len(ex.state.strategies.book(BTC)) == 0  # nothing can fire them yet


def test_a_sell_opening_gets_buy_legs_tp_below_and_sl_above() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, SELL, 1, 60000), tp=leg(58000), sl=leg(61000))
    tp, sl = legs_of(ex, opening)
    assert (tp.direction, tp.trigger_type, sl.direction, sl.trigger_type) == (
        BUY, TriggerType.LE, BUY, TriggerType.GE,
    )  # fmt: skip


def test_one_leg_alone_and_an_order_without_legs() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000), sl=leg(59000, kind=OPTIMAL_5))
    [sl] = legs_of(ex, opening)
    assert sl.tpsl_order_type is TpslOrderType.SL and sl.relation_tpsl_order_id is None
    plain = submit(ex, order_cmd(ALICE, BUY, 1, 60000))
    assert not plain.is_tpsl and legs_of(ex, plain) == []


def test_legs_freeze_nothing_more_than_the_order_itself() -> None:
    ex = make_exchange()
    attach(ex, order_cmd(ALICE, BUY, 2, 60000), tp=leg(62000), sl=leg(59000))
    submit(ex, order_cmd(BOB, BUY, 2, 60000))
    alice, bob = ex.state.accounts[(ALICE, "BTC")], ex.state.accounts[(BOB, "BTC")]
    assert alice.margin_frozen == bob.margin_frozen > 0


def test_a_close_order_cannot_carry_legs_1404() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    cmd = with_tpsl(order_cmd(ALICE, SELL, 1, 61000, offset=CLOSE), sl=leg(59000))
    error = rejected(ex, cmd)
    assert error.code == ErrorCode.TPSL_OPENING_ONLY
    assert error.message() == (
        "Take-profit and stop-loss orders can only be bound with orders for opening a position"
    )


@pytest.mark.parametrize(
    ("direction", "tp", "sl", "code", "english"),
    [
        (BUY, 60000, None, 1405, "The take-profit price shall not be lower than or equal to the "
         "order price 60000.0"),
        (BUY, None, 60500, 1407, "The stop-loss price shall not be higher than or equal to the "
         "order price 60000.0"),
        (SELL, 60500, None, 1405, "The take-profit price shall not be higher than or equal to "
         "the order price 60000.0"),
        (SELL, None, 59000, 1407, "The stop-loss price shall not be lower than or equal to the "
         "order price 60000.0"),
    ],
)  # fmt: skip
def test_trigger_prices_on_the_wrong_side_of_the_order_price(
    direction: object, tp: int | None, sl: int | None, code: int, english: str
) -> None:
    ex = make_exchange()
    cmd = with_tpsl(
        order_cmd(ALICE, BUY if direction is BUY else SELL, 1, 60000),
        None if tp is None else leg(tp), None if sl is None else leg(sl),
    )  # fmt: skip
    error = rejected(ex, cmd)
    assert (error.code, error.message()) == (code, english)
    assert "委托价60000.0" in error.message("zh")
    assert open_tpsl(ex) == []


def test_an_order_priced_off_the_book_is_checked_at_that_price() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, 60500)
    cmd = order_cmd(ALICE, BUY, 1, kind=OrderPriceType.OPPONENT)
    error = rejected(ex, with_tpsl(cmd, sl=leg(60500)))
    assert error.code == ErrorCode.STOP_LOSS_PRICE and error.params[2] == "60500.0"
    assert attach(ex, cmd, sl=leg("60499.9")).is_tpsl


def test_a_refused_order_leaves_no_legs() -> None:
    ex = make_exchange(btc=Decimal("0.0001"))
    cmd = with_tpsl(order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000))  # beyond its margin
    assert rejected(ex, cmd).code == ErrorCode.INSUFFICIENT_MARGIN
    assert len(ex.state.strategies) == 0


def test_attached_legs_count_against_the_tpsl_limit() -> None:
    ex = limited_exchange(StrategyLimits(per_contract=3, platform=10))
    attach(ex, order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000), sl=leg(59000))
    cmd = with_tpsl(order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000), sl=leg(59000))
    assert rejected(ex, cmd).code == ErrorCode.TPSL_ORDERS_LIMIT
    assert len(ex.state.orders) == 1  # the refused order was not placed either


def test_each_order_of_a_batch_carries_its_own_legs() -> None:
    ex = make_exchange()
    orders = [
        with_tpsl(order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000)),
        with_tpsl(order_cmd(ALICE, BUY, 1, 60000), tp=leg(59000)),  # wrong side: 1405
        order_cmd(ALICE, SELL, 1, 61000),
        with_tpsl(order_cmd(ALICE, SELL, 1, 61000), sl=leg(62000)),
    ]
    items = ex.place_batch(PlaceBatch(ALICE, orders), NOW).reply
    assert [item.error.code if item.error else None for item in items] == [None, 1405, None, None]
    placed = [ex.order(item.placed.order_id) for item in items if item.placed]
    assert [o.is_tpsl for o in placed if o] == [True, False, True]
    assert [[leg.tpsl_order_type for leg in legs_of(ex, o)] for o in placed if o] == [
        [TpslOrderType.TP], [], [TpslOrderType.SL],
    ]  # fmt: skip


def test_a_not_activated_leg_cannot_be_cancelled_1408() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000), sl=leg(59000))
    tp, sl = legs_of(ex, opening)
    reply = ex.cancel_strategy_orders(
        CancelStrategyOrders(StrategyKind.TPSL, ALICE, BTC, [str(tp.order_id)]), NOW
    ).reply
    assert reply.successes == [] and [e.error.code for e in reply.errors] == [1408]
    every = ex.cancel_all_strategy(CancelAllStrategy(StrategyKind.TPSL, ALICE, BTC), NOW).reply
    assert sorted(e.order_id for e in every.errors) == sorted([str(tp.order_id), str(sl.order_id)])
    assert (tp.status, sl.status) == (S.NOT_ACTIVATED, S.NOT_ACTIVATED)


def test_the_legs_volume_and_prices_are_on_the_grid() -> None:
    ex = make_exchange()
    with pytest.raises(HtxError) as info:
        ex.place_order(with_tpsl(order_cmd(ALICE, BUY, 1, 60000), tp=leg("62000.05")), NOW)
    assert info.value.code == ErrorCode.PRICE_PRECISION
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000, "62000.5"))
    [tp] = legs_of(ex, opening)
    assert tp.order_price == Decimal("62000.5")
    trade_at(ex, 62000)  # before activation nothing fires it
    assert tp.status is S.NOT_ACTIVATED
