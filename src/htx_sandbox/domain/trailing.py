"""Trailing orders after activation: follow the extreme price, fire on a retrace.

A buy trailing order activates once the price falls to its active_price, then follows the
lowest price since; it fires when the price rises callback_rate above that low. A sell mirrors
it. A command's trades are seen as a range: the retrace is measured from the extreme reached
before the command, and the command's own extreme counts from the next one on, so a trailing
order never fires on a move the trades did not make in that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal

from .contracts import Contract
from .strategy_orders import StrategyOrder
from .types import BUY, Millis

ONE = Decimal(1)


def activate(order: StrategyOrder, contract: Contract, low: int, high: int) -> None:
    """Activated by trades from `low` to `high`: the extreme starts where they reached."""
    extreme = low if order.direction is BUY else high
    order.market_limit_price = contract.price(extreme)


def formula_price(order: StrategyOrder, contract: Contract, extreme: Decimal) -> Decimal:
    """The fire threshold, and the limit price of formula_price: low x (1 + callback) for a
    buy, high x (1 - callback) for a sell, truncated to the tick."""
    rate = order.callback_rate or Decimal(0)
    factor = ONE + rate if order.direction is BUY else ONE - rate
    ticks = (extreme * factor / contract.price_tick).to_integral_value(ROUND_FLOOR)
    return contract.price(max(int(ticks), 1))


def retraced(
    orders: Iterable[StrategyOrder], contract: Contract, low: int, high: int, now: Millis
) -> tuple[list[StrategyOrder], list[StrategyOrder]]:
    """(fired, moved): the active orders that trades from `low` to `high` fire, and those whose
    extreme they moved."""
    fired: list[StrategyOrder] = []
    moved: list[StrategyOrder] = []
    low_price, high_price = contract.price(low), contract.price(high)
    for order in orders:
        extreme = order.market_limit_price
        if extreme is None:  # activated before any trade was seen: start from these
            extreme = low_price if order.direction is BUY else high_price
        threshold = formula_price(order, contract, extreme)
        if order.direction is BUY:
            if high_price >= threshold:
                order.formula_price = threshold
                fired.append(order)
            elif low_price < extreme:
                order.market_limit_price = low_price
                order.update_time = now
                moved.append(order)
        else:
            if low_price <= threshold:
                order.formula_price = threshold
                fired.append(order)
            elif high_price > extreme:
                order.market_limit_price = high_price
                order.update_time = now
                moved.append(order)
    return fired, moved
