"""Liquidation, step 4: a position still at risk in the first tier is liquidated whole
(liquidation_type "3"): one liquidation order at the bankruptcy price, into the book first
(real trades, free of charge for the account), the rest taken over by the insurance fund at the
bankruptcy price of what is left, so that the account ends with what the book left it, never
less than nothing."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.types import Direction, OrderStatus, Role

from .helpers import (
    BOB,
    BTC,
    CAROL,
    DAVE,
    buy,
    fund,
    liquidation_orders,
    make_exchange,
    sell,
    set_index,
)

Q = Decimal("1e-18")


def value(volume: int, price: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return (volume * Decimal(100) / price).quantize(Q, rounding=ROUND_HALF_EVEN)


def dave(direction: Direction, btc: str = "0.001"):  # type: ignore[no-untyped-def]
    """DAVE: `btc` BTC, 10 BTC-USD contracts at 60000 and 20x, long or short."""
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, btc)
    if direction is Direction.BUY:
        sell(ex, BOB, 10, 60000)
        buy(ex, DAVE, 10, 60000, lever=20)
    else:
        buy(ex, BOB, 10, 60000)
        sell(ex, DAVE, 10, 60000, lever=20)
    return ex


def test_a_long_goes_into_the_book_and_the_fund_takes_the_rest() -> None:
    ex = dave(Direction.BUY)
    bid = buy(ex, CAROL, 3, 57100)
    set_index(ex, 57000)
    [order] = liquidation_orders(ex, DAVE)
    assert (order.direction, order.offset.value, order.volume) == (Direction.SELL, "close", 10)
    assert (order.order_type, order.liquidation_type, order.order_source) == (3, "3", "risk")
    assert order.status is OrderStatus.FILLED and order.fee == 0
    book, takeover = order.trades
    assert (book.volume, book.price, book.role) == (3, Decimal(57100), Role.TAKER)
    assert bid.status is OrderStatus.FILLED
    assert takeover.volume == 7 and takeover.role is Role.MAKER  # off the book
    # The order was sent at the bankruptcy price; the book paid more for 3, so what is left
    # goes bankrupt lower: the fund takes the 7 there.
    assert takeover.price < order.price < book.price
    assert ex.state.last_price[BTC] == Decimal(57100)  # the takeover is no market trade
    fund_long = ex.state.holdings[(FUND, BTC)].long
    assert (fund_long.volume, fund_long.cost_value) == (7, value(7, takeover.price))
    assert ex.state.holdings[(DAVE, BTC)].long.volume == 0
    left = ex.account(DAVE, "BTC").margin_static
    # Rounded up to a tick the bankruptcy price leaves a dust of the account's own coin.
    assert 0 <= left < value(7, takeover.price) - value(7, takeover.price + Decimal("0.1"))


def test_a_short_is_liquidated_as_the_mark_rises() -> None:
    ex = dave(Direction.SELL)
    set_index(ex, 63500)
    [order] = liquidation_orders(ex, DAVE)
    assert (order.direction, order.volume, order.liquidation_type) == (Direction.BUY, 10, "3")
    assert order.price > Decimal(63500)  # a short goes bankrupt above the mark
    fund_short = ex.state.holdings[(FUND, BTC)].short
    assert fund_short.volume == 10
    assert ex.account(DAVE, "BTC").margin_static >= 0
