"""The life of attached TP/SL legs: the opening order's first fill activates them (1 -> 2),
their volume follows what it has filled, they end not activated (12) when it ends without a
fill, and active legs expire (11) once the position they guard is closed another way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import CancelOrders, LightningClose
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_orders import StrategyOrder
from htx_sandbox.domain.types import OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
)
from .tpsl_helpers import OPTIMAL_5, S, attach, child, leg, legs_of, trade_at


def resting_long_with_legs(
    volume: int = 3,
) -> tuple[Exchange, Order, StrategyOrder, StrategyOrder]:
    """Alice bids `volume` at 60000 to open a long, with a TP at 62000 and an SL at 59000."""
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, volume, 60000), tp=leg(62000), sl=leg(59000))
    tp, sl = legs_of(ex, opening)
    return ex, opening, tp, sl


def cancel(ex: Exchange, order_id: int) -> None:
    ex.cancel_orders(CancelOrders(ALICE, BTC, [str(order_id)]), NOW)


def test_the_first_fill_activates_the_legs_and_their_volume_follows_the_fills() -> None:
    ex, opening, tp, sl = resting_long_with_legs(3)
    sell(ex, BOB, 1, 60000)
    assert (tp.status, sl.status, tp.volume, sl.volume) == (S.WAITING, S.WAITING, 1, 1)
    assert tp.update_time == NOW
    sell(ex, BOB, 1, 60000)
    assert (tp.volume, sl.volume) == (2, 2)
    sell(ex, BOB, 1, 60000)
    assert opening.status is OrderStatus.FILLED and (tp.volume, sl.volume) == (3, 3)
    assert opening.order_id not in ex.state.strategies.attached


def test_a_taker_that_fills_at_once_activates_its_legs_in_the_same_command() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, 60000)
    opening = attach(ex, order_cmd(ALICE, BUY, 2, 60100), tp=leg(62000), sl=leg(59000))
    tp, sl = legs_of(ex, opening)
    assert opening.status is OrderStatus.FILLED
    assert (tp.status, sl.status, tp.volume) == (S.WAITING, S.WAITING, 2)


def test_active_legs_fire_like_position_legs() -> None:
    ex, _opening, tp, sl = resting_long_with_legs(2)
    sell(ex, BOB, 2, 60000)
    trade_at(ex, 62000)
    assert (tp.status, sl.status) == (S.PLACED, S.EXPIRED)
    order = child(ex, tp)
    assert (order.direction, order.offset, order.volume, order.order_source) == (
        SELL, CLOSE, 2, "tpsl",
    )  # fmt: skip


def test_cancelled_without_a_fill_the_legs_end_not_activated_12() -> None:
    ex, opening, tp, sl = resting_long_with_legs()
    cancel(ex, opening.order_id)
    assert opening.status is OrderStatus.CANCELLED
    assert (tp.status, sl.status) == (S.NOT_ACTIVATED_EXPIRED, S.NOT_ACTIVATED_EXPIRED)
    assert tp.canceled_at == 0 and tp.update_time == NOW
    assert ex.state.strategies.owned(ALICE, BTC, tp.kind) == {}


def test_an_ioc_that_fills_nothing_ends_its_legs_at_once() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000, kind=OrderPriceType.IOC), sl=leg(59000))
    [sl] = legs_of(ex, opening)
    assert opening.status is OrderStatus.CANCELLED and sl.status is S.NOT_ACTIVATED_EXPIRED


@pytest.mark.parametrize("kind", [OrderPriceType.FOK, OrderPriceType.POST_ONLY])
def test_a_fok_or_post_only_refused_by_the_book_ends_its_legs(kind: OrderPriceType) -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, 60000)  # the post_only would take it; the fok wants 2
    opening = attach(ex, order_cmd(ALICE, BUY, 2, 60000, kind=kind), sl=leg(59000))
    [sl] = legs_of(ex, opening)
    assert opening.status is OrderStatus.CANCELLED and sl.status is S.NOT_ACTIVATED_EXPIRED


def test_cancelled_after_a_partial_fill_the_legs_guard_what_was_filled() -> None:
    ex, opening, tp, sl = resting_long_with_legs(3)
    sell(ex, BOB, 1, 60000)
    cancel(ex, opening.order_id)
    assert opening.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert (tp.status, sl.status, tp.volume) == (S.WAITING, S.WAITING, 1)
    buy(ex, BOB, 2, 58000)
    sell(ex, CAROL, 1, 58000)  # through the SL
    assert sl.status is S.PLACED and child(ex, sl).volume == 1


def test_the_position_closed_another_way_expires_active_legs_11() -> None:
    ex, _opening, tp, sl = resting_long_with_legs(2)
    sell(ex, BOB, 2, 60000)
    buy(ex, CAROL, 2, 60500)
    sell(ex, ALICE, 2, 60500, offset=CLOSE)  # Alice closes by hand
    assert ex.state.holdings[(ALICE, BTC)].long.volume == 0
    assert (tp.status, sl.status) == (S.EXPIRED, S.EXPIRED)
    trade_at(ex, 62000)
    assert tp.relation_order_id is None


def test_a_reduced_position_keeps_its_legs() -> None:
    ex, _opening, tp, sl = resting_long_with_legs(2)
    sell(ex, BOB, 2, 60000)
    buy(ex, CAROL, 1, 60500)
    sell(ex, ALICE, 1, 60500, offset=CLOSE)
    assert (tp.status, sl.status) == (S.WAITING, S.WAITING)


def test_a_lightning_close_expires_them_too() -> None:
    ex, _opening, tp, sl = resting_long_with_legs(1)
    sell(ex, BOB, 1, 60000)
    buy(ex, CAROL, 1, 59990)
    ex.lightning_close(LightningClose(ALICE, BTC, SELL, 1), NOW)
    assert (tp.status, sl.status) == (S.EXPIRED, S.EXPIRED)


def test_while_the_opening_order_still_works_a_closed_position_keeps_its_legs() -> None:
    ex, _opening, tp, sl = resting_long_with_legs(3)
    sell(ex, BOB, 1, 60000)
    buy(ex, CAROL, 1, 60500)
    sell(ex, ALICE, 1, 60500, offset=CLOSE)  # flat again, with 2 still bid to open
    assert (tp.status, sl.status) == (S.WAITING, S.WAITING)
    sell(ex, BOB, 1, 60000)  # the opening order builds the position again
    assert tp.volume == 2 and ex.state.holdings[(ALICE, BTC)].long.volume == 1


def test_the_opening_order_cancelled_with_its_position_gone_expires_the_legs() -> None:
    ex, opening, tp, sl = resting_long_with_legs(3)
    sell(ex, BOB, 1, 60000)
    buy(ex, CAROL, 1, 60500)
    sell(ex, ALICE, 1, 60500, offset=CLOSE)
    cancel(ex, opening.order_id)
    assert (tp.status, sl.status) == (S.EXPIRED, S.EXPIRED)


def test_an_own_fill_through_the_sl_fires_it_in_the_same_command() -> None:
    """The legs take part in the firing check of the trades of the command that activated
    them: a buy that fills below its own SL is stopped out at once."""
    ex = make_exchange()
    buy(ex, BOB, 5, 58000)  # bids for the stop to sell into
    sell(ex, BOB, 1, 59000)
    opening = attach(
        ex, order_cmd(ALICE, BUY, 1, 60000), sl=leg("59500", kind=OPTIMAL_5)
    )
    [sl] = legs_of(ex, opening)
    assert opening.trade_avg_price == Decimal(59000)
    assert sl.status is S.PLACED and child(ex, sl).status is OrderStatus.FILLED
