"""Waiting strategy orders cost a trade nothing: it reads only the orders it fires.

Structural, not timed: the trigger books promise O(log n) per fired order and O(1) when nothing
fires, however many orders wait. So every waiting order here counts each read of its fields,
and the tables holding them refuse to be walked: a trigger check that scanned every waiting
order fails these tests whatever the machine's speed. (What a strategy cancel-all may look at
is guarded in test_trigger_cancel_all.py.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NoReturn

from htx_sandbox.domain.commands import PlaceTriggerOrder
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import (
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
from htx_sandbox.domain.types import UID, Direction, Millis, OrderId

from .helpers import ALICE, BOB, BTC, BUY, CAROL, NOW, OPEN, SELL, buy, make_exchange, sell

OTHERS = tuple(UID(100 + i) for i in range(20))
WAITING_EACH = 100
"""Trigger orders per other UID: 2,000 waiting in all, none near the trades."""
LATER = Millis(NOW + 1_000)
READS: Counter[OrderId] = Counter()
"""Field reads of watched strategy orders, by order id."""


class Watched(StrategyOrder):
    """A strategy order that counts every read of its fields (same layout, so an order's class
    can be switched to it in place)."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        READS[object.__getattribute__(self, "order_id")] += 1
        return object.__getattribute__(self, name)


class WalkedError(AssertionError):
    """The path walked a table of strategy orders it has no business walking."""


class NoWalk(dict[Any, Any]):
    """Keyed access only: any walk over the contents fails the test."""

    def _refuse(self, *_: object) -> NoReturn:
        raise WalkedError(f"walked a table of {dict.__len__(self)} entries")

    __iter__ = _refuse
    keys = _refuse
    values = _refuse
    items = _refuse


def trigger(
    uid: UID, trigger_type: TriggerType, price: int, *, direction: Direction = BUY
) -> PlaceTriggerOrder:
    return PlaceTriggerOrder(
        uid, BTC, trigger_type, Decimal(price), direction, OPEN, 1,
        StrategyPriceType.LIMIT, Decimal(price), lever_rate=10,
    )


def crowded() -> Exchange:
    """2,000 trigger orders of 20 other UIDs far from 60000 (ge from 65000 up, le from 55000
    down), and one ask of BOB's at 60000 for the trade."""
    ex = make_exchange(users=(ALICE, BOB, CAROL, *OTHERS))
    ex.state.strategies.limits = StrategyLimits(per_contract=1_000, platform=1_000)
    for uid in OTHERS:
        for i in range(WAITING_EACH):
            if i % 2:
                ex.place_trigger_order(trigger(uid, TriggerType.GE, 65_000 + i), NOW)
            else:
                ex.place_trigger_order(trigger(uid, TriggerType.LE, 55_000 - i), NOW)
    sell(ex, BOB, 1, 60_000)
    return ex


@contextmanager
def watched(ex: Exchange) -> Iterator[Counter[OrderId]]:
    """Every strategy order counts its reads, and every table of them refuses walks, for the
    body of the `with`; yields the reads by order id."""
    strategies = ex.state.strategies
    orders = list(strategies.orders.values())
    tables = (strategies.orders, strategies.by_owner, strategies.tracking)
    books = {code: book.live for code, book in strategies.books.items()}
    for order in orders:
        order.__class__ = Watched
    strategies.orders, strategies.by_owner, strategies.tracking = (NoWalk(t) for t in tables)
    for code, live in books.items():
        strategies.books[code].live = NoWalk(live)
    READS.clear()
    try:
        yield READS
    finally:
        for order in orders:
            order.__class__ = StrategyOrder
        guarded = (strategies.orders, strategies.by_owner, strategies.tracking)
        strategies.orders, strategies.by_owner, strategies.tracking = (
            dict(dict.items(t)) for t in guarded
        )
        for code in books:
            book = strategies.books[code]
            book.live = dict(dict.items(book.live))


def open_triggers(ex: Exchange) -> int:
    return sum(len(book) for book in ex.state.strategies.books.values())


def test_a_trade_reads_no_waiting_order_it_does_not_fire() -> None:
    ex = crowded()
    with watched(ex) as reads:
        taker = buy(ex, ALICE, 1, 60_000, now=LATER)
    assert taker.trade_volume == 1
    assert reads == Counter()  # not one field of the 2,000 waiting orders was read
    assert open_triggers(ex) == len(OTHERS) * WAITING_EACH


def test_a_trade_that_fires_a_few_reads_only_those() -> None:
    ex = crowded()
    fired = [
        ex.place_trigger_order(trigger(CAROL, TriggerType.GE, price), NOW).reply.order_id
        for price in (59_990, 60_000)
    ]
    fired.append(
        ex.place_trigger_order(
            trigger(CAROL, TriggerType.LE, 60_000, direction=SELL), NOW
        ).reply.order_id
    )
    with watched(ex) as reads:
        buy(ex, ALICE, 1, 60_000, now=LATER)
    assert set(reads) == set(fired)
    for order_id in fired:
        order = ex.strategy_order(order_id)
        assert order is not None and order.status is StrategyStatus.PLACED
    assert open_triggers(ex) == len(OTHERS) * WAITING_EACH
