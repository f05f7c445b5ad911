"""Trailing orders after activation: follow the extreme price, fire on a retrace.

A buy trailing order activates once the price falls to its active_price, then follows the
lowest price since; it fires when the price rises callback_rate above that low. A sell mirrors
it. A command's trades are seen as a range: the retrace is measured from the extreme reached
before the command, and the command's own extreme counts from the next one on, so a trailing
order never fires on a move the trades did not make in that order.
"""

from __future__ import annotations

from decimal import Decimal

from .contracts import Contract
from .strategy_orders import StrategyOrder
from .tracking_book import TrackingBook, reach, ticks_at_or_below
from .types import BUY, Millis


def activate(order: StrategyOrder, contract: Contract, low: int, high: int) -> None:
    """Activated by trades from `low` to `high`: the extreme starts where they reached."""
    extreme = low if order.direction is BUY else high
    order.market_limit_price = contract.price(extreme)


def formula_price(order: StrategyOrder, contract: Contract, extreme: Decimal) -> Decimal:
    """The limit price of formula_price (HTX's formula): low x (1 + callback) for a buy, high x
    (1 - callback) for a sell, truncated to the tick. The order fires at the exact price,
    without truncation (tracking_book.py): truncated, a buy's could fall back to the low
    itself where the callback is less than a tick."""
    return contract.price(max(ticks_at_or_below(reach(order, extreme), contract), 1))


def retraced(
    book: TrackingBook, contract: Contract, low: int, high: int, now: Millis
) -> tuple[list[StrategyOrder], list[StrategyOrder]]:
    """(fired, moved): the active orders that trades from `low` to `high` fire (taken out of
    the book, their formula_price set), and those whose extreme they moved. An order fires
    on the extreme it had before these trades, and follows their extreme only if it did not
    fire (see the module's docstring)."""
    fired = book.fired(contract, low, high)
    for order in fired:
        assert order.market_limit_price is not None  # every order in the book has one
        order.formula_price = formula_price(order, contract, order.market_limit_price)
    moved = book.follow(contract.price(low), contract.price(high))
    for order in moved:
        order.update_time = now
    return fired, moved
