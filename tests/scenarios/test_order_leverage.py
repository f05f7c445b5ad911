"""Lever rates: allowed values, one lever per holding, switching, and margin sufficiency."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, SwitchLeverRate
from htx_sandbox.domain.errors import HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.money import coin
from htx_sandbox.domain.types import OrderStatus

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
    rejected,
    sell,
    snapshot,
)

SIZE = Decimal(100)


def alice_with(btc: Decimal) -> Exchange:
    """BOB and CAROL funded as usual; ALICE opened with only `btc` BTC."""
    ex = make_exchange((BOB,))
    ex.open_user(OpenUser(ALICE), NOW)
    ex.deposit(Deposit(ALICE, "BTC", btc), NOW)
    return ex


def switch(ex: Exchange, lever: int) -> None:
    reply = ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, lever), NOW).reply
    assert (reply.contract_code, reply.lever_rate) == (BTC, lever)


def im(volume: int, price: str, lever: int) -> Decimal:
    """Initial margin volume x size / (price x lever), computed by the test."""
    with localcontext() as ctx:
        ctx.prec = 60
        return coin(Decimal(volume) * SIZE / (Decimal(price) * lever))


@pytest.mark.parametrize("lever", [0, 4, 7, 126, 200])
def test_lever_rate_not_allowed_is_1037(lever: int) -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "60000", lever=lever))
    assert error.code == 1037  # INVALID_LEVERAGE


@pytest.mark.parametrize("lever", [1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125])
def test_every_documented_lever_rate_is_accepted(lever: int) -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "60000", lever=lever)
    assert order.lever_rate == lever
    assert order.margin_frozen == im(1, "60000", lever)


def test_order_lever_different_from_open_orders_is_1349() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", lever=10)

    error = rejected(ex, order_cmd(ALICE, SELL, 1, "61000", lever=20))

    assert error.code == 1349  # LEVERAGE_MISMATCH
    assert sell(ex, ALICE, 1, "61000", lever=10).status is OrderStatus.SUBMITTED


def test_order_lever_different_from_the_position_is_1349() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "50000")
    buy(ex, ALICE, 2, "50000", lever=10)
    assert ex.open_orders(ALICE) == []

    assert rejected(ex, order_cmd(ALICE, BUY, 1, "49000", lever=5)).code == 1349
    assert rejected(ex, order_cmd(ALICE, SELL, 1, "51000", offset=CLOSE, lever=5)).code == 1349


def test_lever_is_free_again_once_flat() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", lever=10)
    sell(ex, BOB, 1, "59000")  # Alice long 1 at lever 10
    close = sell(ex, ALICE, 1, "60000", offset=CLOSE, lever=10)
    buy(ex, CAROL, 1, "60000")  # takes Alice's close
    assert close.status is OrderStatus.FILLED
    assert ex.positions(ALICE) == [] and ex.open_orders(ALICE) == []

    assert buy(ex, ALICE, 1, "58000", lever=20).lever_rate == 20


def test_switch_with_open_orders_is_1045() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", lever=10)

    with pytest.raises(HtxError) as info:
        ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, 20), NOW)

    assert info.value.code == 1045  # SWITCH_LEVERAGE_WITH_OPEN_ORDERS
    assert ex.state.holdings[(ALICE, BTC)].lever_rate == 10


def test_switch_with_a_pending_close_order_is_1045() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "50000")
    buy(ex, ALICE, 2, "50000")
    sell(ex, ALICE, 1, "70000", offset=CLOSE)

    with pytest.raises(HtxError) as info:
        ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, 20), NOW)
    assert info.value.code == 1045


def test_switch_to_a_lever_not_allowed_is_1037() -> None:
    ex = make_exchange()
    with pytest.raises(HtxError) as info:
        ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, 7), NOW)
    assert info.value.code == 1037


def test_switch_with_a_position_and_no_orders_changes_the_position_margin() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, "50000")
    buy(ex, ALICE, 2, "50000", lever=10)
    (before,) = ex.positions(ALICE)
    assert before.position_margin == im(2, "50000", 10) == Decimal("0.0004")
    available_before = ex.account(ALICE, "BTC").margin_available

    switch(ex, 20)

    (after,) = ex.positions(ALICE)
    assert after.lever_rate == 20
    assert after.volume == 2 and after.cost_open == Decimal(50000)
    assert after.position_margin == im(2, "50000", 20) == Decimal("0.0002")
    account = ex.account(ALICE, "BTC")
    assert account.margin_position == Decimal("0.0002")
    assert account.margin_available == available_before + Decimal("0.0002")
    # New orders must now use the new lever.
    assert rejected(ex, order_cmd(ALICE, BUY, 1, "49000", lever=10)).code == 1349
    assert buy(ex, ALICE, 1, "49000", lever=20).margin_frozen == im(1, "49000", 20)


def test_switch_down_that_needs_more_margin_than_available_is_1047() -> None:
    ex = alice_with(Decimal("0.01"))
    sell(ex, BOB, 20, "50000")
    buy(ex, ALICE, 20, "50000", lever=100)
    account = ex.account(ALICE, "BTC")
    assert account.margin_position == im(20, "50000", 100) == Decimal("0.0004")
    # At lever 1 the position needs 0.04 BTC; Alice has about 0.0096 available.
    assert im(20, "50000", 1) - Decimal("0.0004") > account.margin_available
    before = snapshot(ex)

    for lever in (1, 2, 3):
        with pytest.raises(HtxError) as info:
            ex.switch_lever_rate(SwitchLeverRate(ALICE, BTC, lever), NOW)
        assert info.value.code == 1047  # INSUFFICIENT_MARGIN

    assert snapshot(ex) == before
    assert ex.positions(ALICE)[0].lever_rate == 100
    # Lever 5 needs 0.008 - 0.0004 = 0.0076 more, which is available.
    switch(ex, 5)
    assert ex.account(ALICE, "BTC").margin_position == Decimal("0.008")


def test_insufficient_margin_for_an_opening_order_is_1047_and_changes_nothing() -> None:
    ex = alice_with(Decimal("0.001"))
    sell(ex, BOB, 5, "50000")

    # 1 x 100 / (50000 x 1) = 0.002 BTC > 0.001 BTC.
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "50000", lever=1))

    assert error.code == 1047  # INSUFFICIENT_MARGIN
    assert error.message() == "Insufficient margin available."
    account = ex.account(ALICE, "BTC")
    assert account.margin_available == account.margin_static == Decimal("0.001")
    assert account.margin_frozen == 0
    assert ex.positions(ALICE) == [] and ex.open_orders(ALICE) == []
    assert ex.depth(BTC) == ([], [(Decimal("50000"), 5)])
    # A smaller requirement fits; what is then frozen counts against the next order.
    order = buy(ex, ALICE, 1, "49000", lever=3)
    assert order.margin_frozen == im(1, "49000", 3) < Decimal("0.001")
    assert im(1, "40000", 3) > Decimal("0.001") - order.margin_frozen
    assert rejected(ex, order_cmd(ALICE, BUY, 1, "40000", lever=3)).code == 1047


def test_margin_equal_to_available_is_accepted() -> None:
    ex = alice_with(Decimal("0.001"))
    order = buy(ex, ALICE, 1, "50000", lever=2)  # exactly 0.001
    assert order.margin_frozen == Decimal("0.001")
    assert ex.account(ALICE, "BTC").margin_available == 0


def test_margin_check_counts_margin_already_frozen() -> None:
    ex = make_exchange(btc=BTC_FUNDS)
    # 10 BTC at lever 1 and 50000: 5000 contracts freeze exactly 10 BTC.
    buy(ex, ALICE, 4000, "50000", lever=1)
    assert ex.account(ALICE, "BTC").margin_frozen == Decimal(8)
    assert rejected(ex, order_cmd(ALICE, BUY, 1001, "50000", lever=1)).code == 1047
    assert buy(ex, ALICE, 1000, "50000", lever=1).status is OrderStatus.SUBMITTED


def test_insufficient_margin_in_an_unfunded_coin_changes_nothing() -> None:
    """A rejected order leaves no trace, not even an empty account row for the coin."""
    ex = make_exchange(eth=Decimal(0))
    assert (ALICE, "ETH") not in ex.state.accounts

    error = rejected(ex, order_cmd(ALICE, BUY, 1, "3000", code="ETH-USD"))

    assert error.code == 1047
    assert (ALICE, "ETH") not in ex.state.accounts


def test_lever_rates_are_per_contract() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "59000", lever=10)
    assert buy(ex, ALICE, 1, "3000", code="ETH-USD", lever=20).lever_rate == 20


def test_unrealized_loss_reduces_the_margin_available_for_new_orders() -> None:
    ex = alice_with(Decimal("0.01"))
    ex.open_user(OpenUser(CAROL), NOW)
    ex.deposit(Deposit(CAROL, "BTC", BTC_FUNDS), NOW)
    sell(ex, BOB, 20, "50000")
    buy(ex, ALICE, 20, "50000", lever=100)
    # Alice's long loses 2000 x (1/49000 - 1/50000) BTC when the price trades at 49000, far
    # from liquidating her (a loss beyond her balance would: see test_liquidation_*.py).
    buy(ex, BOB, 1, "49000", offset=CLOSE)
    sell(ex, CAROL, 1, "49000")
    account = ex.account(ALICE, "BTC")
    loss = Decimal(2000) * (1 / Decimal(50000) - 1 / Decimal(49000))
    assert account.profit_unreal == loss.quantize(Decimal("1e-18"))
    assert account.margin_available == account.margin_static + loss.quantize(
        Decimal("1e-18")
    ) - account.margin_position
    # 450 contracts at 49000 and 100x need 0.00918 BTC: more than the loss leaves available,
    # less than would be without it.
    need = Decimal(450) * 100 / (Decimal(49000) * 100)
    assert account.margin_available < need < account.margin_available - loss
    assert rejected(ex, order_cmd(ALICE, BUY, 450, "49000", lever=100)).code == 1047
