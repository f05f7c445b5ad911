"""The insurance fund (UID 0's account in each coin) takes over at the bankruptcy price what a
liquidation cannot fill in the book: a loss beyond the account's margin is the fund's (its
balance falls), the margin left above bankruptcy too (it rises); it nets its own long against
its short; every change gets a history record; coin is conserved to the last digit."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from htx_sandbox.domain.events import BalanceChanged, InsuranceFundChanged
from htx_sandbox.domain.insurance_fund import FUND, fund_balance
from htx_sandbox.domain.types import UID, Direction

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
EVE = UID(5)


def value(volume: int, price: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return (volume * Decimal(100) / price).quantize(Q, rounding=ROUND_HALF_EVEN)


def total_btc(ex) -> Decimal:  # type: ignore[no-untyped-def]
    """Every BTC the exchange holds: balances (the fund's included), fees, positions' cost."""
    state = ex.state
    total = state.fee_pool.get("BTC", Decimal(0))
    total += sum(a.margin_static for (_, s), a in state.accounts.items() if s == "BTC")
    total += sum(h.long.cost_value - h.short.cost_value for (_, c), h in state.holdings.items()
                 if c == BTC)  # fmt: skip
    return total


def dave_long():  # type: ignore[no-untyped-def]
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, "0.001")
    sell(ex, BOB, 10, 60000)
    buy(ex, DAVE, 10, 60000, lever=20)
    return ex


def test_a_gap_past_bankruptcy_is_the_fund_s_loss_not_the_account_s() -> None:
    ex = dave_long()
    deposited = total_btc(ex)
    outcome = set_index(ex, 40000)  # from 60000 to far below the bankruptcy price (~56630)
    [order] = liquidation_orders(ex, DAVE)
    [takeover] = order.trades
    assert takeover.price > Decimal(56000)  # the bankruptcy price, not the mark
    assert 0 <= ex.account(DAVE, "BTC").margin_balance < Decimal("1e-7")
    # The fund holds the long it paid the bankruptcy price for, marked at 40000.
    assert fund_balance(ex.state, "BTC") == value(10, takeover.price) - value(10, Decimal(40000))
    assert fund_balance(ex.state, "BTC") < 0
    assert InsuranceFundChanged("BTC") in outcome.events
    assert total_btc(ex) == deposited


def test_the_margin_left_above_bankruptcy_goes_to_the_fund() -> None:
    ex = dave_long()
    set_index(ex, 57100)  # liquidated (at about 57196), not yet bankrupt
    [takeover] = liquidation_orders(ex, DAVE)[0].trades
    gain = fund_balance(ex.state, "BTC")
    assert gain == value(10, takeover.price) - value(10, Decimal(57100)) > 0


def test_the_fund_nets_what_it_takes_over() -> None:
    ex = dave_long()
    fund(ex, EVE, "0.001")
    buy(ex, CAROL, 4, 60000)
    sell(ex, EVE, 4, 60000, lever=20)
    deposited = total_btc(ex)
    set_index(ex, 50000)  # DAVE's long goes to the fund
    assert ex.state.holdings[(FUND, BTC)].long.volume == 10
    outcome = set_index(ex, 80000)  # then EVE's short: netted against the fund's long
    holding = ex.state.holdings[(FUND, BTC)]
    assert [o.direction for o in liquidation_orders(ex, EVE)] == [Direction.BUY]
    assert (holding.long.volume, holding.short.volume) == (6, 0)
    realized = ex.account(FUND, "BTC").profit_real
    assert realized != 0  # the netted pair's result is realized
    # ... and booked as the fund's "system" financial record (26), the only change of its balance.
    booked = [(e.type, e.amount) for e in outcome.events
              if isinstance(e, BalanceChanged) and e.uid == FUND]  # fmt: skip
    assert booked == [(26, realized)] and ex.account(FUND, "BTC").margin_static == realized
    assert total_btc(ex) == deposited
