"""The ranges every number from outside must fall in before the domain computes with it.

The domain's Decimal context has 60 digits and traps invalid operations, division by zero and
overflow. These bounds are chosen so that no value inside them can reach a trap: the largest coin
figure, volume x contract size / price, is below 10^9 x 10^9 / 10^-12 = 10^30, which with 18
decimal places still fits in 60 digits; the smallest, 0.001 / 10^15, is one 1e-18 coin, never
zero; the smallest price is a whole tick. tests/unit/domain/test_bounds.py tries the extremes.
The reasons for each figure are in docs/compatibility.md ("Bounds on numbers").
"""

from __future__ import annotations

from decimal import Decimal

MAX_PRICE_DIGITS = 15
"""Prices (and ticks, sizes) of 10^15 and more are refused as unreasonable."""
MAX_PRICE_DECIMALS = 12
"""The finest price tick is 10^-12: no HTX contract quotes finer."""
MIN_PRICE_TICK = Decimal(10) ** -MAX_PRICE_DECIMALS
MAX_TICKS = 2**63 - 1
"""A price counted in its contract's ticks is stored as a 64-bit integer: a price of more ticks
(10^15 on a 10^-12 tick would be 10^27) is refused as unreasonable."""
MAX_CONTRACT_SIZE_DIGITS = 9
"""A contract is worth less than 10^9 USD (HTX's are 10 or 100)."""
MAX_CONTRACT_SIZE_DECIMALS = 3
"""The smallest contract, 0.001 USD, is still worth one 1e-18 coin at the highest price
(0.001 / 10^15): a fill worth zero coin would divide by zero in its average price."""
MAX_ORDER_VOLUME = 10**9
"""The highest per-order volume cap a contract may have (HTX's largest is in the millions)."""
MAX_OPEN_ORDERS = 10**6
"""The highest cap on one account's open orders per contract a contract may have."""
MAX_FEE_RATE_DECIMALS = 8
MAX_DEPOSIT = Decimal(10) ** 12
"""Per deposit: far above any test's needs; sums stay exact on the 1e-18 grid."""
COIN_DECIMALS = 18
MAX_LEVER_RATE = 1000
MAX_POSITION_LIMIT = 10**12
"""The highest buy_limit / sell_limit (contracts) a contract may set; swap_position_limit prints
it for a contract without a limit. A UID's position plus its opening orders stays far below 2^63."""


def decimals(value: Decimal) -> int:
    """How many digits a finite value has after the point, trailing zeros not counted (read
    from its digits: normalize() would round to the context's precision)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int), "only finite values have decimals"
    zeros = 0
    for digit in reversed(digits):
        if digit:
            break
        zeros += 1
    return max(0, -(exponent + zeros)) if any(digits) else 0


def within(value: Decimal, *, digits: int, places: int) -> bool:
    """Whether a finite value has fewer than `digits` digits before the point (|value| <
    10^digits) and at most `places` after it. Cheap for ordinary values: the normalisation
    that counts places runs only for a value written with more places than allowed."""
    if not value.is_finite():
        return False
    if value and value.adjusted() >= digits:
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent >= -places or decimals(value) <= places
MAX_PRICE_LIMIT_RATE_DECIMALS = 6
"""A price limit rate is a fraction below 1 with at most 6 decimals (0.06 is HTX's hard limit)."""
