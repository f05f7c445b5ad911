"""The single-writer engine: outcomes after commits, group commit, a failing commit, stop, the
dead man's switch firing by itself, and queries ordered after commits.

The store here is a MemoryStore behind a gate the test controls: a commit can be held until the
test releases it, or made to fail. Waits are on events with generous timeouts (a safety net, never
an assertion about time).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain import exchange as exchange_module
from htx_sandbox.domain.commands import (
    CancelAfter,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    PlaceTriggerOrder,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.restore import Snapshot
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyPriceType,
    StrategyStatus,
    TriggerType,
)
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
from tests.invariants import (
    check_book_uncrossed_and_levels,
    check_coin_conservation,
    check_fill_volumes_agree_with_status,
    check_finished_queue,
    check_frozen_margin_matches_open_orders,
    check_long_equals_short,
    check_open_orders_rest_in_book_and_index,
    check_position_frozen_matches_close_orders,
)

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
    down: bool = False
    """While set, commits and recovery probes fail (a disk that stays full)."""
    refuse_uid: UID | None = None
    """A commit holding this new user fails as a driver refuses bad data (not an outage)."""
    probes: int = 0
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
        if self.down or (self.fail_from_call is not None and call == self.fail_from_call):
            raise SimulatedDiskError("disk full (simulated)")
        if self.refuse_uid is not None and self.refuse_uid in changes.users:
            raise OverflowError("Python int too large to convert to SQLite INTEGER (simulated)")
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

    def recover(self) -> None:
        with self._cond:
            self.probes += 1
            self._cond.notify_all()
        if self.down:
            raise SimulatedDiskError("disk still full (simulated)")

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


def sell(uid: UID, price: str, volume: int = 1) -> PlaceOrder:
    return PlaceOrder(
        uid, BTC, Direction.SELL, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )


def place(uid: UID, price: str, volume: int = 1) -> PlaceOrder:
    return PlaceOrder(
        uid, BTC, Direction.BUY, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )


def rise_to(uid: UID, price: str) -> PlaceTriggerOrder:
    """A trigger order buying 1 at `price` once the last price reaches it."""
    return PlaceTriggerOrder(
        uid, BTC, TriggerType.GE, Decimal(price), Direction.BUY, Offset.OPEN, 1,
        StrategyPriceType.LIMIT, Decimal(price), 10,
    )  # fmt: skip


def ok(outcome: Outcome) -> Outcome:
    assert outcome.error is None, outcome.error
    return outcome


def wait_for(predicate: Callable[[], bool]) -> bool:
    """Poll (a safety net with a generous limit, never an assertion about time)."""
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


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


def test_a_failing_commit_answers_its_batch_1004_and_the_engine_serves_on(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.hold()
    committed = engine.submit(Deposit(A, "BTC", Decimal(1)))
    assert h.store.entered.wait(WAIT_S)
    # Queued behind the held commit: these form the next batch, whose commit will fail.
    doomed = [
        engine.submit(place(A, "50000")),
        engine.submit(OpenUser(B)),
        engine.submit(Deposit(A, "BTC", Decimal(5))),
    ]
    seen = engine.query(lambda ex: (len(ex.open_orders(A)), set(ex.state.users)))
    h.store.fail_next()
    h.store.release()
    ok(committed.result(WAIT_S))
    for future in doomed:
        outcome = future.result(WAIT_S)
        assert outcome.error is not None and outcome.error.code == ErrorCode.SYSTEM_BUSY
    # The read of the same batch already sees memory as of the last commit.
    assert seen.result(WAIT_S) == (0, {A})
    assert engine.running and engine.failure is None
    # The store works again (one failure only): the next probe finds it, writes resume.
    assert h.store.wait_until(lambda: h.store.probes >= 1)
    assert wait_for(lambda: engine.health.store_available)
    ok(engine.execute(Deposit(A, "BTC", Decimal(2))))
    for exchange in (engine.query(lambda ex: ex).result(WAIT_S), h.restarted()):
        assert exchange.state.users == {A}
        assert exchange.account(A, "BTC").margin_static == 13
        assert exchange.state.orders == {}


def test_writes_answer_1004_while_the_store_is_down_and_resume_by_themselves(
    h: Harness,
) -> None:
    engine = h.engine()
    fund(engine, A)
    ok(engine.execute(place(A, "50000")))
    h.store.down = True
    failed = engine.execute(Deposit(A, "BTC", Decimal(1)))
    assert failed.error is not None and failed.error.code == ErrorCode.SYSTEM_BUSY
    health = engine.health
    assert not health.store_available and health.memory_current
    assert health.since == T0 and health.last_error is not None
    assert "disk" in health.last_error
    # Writes are refused without being applied, probes keep failing, reads are served.
    assert h.store.wait_until(lambda: h.store.probes >= 2)
    refused = engine.execute(place(A, "49000"))
    assert refused.error is not None and refused.error.code == ErrorCode.SYSTEM_BUSY
    assert engine.query(lambda ex: len(ex.open_orders(A))).result(WAIT_S) == 1
    calls = h.store.calls
    h.store.down = False
    assert wait_for(lambda: engine.health.store_available)
    assert h.store.calls == calls, "refused writes never reached the store"
    ok(engine.execute(place(A, "49000")))
    restarted = h.restarted()
    assert len(restarted.open_orders(A)) == 2
    assert restarted.account(A, "BTC").margin_static == 10
    assert engine.health.store_failures == 1


def test_failing_first_commit_of_a_lone_command(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.fail_next()
    outcome = engine.execute(CreateApiKey("ak-lost", "sk", A, frozenset({"read"})))
    assert outcome.error is not None and outcome.error.code == ErrorCode.SYSTEM_BUSY
    assert engine.api_keys.get("ak-lost") is None
    assert engine.running


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


# -- a poisoned command ----------------------------------------------------------------------

POISON = Decimal(13)
"""The deposit the poisoned dispatch applies and then raises after."""


@pytest.fixture
def poisoned_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exchange._dispatch with a bug: a deposit of POISON is applied, then raises, as a bug
    in the middle of a command would after it has changed state."""
    real = Exchange._dispatch

    def dispatch(self: Exchange, command: Command, now: Millis) -> Any:
        applied = real(self, command, now)
        if isinstance(command, Deposit) and command.amount == POISON:
            raise ZeroDivisionError("a bug after the state changed")
        return applied

    monkeypatch.setattr(Exchange, "_dispatch", dispatch)


def check_invariants(exchange: Exchange, deposits: dict[str, Decimal]) -> None:
    state = exchange.state
    check_coin_conservation(state, deposits)
    check_fill_volumes_agree_with_status(state)
    check_open_orders_rest_in_book_and_index(state)
    check_finished_queue(state)
    check_frozen_margin_matches_open_orders(state)
    check_position_frozen_matches_close_orders(state)
    check_long_equals_short(state)
    check_book_uncrossed_and_levels(state)


@pytest.mark.usefixtures("poisoned_dispatch")
def test_a_poisoned_command_is_refused_alone_and_its_batch_is_applied_again(
    h: Harness,
) -> None:
    engine = h.engine()
    fund(engine, A, B)
    ok(engine.execute(place(B, "50000")))
    h.store.hold()
    held = engine.submit(Deposit(A, "BTC", Decimal(1)))
    assert h.store.entered.wait(WAIT_S)
    # One batch: an order that trades, the poisoned deposit, then more work after it.
    before = engine.submit(sell(A, "50000"))
    poisoned = engine.submit(Deposit(A, "BTC", POISON))
    after = [engine.submit(OpenUser(UID(3))), engine.submit(place(A, "49000"))]
    h.store.release()
    ok(held.result(WAIT_S))
    refused = poisoned.result(WAIT_S)
    assert refused.error is not None and refused.error.code == ErrorCode.SYSTEM_ERROR
    placed = ok(before.result(WAIT_S))
    assert isinstance(placed.reply, OrderPlaced)
    for future in after:
        ok(future.result(WAIT_S))
    assert engine.running and engine.health.refused_commands == 1
    ok(engine.execute(Deposit(A, "BTC", Decimal(2))))  # and it keeps serving
    for exchange in (engine.query(lambda ex: ex).result(WAIT_S), h.restarted()):
        check_invariants(exchange, {"BTC": Decimal(10 + 10 + 1 + 2)})  # never the 13
        assert exchange.state.users == {A, B, UID(3)}
        # 10 + 1 + 2, never the poisoned 13, less the fee of the fill.
        account = exchange.state.accounts[(A, "BTC")]
        assert account.deposited == 13 and account.margin_static < 13
        assert exchange.order(placed.reply.order_id) is not None
        assert len(exchange.open_orders(A)) == 1


def test_a_timer_that_raises_is_dropped_and_time_passes_again(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = h.engine()
    fund(engine, A)
    placed = ok(engine.execute(place(A, "50000")))
    assert isinstance(placed.reply, OrderPlaced)
    ok(engine.execute(CancelAfter(A, on=True, time_out=5000)))

    def fire(*args: object) -> None:
        raise ZeroDivisionError("a bug in the switch")

    monkeypatch.setattr(exchange_module, "fire", fire)
    h.clock.advance(6000)
    # The command that lets the due switch run is served; the switch is dropped, not run.
    ok(engine.execute(OpenUser(B)))
    assert engine.running and engine.health.dropped_timers == 1
    assert engine.health.refused_commands == 0
    open_ids = engine.query(lambda ex: [o.order_id for o in ex.open_orders(A)]).result(WAIT_S)
    assert open_ids == [placed.reply.order_id]
    # Nothing is due any more but the funding clock's next premium sample.
    due, sample = engine.query(lambda ex: (ex.next_due(), ex.state.next_sample)).result(WAIT_S)
    assert due == sample and due is not None and due > h.clock.now()
    ok(engine.execute(Deposit(B, "BTC", Decimal(1))))


def test_a_commit_refused_for_one_commands_data_refuses_that_command_alone(h: Harness) -> None:
    engine = h.engine()
    fund(engine, A)
    h.store.refuse_uid = UID(13)
    h.store.hold()
    held = engine.submit(Deposit(A, "BTC", Decimal(1)))
    assert h.store.entered.wait(WAIT_S)
    batch = [engine.submit(OpenUser(UID(n))) for n in (11, 13, 12)]
    h.store.release()
    ok(held.result(WAIT_S))
    first, refused, last = (future.result(WAIT_S) for future in batch)
    ok(first)
    ok(last)
    assert refused.error is not None and refused.error.code == ErrorCode.SYSTEM_ERROR
    # The store itself works: it is not reported down, and writes go on.
    assert engine.health.store_available and engine.health.refused_commands == 1
    ok(engine.execute(Deposit(A, "BTC", Decimal(1))))
    assert h.restarted().state.users == {A, UID(11), UID(12)}


def test_a_raising_timer_after_a_healthy_one_leaves_the_healthy_one_to_run(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = h.engine()
    fund(engine, A, B)
    ok(engine.execute(place(A, "50000")))
    kept = ok(engine.execute(place(B, "49000")))
    assert isinstance(kept.reply, OrderPlaced)
    ok(engine.execute(CancelAfter(A, on=True, time_out=5000)))
    h.clock.advance(1000)
    ok(engine.execute(CancelAfter(B, on=True, time_out=5000)))
    real = exchange_module.fire

    def fire(state: Any, uid: UID, trigger: Millis) -> None:
        if uid == B:
            raise ZeroDivisionError("a bug in B's switch")
        real(state, uid, trigger)

    monkeypatch.setattr(exchange_module, "fire", fire)
    h.clock.advance(10_000)  # both switches are due: A's first, then B's
    ok(engine.execute(OpenUser(UID(3))))
    assert engine.health.dropped_timers == 1 and engine.health.refused_commands == 0
    orders = engine.query(lambda ex: (ex.open_orders(A), ex.open_orders(B))).result(WAIT_S)
    assert orders[0] == []  # A's switch ran
    assert [o.order_id for o in orders[1]] == [kept.reply.order_id]  # B's was dropped
    ok(engine.execute(Deposit(B, "BTC", Decimal(1))))


@pytest.mark.usefixtures("poisoned_dispatch")
def test_a_poisoned_command_reloads_trigger_orders_still_waiting_in_their_book(
    h: Harness,
) -> None:
    engine = h.engine()
    fund(engine, A, B, UID(3))
    first = ok(engine.execute(rise_to(A, "50100"))).reply
    assert isinstance(first, OrderPlaced)
    h.store.hold()
    held = engine.submit(Deposit(A, "BTC", Decimal(1)))
    assert h.store.entered.wait(WAIT_S)
    # One batch: a trigger order, the poisoned deposit, another trigger order.
    before = engine.submit(rise_to(A, "50100"))
    poisoned = engine.submit(Deposit(A, "BTC", POISON))
    after = engine.submit(rise_to(B, "50200"))
    h.store.release()
    ok(held.result(WAIT_S))
    assert poisoned.result(WAIT_S).error is not None
    second, third = (ok(f.result(WAIT_S)).reply for f in (before, after))
    assert isinstance(second, OrderPlaced) and isinstance(third, OrderPlaced)
    assert engine.health.refused_commands == 1
    ids = {first.order_id, second.order_id, third.order_id}
    for exchange in (engine.query(lambda ex: ex).result(WAIT_S), h.restarted()):
        strategies = exchange.state.strategies
        assert set(strategies.orders) == ids
        assert {o.status for o in strategies.orders.values()} == {StrategyStatus.WAITING}
        assert set(strategies.books[BTC].live) == ids
        assert set(strategies.owned(A, BTC, StrategyKind.TRIGGER)) == ids - {third.order_id}
    # They still fire, each once: trades at 50100 fire A's two, not B's at 50200.
    ok(engine.execute(sell(B, "50100", 2)))
    ok(engine.execute(place(UID(3), "50100", 2)))
    fired = engine.query(
        lambda ex: sorted(
            (o.order_id, o.status, o.relation_order_id) for o in ex.state.strategies.orders.values()
        )
    ).result(WAIT_S)
    assert [(i, s) for i, s, _ in fired] == [
        (first.order_id, StrategyStatus.PLACED),
        (second.order_id, StrategyStatus.PLACED),
        (third.order_id, StrategyStatus.WAITING),
    ]
    children = engine.query(
        lambda ex: sorted(i for i, o in ex.state.orders.items() if o.order_source == "trigger")
    ).result(WAIT_S)
    assert children == sorted(r for _, _, r in fired if r is not None)
    assert len(children) == 2
