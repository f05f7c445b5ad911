"""The single-writer engine: outcomes after commits, group commit, a failing commit, stop, the
dead man's switch firing by itself, and queries ordered after commits.

The store here is a MemoryStore behind a gate the test controls: a commit can be held until the
test releases it, or made to fail. Waits are on events with generous timeouts (a safety net, never
an assertion about time).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceOrder,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.restore import Snapshot
from htx_sandbox.domain.types import (
    UID,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
)
from htx_sandbox.service.api_keys import CreateApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine, EngineSettings, EngineStoppedError
from htx_sandbox.service.ports import ChangeSet
from htx_sandbox.storage.memory import MemoryStore

T0 = 1_764_000_000_000
WAIT_S = 10.0
A, B = UID(1), UID(2)
BTC = "BTC-USD"


class SimulatedDiskError(OSError):
    pass


@dataclass
class GatedStore:
    """A MemoryStore behind a gate: counts commits and the commands each covered, can hold
    commits until released, and can fail commits from a given call on."""

    inner: MemoryStore = field(default_factory=MemoryStore)
    sizes: list[int] = field(default_factory=list)
    """changes.commands of each successful commit, in order."""
    calls: int = 0
    entered: threading.Event = field(default_factory=threading.Event)
    fail_from_call: int | None = None
    _gate: threading.Event | None = None
    _cond: threading.Condition = field(default_factory=threading.Condition)

    # -- controls --------------------------------------------------------------------------

    def hold(self) -> None:
        """Commits from now on wait in commit() until release()."""
        self.entered.clear()
        self._gate = threading.Event()

    def release(self) -> None:
        gate, self._gate = self._gate, None
        assert gate is not None
        gate.set()

    def fail_next(self) -> None:
        """The next call to commit() (after any held one already in progress) raises."""
        self.fail_from_call = self.calls + 1

    def wait_until(self, predicate: Callable[[], bool]) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout=WAIT_S)

    # -- the Store protocol ----------------------------------------------------------------

    def commit(self, changes: ChangeSet) -> None:
        with self._cond:
            self.calls += 1
            call = self.calls
        gate = self._gate
        if gate is not None:
            self.entered.set()
            assert gate.wait(WAIT_S), "test never released the commit"
        if self.fail_from_call is not None and call >= self.fail_from_call:
            raise SimulatedDiskError("disk full (simulated)")
        self.inner.commit(changes)
        with self._cond:
            self.sizes.append(changes.commands)
            self._cond.notify_all()

    def load(self, now: Millis, *, retention_ms: int, client_id_window_ms: int) -> Snapshot | None:
        return self.inner.load(
            now, retention_ms=retention_ms, client_id_window_ms=client_id_window_ms
        )

    def order(self, order_id: int) -> Order | None:
        return self.inner.order(order_id)

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        """Every other read of the Store port goes straight to the memory store."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.inner, name)


@dataclass
class Harness:
    store: GatedStore = field(default_factory=GatedStore)
    clock: ManualClock = field(default_factory=lambda: ManualClock(T0))
    engines: list[Engine] = field(default_factory=list)

    def engine(self, settings: EngineSettings | None = None) -> Engine:
        engine = Engine(self.store, self.clock, settings=settings or EngineSettings())
        self.engines.append(engine)
        engine.start()
        return engine

    def restarted(self) -> Exchange:
        """What a restart from the committed data shows (the inner store, no gate)."""
        return Engine(self.store.inner, self.clock).exchange


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = Harness()
    try:
        yield harness
    finally:
        if harness.store._gate is not None:
            harness.store.release()
        for engine in harness.engines:
            engine.stop()


def place(uid: UID, price: str, volume: int = 1) -> PlaceOrder:
    return PlaceOrder(
        uid, BTC, Direction.BUY, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )


def ok(outcome: Outcome) -> Outcome:
    assert outcome.error is None, outcome.error
    return outcome


def fund(engine: Engine, *uids: UID) -> None:
    for uid in uids:
        ok(engine.execute(OpenUser(uid)))
        ok(engine.execute(Deposit(uid, "BTC", Decimal(10))))


# -- outcomes wait for their commit ----------------------------------------------------------


def test_outcome_is_released_only_after_its_commit(h: Harness) -> None:
    engine = h.engine()
    h.store.hold()
    future = engine.submit(OpenUser(A))
    assert h.store.entered.wait(WAIT_S)
    # The command is applied and its commit is in progress, but not done: no outcome yet.
    assert not future.done()
    assert A not in h.store.inner.users
    h.store.release()
    ok(future.result(WAIT_S))
    assert A in h.store.inner.users


def test_async_outcome_is_released_only_after_its_commit(h: Harness) -> None:
    engine = h.engine()
    h.store.hold()

    async def scenario() -> Outcome:
        task = asyncio.ensure_future(engine.execute_async(OpenUser(A)))
        entered = await asyncio.to_thread(h.store.entered.wait, WAIT_S)
        assert entered
        await asyncio.sleep(0)
        assert not task.done()
        h.store.release()
        return await asyncio.wait_for(task, WAIT_S)

    ok(asyncio.run(scenario()))
    assert A in h.store.inner.users


# -- group commit ----------------------------------------------------------------------------

THREADS = 8
PER_THREAD = 3  # open, deposit, place


def _submit_from_threads(engine: Engine) -> dict[UID, list[Future[Outcome]]]:
    """THREADS threads, each submitting its own UID's open/deposit/place, all at once."""
    barrier = threading.Barrier(THREADS)
    futures: dict[UID, list[Future[Outcome]]] = {}

    def worker(uid: UID) -> None:
        barrier.wait(WAIT_S)
        commands: list[Command] = [
            OpenUser(uid),
            Deposit(uid, "BTC", Decimal(uid)),
            place(uid, f"{50000 + uid}"),
        ]
        futures[uid] = [engine.submit(command) for command in commands]

    threads = [threading.Thread(target=worker, args=(UID(10 + i),)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert len(futures) == THREADS
    return futures


def _check_outcomes(engine: Engine, futures: dict[UID, list[Future[Outcome]]]) -> None:
    for uid, (opened, deposited, placed) in futures.items():
        ok(opened.result(WAIT_S))
        ok(deposited.result(WAIT_S))
        reply = ok(placed.result(WAIT_S)).reply
        assert isinstance(reply, OrderPlaced)
        order = _order(engine, reply.order_id)
        assert order is not None and order.uid == uid and order.price == 50000 + uid
        assert _balance(engine, uid) == uid


def _order(engine: Engine, order_id: OrderId) -> Order | None:
    return engine.query(lambda ex: ex.order(order_id)).result(WAIT_S)


def _balance(engine: Engine, uid: UID) -> Decimal:
    return engine.query(lambda ex: ex.account(uid, "BTC").margin_static).result(WAIT_S)


def test_concurrent_commands_are_group_committed(h: Harness) -> None:
    engine = h.engine()
    start = len(h.store.sizes)
    h.store.hold()
    first = engine.submit(OpenUser(A))
    assert h.store.entered.wait(WAIT_S)  # the engine is inside commit(): the rest must queue
    futures = _submit_from_threads(engine)
    assert not any(f.done() for fs in futures.values() for f in fs)
    h.store.release()
    ok(first.result(WAIT_S))
    _check_outcomes(engine, futures)
    commands = 1 + THREADS * PER_THREAD
    sizes = h.store.sizes[start:]
    assert sum(sizes) == commands
    assert len(sizes) < commands
    assert sizes == [1, THREADS * PER_THREAD]  # everything that queued went in one commit
    restarted = h.restarted()
    assert restarted.state.users == {A} | set(futures)
    assert len(restarted.state.orders) == THREADS


def test_group_commit_off_commits_once_per_command(h: Harness) -> None:
    engine = h.engine(EngineSettings(group_commit=False))
    start = len(h.store.sizes)
    h.store.hold()
    first = engine.submit(OpenUser(A))
    assert h.store.entered.wait(WAIT_S)
    futures = _submit_from_threads(engine)
    h.store.release()
    ok(first.result(WAIT_S))
    _check_outcomes(engine, futures)
    assert h.store.sizes[start:] == [1] * (1 + THREADS * PER_THREAD)


def test_max_batch_caps_a_group(h: Harness) -> None:
    engine = h.engine(EngineSettings(max_batch=4))
    start = len(h.store.sizes)
    h.store.hold()
    first = engine.submit(OpenUser(A))
    assert h.store.entered.wait(WAIT_S)
    futures = [engine.submit(OpenUser(UID(100 + i))) for i in range(10)]
    h.store.release()
    ok(first.result(WAIT_S))
    for future in futures:
        ok(future.result(WAIT_S))
    assert h.store.sizes[start:] == [1, 4, 4, 2]


# -- a failing commit ------------------------------------------------------------------------


def test_failing_commit_stops_the_engine_and_keeps_nothing_of_its_batch(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.hold()
    committed = engine.submit(Deposit(A, "BTC", Decimal(1)))
    assert h.store.entered.wait(WAIT_S)
    # Queued behind the held commit: these form the next batch, whose commit will fail.
    doomed: list[Future[object]] = [
        engine.submit(place(A, "50000")),  # type: ignore[list-item]
        engine.submit(OpenUser(B)),  # type: ignore[list-item]
        engine.submit(Deposit(A, "BTC", Decimal(5))),  # type: ignore[list-item]
        engine.query(lambda ex: len(ex.open_orders(A))),
    ]
    h.store.fail_next()
    h.store.release()
    ok(committed.result(WAIT_S))
    for future in doomed:
        with pytest.raises(EngineStoppedError):
            future.result(WAIT_S)
    assert not engine.running
    with pytest.raises(EngineStoppedError):
        engine.submit(OpenUser(UID(9)))
    with pytest.raises(EngineStoppedError):
        engine.query(lambda ex: None)
    engine.stop()  # stopping a failed engine is harmless
    # Restarting from storage: the held batch is there, the failed one is not.
    restarted = h.restarted()
    assert restarted.state.users == {A}
    assert restarted.account(A, "BTC").margin_static == 11
    assert restarted.state.orders == {}


def test_failing_first_commit_of_a_lone_command(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.fail_next()
    future = engine.submit(place(A, "50000"))
    with pytest.raises(EngineStoppedError) as caught:
        future.result(WAIT_S)
    assert "disk full" in str(caught.value)
    assert not engine.running
    assert h.restarted().state.orders == {}


# -- stop ------------------------------------------------------------------------------------


def test_stop_finishes_and_commits_everything_submitted(h: Harness) -> None:
    engine = h.engine()
    h.store.hold()
    first = engine.submit(OpenUser(A))
    assert h.store.entered.wait(WAIT_S)
    futures = [engine.submit(OpenUser(UID(100 + i))) for i in range(20)]
    futures += [engine.submit(Deposit(UID(100 + i), "BTC", Decimal(i + 1))) for i in range(20)]
    stopper = threading.Thread(target=engine.stop)
    stopper.start()
    h.store.release()
    stopper.join(WAIT_S)
    assert not stopper.is_alive()
    # stop() returned: every outcome is already there, and committed.
    assert first.done() and all(f.done() for f in futures)
    for future in [first, *futures]:
        ok(future.result(0))
    with pytest.raises(EngineStoppedError):
        engine.submit(OpenUser(UID(999)))
    restarted = h.restarted()
    assert restarted.state.users == {A} | {UID(100 + i) for i in range(20)}
    assert [restarted.account(UID(100 + i), "BTC").margin_static for i in range(20)] == [
        Decimal(i + 1) for i in range(20)
    ]


def test_stop_without_a_held_commit_commits_everything(h: Harness) -> None:
    engine = h.engine()
    futures = [engine.submit(OpenUser(UID(100 + i))) for i in range(50)]
    engine.stop()
    assert all(f.done() for f in futures)
    assert h.restarted().state.users == {UID(100 + i) for i in range(50)}


def test_submit_before_start_is_refused(h: Harness) -> None:
    engine = Engine(h.store, h.clock)
    with pytest.raises(EngineStoppedError):
        engine.submit(OpenUser(A))


# -- the dead man's switch fires by itself ---------------------------------------------------


def test_dead_mans_switch_fires_without_any_command(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A, B)
    reply = ok(engine.execute(place(A, "50000"))).reply
    other = ok(engine.execute(place(B, "50000"))).reply
    assert isinstance(reply, OrderPlaced) and isinstance(other, OrderPlaced)
    order_id: OrderId = reply.order_id
    ok(engine.execute(CancelAfter(A, True, 5000)))
    h.clock.advance(5000)  # due now; no command follows: the engine must wake on its own

    def cancelled() -> bool:
        stored = h.store.inner.order(order_id)
        return stored is not None and stored.status is OrderStatus.CANCELLED

    assert h.store.wait_until(cancelled), "the switch did not fire (or was not committed)"
    assert engine.query(lambda ex: ex.open_orders(A)).result(WAIT_S) == []
    assert engine.query(lambda ex: A in ex.state.cancel_after).result(WAIT_S) is False
    still = engine.query(lambda ex: ex.order(other.order_id)).result(WAIT_S)
    assert still is not None and still.status is OrderStatus.SUBMITTED
    stored = h.store.inner.order(order_id)
    assert stored is not None and stored.canceled_at == T0 + 5000
    assert A not in h.store.inner.cancel_after


def test_switch_refreshed_in_time_does_not_fire(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    ok(engine.execute(place(A, "50000")))
    ok(engine.execute(CancelAfter(A, True, 5000)))
    h.clock.advance(4000)
    ok(engine.execute(CancelAfter(A, True, 5000)))  # refreshed: now due at T0 + 9000
    h.clock.advance(4000)
    # A later command's batch has run (and an idle tick may have): nothing fired at T0 + 8000.
    ok(engine.execute(OpenUser(B)))
    assert len(engine.query(lambda ex: ex.open_orders(A)).result(WAIT_S)) == 1


# -- queries ---------------------------------------------------------------------------------


def test_query_sees_the_state_after_the_commit_of_earlier_commands(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.hold()
    held = engine.submit(place(A, "50000"))
    assert h.store.entered.wait(WAIT_S)
    later = engine.submit(place(A, "50001"))

    def read(ex: Exchange) -> list[tuple[OrderId, bool]]:
        """Each open order of A, and whether the store already has it."""
        inner = h.store.inner
        return [(o.order_id, inner.order(o.order_id) is not None) for o in ex.open_orders(A)]

    seen = engine.query(read)
    assert not seen.done()
    h.store.release()
    result = seen.result(WAIT_S)
    assert later.done() and held.done()
    assert len(result) == 2 and all(stored for _, stored in result)


def test_a_failing_query_fails_alone(h: Harness) -> None:
    engine = h.engine()

    def broken(ex: Exchange) -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        engine.query(broken).result(WAIT_S)
    ok(engine.execute(OpenUser(A)))
    assert engine.running


def test_rejected_command_commits_nothing(h: Harness) -> None:
    engine = h.engine()
    start = h.store.calls
    outcome = engine.execute(place(A, "50000"))  # A was never opened
    assert outcome.error is not None and outcome.error.code == ErrorCode.CONTRACTS_NOT_OPENED
    assert engine.query(lambda ex: None).result(WAIT_S) is None
    assert h.store.calls == start


def test_an_api_key_authenticates_only_once_committed(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.hold()
    future = engine.submit(CreateApiKey("ak-held", "sk", A, frozenset({"read"})))
    assert h.store.entered.wait(WAIT_S)
    # Applied, commit in progress: a request signed with it must still be refused.
    assert engine.api_keys.get("ak-held") is None
    h.store.release()
    ok(future.result(WAIT_S))
    key = engine.api_keys.get("ak-held")
    assert key is not None and key.enabled


def test_an_api_key_of_a_failed_commit_never_takes_effect(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.fail_next()
    future = engine.submit(CreateApiKey("ak-lost", "sk", A, frozenset({"read"})))
    with pytest.raises(EngineStoppedError):
        future.result(WAIT_S)
    assert engine.api_keys.get("ak-lost") is None


def test_a_failed_commit_is_reported_to_failure_callbacks(h: Harness) -> None:
    engine = h.engine()
    failures: list[BaseException] = []
    engine.on_failure(failures.append)
    h.store.fail_next()
    with pytest.raises(EngineStoppedError):
        engine.submit(OpenUser(A)).result(WAIT_S)
    assert len(failures) == 1 and isinstance(failures[0], SimulatedDiskError)
    assert engine.failure is failures[0]
