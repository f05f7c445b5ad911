"""The premium index and the funding rate it makes (HTX's real-time method since 2024-01-08).

Every minute of the engine's clock each trading contract with an index price takes one sample
of its premium index; the funding rate of a period is computed from the average of that
period's samples, live while the period runs and final at its settlement (domain/settlement.py).
HTX does not publish its coin-margined formula; the sandbox uses the common one (recorded in
docs/compatibility.md):

    premium = (max(0, best bid - index) - max(0, index - best ask)) / index
              ((last trade - index) / index when a side of the book is empty; no sample
              without an index, or without both a book and a last trade)
    rate    = clamp(average + clamp(INTEREST - average, -INTEREST_CLAMP, +INTEREST_CLAMP),
                    -RATE_CAP, +RATE_CAP)
"""

from __future__ import annotations

from decimal import Decimal

from .contracts import Contract
from .premium import RATE_CONTEXT, RATE_QUANTUM, PremiumPeriod
from .state import ExchangeState
from .types import ZERO, ContractStatus, Millis

SAMPLE_INTERVAL_MS = 60_000
INTEREST = Decimal("0.0001")
"""Per 8-hour period: the rate HTX shows on a quiet market (0.000100000000000000)."""
INTEREST_CLAMP = Decimal("0.0005")
RATE_CAP = Decimal("0.00375")
"""The caps HTX publishes for its USDT-margined BTC swap; coin-margined ones publish none."""


def premium_index(state: ExchangeState, contract: Contract) -> Decimal | None:
    """The contract's premium index now, on the 1e-18 grid; None when it has none."""
    if contract.contract_status is not ContractStatus.LISTING:
        return None  # HTX computes no funding while a contract is not trading
    code = contract.contract_code
    index = state.index_prices.get(code)
    if index is None:
        return None
    book = state.books.get(code)
    bid = ask = None
    if book is not None:
        bid, ask = book.bids.best_ticks(), book.asks.best_ticks()
    if bid is not None and ask is not None:
        above = max(ZERO, contract.price(bid) - index)
        below = max(ZERO, index - contract.price(ask))
        premium = RATE_CONTEXT.divide(above - below, index)
    else:
        last = state.last_price.get(code)
        if last is None:
            return None
        premium = RATE_CONTEXT.divide(last - index, index)
    return RATE_CONTEXT.quantize(premium, RATE_QUANTUM)


def funding_rate(average_premium: Decimal | None) -> Decimal:
    """The period's rate from its average premium index; 0 for a period without samples (no
    index, or no market to compare it with: nothing to anchor)."""
    if average_premium is None:
        return ZERO
    spread = min(INTEREST_CLAMP, max(-INTEREST_CLAMP, INTEREST - average_premium))
    return min(RATE_CAP, max(-RATE_CAP, average_premium + spread))


def sample(state: ExchangeState, at: Millis, count: int = 1) -> list[str]:
    """Take the sample due at `at` (or `count` equal ones ending there) on every contract that
    has a premium index; returns the contracts sampled."""
    sampled = []
    for contract in state.contracts:
        premium = premium_index(state, contract)
        if premium is None:
            continue
        code = contract.contract_code
        period = state.premiums.get(code)
        if period is None:
            period = state.premiums[code] = PremiumPeriod()
        period.add(premium, at, count)
        sampled.append(code)
    return sampled


def live_rate(state: ExchangeState, contract: Contract) -> Decimal:
    """The rate the current period would settle at now (swap_funding_rate's funding_rate)."""
    period = state.premiums.get(contract.contract_code)
    return funding_rate(period.average if period is not None else None)
