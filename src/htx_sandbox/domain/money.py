"""Inverse (coin-margined) arithmetic in Decimal.

Every coin amount is quantized to 18 decimal places (HTX prints 18) as soon as it is computed, so
that sums and differences of amounts are exact and conservation identities hold to the last digit.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal

COIN_QUANTUM = Decimal("1e-18")
# Wide enough that no product or quotient of contract sizes, volumes and prices is rounded before
# it is quantized.
MONEY_PRECISION = 60
_CONTEXT = Context(prec=MONEY_PRECISION, rounding=ROUND_HALF_EVEN)
_PRICE_CONTEXT = Context(prec=15, rounding=ROUND_HALF_EVEN)


# Context methods rather than `x.quantize(q, context=c)`: the keyword call costs more than the
# arithmetic on the order path. Products of a Decimal and an int are exact at 60 digits.
_quantize = _CONTEXT.quantize
_divide = _CONTEXT.divide
_multiply = _CONTEXT.multiply


def coin(amount: Decimal) -> Decimal:
    """An amount of coin on the 1e-18 grid."""
    return _quantize(amount, COIN_QUANTUM)


def contract_value(volume: int, contract_size: Decimal, price: Decimal) -> Decimal:
    """Coin value of `volume` contracts at `price`: volume x contract_size / price."""
    return _quantize(_divide(_multiply(contract_size, volume), price), COIN_QUANTUM)


def initial_margin(volume: int, contract_size: Decimal, price: Decimal, lever_rate: int) -> Decimal:
    return _quantize(
        _divide(_multiply(contract_size, volume), _multiply(price, lever_rate)), COIN_QUANTUM
    )


def fee(value: Decimal, rate: Decimal) -> Decimal:
    return _quantize(_multiply(value, rate), COIN_QUANTUM)


def share(amount: Decimal, part: int, whole: int) -> Decimal:
    """The part/whole share of an amount; exactly the amount when part == whole."""
    if part == whole:
        return amount
    return _quantize(_divide(_multiply(amount, part), whole), COIN_QUANTUM)


def average_price(turnover: Decimal, value: Decimal) -> Decimal:
    """The price at which `turnover` USD is worth `value` coin: the harmonic mean of fill prices.

    Values are on the 1e-18 grid, so the quotient carries noise far below any tick; 15
    significant digits keep every real digit of a price and drop that noise.
    """
    return _PRICE_CONTEXT.divide(turnover, value)


_DOWN = Context(prec=MONEY_PRECISION, rounding=ROUND_DOWN)


def unrealized(turnover: Decimal, hold: Decimal, price: Decimal) -> Decimal:
    """turnover / hold - turnover / price, unrounded (60 digits): a long's profit from the
    price `hold` to `price`."""
    return _CONTEXT.subtract(_CONTEXT.divide(turnover, hold), _CONTEXT.divide(turnover, price))


def truncate(amount: Decimal) -> Decimal:
    """An amount cut (towards zero) to the 1e-18 grid, as HTX prints settlement profits."""
    return _DOWN.quantize(amount, COIN_QUANTUM)
