"""No account is ever left owing: a liquidation takes a position over at its bankruptcy price,
and an account that closes its own position beyond bankruptcy (a sell into a deep bid in one
command, before any check could run) has what it lost beyond its balance covered by the
insurance fund, its balance brought back to 0."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.events import BalanceChanged, InsuranceFundChanged
from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.types import UID, Direction, OrderStatus

from .helpers import (
    BOB,
    BTC,
    CAROL,
    CLOSE,
    DAVE,
    NOW,
    buy,
    fund,
    make_exchange,
    order_cmd,
    sell,
    set_index,
)


def test_a_close_beyond_bankruptcy_leaves_the_account_at_zero() -> None:
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, "0.001")
    sell(ex, BOB, 10, 60000)
    buy(ex, DAVE, 10, 60000, lever=20)
    buy(ex, CAROL, 10, 50000)  # a deep bid, far below DAVE's bankruptcy price
    before = ex.account(FUND, "BTC").margin_static
    placed = ex.place_order(order_cmd(DAVE, Direction.SELL, 10, 50000, offset=CLOSE, lever=20), NOW)
    order = ex.order(placed.reply.order_id)
    assert order is not None and order.status is OrderStatus.FILLED
    # 1000 USD sold at 50000 bought at 60000: a loss of 0.00333 BTC on a 0.001 BTC balance.
    lost = Decimal(1000) / Decimal(50000) - Decimal(1000) / Decimal(60000)
    assert order.profit < -lost + Decimal("1e-17")
    account = ex.account(DAVE, "BTC")
    assert account.margin_static == 0 and account.margin_balance == 0
    deficit = before - ex.account(FUND, "BTC").margin_static
    assert Decimal("0.0023") < deficit < lost
    assert InsuranceFundChanged("BTC") in placed.events
    # Both sides are booked, as HTX's "system" financial records (26).
    booked = [(e.uid, e.type, e.amount) for e in placed.events if isinstance(e, BalanceChanged)]
    assert booked == [(DAVE, 26, deficit), (FUND, 26, -deficit)]


def test_every_liquidated_account_ends_at_or_above_zero() -> None:
    ex = make_exchange((BOB, CAROL))
    for uid, btc in ((DAVE, "0.001"), (UID(5), "0.00085")):
        fund(ex, uid, btc)
        sell(ex, BOB, 10, 60000)
        buy(ex, uid, 10, 60000, lever=20)
    set_index(ex, 30000)
    for uid, symbol in ex.state.accounts:
        if uid != FUND:
            assert ex.account(uid, symbol).margin_balance >= 0, (uid, symbol)
    assert ex.state.holdings[(FUND, BTC)].long.volume == 20
