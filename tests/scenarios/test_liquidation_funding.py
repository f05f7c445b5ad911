"""Funding can liquidate: the payment is charged in full at the settlement (see "Funding and
financial records" in docs/compatibility.md), and the risk check after the timers liquidates an
account it brought to risk_rate <= 0 in the same step, after the settlement: the account's
position is settled first (it is in the settlement's records, held at the settlement price),
then liquidated; what the fund takes over is held at the bankruptcy price."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder
from htx_sandbox.domain.events import FundingSettled, InsuranceFundChanged, OrderTraded
from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.types import Direction, Offset, OrderPriceType

from .funding_helpers import FundingMarket
from .helpers import ALICE, BOB, BTC, DAVE


def test_a_funding_payment_that_brings_the_ratio_to_zero_liquidates_after_the_settlement() -> None:
    m = FundingMarket(users=(ALICE, BOB))
    m.ok(OpenUser(DAVE))
    m.ok(Deposit(DAVE, "BTC", Decimal("0.0002")))
    m.index("60000")
    m.order(BOB, Direction.SELL, 10, "60300")
    m.ok(PlaceOrder(DAVE, BTC, Direction.BUY, Offset.OPEN, 10, 100, OrderPriceType.LIMIT,
                    Decimal("60300")))  # fmt: skip
    assert m.state.holdings[(DAVE, BTC)].long.volume == 10  # at risk only once it pays funding

    events = m.tick(at=m.settlement(1)).events
    [settled] = [e.settlement for e in events if isinstance(e, FundingSettled)]
    [contract] = [c for c in settled.contracts if c.contract_code == BTC]
    assert contract.funding_rate == Decimal("0.00375")  # the cap: longs pay
    [dave] = [u for u in settled.users if u.uid == DAVE and u.contract_code == BTC]
    assert [(p.direction.value, p.volume) for p in dave.positions] == [("buy", 10)]
    assert dave.funding_fee < 0

    # The liquidation comes after the settlement, in the same step.
    after = events[events.index(next(e for e in events if isinstance(e, FundingSettled))) :]
    assert any(isinstance(e, OrderTraded) and e.trade.uid == DAVE for e in after)
    assert InsuranceFundChanged("BTC") in after
    assert m.state.holdings[(DAVE, BTC)].long.volume == 0
    assert m.state.accounts[(DAVE, "BTC")].margin_static >= 0
    size = m.state.contracts.get(BTC).contract_size
    fund_long = m.state.holdings[(FUND, BTC)].long
    assert fund_long.volume == 10
    assert fund_long.cost_hold(size) != contract.settlement_price  # the bankruptcy price
    assert m.state.holdings[(BOB, BTC)].short.cost_hold(size) == contract.settlement_price
