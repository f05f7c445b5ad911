"""swap_lightning_close_position: a close at the counterparty's best 30 levels, at the
position's lever rate; lightning rests what those levels leave as a limit order, lightning_ioc
cancels it, lightning_fok fills all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import LightningClose
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import UID, ClientOrderId, OrderPriceType, OrderStatus

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
    sell,
    snapshot,
)

T = OrderPriceType


def long_position(ex: Exchange, volume: int, lever: int = 10) -> None:
    """Alice holds `volume` long at 60000 (bought from Carol)."""
    sell(ex, CAROL, volume, 60000)
    buy(ex, ALICE, volume, 60000, lever=lever)


def bid_ladder(ex: Exchange, levels: int, top: int = 59990) -> list[Decimal]:
    """Bob bids 1 contract on each of `levels` levels, 10 apart, from `top` down."""
    prices = [Decimal(top - 10 * i) for i in range(levels)]
    for price in prices:
        buy(ex, BOB, 1, price)
    return prices


def close(
    ex: Exchange,
    volume: int,
    kind: OrderPriceType = T.LIGHTNING,
    direction: object = SELL,
    coid: int | None = None,
) -> Order:
    cmd = LightningClose(
        ALICE, BTC, SELL if direction is SELL else BUY, volume, kind,
        None if coid is None else ClientOrderId(coid),
    )  # fmt: skip
    placed = ex.lightning_close(cmd, NOW).reply
    order = ex.order(placed.order_id)
    assert order is not None
    return order


def refused(ex: Exchange, cmd: LightningClose) -> HtxError:
    before = snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.lightning_close(cmd, NOW)
    assert snapshot(ex) == before, "a refused lightning close changed the exchange"
    return info.value


def long_volume(ex: Exchange, uid: UID = ALICE) -> int:
    return ex.state.holdings[(uid, BTC)].long.volume


def test_closes_across_the_best_levels_at_the_positions_lever() -> None:
    ex = make_exchange()
    long_position(ex, 3, lever=20)
    bid_ladder(ex, 3)
    order = close(ex, 3)
    assert (order.offset, order.direction, order.order_price_type) == (CLOSE, SELL, T.LIGHTNING)
    assert order.lever_rate == 20 and order.status is OrderStatus.FILLED
    assert [t.price for t in order.trades] == [Decimal(59990), Decimal(59980), Decimal(59970)]
    assert long_volume(ex) == 0


def test_lightning_rests_what_the_levels_leave_as_a_limit_order() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    prices = bid_ladder(ex, 2)
    order = close(ex, 3)
    assert order.status is OrderStatus.PARTIALLY_FILLED and order.trade_volume == 2
    assert order.price == prices[-1]  # at the deepest level reached, resting
    assert ex.depth(BTC)[1] == [(prices[-1], 1)]
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 1


def test_lightning_reaches_30_levels_and_no_further() -> None:
    ex = make_exchange()
    long_position(ex, 31)
    prices = bid_ladder(ex, 31)
    order = close(ex, 31)
    assert order.trade_volume == 30 and order.price == prices[29]
    assert ex.depth(BTC)[0] == [(prices[30], 1)]  # the 31st bid was never taken


def test_lightning_ioc_cancels_the_rest() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    bid_ladder(ex, 2)
    order = close(ex, 3, T.LIGHTNING_IOC)
    assert order.status is OrderStatus.PARTIALLY_FILLED_CANCELLED and order.trade_volume == 2
    holding = ex.state.holdings[(ALICE, BTC)]
    assert (holding.long.volume, holding.long.frozen) == (1, 0)


def test_lightning_fok_fills_all_or_nothing() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    bid_ladder(ex, 2)
    order = close(ex, 3, T.LIGHTNING_FOK)
    assert order.status is OrderStatus.CANCELLED and order.trade_volume == 0
    assert long_volume(ex) == 3
    assert close(ex, 2, T.LIGHTNING_FOK).status is OrderStatus.FILLED


def test_a_short_is_closed_by_a_buy() -> None:
    ex = make_exchange()
    buy(ex, CAROL, 2, 60000)
    sell(ex, ALICE, 2, 60000)
    sell(ex, BOB, 2, 60010)
    order = close(ex, 2, direction=BUY)
    assert order.status is OrderStatus.FILLED
    assert ex.state.holdings[(ALICE, BTC)].short.volume == 0


@pytest.mark.parametrize("volume", [1, 4])
def test_nothing_or_not_enough_to_close_is_1048_before_the_book_is_read(volume: int) -> None:
    ex = make_exchange()
    if volume == 4:
        long_position(ex, 3)
    error = refused(ex, LightningClose(ALICE, BTC, SELL, volume))
    assert error.code == ErrorCode.INSUFFICIENT_CLOSE_AMOUNT


def test_an_empty_book_is_1076() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    assert refused(ex, LightningClose(ALICE, BTC, SELL, 1)).code == ErrorCode.NO_ORDER_BOOK_DATA


def test_a_volume_of_zero_is_1040_and_an_unknown_uid_1010() -> None:
    ex = make_exchange()
    assert refused(ex, LightningClose(ALICE, BTC, SELL, 0)).code == ErrorCode.INVALID_AMOUNT
    unknown = refused(ex, LightningClose(UID(99), BTC, SELL, 1))
    assert unknown.code == ErrorCode.CONTRACTS_NOT_OPENED


def test_client_order_ids_are_kept_and_not_reused() -> None:
    ex = make_exchange()
    long_position(ex, 2)
    bid_ladder(ex, 2)
    assert close(ex, 1, coid=77).client_order_id == 77
    repeat = refused(ex, LightningClose(ALICE, BTC, SELL, 1, client_order_id=ClientOrderId(77)))
    assert repeat.code == ErrorCode.CLIENT_ORDER_ID_REPEATED
