"""When funding settles: at 00:00, 08:00 and 16:00 UTC of the exchange's clock, each period at
the rate of its own premium index samples (one a minute), and only for positions open at that
instant. Time passed at once runs every settlement it passed, in order."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.events import PremiumSampled

from .funding_helpers import HOUR, PERIOD, S0, FundingMarket
from .helpers import ALICE, BOB, CAROL


def btc(settlement):  # type: ignore[no-untyped-def]
    [found] = [c for c in settlement.contracts if c.contract_code == "BTC-USD"]
    return found


def test_settlements_fall_at_00_08_and_16_utc() -> None:
    m = FundingMarket()
    m.tick(at=S0 + 3 * PERIOD)
    times = [s.settlement_time for s in m.settlements]
    assert times == [S0 + PERIOD, S0 + 2 * PERIOD, S0 + 3 * PERIOD]
    assert [(t // HOUR) % 24 for t in times] == [8, 16, 0]


def test_nothing_settles_before_its_time() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(1) - 1)
    assert m.settlements == []
    m.tick(at=m.settlement(1))
    assert len(m.settlements) == 1


def test_a_premium_sample_is_taken_each_minute_of_the_period() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=S0 + HOUR + 10 * 60_000)
    period = m.state.premiums["BTC-USD"]
    assert period.samples == 10 and period.last == Decimal("0.002")
    sampled = [e for e in m.events if isinstance(e, PremiumSampled)]
    assert sampled[-1].at == S0 + HOUR + 10 * 60_000


def test_several_settlements_passed_at_once_each_settle_in_order() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(3) + 1)  # a day at once
    assert len(m.settlements) == 3
    # The market did not change in between: every period settles the same premium and rate,
    # and the position pays each time.
    assert [btc(s).funding_rate for s in m.settlements] == [Decimal("0.0015")] * 3
    assert [m.user(ALICE, n).funding_fee for n in range(3)] == [Decimal("-0.000025")] * 3
    # Each period starts from the one before.
    for n in (1, 2):
        assert m.user(ALICE, n).margin_balance_init == m.user(ALICE, n - 1).margin_balance
    # A later period averages a full 8 hours of minutes, the first only those since 01:00.
    assert m.state.premiums["BTC-USD"].samples == 0
    assert m.settlements[0].users[0].settlement_time == m.settlement(1)


def test_each_period_settles_at_its_own_premium() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")  # premium +0.002
    m.tick(at=m.settlement(1))
    m.index("60240", at=m.settlement(1) + 1)  # now the last trade is below it: -0.002
    m.tick(at=m.settlement(2))
    assert btc(m.settlements[0]).funding_rate == Decimal("0.0015")
    assert btc(m.settlements[1]).avg_premium_index == Decimal("-0.001992031872509960")
    assert btc(m.settlements[1]).funding_rate < 0
    assert m.user(ALICE, 1).funding_fee > 0  # the long receives now


def test_the_period_averages_its_samples() -> None:
    m = FundingMarket(start=S0 + PERIOD - 4 * 60_000)  # 4 minutes before 08:00
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=S0 + PERIOD - 2 * 60_000)  # two samples at +0.002
    m.index("60120")  # premium 0 from now on
    m.tick(at=S0 + PERIOD)  # two more samples (07:59 and 08:00), then the settlement
    assert btc(m.settlements[0]).avg_premium_index == Decimal("0.001")
    assert btc(m.settlements[0]).funding_rate == Decimal("0.0005")


def test_a_position_opened_after_a_settlement_pays_nothing_for_it() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(1))
    m.trade(buyer=CAROL, seller=BOB, volume=5, price="60120", at=m.settlement(1) + 1)
    assert m.user(CAROL, 0).funding_fee == 0 and m.user(CAROL, 0).positions == ()
    m.tick(at=m.settlement(2))
    assert m.user(CAROL, 1).funding_fee == Decimal("-0.0000125")  # 5 x 100 / 60000 x 0.0015


def test_a_contract_without_an_index_takes_no_samples_and_settles_at_rate_0() -> None:
    m = FundingMarket()
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(1))
    contract = btc(m.settlements[0])
    assert contract.avg_premium_index is None and contract.funding_rate == 0
    assert m.user(ALICE).funding_fee == 0
    # It still settles: the profit at the settlement price (the last trade: the mark) is booked.
    assert contract.settlement_price == Decimal("60120")
