"""Funding flows from the side the premium favours: with the swap above the index the rate is
positive and longs pay shorts; below it, shorts pay longs. The amount is HTX's coin-margined
formula, net position x face value / settlement price x rate, paid on the net of a holding's
long and short, rounded towards the exchange."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import Offset

from .funding_helpers import FundingMarket
from .helpers import ALICE, BOB, CAROL


def settle_after_trade_at(price: str, volume: int = 10) -> FundingMarket:
    """ALICE long and BOB short `volume` BTC-USD at `price` against an index of 60000, held
    through the next settlement."""
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=volume, price=price)
    m.tick(at=m.settlement(1))
    return m


def test_a_swap_above_its_index_makes_the_longs_pay_the_shorts() -> None:
    m = settle_after_trade_at("60120")  # premium +0.002
    [contract] = [c for c in m.settlements[0].contracts if c.contract_code == "BTC-USD"]
    assert contract.avg_premium_index == Decimal("0.002")
    assert contract.funding_rate == Decimal("0.0015")  # 0.002 + clamp(0.0001 - 0.002)
    assert contract.settlement_price == Decimal(60000)  # no fill in the last 10 minutes: mark
    # 10 contracts x 100 USD / 60000 x 0.0015 = 0.000025 BTC exactly.
    assert m.user(ALICE).funding_fee == Decimal("-0.000025")
    assert m.user(BOB).funding_fee == Decimal("0.000025")


def test_a_swap_below_its_index_makes_the_shorts_pay_the_longs() -> None:
    m = settle_after_trade_at("59880")  # premium -0.002
    [contract] = [c for c in m.settlements[0].contracts if c.contract_code == "BTC-USD"]
    assert contract.funding_rate == Decimal("-0.0015")
    assert m.user(ALICE).funding_fee == Decimal("0.000025")
    assert m.user(BOB).funding_fee == Decimal("-0.000025")


def test_the_payment_moves_the_balance_with_the_booked_profit() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    before = m.balance(ALICE), m.balance(BOB)
    m.tick(at=m.settlement(1))
    for uid, start in zip((ALICE, BOB), before, strict=True):
        record = m.user(uid)
        [position] = record.positions
        assert m.balance(uid) - start == record.funding_fee + position.settlement_profit_unreal
        assert record.margin_balance == m.balance(uid)


def test_a_quiet_market_pays_the_interest_rate_and_rounds_towards_the_exchange() -> None:
    m = settle_after_trade_at("60000")  # premium 0: the rate is the interest, 0.0001
    [contract] = [c for c in m.settlements[0].contracts if c.contract_code == "BTC-USD"]
    assert contract.funding_rate == Decimal("0.0001")
    # 1000 / 60000 x 0.0001 = 0.0000016666...: the payer pays it rounded up, the receiver
    # gets it rounded down, and the 1e-18 between them stays with the exchange.
    assert m.user(ALICE).funding_fee == Decimal("-0.000001666666666667")
    assert m.user(BOB).funding_fee == Decimal("0.000001666666666666")
    assert m.state.funding_pool["BTC"] == Decimal("1e-18")


def test_a_holding_pays_on_its_net_position() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.trade(buyer=CAROL, seller=ALICE, volume=4, price="60120")  # ALICE: long 10, short 4
    m.tick(at=m.settlement(1))
    # net 6 x 100 / 60000 x 0.0015 = 0.000015
    assert m.user(ALICE).funding_fee == Decimal("-0.000015")
    assert m.user(BOB).funding_fee == Decimal("0.000025")
    assert m.user(CAROL).funding_fee == Decimal("-0.00001")
    assert len(m.user(ALICE).positions) == 2


def test_the_rate_is_capped() -> None:
    m = settle_after_trade_at("66000")  # premium +0.1
    [contract] = [c for c in m.settlements[0].contracts if c.contract_code == "BTC-USD"]
    assert contract.funding_rate == Decimal("0.00375")
    m = settle_after_trade_at("54000")
    [contract] = [c for c in m.settlements[0].contracts if c.contract_code == "BTC-USD"]
    assert contract.funding_rate == Decimal("-0.00375")


def test_a_position_closed_before_the_settlement_pays_nothing() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.trade(buyer=BOB, seller=ALICE, volume=10, price="60120",
            buyer_offset=Offset.CLOSE, seller_offset=Offset.CLOSE)  # fmt: skip
    m.tick(at=m.settlement(1))
    for uid in (ALICE, BOB):
        record = m.user(uid)
        assert record.funding_fee == 0 and record.positions == ()
    assert not [r for r in m.settlements[0].users if r.funding_fee]
