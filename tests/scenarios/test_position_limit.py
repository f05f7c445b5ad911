"""Position limits (swap_position_limit): a contract's buy_limit / sell_limit caps what one UID
may hold long / short, its unfilled opening orders counted; 1042 / 1043 name the limit."""

from __future__ import annotations

from htx_sandbox.domain.commands import (
    NO_POSITION_LIMIT,
    CancelOrders,
    PlaceBatch,
    SetPositionLimits,
)
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CLOSE,
    ETH,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    rejected,
    sell,
)


def limited(buy_limit: int | None, sell_limit: int | None, code: str = BTC) -> Exchange:
    ex = make_exchange()
    outcome = ex.execute(SetPositionLimits(code, buy_limit, sell_limit), NOW)
    assert outcome.error is None
    return ex


def test_without_limits_any_size_opens() -> None:
    ex = make_exchange()
    assert buy(ex, ALICE, 5000, "50000").status is OrderStatus.SUBMITTED


def test_a_long_counts_its_position_and_unfilled_opening_buys() -> None:
    ex = limited(10, None)
    sell(ex, BOB, 4, "60000")
    assert buy(ex, ALICE, 4, "60000").status is OrderStatus.FILLED  # long 4
    buy(ex, ALICE, 5, "59000")  # resting: 4 + 5 = 9
    error = rejected(ex, order_cmd(ALICE, BUY, 2, "59000"))  # 4 + 5 + 2 = 11 > 10
    assert error.code == ErrorCode.LONG_POSITION_LIMIT
    assert error.message() == (
        "Current positions have triggered position limits (10Cont). "
        "Please order after changing the amount."
    )
    assert buy(ex, ALICE, 1, "59000").status is OrderStatus.SUBMITTED  # exactly 10 is allowed


def test_the_short_limit_is_its_own_and_names_itself() -> None:
    ex = limited(None, 3)
    assert sell(ex, ALICE, 3, "61000").status is OrderStatus.SUBMITTED
    error = rejected(ex, order_cmd(ALICE, SELL, 1, "61000"))
    assert (error.code, error.message("zh")) == (
        ErrorCode.SHORT_POSITION_LIMIT,
        "下单数量+挂单数量+持仓数量超过了单用户空仓持仓限制(3张), 请修改后下单",
    )
    assert buy(ex, ALICE, 50, "50000").status is OrderStatus.SUBMITTED  # longs are unlimited


def test_closing_is_never_refused_and_a_filled_order_no_longer_counts_twice() -> None:
    ex = limited(5, None)
    sell(ex, BOB, 5, "60000")
    buy(ex, ALICE, 5, "60000")  # long 5: at the limit
    close = buy(ex, BOB, 5, "60000", offset=CLOSE)  # BOB's close of his short rests
    assert close.status is OrderStatus.SUBMITTED
    assert sell(ex, ALICE, 2, "60000", offset=CLOSE).status is OrderStatus.FILLED  # long 3
    assert buy(ex, ALICE, 2, "59000").status is OrderStatus.SUBMITTED  # 3 + 2 = 5


def test_cancelled_orders_free_their_volume() -> None:
    ex = limited(2, None)
    resting = buy(ex, ALICE, 2, "59000")
    rejected(ex, order_cmd(ALICE, BUY, 1, "59000"))
    cancel = CancelOrders(ALICE, BTC, order_ids=[str(resting.order_id)])
    assert ex.execute(cancel, NOW).error is None
    assert buy(ex, ALICE, 2, "59000").status is OrderStatus.SUBMITTED


def test_limits_are_per_uid_and_per_contract() -> None:
    ex = limited(1, 1)
    buy(ex, ALICE, 1, "59000")
    assert buy(ex, BOB, 1, "59000").status is OrderStatus.SUBMITTED
    assert buy(ex, ALICE, 7, "3000", code=ETH).status is OrderStatus.SUBMITTED


def test_each_order_of_a_batch_is_checked_after_the_ones_before_it() -> None:
    ex = limited(3, None)
    two = order_cmd(ALICE, BUY, 2, "59000")
    batch = PlaceBatch(ALICE, [two, two])
    items = ex.place_batch(batch, NOW).reply
    assert items[0].placed is not None and items[0].error is None
    assert items[1].error is not None and items[1].error.code == ErrorCode.LONG_POSITION_LIMIT


def test_one_side_at_a_time_0_lifts_and_bounds() -> None:
    ex = limited(1, None)
    rejected(ex, order_cmd(ALICE, BUY, 2, "59000"))
    assert ex.execute(SetPositionLimits(BTC, sell_limit=4), NOW).error is None
    assert (ex.contracts.get(BTC).buy_limit, ex.contracts.get(BTC).sell_limit) == (1, 4)
    assert ex.execute(SetPositionLimits(BTC, buy_limit=NO_POSITION_LIMIT), NOW).error is None
    assert (ex.contracts.get(BTC).buy_limit, ex.contracts.get(BTC).sell_limit) == (None, 4)
    assert buy(ex, ALICE, 2, "59000").status is OrderStatus.SUBMITTED
    for bad in (-1, 10**12 + 1):
        error = ex.execute(SetPositionLimits(BTC, bad, None), NOW).error
        assert isinstance(error, HtxError) and error.code == ErrorCode.ILLEGAL_PARAMETER
    unknown = ex.execute(SetPositionLimits("XRP-USD", 1, 1), NOW).error
    assert isinstance(unknown, HtxError) and unknown.code == ErrorCode.CONTRACT_NOT_EXIST
