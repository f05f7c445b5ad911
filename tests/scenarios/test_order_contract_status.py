"""Orders are accepted only while the contract is listed (contract_status 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.types import ContractStatus, OrderPriceType, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CLOSE,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    rejected,
    sell,
)

S = ContractStatus


@pytest.mark.parametrize(
    "status,code,message",
    [
        (S.IN_SETTLEMENT, 1056, "In settlement. Your order can’t be placed/withdrew currently."),
        (S.SUSPENSION, 1058, "Your order can’t be placed due to trade suspension."),
        (S.DELIVERING, 1059, "In delivery. Your order can’t be placed/withdrew currently."),
        (S.DELISTING, 1060,
         "Your order can’t be placed currently due to abnormal contracts status."),
    ],
)
def test_placing_on_a_contract_not_listed_is_refused(
    status: ContractStatus, code: int, message: str
) -> None:
    ex = make_exchange()
    sell(ex, BOB, 5, "60000")
    buy(ex, BOB, 1, "59000")
    ex.contracts.get(BTC).contract_status = status
    depth = ex.depth(BTC)

    for cmd in (
        order_cmd(ALICE, BUY, 1, "60000"),
        order_cmd(ALICE, BUY, 1, kind=OrderPriceType.OPPONENT),
        order_cmd(ALICE, SELL, 1, "58000", kind=OrderPriceType.IOC),
    ):
        error = rejected(ex, cmd)
        assert error.code == code
        assert error.message() == message
    assert ex.depth(BTC) == depth


@pytest.mark.parametrize(
    "status,code",
    [(S.IN_SETTLEMENT, 1056), (S.SUSPENSION, 1058), (S.DELIVERING, 1059), (S.DELISTING, 1060)],
)
def test_close_orders_are_refused_too(status: ContractStatus, code: int) -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    buy(ex, ALICE, 1, "60000")
    ex.contracts.get(BTC).contract_status = status

    error = rejected(ex, order_cmd(ALICE, SELL, 1, "61000", offset=CLOSE))

    assert error.code == code
    assert ex.positions(ALICE)[0].available == 1


def test_other_contracts_still_trade_and_listing_again_reopens() -> None:
    ex = make_exchange()
    ex.contracts.get(BTC).contract_status = S.SUSPENSION

    assert buy(ex, ALICE, 1, "3000", code="ETH-USD").status is OrderStatus.SUBMITTED
    assert rejected(ex, order_cmd(ALICE, BUY, 1, "60000")).code == 1058

    ex.contracts.get(BTC).contract_status = S.LISTING
    assert buy(ex, ALICE, 1, "60000").status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([(Decimal("60000"), 1)], [])
