"""swap_trigger_cancelall: every waiting trigger order of the caller on one contract, filtered
by direction and offset (either alone, both, or none); 1051 when nothing matches. It costs
O(the caller's own trigger orders) and touches nobody else's; swap_cancelall and the dead
man's switch leave trigger orders alone, and it leaves ordinary orders alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest

from htx_sandbox.domain.commands import CancelAfter, CancelAll, Tick
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus
from htx_sandbox.domain.trigger_book import TriggerBook
from htx_sandbox.domain.types import UID, ContractStatus, Direction, Millis, Offset, OrderId

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CLOSE,
    ETH,
    NOW,
    OPEN,
    SELL,
    buy,
    make_exchange,
    sell,
)
from .triggers import (
    GE,
    LE,
    TRIGGER,
    cancel_all_cmd,
    cancel_ids,
    changed_ids,
    full_snapshot,
    place_trigger,
    set_status,
)

LATER = Millis(NOW + 3_000)
CANCELLED, WAITING = StrategyStatus.CANCELLED, StrategyStatus.WAITING


def four_kinds(ex: Exchange, uid: UID = ALICE, code: str = BTC) -> list[StrategyOrder]:
    """buy-open, buy-close, sell-open, sell-close, in that order."""
    high, low = ("61000", "59000") if code == BTC else ("3100", "2900")
    return [
        place_trigger(ex, uid, GE, high, BUY, 1, high, code=code),
        place_trigger(ex, uid, GE, high, BUY, 1, high, offset=CLOSE, code=code),
        place_trigger(ex, uid, LE, low, SELL, 1, low, code=code),
        place_trigger(ex, uid, LE, low, SELL, 1, low, offset=CLOSE, code=code),
    ]


@pytest.mark.parametrize("direction", [None, BUY, SELL])
@pytest.mark.parametrize("offset", [None, OPEN, CLOSE])
def test_each_filter_cancels_what_it_names(
    direction: Direction | None, offset: Offset | None
) -> None:
    ex = make_exchange()
    mine = four_kinds(ex)
    applied = ex.cancel_all_strategy(cancel_all_cmd(ALICE, direction, offset), LATER)
    matched = [
        o
        for o in mine
        if (direction is None or o.direction is direction)
        and (offset is None or o.offset is offset)
    ]
    assert applied.reply.successes == [str(o.order_id) for o in matched]  # in id order
    assert applied.reply.errors == []
    assert changed_ids(applied.events) == [o.order_id for o in matched]
    for order in mine:
        expected = CANCELLED if order in matched else WAITING
        assert order.status is expected
        assert order.canceled_at == (LATER if order in matched else 0)


def test_nothing_to_cancel_is_1051_and_changes_nothing() -> None:
    ex = make_exchange()
    four_kinds(ex, uid=BOB)
    four_kinds(ex, code=ETH)
    buy(ex, ALICE, 1, 59000)  # an ordinary order is not a trigger order
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW)
    assert info.value.code == ErrorCode.NO_ORDERS_TO_CANCEL
    assert info.value.message() == "No orders to cancel."
    assert full_snapshot(ex) == before


def test_a_filter_that_matches_nothing_is_1051_too() -> None:
    ex = make_exchange()
    buy_open = place_trigger(ex, ALICE, GE, "61000", BUY, 1, "61000")
    with pytest.raises(HtxError) as info:
        ex.cancel_all_strategy(cancel_all_cmd(ALICE, SELL), NOW)
    assert info.value.code == ErrorCode.NO_ORDERS_TO_CANCEL
    with pytest.raises(HtxError):
        ex.cancel_all_strategy(cancel_all_cmd(ALICE, BUY, CLOSE), NOW)
    assert buy_open.status is WAITING


def test_once_everything_is_cancelled_or_fired_it_is_1051() -> None:
    ex = make_exchange()
    fired = place_trigger(ex, ALICE, GE, "60000", BUY, 1, "59000")
    sell(ex, BOB, 1, 60000)
    buy(ex, UID(3), 1, 60000)
    assert fired.status is StrategyStatus.PLACED
    four_kinds(ex)
    ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW)
    with pytest.raises(HtxError) as info:
        ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW)
    assert info.value.code == ErrorCode.NO_ORDERS_TO_CANCEL


def test_never_another_uids_or_another_contracts() -> None:
    ex = make_exchange()
    mine = four_kinds(ex)
    bobs = four_kinds(ex, uid=BOB)
    eth = four_kinds(ex, code=ETH)
    reply = ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW).reply
    assert reply.successes == [str(o.order_id) for o in mine]
    assert all(o.status is WAITING for o in bobs + eth)


def test_in_settlement_it_is_refused_suspended_it_is_not() -> None:
    ex = make_exchange()
    mine = four_kinds(ex)
    set_status(ex, ContractStatus.IN_SETTLEMENT)
    with pytest.raises(HtxError) as info:
        ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW)
    assert info.value.code == ErrorCode.IN_SETTLEMENT
    assert all(o.status is WAITING for o in mine)
    set_status(ex, ContractStatus.SUSPENSION)
    assert len(ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW).reply.successes) == 4


def test_swap_cancelall_leaves_trigger_orders_alone() -> None:
    ex = make_exchange()
    mine = four_kinds(ex)
    resting = buy(ex, ALICE, 1, 59000)
    reply = ex.cancel_all(CancelAll(ALICE, BTC), NOW).reply
    assert reply.successes == [str(resting.order_id)]
    assert all(o.status is WAITING for o in mine)
    with pytest.raises(HtxError) as info:  # only trigger orders left: nothing for it to cancel
        ex.cancel_all(CancelAll(ALICE, BTC), NOW)
    assert info.value.code == ErrorCode.NO_ORDERS_TO_CANCEL


def test_trigger_cancel_all_leaves_ordinary_orders_alone() -> None:
    ex = make_exchange()
    four_kinds(ex)
    resting = buy(ex, ALICE, 1, 59000)
    ex.cancel_all_strategy(cancel_all_cmd(ALICE), NOW)
    assert ex.open_orders(ALICE, BTC) == [resting]


def test_the_dead_mans_switch_leaves_trigger_orders_alone() -> None:
    ex = make_exchange()
    mine = four_kinds(ex) + four_kinds(ex, code=ETH)
    resting = buy(ex, ALICE, 1, 59000)
    ex.execute(CancelAfter(ALICE, True, 5_000), NOW)
    outcome = ex.execute(Tick(), Millis(NOW + 5_000))
    assert outcome.error is None and ex.open_orders(ALICE) == []
    assert resting.status.is_final
    assert all(o.status is WAITING for o in mine)
    assert changed_ids(outcome.events) == []


# -- cost -----------------------------------------------------------------------------------

OTHER_UIDS = tuple(UID(100 + i) for i in range(100))
OTHERS_EACH = 100  # 10,000 trigger orders of other UIDs on BTC-USD


class WalkedError(AssertionError):
    """The cancel-all walked something other than the caller's own trigger orders."""


def _refuse(*_: object, **__: object) -> NoReturn:
    raise WalkedError("walked a table the cancel has no business in")


class NoIteration(dict[Any, Any]):
    """Keyed access only: any walk over the contents fails."""

    __iter__ = _refuse
    keys = _refuse
    values = _refuse
    items = _refuse


class Untouchable(NoIteration):
    """Another UID's index: not even looked into."""

    __getitem__ = _refuse
    __contains__ = _refuse
    __len__ = _refuse
    __delitem__ = _refuse
    get = _refuse
    pop = _refuse


class Counting(dict[OrderId, StrategyOrder]):
    """The caller's own trigger orders on the contract, counting what a walk yields."""

    looked_at = 0

    def values(self) -> Iterator[StrategyOrder]:  # type: ignore[override]
        for order in dict.values(self):
            self.looked_at += 1
            yield order

    def __iter__(self) -> Iterator[OrderId]:
        for key in dict.__iter__(self):
            self.looked_at += 1
            yield key


def crowded() -> tuple[Exchange, list[StrategyOrder]]:
    ex = make_exchange(users=(ALICE, *OTHER_UIDS))
    ex.state.strategies.limits = StrategyLimits(per_contract=OTHERS_EACH, platform=OTHERS_EACH)
    for uid in OTHER_UIDS:
        for i in range(OTHERS_EACH):
            place_trigger(ex, uid, GE, str(61000 + i), BUY, 1, "61000")
    return ex, four_kinds(ex)


@contextmanager
def guarded(ex: Exchange, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counting]:
    """For the body of the `with`: the trigger books cannot be walked, the order table only
    read by key, other owners' indexes not even looked into; yields Alice's counting index.
    Afterwards the tables are plain dicts again, with whatever the body changed in them."""
    strategies = ex.state.strategies
    key = (ALICE, BTC, TRIGGER)
    owners = strategies.by_owner
    counting = Counting(owners[key])
    with monkeypatch.context() as patch:
        patch.setattr(TriggerBook, "crossed", _refuse)
        patch.setattr(TriggerBook, "_compact", _refuse)
        strategies.by_owner = NoIteration(
            {k: (counting if k == key else Untouchable(v)) for k, v in owners.items()}
        )
        strategies.orders = NoIteration(strategies.orders)
        try:
            yield counting
        finally:
            strategies.by_owner = {
                k: dict(dict.items(v)) for k, v in dict.items(strategies.by_owner)
            }
            strategies.orders = dict(dict.items(strategies.orders))


def untouched_others(ex: Exchange) -> bool:
    others = [o for o in ex.state.strategies.orders.values() if o.uid != ALICE]
    assert len(others) == len(OTHER_UIDS) * OTHERS_EACH
    return all(o.status is WAITING and o.update_time == NOW for o in others)


@pytest.mark.parametrize("direction", [None, SELL])
def test_it_looks_only_at_the_callers_own_orders(
    direction: Direction | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ex, mine = crowded()
    strategies = ex.state.strategies
    assert len(strategies.books[BTC]) == len(OTHER_UIDS) * OTHERS_EACH + len(mine)
    with guarded(ex, monkeypatch) as counting:
        applied = ex.cancel_all_strategy(cancel_all_cmd(ALICE, direction), LATER)
    assert counting.looked_at == len(mine)  # whatever the filter keeps
    expected = [o for o in mine if direction is None or o.direction is direction]
    assert applied.reply.successes == [str(o.order_id) for o in expected]
    assert untouched_others(ex)
    assert strategies.open_count(ALICE, BTC, TRIGGER) == len(mine) - len(expected)


def test_cancel_by_id_walks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    ex, mine = crowded()
    ids = [mine[2].order_id, mine[0].order_id]
    with guarded(ex, monkeypatch) as counting:
        applied = ex.cancel_strategy_orders(cancel_ids(ALICE, *ids), LATER)
    assert counting.looked_at == 0
    assert applied.reply.successes == [str(i) for i in ids]
    assert untouched_others(ex)
