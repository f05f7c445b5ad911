"""Engine.subscribe_batches: a listener gets each committed batch with what its each_command
took after every command; subscribing while a batch is applied, or a failing each_command,
never stops the engine or refuses a command."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser
from htx_sandbox.domain.events import Deposited, Event
from htx_sandbox.domain.types import UID
from htx_sandbox.service.bars import SeriesBar
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.memory import MemoryStore
from tests.batches import one_batch

UID1 = UID(1)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine(MemoryStore(), ManualClock())
    engine.start()
    assert engine.execute(OpenUser(UID1)).error is None
    try:
        yield engine
    finally:
        engine.stop()


def deposit(amount: int) -> Deposit:
    return Deposit(UID1, "BTC", Decimal(amount))


def amounts(events: list[Event]) -> list[Decimal]:
    return [e.amount for e in events if isinstance(e, Deposited)]


class Listener:
    def __init__(self) -> None:
        self.batches: list[tuple[list[list[Decimal]], list[object]]] = []

    def __call__(
        self, commands: list[list[Event]], bars: list[SeriesBar], taken: list[Any]
    ) -> None:
        self.batches.append(([amounts(events) for events in commands], taken))


def test_each_command_values_reach_the_listener_with_their_batch(engine: Engine) -> None:
    listener = Listener()
    engine.subscribe_batches(listener, lambda events: amounts(events) or None)
    assert all(o.error is None for o in one_batch(engine, deposit(1), deposit(2)))
    assert listener.batches[-1] == ([[Decimal(1)], [Decimal(2)]], [[Decimal(1)], [Decimal(2)]])


def test_a_listener_subscribed_while_a_batch_is_applied_starts_with_the_next(
    engine: Engine,
) -> None:
    late = Listener()

    def subscribe_late(events: list[Event]) -> None:
        if not late.batches and amounts(events) == [Decimal(1)]:
            engine.subscribe_batches(late, lambda events: "taken")

    engine.subscribe_batches(Listener(), subscribe_late)
    assert all(o.error is None for o in one_batch(engine, deposit(1), deposit(2)))
    assert engine.execute(deposit(3)).error is None  # the engine runs on
    assert [b for b in late.batches if b[0]] == [([[Decimal(3)]], ["taken"])]


def test_a_failing_each_command_refuses_no_command(engine: Engine) -> None:
    listener = Listener()

    def broken(events: list[Event]) -> object:
        if amounts(events) == [Decimal(2)]:
            raise RuntimeError("a listener's bug")
        return "ok"

    engine.subscribe_batches(listener, broken)
    outcomes = one_batch(engine, deposit(1), deposit(2), deposit(3))
    assert [o.error for o in outcomes] == [None, None, None]
    assert listener.batches[-1] == ([[Decimal(1)], [Decimal(2)], [Decimal(3)]], ["ok", "ok"])


class RefusingStore(MemoryStore):
    """Refuses its next commit as a store refuses data (not an outage)."""

    refuse_next = False

    def commit(self, changes: Any) -> None:
        if self.refuse_next:
            self.refuse_next = False
            raise ValueError("a row the store refuses")
        super().commit(changes)


def test_a_batch_whose_commit_fails_delivers_nothing_it_took() -> None:
    store = RefusingStore()
    engine = Engine(store, ManualClock())
    engine.start()
    try:
        assert engine.execute(OpenUser(UID1)).error is None
        listener = Listener()
        engine.subscribe_batches(listener, lambda events: amounts(events) or None)
        store.refuse_next = True
        outcomes = one_batch(engine, deposit(1), deposit(2), deposit(3))
        # The batch is rolled back and its commands committed one by one: each is taken and
        # delivered once, with its own commit, never with the failed batch's.
        assert [o.error for o in outcomes] == [None, None, None]
        delivered = [b for b in listener.batches if b[0]]
        assert delivered == [([[Decimal(a)]], [[Decimal(a)]]) for a in (1, 2, 3)]
    finally:
        engine.stop()
