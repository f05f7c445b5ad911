"""A settlement window: HTX halts each contract briefly while it settles (status 5: orders and
cancels answer 1056). The sandbox settles in an instant unless started with a window."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import CancelAll, PlaceOrder
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.types import UID, ContractStatus, Direction, Offset, OrderPriceType

from .funding_helpers import FundingMarket
from .helpers import ALICE, BOB


def bid(uid: UID) -> PlaceOrder:
    return PlaceOrder(
        uid, "BTC-USD", Direction.BUY, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, Decimal(50000)
    )


def test_by_default_trading_goes_on_through_a_settlement() -> None:
    m = FundingMarket()
    m.tick(at=m.settlement(1))
    assert m.exchange.contracts.get("BTC-USD").contract_status is ContractStatus.LISTING
    assert m.run(bid(ALICE)).error is None


def test_a_window_halts_orders_and_cancels_then_lists_again() -> None:
    m = FundingMarket(settlement_window_ms=5000)
    m.ok(bid(ALICE))
    m.tick(at=m.settlement(1))
    contract = m.exchange.contracts.get("BTC-USD")
    assert contract.contract_status is ContractStatus.IN_SETTLEMENT
    refused = m.run(bid(BOB), at=m.settlement(1) + 4999)
    assert refused.error is not None and refused.error.code == ErrorCode.IN_SETTLEMENT
    cancel = m.run(CancelAll(ALICE, "BTC-USD"))
    assert cancel.error is not None and cancel.error.code == ErrorCode.IN_SETTLEMENT
    assert m.run(bid(BOB), at=m.settlement(1) + 5000).error is None
    assert contract.contract_status is ContractStatus.LISTING
    assert m.run(CancelAll(ALICE, "BTC-USD")).error is None


def test_a_contract_suspended_before_the_settlement_stays_suspended() -> None:
    m = FundingMarket(settlement_window_ms=5000)
    eth = m.exchange.contracts.get("ETH-USD")
    eth.contract_status = ContractStatus.SUSPENSION
    m.tick(at=m.settlement(1) + 10_000)
    assert eth.contract_status is ContractStatus.SUSPENSION
