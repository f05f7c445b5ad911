"""The push hub: captures on the engine thread after each commit, deliveries on the event
loop in commit order; a feed's failure or a backlog closes subscribers, never the engine."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser
from htx_sandbox.domain.events import Deposited
from htx_sandbox.domain.types import UID
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.push import Batch, PushHub
from htx_sandbox.storage.memory import MemoryStore
from tests.batches import one_batch

DEADLINE_S = 10


class Recorder:
    each_command = False

    def __init__(self, hub: PushHub, *, fail_on: int | None = None) -> None:
        self.listening = True
        self.fail_on = fail_on
        self.captured_on: set[str] = set()
        self.delivered: list[Any] = []
        self.delivered_on: set[str] = set()
        self.lost_reasons: list[str] = []
        hub.attach(self)

    def wanted(self) -> bool:
        return self.listening

    def capture(self, batch: Batch) -> object | None:
        self.captured_on.add(threading.current_thread().name)
        amounts = [e.amount for e in batch.events if isinstance(e, Deposited)]
        if self.fail_on is not None and Decimal(self.fail_on) in amounts:
            raise RuntimeError("a feed's bug")
        return amounts or None

    def deliver(self, captured: object) -> None:
        self.delivered_on.add(threading.current_thread().name)
        self.delivered.append(captured)

    def lost(self, reason: str) -> None:
        self.lost_reasons.append(reason)


class Balances(Recorder):
    """A feed of every change: each command's deposits with the balance that command left."""

    each_command = True

    def capture(self, batch: Batch) -> object | None:
        amounts = super().capture(batch)
        if amounts is None:
            return None
        return amounts, batch.reads.account(UID(1), "BTC").margin_static


def deposits(delivered: Any) -> Any:
    """The amounts a Recorder or a Balances delivery carries."""
    return delivered[0] if isinstance(delivered, tuple) else delivered


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine(MemoryStore(), ManualClock())
    engine.start()
    engine.execute(OpenUser(UID(1)))
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


def deposit(engine: Engine, amount: int) -> None:
    assert engine.execute(Deposit(UID(1), "BTC", Decimal(amount))).error is None


def run_until(loop: asyncio.AbstractEventLoop, done: Callable[[], bool]) -> None:
    async def wait() -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not done():
            assert time.monotonic() < deadline, "not delivered"
            await asyncio.sleep(0.005)

    loop.run_until_complete(wait())


def test_captures_run_on_the_engine_thread_and_deliveries_on_the_loop_in_order(
    engine: Engine, loop: asyncio.AbstractEventLoop
) -> None:
    hub = PushHub(engine)
    feed = Recorder(hub)
    hub.bind(loop)
    for amount in range(1, 21):
        deposit(engine, amount)
    run_until(loop, lambda: sum(len(d) for d in feed.delivered) == 20)
    assert [a for d in feed.delivered for a in d] == [Decimal(a) for a in range(1, 21)]
    assert feed.captured_on == {"htx-engine"}
    assert feed.delivered_on == {threading.current_thread().name}


def test_a_feed_nobody_listens_to_captures_nothing(
    engine: Engine, loop: asyncio.AbstractEventLoop
) -> None:
    hub = PushHub(engine)
    idle, busy = Recorder(hub), Recorder(hub)
    idle.listening = False
    hub.bind(loop)
    deposit(engine, 1)
    run_until(loop, lambda: bool(busy.delivered))
    assert idle.captured_on == set() and idle.delivered == []


@pytest.mark.parametrize("each_command", [False, True], ids=["per batch", "per command"])
def test_a_failing_capture_closes_its_feeds_subscribers_only(
    engine: Engine, loop: asyncio.AbstractEventLoop, each_command: bool
) -> None:
    hub = PushHub(engine)
    kind = Balances if each_command else Recorder
    broken, healthy = kind(hub, fail_on=2), kind(hub)
    hub.bind(loop)
    if each_command:  # one batch: the failing capture costs its own command's push alone
        outcomes = one_batch(engine, *(Deposit(UID(1), "BTC", Decimal(a)) for a in (1, 2, 3)))
        assert all(o.error is None for o in outcomes)
    else:
        for amount in (1, 2, 3):
            deposit(engine, amount)  # the engine answers every one
    run_until(loop, lambda: len(healthy.delivered) == 3)
    assert broken.lost_reasons == ["server push failed"]
    assert [deposits(d) for d in broken.delivered] == [[Decimal(1)], [Decimal(3)]]
    assert healthy.lost_reasons == []


def test_a_backlog_over_the_bound_is_dropped_and_every_feed_told(
    engine: Engine, loop: asyncio.AbstractEventLoop
) -> None:
    hub = PushHub(engine, max_pending=3)
    feed = Recorder(hub)
    hub.bind(loop)  # the loop does not run while the engine commits: it falls behind
    for amount in range(1, 11):
        deposit(engine, amount)
    run_until(loop, lambda: bool(feed.lost_reasons))
    run_until(loop, lambda: not hub._pending)
    assert feed.lost_reasons == ["server push backlog overflowed"]
    assert hub.overflows == 1
    delivered = [a for d in feed.delivered for a in d]
    assert delivered == [Decimal(a) for a in range(11 - len(delivered), 11)]  # the newest
    assert len(delivered) <= 3


def test_prime_is_delivered_between_the_batches_around_it(
    engine: Engine, loop: asyncio.AbstractEventLoop
) -> None:
    hub = PushHub(engine)
    feed = Recorder(hub)
    hub.bind(loop)
    deposit(engine, 1)
    assert hub.prime(feed, lambda batch: "snapshot")
    engine.query(lambda exchange: None).result()  # the prime has run
    deposit(engine, 2)
    run_until(loop, lambda: len(feed.delivered) == 3)
    assert feed.delivered == [[Decimal(1)], "snapshot", [Decimal(2)]]


def test_nothing_is_captured_before_a_loop_is_bound(engine: Engine) -> None:
    hub = PushHub(engine)
    feed = Recorder(hub)
    deposit(engine, 1)
    engine.query(lambda exchange: None).result()
    assert feed.captured_on == set()


def test_an_each_command_feed_sees_the_state_each_command_left_in_one_batch(
    engine: Engine, loop: asyncio.AbstractEventLoop
) -> None:
    hub = PushHub(engine)
    changes, batches = Balances(hub), Recorder(hub)
    hub.bind(loop)
    deposit(engine, 100)
    run_until(loop, lambda: len(batches.delivered) == 1)
    commits = engine.commits
    outcomes = one_batch(engine, *(Deposit(UID(1), "BTC", Decimal(a)) for a in (1, 2, 3)))
    assert all(o.error is None for o in outcomes)
    assert engine.commits == commits + 1  # one batch, one commit
    run_until(loop, lambda: len(changes.delivered) == 4)
    # The batch feed sees the batch once; the each-command feed each deposit, with the balance
    # it left, not the batch's end state, in engine order and after the batch feed's earlier.
    assert batches.delivered[1:] == [[Decimal(1), Decimal(2), Decimal(3)]]
    assert changes.delivered == [
        ([Decimal(100)], Decimal(100)), ([Decimal(1)], Decimal(101)),
        ([Decimal(2)], Decimal(103)), ([Decimal(3)], Decimal(106)),
    ]  # fmt: skip
    assert changes.captured_on == {"htx-engine"}
