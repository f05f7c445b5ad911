"""Close orders: they need and freeze position volume, and realize profit when they fill."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.commands import CancelOrders
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.margin import PositionFigures
from htx_sandbox.domain.money import coin
from htx_sandbox.domain.types import UID, Direction, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BTC_FUNDS,
    BUY,
    CAROL,
    CLOSE,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    place,
    rejected,
    sell,
)

SIZE = Decimal(100)
MAKER_RATE = Decimal("0.0002")
TAKER_RATE = Decimal("0.0005")


def value(volume: int, price: str) -> Decimal:
    """volume x size / price in coin, computed by the test."""
    with localcontext() as ctx:
        ctx.prec = 60
        return coin(Decimal(volume) * SIZE / Decimal(price))


def open_position(ex: Exchange, uid: UID, direction: Direction, volume: int, price: str) -> None:
    """`uid` opens `volume` at `price` as taker against a resting order of BOB."""
    place(ex, BOB, direction.opposite, volume, price)
    place(ex, uid, direction, volume, price)


def position(ex: Exchange, uid: UID, side: str) -> PositionFigures | None:
    return next((p for p in ex.positions(uid, BTC) if p.direction == side), None)


def test_close_without_a_position_is_1048() -> None:
    ex = make_exchange()
    buy(ex, BOB, 5, "60000")  # something to close into
    error = rejected(ex, order_cmd(ALICE, SELL, 1, "60000", offset=CLOSE))
    assert error.code == 1048  # INSUFFICIENT_CLOSE_AMOUNT
    assert error.message() == "Insufficient close amount available."


def test_close_more_than_the_position_is_1048() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 2, "60000")
    assert rejected(ex, order_cmd(ALICE, SELL, 3, "61000", offset=CLOSE)).code == 1048


def test_close_of_the_wrong_side_is_1048() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, SELL, 2, "60000")  # a short: buy/close closes it, sell/close cannot
    assert rejected(ex, order_cmd(ALICE, SELL, 1, "61000", offset=CLOSE)).code == 1048
    assert buy(ex, ALICE, 1, "59000", offset=CLOSE).status is OrderStatus.SUBMITTED


def test_volume_frozen_by_a_pending_close_is_not_available_again() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 3, "60000")
    sell(ex, ALICE, 2, "70000", offset=CLOSE)

    assert rejected(ex, order_cmd(ALICE, SELL, 2, "70000", offset=CLOSE)).code == 1048
    assert sell(ex, ALICE, 1, "70000", offset=CLOSE).status is OrderStatus.SUBMITTED


def test_close_order_freezes_position_volume_not_margin() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 3, "60000")
    frozen_margin_before = ex.account(ALICE, "BTC").margin_frozen

    order = sell(ex, ALICE, 2, "70000", offset=CLOSE)

    assert order.status is OrderStatus.SUBMITTED
    long = position(ex, ALICE, "buy")
    assert long is not None
    assert (long.volume, long.available, long.frozen) == (3, 1, 2)
    assert order.margin_frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == frozen_margin_before == 0
    assert ex.depth(BTC) == ([], [(Decimal("70000"), 2)])


def test_filled_long_close_realizes_profit_into_margin_static() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 2, "50000")  # Alice takes: pays the taker fee
    close = sell(ex, ALICE, 2, "62500", offset=CLOSE)

    buy(ex, CAROL, 2, "62500")  # Alice's close is the maker

    # Long: volume x size x (1/open - 1/close), computed independently of the domain.
    with localcontext() as ctx:
        ctx.prec = 60
        profit = Decimal(2) * SIZE * (1 / Decimal(50000) - 1 / Decimal(62500))
    assert profit == Decimal("0.0008")
    assert close.status is OrderStatus.FILLED
    assert close.profit == profit
    assert close.trades[0].profit == profit
    assert ex.positions(ALICE) == []
    account = ex.account(ALICE, "BTC")
    open_fee = value(2, "50000") * TAKER_RATE
    close_fee = value(2, "62500") * MAKER_RATE
    assert account.profit_real == profit
    assert account.margin_static == BTC_FUNDS - open_fee - close_fee + profit
    assert account.margin_position == 0
    assert account.margin_available == account.margin_static


def test_long_closed_lower_realizes_a_loss() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 2, "62500")
    buy(ex, CAROL, 2, "50000")

    close = sell(ex, ALICE, 2, "50000", offset=CLOSE)  # Alice takes Carol's bid

    with localcontext() as ctx:
        ctx.prec = 60
        profit = Decimal(2) * SIZE * (1 / Decimal(62500) - 1 / Decimal(50000))
    assert profit == Decimal("-0.0008")
    assert close.profit == profit
    account = ex.account(ALICE, "BTC")
    open_fee = value(2, "62500") * TAKER_RATE
    close_fee = value(2, "50000") * TAKER_RATE
    assert account.profit_real == profit
    assert account.margin_static == BTC_FUNDS - open_fee - close_fee + profit


def test_short_closed_lower_realizes_a_profit() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, SELL, 2, "62500")
    sell(ex, CAROL, 2, "50000")

    close = buy(ex, ALICE, 2, "50000", offset=CLOSE)

    # Short: volume x size x (1/close - 1/open).
    with localcontext() as ctx:
        ctx.prec = 60
        profit = Decimal(2) * SIZE * (1 / Decimal(50000) - 1 / Decimal(62500))
    assert profit == Decimal("0.0008")
    assert close.status is OrderStatus.FILLED
    assert close.profit == profit
    assert ex.positions(ALICE) == []
    account = ex.account(ALICE, "BTC")
    open_fee = value(2, "62500") * TAKER_RATE
    close_fee = value(2, "50000") * TAKER_RATE
    assert account.profit_real == profit
    assert account.margin_static == BTC_FUNDS - open_fee - close_fee + profit


def test_short_closed_higher_realizes_a_loss() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, SELL, 1, "50000")
    sell(ex, CAROL, 1, "62500")

    close = buy(ex, ALICE, 1, "62500", offset=CLOSE)

    assert close.profit == SIZE * (1 / Decimal(62500) - 1 / Decimal(50000)) == Decimal("-0.0004")


def test_partial_close_keeps_the_rest_at_the_same_open_price() -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 4, "50000")
    buy(ex, CAROL, 1, "62500")

    close = sell(ex, ALICE, 1, "62500", offset=CLOSE)

    assert close.profit == SIZE * (1 / Decimal(50000) - 1 / Decimal(62500)) == Decimal("0.0004")
    long = position(ex, ALICE, "buy")
    assert long is not None
    assert (long.volume, long.available, long.frozen) == (3, 3, 0)
    assert long.cost_open == Decimal(50000)


@pytest.mark.parametrize("fills_first", [0, 1])
def test_cancelling_a_close_order_releases_exactly_the_frozen_volume(fills_first: int) -> None:
    ex = make_exchange()
    open_position(ex, ALICE, BUY, 3, "60000")
    close = sell(ex, ALICE, 2, "70000", offset=CLOSE)
    if fills_first:
        buy(ex, CAROL, fills_first, "70000")
    long = position(ex, ALICE, "buy")
    assert long is not None
    assert (long.volume, long.frozen) == (3 - fills_first, 2 - fills_first)

    reply = ex.cancel_orders(CancelOrders(ALICE, BTC, order_ids=[str(close.order_id)]), NOW).reply

    assert reply.successes == [str(close.order_id)]
    expected_status = (
        OrderStatus.PARTIALLY_FILLED_CANCELLED if fills_first else OrderStatus.CANCELLED
    )
    assert close.status is expected_status
    long = position(ex, ALICE, "buy")
    assert long is not None
    assert (long.volume, long.available, long.frozen) == (3 - fills_first, 3 - fills_first, 0)
    assert ex.depth(BTC) == ([], [])
    # The released volume can be closed again.
    assert sell(ex, ALICE, 3 - fills_first, "70000", offset=CLOSE).status is OrderStatus.SUBMITTED
