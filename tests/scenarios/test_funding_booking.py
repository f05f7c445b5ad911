"""What a settlement books besides funding, as HTX's THETA example shows it: each position's
unrealized profit at the settlement price moves into the balance, its position price
(cost_hold) becomes the settlement price while its open price stays, and the period's closes,
fees and funding make its settlement_profit_real. The settlement price is the inverse VWAP of
the last 10 minutes' fills, else the mark price."""

from __future__ import annotations

from decimal import ROUND_DOWN, Context, Decimal, localcontext

from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.types import UID, Offset, PositionSide

from .funding_helpers import HOUR, S0, FundingMarket
from .helpers import ALICE, BOB, CAROL

THETA = "THETA-USD"
WIDE = Context(prec=60)
Q = Decimal("1e-18")
DAVE = UID(4)


def theta_market() -> FundingMarket:
    registry = ContractRegistry()
    registry.add(Contract(THETA, "THETA", Decimal(10), Decimal("0.00001"), Decimal("0.65")))
    return FundingMarket((ALICE, BOB, CAROL, DAVE), funds={"THETA": 1000}, contracts=registry)


def test_the_theta_example_to_the_last_digit() -> None:
    """HTX's swap_user_settlement_records example: a long of 20 THETA-USD held at 0.64473 (the
    previous settlement price) settles at 0.65931 and books 6.859934640024834487."""
    m = theta_market()
    m.index("0.65", code=THETA)
    m.trade(buyer=ALICE, seller=BOB, volume=20, price="0.60483", code=THETA, lever=20)
    # Trades of others in the last 10 minutes set each settlement price.
    m.trade(buyer=CAROL, seller=DAVE, volume=1, price="0.64473", code=THETA, lever=20,
            at=m.settlement(1) - 60_000)  # fmt: skip
    m.tick(at=m.settlement(1))
    assert m.user(ALICE, code=THETA).settlement_price == Decimal("0.64473")
    m.trade(buyer=DAVE, seller=CAROL, volume=1, price="0.65931", code=THETA, lever=20,
            buyer_offset=Offset.CLOSE, seller_offset=Offset.CLOSE,
            at=m.settlement(2) - 300_000)  # fmt: skip
    m.tick(at=m.settlement(2))
    record = m.user(ALICE, code=THETA)
    [position] = record.positions
    assert position.direction is PositionSide.LONG and position.volume == 20
    assert position.cost_hold_pre == Decimal("0.64473")
    assert position.cost_hold == record.settlement_price == Decimal("0.65931")
    assert position.settlement_profit_unreal == Decimal("6.859934640024834487")
    # HTX's identities: the period's realized profit is the booked profit plus funding (no
    # closes, no fees this period), and the equity moves by exactly that.
    assert record.offset_profitloss == 0 and record.fee == 0
    assert record.settlement_profit_real == position.settlement_profit_unreal + record.funding_fee
    assert record.margin_balance == record.margin_balance_init + record.settlement_profit_real
    holding = m.state.holdings[(ALICE, THETA)]
    assert holding.long.cost_hold(Decimal(10)) == Decimal("0.65931")
    assert holding.long.cost_open(Decimal(10)) == Decimal("0.60483")


def test_cost_hold_moves_to_the_settlement_price_and_cost_open_stays() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(1))
    [figures] = m.exchange.positions(ALICE)
    assert figures.cost_open == Decimal("60120") and figures.cost_hold == Decimal("60000")
    # Nothing left to book at the settlement price; the profit since open remains visible.
    booked = m.user(ALICE).positions[0].settlement_profit_unreal
    with localcontext(WIDE):  # 1000/60120 - 1000/60000, truncated as HTX prints it
        assert booked == (Decimal(1000) / 60120 - Decimal(1000) / 60000).quantize(Q, ROUND_DOWN)
    assert figures.profit_unreal == 0
    # profit since open: the same move, from the position's values (within their rounding).
    assert abs(figures.profit - booked) <= Q


def test_a_close_after_a_settlement_realizes_only_what_moved_since() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")
    m.tick(at=m.settlement(1))
    m.trade(buyer=BOB, seller=ALICE, volume=10, price="60000",
            buyer_offset=Offset.CLOSE, seller_offset=Offset.CLOSE,
            at=m.settlement(1) + HOUR)  # fmt: skip
    order = m.state.orders[max(m.state.orders)]
    assert order.profit == 0  # held at 60000 since the settlement, closed at 60000
    assert m.state.accounts[(ALICE, "BTC")].profit_real == 0


def test_the_period_record_counts_its_closes_and_fees() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60000")
    m.tick(at=m.settlement(1))
    account = m.state.accounts[(ALICE, "BTC")]
    fees_then = account.fees_paid
    m.trade(buyer=BOB, seller=ALICE, volume=4, price="61000",
            buyer_offset=Offset.CLOSE, seller_offset=Offset.CLOSE)  # fmt: skip
    closed = account.profit_real
    with localcontext(WIDE):  # the values of 4 contracts at the two prices, each on the grid
        assert closed == (Decimal(400) / 60000).quantize(Q) - (Decimal(400) / 61000).quantize(Q)
    m.tick(at=m.settlement(2))
    record = m.user(ALICE)
    assert record.offset_profitloss == closed
    assert record.fee == -(account.fees_paid - fees_then) < 0
    [position] = record.positions
    assert record.settlement_profit_real == (
        closed + record.fee + record.funding_fee + position.settlement_profit_unreal
    )
    assert record.margin_balance == record.margin_balance_init + record.settlement_profit_real
    assert account.profit_real == 0  # HTX shows profit_real 0 again after a settlement


def test_the_settlement_price_is_the_inverse_vwap_of_the_last_ten_minutes() -> None:
    m = FundingMarket()
    m.index("60000")
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="59000")  # before the window: not counted
    m.trade(buyer=CAROL, seller=BOB, volume=3, price="60000", at=m.settlement(1) - 600_000)
    m.trade(buyer=CAROL, seller=BOB, volume=1, price="62000", at=m.settlement(1) - 1)
    m.tick(at=m.settlement(1))
    # 4 contracts / (3/60000 + 1/62000) = 60487.80..., on the 0.1 tick.
    assert m.user(ALICE).settlement_price == Decimal("60487.8")


def test_an_account_with_funds_and_no_position_gets_a_record() -> None:
    m = FundingMarket()
    m.tick(at=m.settlement(1))
    record = m.user(CAROL)
    assert record.positions == () and record.funding_fee == 0
    assert record.margin_balance_init == 0 and record.margin_balance == 10
    m.tick(at=m.settlement(2))
    assert m.user(CAROL).margin_balance_init == 10
    assert m.settlements[1].settlement_time == S0 + 16 * HOUR
