"""Funding settlement, at 00:00, 08:00 and 16:00 UTC of the engine's clock.

Every position open at that instant is settled as HTX settles it (its help centre, and the
arithmetic of its THETA example): its unrealized profit at the settlement price is booked into
the balance and its position price (cost_hold) becomes the settlement price, and each holding
pays or receives funding on its net position,

    funding = net position x face value / settlement price x funding rate

paid by the longs when the rate is positive (net > 0 pays), by the shorts when negative. The
settlement price is the inverse VWAP of the contract's fills in the 10 minutes before, else the
mark price, on the contract's tick. A payment is rounded up to the 1e-18 grid and a receipt
down, so the payers always cover the receivers; the booked profit is truncated as HTX prints
it. What the rounding leaves (a few 1e-18 a position, either way) stays with the exchange in
`funding_pool`, so coin is conserved to the last digit.

Each account that has had funds gets a user settlement record, each contract a platform one.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal

from .contracts import Contract
from .events import FundingSettled
from .funding import funding_rate
from .money import average_price
from .positions import Holding
from .settlement_records import ContractSettlement, SettledPosition, Settlement, UserSettlement
from .state import ExchangeState
from .types import UID, ZERO, Millis

SETTLEMENT_PRICE_WINDOW_MS = 600_000
"""HTX: the settlement price is the VWAP of the last 10 minutes' trades."""
_FLOOR = Context(prec=60, rounding=ROUND_FLOOR)
_HALF_EVEN = Context(prec=60, rounding=ROUND_HALF_EVEN)
_QUANTUM = Decimal("1e-18")


def funding_fee(net: int, contract_size: Decimal, price: Decimal, rate: Decimal) -> Decimal:
    """What a holding with `net` long-minus-short contracts receives (positive) or pays
    (negative). Rounded towards minus infinity: a payment up, a receipt down."""
    exact = _FLOOR.divide(_FLOOR.multiply(_FLOOR.multiply(contract_size, -net), rate), price)
    return _FLOOR.quantize(exact, _QUANTUM)


def settlement_price(state: ExchangeState, contract: Contract) -> Decimal:
    """The inverse VWAP of the fills since the window opened, else the mark price; on the
    tick (at least one)."""
    fills = state.settlement_fills.get(contract.contract_code)
    if fills is not None and fills.volume:
        price = average_price(contract.contract_size * fills.volume, fills.value)
    else:
        price = state.mark_price(contract)
    ticks = _HALF_EVEN.to_integral_value(_HALF_EVEN.divide(price, contract.price_tick))
    return contract.price(max(1, int(ticks)))


def estimated_settlement_price(
    state: ExchangeState, contract: Contract, now: int
) -> Decimal | None:
    """What the next settlement price would be now, within the 10 minutes before it (HTX's
    swap_estimated_settlement_price); None outside them."""
    due = state.next_settlement
    if due is None or not due - SETTLEMENT_PRICE_WINDOW_MS <= now < due:
        return None
    return settlement_price(state, contract)


class _Tally:
    """One account's part of a settlement, gathered over its holdings."""

    __slots__ = ("booked", "contract_code", "funding", "positions", "price")

    def __init__(self, contract_code: str, price: Decimal) -> None:
        self.contract_code = contract_code
        self.price = price
        self.funding = ZERO
        self.booked = ZERO
        self.positions: list[SettledPosition] = []


def settle(state: ExchangeState, at: Millis) -> Settlement:
    """Settle every contract at `at`; the FundingSettled event carries the records."""
    contracts: dict[str, tuple[Contract, Decimal, Decimal]] = {}
    platform = []
    by_symbol: dict[str, str] = {}
    for contract in sorted(state.contracts, key=lambda c: c.contract_code):
        code = contract.contract_code
        price = settlement_price(state, contract)
        period = state.premiums.get(code)
        average = period.average if period is not None else None
        rate = funding_rate(average)
        if period is not None:
            period.restart()
        contracts[code] = (contract, price, rate)
        by_symbol.setdefault(contract.symbol, code)
        platform.append(ContractSettlement(code, contract.symbol, at, price, rate, average))
    tallies: dict[tuple[UID, str], _Tally] = {}
    pool = state.funding_pool
    for (uid, code), holding in state.holdings.items():
        if not (holding.long.volume or holding.short.volume):
            continue
        contract, price, rate = contracts[code]
        symbol = contract.symbol
        tally = tallies.get((uid, symbol))
        if tally is None:
            tally = tallies[(uid, symbol)] = _Tally(code, price)
        kept = _settle_holding(holding, contract, price, rate, tally)
        pool[symbol] = pool.get(symbol, ZERO) + kept
        state.touch_holding(uid, code)
    users = []
    for key, account in state.accounts.items():
        tally = tallies.get(key)
        period_fees = account.fees_paid - account.settled_fees
        if tally is None:
            if not (account.margin_static or account.settled_balance or account.profit_real
                    or period_fees):
                continue  # never had funds: HTX gives such an account no record
            code = by_symbol[account.symbol]
            tally = _Tally(code, contracts[code][1])
        account.margin_static += tally.booked + tally.funding
        offset = account.profit_real
        # Positional: a settlement makes one per account.
        users.append(UserSettlement(
            account.uid, account.symbol, tally.contract_code, at, account.settled_balance,
            account.margin_static, offset - period_fees + tally.funding + tally.booked,
            tally.funding, offset, -period_fees, tally.price, tuple(tally.positions),
        ))  # fmt: skip
        account.profit_real = ZERO
        account.settled_balance = account.margin_static
        account.settled_fees = account.fees_paid
        state.touch_account(account.uid, account.symbol)
    settlement = Settlement(at, tuple(platform), tuple(users))
    state.events.append(FundingSettled(settlement))
    return settlement


def _settle_holding(
    holding: Holding, contract: Contract, price: Decimal, rate: Decimal, tally: _Tally
) -> Decimal:
    """Book the holding's positions at `price` and charge its funding; returns the coin left
    with the exchange (the funding paid less received, and the booking's rounding)."""
    size = contract.contract_size
    kept = ZERO
    for position in (holding.long, holding.short):
        if not position.volume:
            continue
        cost_open = position.cost_open(size) or ZERO
        cost_hold_pre = position.cost_hold(size) or ZERO
        profit, rounding = position.settle(size, price, cost_hold_pre)
        tally.booked += profit
        kept += rounding
        tally.positions.append(SettledPosition(
            position.side, position.volume, cost_open, cost_hold_pre, price, profit
        ))  # fmt: skip
    funding = funding_fee(holding.long.volume - holding.short.volume, size, price, rate)
    tally.funding += funding
    return kept - funding
