"""Orders: HTX's status transitions, fills and the average fill price."""

from __future__ import annotations

import itertools
from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.money import contract_value
from htx_sandbox.domain.orders import IllegalTransitionError, Order, Trade
from htx_sandbox.domain.types import (
    UID,
    ZERO,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    Role,
    SelfMatchPrevent,
    TradeId,
)

S = OrderStatus
SIZE = Decimal(100)
T0 = Millis(1_700_000_000_000)

# HTX's order life: 3 rests; fills move 3/4 to 4 or 6; a cancel request moves 3/4 to 11, and the
# cancel lands as 7 (nothing filled) or 5 (partly filled); an order in 11 may still fill (and stays
# 11 until the cancel lands, or goes to 6 when completely filled). 5, 6 and 7 are final.
ALLOWED: set[tuple[OrderStatus, OrderStatus]] = {
    (S.SUBMITTED, S.PARTIALLY_FILLED),
    (S.SUBMITTED, S.FILLED),
    (S.SUBMITTED, S.CANCELLED),
    (S.SUBMITTED, S.CANCELLING),
    (S.PARTIALLY_FILLED, S.PARTIALLY_FILLED),
    (S.PARTIALLY_FILLED, S.FILLED),
    (S.PARTIALLY_FILLED, S.PARTIALLY_FILLED_CANCELLED),
    (S.PARTIALLY_FILLED, S.CANCELLING),
    (S.CANCELLING, S.CANCELLING),
    (S.CANCELLING, S.FILLED),
    (S.CANCELLING, S.CANCELLED),
    (S.CANCELLING, S.PARTIALLY_FILLED_CANCELLED),
}
ALL_PAIRS = list(itertools.product(OrderStatus, OrderStatus))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def _pair_id(pair: object) -> str:
    assert isinstance(pair, tuple)
    return f"{int(pair[0])}->{int(pair[1])}"


def make_order(
    volume: int = 10,
    *,
    order_id: int = 1,
    uid: int = 1,
    direction: Direction = Direction.BUY,
    offset: Offset = Offset.OPEN,
    price: Decimal = Decimal(50000),
    client_order_id: int | None = None,
) -> Order:
    return Order(
        order_id=OrderId(order_id),
        uid=UID(uid),
        contract_code="BTC-USD",
        symbol="BTC",
        direction=direction,
        offset=offset,
        volume=volume,
        price=price,
        price_ticks=int(price / Decimal("0.1")),
        order_price_type=OrderPriceType.LIMIT,
        lever_rate=10,
        client_order_id=ClientOrderId(client_order_id) if client_order_id is not None else None,
        self_match_prevent=SelfMatchPrevent.CANCEL_TAKER,
        margin_frozen=ZERO,
        created_at=T0,
    )


def make_trade(order: Order, volume: int, price: Decimal, at: int = T0 + 1) -> Trade:
    value = contract_value(volume, SIZE, price)
    return Trade(
        trade_id=TradeId(100_000_000_001 + len(order.trades)),
        id=f"x-{order.order_id}-{len(order.trades) + 1}",
        order_id=order.order_id,
        uid=order.uid,
        contract_code=order.contract_code,
        direction=order.direction,
        offset=order.offset,
        price=price,
        volume=volume,
        turnover=SIZE * volume,
        value=value,
        fee=-(value * Decimal("0.0005")),
        fee_asset="BTC",
        role=Role.TAKER,
        profit=ZERO,
        created_at=Millis(at),
    )


def status_of(order: Order) -> OrderStatus:
    """The order's status, read afresh (mypy keeps an earlier narrowing across mutations)."""
    return order.status


# -- the transition table ------------------------------------------------------------------


def test_table_covers_every_pair() -> None:
    assert len(ALL_PAIRS) == 36
    assert len(ALLOWED) + len(FORBIDDEN) == 36


@pytest.mark.parametrize("pair", sorted(ALLOWED), ids=_pair_id)
def test_allowed_transition(pair: tuple[OrderStatus, OrderStatus]) -> None:
    before, after = pair
    order = make_order()
    order.status = before
    order._move_to(after, Millis(T0 + 5))
    assert order.status is after
    assert order.update_time == T0 + 5


@pytest.mark.parametrize("pair", FORBIDDEN, ids=_pair_id)
def test_forbidden_transition_raises(pair: tuple[OrderStatus, OrderStatus]) -> None:
    before, after = pair
    order = make_order()
    order.status = before
    with pytest.raises(IllegalTransitionError):
        order._move_to(after, Millis(T0 + 5))
    assert order.status is before
    assert order.update_time == T0


@pytest.mark.parametrize(
    "status", [S.FILLED, S.CANCELLED, S.PARTIALLY_FILLED_CANCELLED], ids=lambda s: str(int(s))
)
def test_final_statuses_go_nowhere(status: OrderStatus) -> None:
    for target in OrderStatus:
        order = make_order()
        order.status = status
        with pytest.raises(IllegalTransitionError):
            order._move_to(target, T0)


def test_illegal_transition_error_is_not_an_htx_error() -> None:
    # A bug in the exchange, never a client's error: it must not be answered as an err_code.
    assert issubclass(IllegalTransitionError, RuntimeError)


# -- a new order ---------------------------------------------------------------------------


def test_new_order_is_submitted_with_nothing_filled() -> None:
    order = make_order(7, client_order_id=42)
    assert order.status is S.SUBMITTED
    assert order.is_open
    assert order.remaining == 7
    assert order.trade_volume == 0
    assert order.trade_turnover == ZERO
    assert order.trade_value == ZERO
    assert order.fee == ZERO
    assert order.profit == ZERO
    assert order.trades == ()
    assert order.update_time == order.created_at == T0
    assert order.canceled_at == 0
    assert order.client_order_id == 42
    assert order.order_source == "api"


def test_trade_avg_price_is_none_before_any_fill() -> None:
    # HTX answers trade_avg_price: null for an unfilled order.
    assert make_order().trade_avg_price is None


# -- record_fill ---------------------------------------------------------------------------


def test_partial_fill_moves_submitted_to_4() -> None:
    order = make_order(10)
    trade = make_trade(order, 3, Decimal(50000), at=T0 + 9)
    order.record_fill(trade)
    assert order.status is S.PARTIALLY_FILLED
    assert order.is_open
    assert order.trade_volume == 3
    assert order.remaining == 7
    assert order.trades == (trade,)
    assert order.update_time == T0 + 9


def test_complete_fill_moves_submitted_to_6() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 10, Decimal(50000)))
    assert order.status is S.FILLED
    assert not order.is_open
    assert order.remaining == 0


def test_fills_move_4_to_4_then_6() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 3, Decimal(50000)))
    order.record_fill(make_trade(order, 3, Decimal(50000)))
    assert order.status is S.PARTIALLY_FILLED
    assert order.trade_volume == 6
    order.record_fill(make_trade(order, 4, Decimal(50000)))
    assert status_of(order) is S.FILLED
    assert order.trade_volume == 10
    assert len(order.trades) == 3


def test_fill_while_cancelling_stays_11() -> None:
    order = make_order(10)
    order.mark_cancelling(Millis(T0 + 1))
    order.record_fill(make_trade(order, 4, Decimal(50000), at=T0 + 2))
    assert order.status is S.CANCELLING
    assert order.trade_volume == 4
    assert order.update_time == T0 + 2


def test_complete_fill_while_cancelling_is_6() -> None:
    order = make_order(10)
    order.mark_cancelling(Millis(T0 + 1))
    order.record_fill(make_trade(order, 10, Decimal(50000)))
    assert order.status is S.FILLED


def test_fill_of_a_final_order_raises() -> None:
    order = make_order(10)
    order.mark_cancelled(Millis(T0 + 1))
    with pytest.raises(IllegalTransitionError):
        order.record_fill(make_trade(order, 1, Decimal(50000)))


def test_record_fill_sums_turnover_value_fee_and_profit() -> None:
    order = make_order(10)
    first = make_trade(order, 3, Decimal(40000))
    order.record_fill(first)
    second = make_trade(order, 2, Decimal(60000))
    order.record_fill(second)
    assert order.trade_turnover == SIZE * 5
    assert order.trade_value == first.value + second.value
    assert order.fee == first.fee + second.fee
    assert order.fee < 0
    assert order.profit == ZERO


# -- cancelling ----------------------------------------------------------------------------


def test_cancel_of_unfilled_order_is_7() -> None:
    order = make_order()
    order.mark_cancelled(Millis(T0 + 3))
    assert order.status is S.CANCELLED
    assert order.canceled_at == T0 + 3
    assert order.update_time == T0 + 3
    assert not order.is_open


def test_cancel_of_partly_filled_order_is_5() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 4, Decimal(50000)))
    order.mark_cancelled(Millis(T0 + 3))
    assert order.status is S.PARTIALLY_FILLED_CANCELLED
    assert order.canceled_at == T0 + 3
    assert order.remaining == 6


def test_delayed_cancel_without_fill_lands_as_7() -> None:
    order = make_order()
    order.mark_cancelling(Millis(T0 + 1))
    assert order.status is S.CANCELLING
    assert order.is_open
    assert order.canceled_at == 0
    order.mark_cancelled(Millis(T0 + 2))
    assert status_of(order) is S.CANCELLED
    assert order.canceled_at == T0 + 2


def test_delayed_cancel_after_fill_in_11_lands_as_5() -> None:
    order = make_order(10)
    order.mark_cancelling(Millis(T0 + 1))
    order.record_fill(make_trade(order, 2, Decimal(50000)))
    order.mark_cancelled(Millis(T0 + 3))
    assert order.status is S.PARTIALLY_FILLED_CANCELLED


def test_partly_filled_order_can_go_to_11() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 2, Decimal(50000)))
    order.mark_cancelling(Millis(T0 + 3))
    assert order.status is S.CANCELLING


@pytest.mark.parametrize("final", ["filled", "cancelled", "partly_cancelled"])
def test_final_orders_cannot_be_cancelled_again(final: str) -> None:
    order = make_order(10)
    if final == "filled":
        order.record_fill(make_trade(order, 10, Decimal(50000)))
    elif final == "cancelled":
        order.mark_cancelled(Millis(T0 + 1))
    else:
        order.record_fill(make_trade(order, 1, Decimal(50000)))
        order.mark_cancelled(Millis(T0 + 1))
    status = order.status
    with pytest.raises(IllegalTransitionError):
        order.mark_cancelling(Millis(T0 + 2))
    with pytest.raises(IllegalTransitionError):
        order.mark_cancelled(Millis(T0 + 2))
    assert order.status is status


# -- trade_avg_price -----------------------------------------------------------------------


def test_trade_avg_price_of_one_fill_is_its_price() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 3, Decimal("61234.5")))
    assert order.trade_avg_price == Decimal("61234.5")


def test_trade_avg_price_is_the_harmonic_mean_not_the_arithmetic_mean() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 1, Decimal(40000)))
    order.record_fill(make_trade(order, 1, Decimal(60000)))
    # 2 / (1/40000 + 1/60000) = 48000, where the arithmetic mean would be 50000.
    assert order.trade_avg_price == Decimal(48000)


def test_trade_avg_price_weights_by_volume() -> None:
    order = make_order(10)
    order.record_fill(make_trade(order, 3, Decimal(40000)))
    order.record_fill(make_trade(order, 1, Decimal(60000)))
    # 4 / (3/40000 + 1/60000) = 480000 / 11 = 43636.3636..., to 15 significant digits.
    with localcontext() as ctx:
        ctx.prec = 15
        expected = Decimal(480000) / Decimal(11)
    assert expected == Decimal("43636.3636363636")
    assert order.trade_avg_price == expected


def test_trade_avg_price_lies_between_fill_prices() -> None:
    order = make_order(10)
    prices = [Decimal("50000.1"), Decimal("49999.9"), Decimal("50123.4")]
    for price in prices:
        order.record_fill(make_trade(order, 2, price))
    average = order.trade_avg_price
    assert average is not None
    assert min(prices) < average < max(prices)


def test_repr_names_the_order() -> None:
    text = repr(make_order(10, order_id=77))
    assert "77" in text
    assert "BTC-USD" in text
