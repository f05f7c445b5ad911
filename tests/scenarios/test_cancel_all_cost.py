"""Cancel-all costs O(the caller's own open orders), whatever else rests on the book.

Structural, not timed: with 5,000 other-UID orders resting (some at the caller's own price
levels), the cancel path must not walk the book, the global order table, the holdings table or
any other UID's open orders. Every one of those is replaced by a guard that fails the test when it
is iterated, and the caller's own open-order index counts how many orders the cancel looks at.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest

from htx_sandbox.domain.book import BookSide
from htx_sandbox.domain.commands import CancelAfter, CancelAll, CancelOrders, Tick
from htx_sandbox.domain.events import Event, OrderCancelled
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import UID, Direction, Millis, OrderId, OrderStatus

from .helpers import ALICE, BTC, BUY, ETH, NOW, SELL, buy, make_exchange, sell

OTHER_UIDS = tuple(UID(100 + i) for i in range(50))
OTHER_ORDERS = 5_000
LATER = Millis(NOW + 1_000)


class WalkedError(AssertionError):
    """The cancel path walked something it has no business walking."""


class NoIteration(dict[Any, Any]):
    """A dict that allows keyed access but fails on any walk over its contents."""

    def _refuse(self, *_: object) -> NoReturn:
        raise WalkedError(f"iterated a table of {dict.__len__(self)} entries")

    __iter__ = _refuse
    keys = _refuse
    values = _refuse
    items = _refuse


class Untouchable(NoIteration):
    """Another UID's open-order index: cancelling the caller's orders must not even look in it."""

    __getitem__ = NoIteration._refuse
    __contains__ = NoIteration._refuse
    __len__ = NoIteration._refuse
    __delitem__ = NoIteration._refuse
    get = NoIteration._refuse


class Counting(dict[OrderId, Order]):
    """The caller's own open-order index, counting the orders a walk over it yields."""

    looked_at = 0

    def values(self) -> Iterator[Order]:  # type: ignore[override]
        for order in dict.values(self):
            self.looked_at += 1
            yield order

    def __iter__(self) -> Iterator[OrderId]:
        for key in dict.__iter__(self):
            self.looked_at += 1
            yield key


def crowded(others: int = OTHER_ORDERS) -> tuple[Exchange, list[Order], Order]:
    """`others` orders of 50 other UIDs on BTC-USD; ALICE has 3 bids and 3 asks among them (at
    shared levels) and one ETH-USD order."""
    ex = make_exchange(users=(ALICE, *OTHER_UIDS))
    for i in range(others):
        uid = OTHER_UIDS[i % len(OTHER_UIDS)]
        level = i // 2 % 1_000
        if i % 2:
            sell(ex, uid, 1, 61_000 + level)
        else:
            buy(ex, uid, 1, 59_000 - level)
    mine = [buy(ex, ALICE, 2, 59_000 - 10 * k) for k in range(3)]
    mine += [sell(ex, ALICE, 2, 61_000 + 10 * k) for k in range(3)]
    eth = buy(ex, ALICE, 1, "2900", code=ETH)
    return ex, mine, eth


@contextmanager
def guarded(ex: Exchange, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counting]:
    """Arm every guard for the body of the `with`; yields ALICE's counting BTC-USD index.

    On exit the guarded tables are put back as plain dicts with whatever the body changed in them.
    """
    state = ex.state

    def refuse(*_: object, **__: object) -> NoReturn:
        raise WalkedError("walked the order book")

    with monkeypatch.context() as patch:
        for name in ("levels", "orders", "depth"):
            patch.setattr(BookSide, name, refuse)
        state.orders = NoIteration(state.orders)
        state.holdings = NoIteration(state.holdings)
        state.holdings_by_user = NoIteration(state.holdings_by_user)
        for (uid, _code), holding in dict.items(state.holdings):
            if uid != ALICE:
                holding.open_orders = Untouchable(holding.open_orders)
        counting = Counting(state.holdings[(ALICE, BTC)].open_orders)
        state.holdings[(ALICE, BTC)].open_orders = counting
        try:
            yield counting
        finally:
            state.orders = dict(dict.items(state.orders))
            state.holdings = dict(dict.items(state.holdings))
            state.holdings_by_user = dict(dict.items(state.holdings_by_user))
            for holding in dict.values(state.holdings):
                holding.open_orders = dict(dict.items(holding.open_orders))


def cancelled(events: list[Event]) -> list[OrderId]:
    return [e.order_id for e in events if isinstance(e, OrderCancelled)]


@pytest.mark.parametrize("others", [0, OTHER_ORDERS], ids=["empty book", "5000 others"])
def test_cancel_all_looks_only_at_the_callers_orders(
    others: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ex, mine, eth = crowded(others)
    assert len(ex.state.orders) == others + len(mine) + 1
    with guarded(ex, monkeypatch) as counting:
        applied = ex.cancel_all(CancelAll(ALICE, BTC), LATER)

    assert counting.looked_at == len(mine)  # the same with an empty book and with 5,000 others
    assert sorted(applied.reply.successes) == sorted(str(o.order_id) for o in mine)
    assert sorted(cancelled(applied.events)) == sorted(o.order_id for o in mine)
    # Untouched: every other order, and ALICE's ETH order.
    touched = [o for o in ex.state.orders.values() if o.status is not OrderStatus.SUBMITTED]
    assert sorted(o.order_id for o in touched) == sorted(o.order_id for o in mine)
    assert eth.status is OrderStatus.SUBMITTED
    bids, asks = ex.depth(BTC, 2_000)
    assert sum(v for _, v in bids) + sum(v for _, v in asks) == others
    assert ex.open_orders(ALICE, BTC) == []
    assert sum(len(ex.open_orders(uid, BTC)) for uid in OTHER_UIDS) == others


@pytest.mark.parametrize("direction", [BUY, SELL])
def test_filtered_cancel_all_looks_at_own_orders_only(
    direction: Direction, monkeypatch: pytest.MonkeyPatch
) -> None:
    ex, mine, _ = crowded()
    with guarded(ex, monkeypatch) as counting:
        applied = ex.cancel_all(CancelAll(ALICE, BTC, direction=direction), LATER)
    expected = [o for o in mine if o.direction is direction]
    assert counting.looked_at == len(mine)
    assert sorted(cancelled(applied.events)) == sorted(o.order_id for o in expected)
    assert len(expected) == 3


def test_cancel_by_id_walks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    ex, mine, _ = crowded()
    ids = [str(o.order_id) for o in mine[:4]]
    with guarded(ex, monkeypatch) as counting:
        applied = ex.cancel_orders(CancelOrders(ALICE, BTC, ids), LATER)
    assert applied.reply.successes == ids
    assert counting.looked_at == 0
    assert cancelled(applied.events) == [o.order_id for o in mine[:4]]


def test_dead_mans_switch_looks_only_at_the_uids_orders(monkeypatch: pytest.MonkeyPatch) -> None:
    ex, mine, eth = crowded()
    ex.execute(CancelAfter(ALICE, True, 5_000), NOW)
    with guarded(ex, monkeypatch) as counting:
        outcome = ex.execute(Tick(), Millis(NOW + 5_000))
    assert counting.looked_at == len(mine)
    assert sorted(cancelled(outcome.events)) == sorted(o.order_id for o in [*mine, eth])
