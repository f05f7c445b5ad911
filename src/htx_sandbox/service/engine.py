"""The single writer: one thread applies commands one at a time, in arrival order, and commits
their changes before anyone hears of them.

Commands that arrive while a commit is in flight queue up and are applied and committed together
(group commit), so the cost of a durable commit is shared by everything that waited for it. An
outcome is released only after its commit.

Nothing a command does can stop the engine. A command that raises anything but an HtxError is
refused alone (HTX's system error, 1000): memory goes back to the last commit, read again from
the store, and the rest of its batch is applied again; a timer that raises when due is dropped
instead, and the command that let time pass applied again. A commit that fails on the batch's
own data (the store itself still works) is retried command by command, so that only the
command it cannot store is refused. A commit the store cannot take (disk full, lost database:
StorageOutageError) is answered 1004 and memory goes back the same way; the engine then refuses
writes (1004) and keeps serving reads until a probe of the store succeeds (see service/health.py).
"""

from __future__ import annotations

import asyncio
import decimal
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from ..domain.commands import Command, Outcome, Tick
from ..domain.contracts import ContractRegistry
from ..domain.errors import ErrorCode, HtxError
from ..domain.events import Event
from ..domain.exchange import Exchange, Timer, TimerFailedError
from ..domain.money import MONEY_PRECISION
from ..domain.restore import Snapshot, restore
from ..domain.strategy_book import StrategyLimits
from ..domain.types import Millis
from . import journal
from .api_keys import ApiKeyCommand, ApiKeyRegistry, CreateApiKey, DisableApiKey
from .bars import SeriesBar
from .clock import Clock, ExchangeClock, SetClock
from .completion import Completion, LoopCompletion, LoopWaker
from .funding_series import SAMPLERS as FUNDING_SAMPLERS
from .health import Backoff, Health
from .journal import Start
from .ports import JournalEntry, StorageError, StorageOutageError, Store
from .runtime import SetCancelDelay
from .series_book import Sampler, SeriesBook
from .unit_of_work import UnitOfWork

T = TypeVar("T")
EngineCommand = Command | ApiKeyCommand | SetClock | SetCancelDelay
"""What the engine applies: the exchange's commands, and the service's own (keys, the clock)."""
log = logging.getLogger(__name__)
HOUR_MS = 3_600_000
IDLE_WAIT_S = 1.0
SETTLEMENT_FILLS_LIMIT = 1_000_000
"""At most this many fills of a settlement price's 10 minutes are read back on a restart."""


class EngineUnavailableError(RuntimeError):
    """The engine cannot answer this now; HTX's clients hear 1004 (system busy)."""


class EngineStoppedError(EngineUnavailableError):
    """The engine is not running (never started, stopped, or failed in its own loop)."""


class StoreUnavailableError(EngineUnavailableError):
    """A read while the store is down and memory could not be brought back to its last commit."""


class _PoisonedCommandError(Exception):
    """A command raised something other than an HtxError while being applied, or a timer did
    while the command advanced time."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


@dataclass(frozen=True, slots=True)
class _Rebuild:
    operation: Callable[[Store], Any]
    kind: str | None
    """"reset" or "restore": memory is rebuilt after the operation; None: it is not."""
    after: tuple[Command | ApiKeyCommand, ...] = ()


class RebuildError(RuntimeError):
    """A command applied right after a rebuild (a fixture) was refused."""


BatchListener = Callable[[list[list[Event]], list[SeriesBar], list[object]], None]
"""What `Engine.subscribe_batches` calls: each command's events, the bars, what was taken."""


@dataclass(frozen=True, slots=True)
class _BatchSubscription:
    listener: BatchListener
    each_command: Callable[[list[Event]], object | None] | None

    def take(self, events: list[Event], into: list[object]) -> None:
        """What `each_command` takes from the command just applied. Its bug costs what the
        listener gets from that command, never the command."""
        if self.each_command is None:
            return
        try:
            value = self.each_command(events)
        except Exception:
            log.exception("engine command listener %r failed", self.each_command)
            return
        if value is not None:
            into.append(value)


@dataclass(slots=True)
class _Job:
    command: EngineCommand | None
    query: Callable[[Exchange], Any] | None
    future: Completion
    rebuild: _Rebuild | None = None


@dataclass(frozen=True, slots=True)
class EngineSettings:
    cancel_delay_ms: int = 0
    strategy_limits: StrategyLimits = field(default_factory=StrategyLimits)
    """Open strategy orders per UID and kind: per contract and on all contracts."""
    retention_ms: int = 2 * HOUR_MS
    """Finished orders stay in memory this long (HTX keeps cancelled orders queryable 2 h)."""
    client_id_window_ms: int = 24 * HOUR_MS
    """A client_order_id cannot be reused within this window (1050)."""
    group_commit: bool = True
    max_batch: int = 1024
    settlement_window_ms: int = 0
    """How long trading halts for a funding settlement (status 5, 1056); 0: not at all."""


class Engine:
    """The single writer over a store. `contracts` seeds a new store only: a store that holds
    data keeps its own contract registry."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        contracts: ContractRegistry | None = None,
        settings: EngineSettings = EngineSettings(),
        samplers: Iterable[Sampler] = (),
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self._contracts = contracts
        self.series = SeriesBook()
        """The kline bars of trades, mark prices, open interest, the premium index and the
        estimated funding rate, kept with each commit; `samplers` add other sampled series."""
        for sampler in (*FUNDING_SAMPLERS, *samplers):
            self.series.add_sampler(sampler)
        self._journal_seq = 0
        """The number of the newest journal entry committed."""
        self._open(fresh=False, rebuilt=False)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[list[Event]], None]] = []
        self._batch_listeners: list[_BatchSubscription] = []
        self._wakers: dict[asyncio.AbstractEventLoop, LoopWaker] = {}
        self._failure: BaseException | None = None
        self._failure_callbacks: list[Callable[[BaseException], None]] = []
        self._stopping = False
        # Held while deciding to accept a job and while the engine stops or fails, so that no
        # job is ever queued after the last one the engine will answer.
        self._gate = threading.Lock()
        self.commits = 0
        self.health = Health()
        self._backoff = Backoff()
        self._dropped: set[Timer] = set()
        """Timers that raised when due: dropped again after every reload from the store."""
        self._rebuild_listeners: list[Callable[[str], None]] = []
        self._applied_at: list[Millis] = []
        """The exchange time each command of the batch being applied was applied at."""
        self._taken: list[tuple[_BatchSubscription, list[object]]] = []
        """The batch subscriptions as the batch being applied began, each with what its
        `each_command` took from it (one subscribed meanwhile waits for the next batch)."""

    def _open(self, *, fresh: bool, rebuilt: bool = True) -> None:
        """Memory from the store (a new exchange for a new store), and what a start commits:
        a new store's contracts and first samples, the funding clock if it never ran, the
        journal's Start when the journal begins here (a new store, or `fresh`: a reset one),
        and after a rebuild the exchange clock's setting (the clock runs on: a restart must
        find it where it is, not where the restored store had it)."""
        store, settings, now = self.store, self.settings, self.clock.now()
        snapshot = store.load(
            now,
            retention_ms=settings.retention_ms,
            client_id_window_ms=settings.client_id_window_ms,
        )
        if snapshot is None:
            self.exchange = Exchange(
                self._contracts,
                cancel_delay_ms=settings.cancel_delay_ms,
                strategy_limits=settings.strategy_limits,
                settlement_window_ms=settings.settlement_window_ms,
            )
            self.exchange.start_funding_clock(now)
        else:
            self.exchange = self._restore(snapshot)
        state = self.exchange.state
        self.series.load(store, state)
        self._journal_seq = store.last_journal_seq()
        first = UnitOfWork()
        if snapshot is None:
            first.include_contracts()
        elif self.exchange.start_funding_clock(now):  # a store written before funding
            first.include_funding()
        if rebuilt and isinstance(self.clock, ExchangeClock):
            first.record_clock(self.clock.setting)
        changes = first.changes(state)
        if snapshot is None:
            changes.bars = self.series.stage((), state, now)  # the first samples
        if self._journal_seq == 0 and (snapshot is None or fresh):
            start = Start(
                list(state.contracts),
                settings.cancel_delay_ms,
                settings.settlement_window_ms,
                settings.strategy_limits,
            )
            changes.journal = [journal.entry(1, now, start)]
        if snapshot is None or first.touched or changes.journal:
            store.commit(changes)
            self._journal_seq += len(changes.journal)
        self.series.committed()
        self.api_keys = ApiKeyRegistry({k.access_key: k for k in store.load_api_keys()})

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="htx-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish every command already submitted, commit it, then stop."""
        if self._thread is None:
            return
        with self._gate:
            self._stopping = True
            self._queue.put(None)
        self._thread.join()
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._failure is None and not self._stopping

    @property
    def failure(self) -> BaseException | None:
        """Why the engine stopped on its own, if it did."""
        return self._failure

    def subscribe(self, listener: Callable[[list[Event]], None]) -> None:
        """Call `listener` on the engine thread with each command's events, after their commit
        (market data, pushes). A listener must not block."""
        self._listeners = [*self._listeners, listener]  # replaced, never mutated: thread-safe

    def subscribe_batches(
        self,
        listener: BatchListener,
        each_command: Callable[[list[Event]], object | None] | None = None,
    ) -> None:
        """Call `listener` on the engine thread once per committed batch, after `subscribe`'s
        listeners, with each command's events (engine order), the kline bars the commit
        stored and what `each_command` took; memory then shows the batch's state (the pushes
        read it). `each_command` runs right after each command that had events, while memory
        shows the state that command left (an order a later command of the batch changes
        again): its values (those not None, in engine order) reach `listener` only once the
        batch is committed, and a batch that fails drops them. Neither may block."""
        self._batch_listeners = [*self._batch_listeners, _BatchSubscription(listener, each_command)]

    def on_rebuild(self, listener: Callable[[str], None]) -> None:
        """Call `listener` on the engine thread after memory was rebuilt from a store that
        changed under it ("reset" or "restore"), before any later command: whatever keeps its
        own copy of the exchange (market data, the price source, the maker, WebSocket
        sessions) starts over from it. A listener must not block."""
        self._rebuild_listeners = [*self._rebuild_listeners, listener]

    def on_failure(self, callback: Callable[[BaseException], None]) -> None:
        """Call `callback` (on the engine thread) if the engine stops on a failure."""
        self._failure_callbacks.append(callback)

    # -- submitting ------------------------------------------------------------------------

    def submit(self, command: EngineCommand) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        self._enqueue(_Job(command, None, future))
        return future

    def query(self, read: Callable[[Exchange], T]) -> Future[T]:
        """Run a read on the engine thread. It sees every command submitted before it, and
        possibly some submitted after it within the same batch, always after their commit."""
        future: Future[T] = Future()
        self._enqueue(_Job(None, read, future))
        return future

    def execute(self, command: EngineCommand) -> Outcome:
        return self.submit(command).result()

    def rebuild(
        self,
        operation: Callable[[Store], T],
        kind: str,
        after: Sequence[Command | ApiKeyCommand] = (),
    ) -> Future[T]:
        """Run `operation` on the store (one transaction: reset, restore a snapshot) once every
        command submitted before it is committed, then rebuild memory from the store, tell the
        rebuild listeners (`kind`) and apply the commands `after` (fixtures); nothing else is
        applied in between. Should the operation raise, nothing changed and the future holds
        its error; should a command of `after` be refused, it holds a RebuildError."""
        future: Future[T] = Future()
        self._enqueue(_Job(None, None, future, _Rebuild(operation, kind, tuple(after))))
        return future

    def in_turn(self, operation: Callable[[Store], T]) -> Future[T]:
        """Run `operation` on the store (saving a snapshot) once every command submitted
        before it is committed, with nothing applied meanwhile; memory is left as it is."""
        future: Future[T] = Future()
        self._enqueue(_Job(None, None, future, _Rebuild(operation, None)))
        return future

    # Plain functions returning the future to await, not coroutines: a coroutine level costs
    # every request on the signed hot path a frame and a resumption.
    def execute_async(self, command: EngineCommand) -> asyncio.Future[Outcome]:
        """Submit from a running event loop; await the result there."""
        return self._enqueue_async(command, None)

    def query_async(self, read: Callable[[Exchange], T]) -> asyncio.Future[T]:
        return self._enqueue_async(None, read)

    def _enqueue_async(
        self, command: EngineCommand | None, read: Callable[[Exchange], Any] | None
    ) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        waker = self._wakers.get(loop)
        if waker is None:
            waker = self._wakers[loop] = LoopWaker(loop)
        future: asyncio.Future[Any] = loop.create_future()
        self._enqueue(_Job(command, read, LoopCompletion(waker, future)))
        return future

    def _enqueue(self, job: _Job) -> Any:
        with self._gate:
            if not self.running:
                raise EngineStoppedError("the engine is not running") from self._failure
            self._queue.put(job)
        return job.future

    # -- the loop --------------------------------------------------------------------------

    def _run(self) -> None:
        # Coin amounts are exact on the 1e-18 grid only while sums keep every digit: the
        # default 28 digits would round balances above 10^10.
        decimal.setcontext(decimal.Context(prec=MONEY_PRECISION))
        stop = False
        batch: list[_Job | None] = []
        while not stop:
            try:
                batch = self._take_batch()
                stop = None in batch
                jobs = [job for job in batch if job is not None]
                # A rebuild ends the commands before it: they commit first, those after it
                # apply to the rebuilt memory.
                while jobs:
                    cut = next((i for i, j in enumerate(jobs) if j.rebuild is not None), None)
                    segment = jobs if cut is None else jobs[:cut]
                    if segment:
                        if self.health.store_available:
                            self._apply(segment)
                        else:
                            self._apply_unavailable(segment)
                    if cut is None:
                        break
                    self._run_rebuild(jobs[cut])
                    jobs = jobs[cut + 1 :]
            except BaseException as error:  # a bug of the loop itself, not of a command
                self._fail(error, batch)
                return

    def _take_batch(self) -> list[_Job | None]:
        batch = [self._next(self._wait_seconds())]
        if self.settings.group_commit:
            while len(batch) < self.settings.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
        return batch

    def _next(self, wait: float) -> _Job | None:
        try:
            return self._queue.get(timeout=wait)
        except queue.Empty:
            return _Job(Tick(), None, Future())

    def _wait_seconds(self) -> float:
        """Sleep until the next timer falls due (the switch, a delayed cancel), or the next
        probe of an unavailable store, at most 1 s."""
        if not self.health.store_available:
            return min(IDLE_WAIT_S, self._backoff.wait(time.monotonic()))
        due = self.exchange.next_due()
        if due is None:
            return IDLE_WAIT_S
        return min(IDLE_WAIT_S, max(0.0, self.clock.seconds_until(due)))

    # -- a rebuild -------------------------------------------------------------------------

    def _run_rebuild(self, job: _Job) -> None:
        """Run a rebuild job and answer its future (unless its caller gave up on it)."""
        try:
            result: Any = self._rebuilt(job)
        except Exception as error:
            if not job.future.done():
                job.future.set_exception(error)
            return
        if not job.future.done():
            job.future.set_result(result)

    def _rebuilt(self, job: _Job) -> Any:
        rebuild = job.rebuild
        assert rebuild is not None
        if not self.health.store_available:
            raise StoreUnavailableError("the store is unavailable")
        # One transaction: should it raise, the store is as it was, and so is memory.
        result = rebuild.operation(self.store)
        if rebuild.kind is None:
            return result
        try:
            self._open(fresh=rebuild.kind == "reset")
        except Exception as error:
            log.error("cannot rebuild memory from the store after a %s: %s", rebuild.kind, error)
            self.health = replace(self.health, memory_current=False, last_error=_one_line(error))
            self._store_down(error, [])
            raise StoreUnavailableError(f"the store is unavailable: {error}") from None
        self._dropped.clear()
        self.health = replace(self.health, memory_current=True)
        for listener in self._rebuild_listeners:
            try:
                listener(rebuild.kind)
            except Exception:  # memory is rebuilt already: a listener's bug is not the exchange's
                log.exception("engine rebuild listener %r failed", listener)
        applied: list[tuple[Command | ApiKeyCommand, Future[Outcome]]] = [
            (command, Future()) for command in rebuild.after
        ]
        if applied:
            self._apply([_Job(command, None, done) for command, done in applied])
        unanswered = Outcome(error=HtxError(ErrorCode.SYSTEM_ERROR))  # never waited for here
        for command, done in applied:
            outcome = done.result() if done.done() else unanswered
            if outcome.error is not None:
                message = f"{command!r}: {outcome.error.code} {outcome.error.message()}"
                raise RebuildError(message)
        return result

    # -- a batch ---------------------------------------------------------------------------

    def _apply(self, jobs: list[_Job]) -> None:
        """Apply, commit, then answer: the commands of `jobs`, then its reads."""
        refused: set[int] = set()
        # Each pass refuses one more command or drops one more timer, so this ends; the bound
        # only guards against a bug in that reasoning.
        for _ in range(len(jobs) + len(self._dropped) + 64):
            try:
                unit, done = self._apply_commands(jobs, refused)
                break
            except _PoisonedCommandError as poisoned:
                failure = self._reload()
                if failure is not None:  # the store cannot give back the last commit
                    self._refuse(jobs[poisoned.index], poisoned.error)
                    self._store_down(failure, jobs)
                    return
                if not self._drop_timer(poisoned.error):
                    refused.add(poisoned.index)
                    self._refuse(jobs[poisoned.index], poisoned.error)
        else:
            raise RuntimeError("a batch kept failing after every command was refused")
        state = self.exchange.state
        bars = self.series.stage((outcome.events for _, outcome in done), state)
        if unit.touched or bars:
            changes = unit.changes(state)
            changes.bars = bars
            changes.journal = self._journal_entries(done)
            try:
                self.store.commit(changes)
            except Exception as error:
                self.series.discarded()
                self._commit_failed(error, jobs)
                return
            self.series.committed()
            self._journal_seq += len(changes.journal)
            self.commits += 1
            self._backoff.succeeded()
            self.api_keys.publish(unit.api_keys.values())
        for listener in self._listeners:
            for _, outcome in done:
                if outcome.events:
                    try:
                        listener(outcome.events)
                    except Exception:  # committed already: a listener's bug is not the exchange's
                        log.exception("engine listener %r failed", listener)
        if self._taken:
            batch = [outcome.events for _, outcome in done if outcome.events]
            for subscription, taken in self._taken:
                try:
                    subscription.listener(batch, bars, taken)
                except Exception:  # committed already, as above
                    log.exception("engine batch listener %r failed", subscription.listener)
            self._taken = []  # delivered: nothing keeps them alive until the next batch
        for job, outcome in done:
            _settle(job.future, outcome)
        self._answer_queries(jobs)
        self._evict()

    def _apply_commands(
        self, jobs: list[_Job], refused: set[int]
    ) -> tuple[UnitOfWork, list[tuple[_Job, Outcome]]]:
        unit = UnitOfWork()
        done: list[tuple[_Job, Outcome]] = []
        applied_at = self._applied_at = []
        taken = self._taken = [(s, []) for s in self._batch_listeners]  # a failed pass drops them
        for index, job in enumerate(jobs):
            command = job.command
            if command is None or index in refused:
                continue
            now = self.clock.now()
            try:
                if isinstance(command, CreateApiKey | DisableApiKey):
                    outcome = self._apply_key(command, unit, now)
                elif isinstance(command, SetCancelDelay):
                    outcome = self._apply_cancel_delay(command)
                elif isinstance(command, SetClock):
                    outcome = self._apply_clock(command, unit)
                    now = self.exchange.state.now  # where the moved clock ran the timers
                else:
                    outcome = self.exchange.execute(command, now)
                    unit.record(outcome.events)
                    now = self.exchange.state.now  # never before the exchange's time
            except Exception as error:  # a bug: this command alone is refused
                raise _PoisonedCommandError(index, error) from None
            applied_at.append(now)  # the time the journal replays it at
            done.append((job, outcome))
            if outcome.events:
                for subscription, values in taken:
                    subscription.take(outcome.events, values)
        return unit, done

    def _journal_entries(self, done: list[tuple[_Job, Outcome]]) -> list[JournalEntry]:
        """The journal's entries of a batch: every command that changed something (a refused
        one too when time passing fired timers), every key created or disabled and every cancel
        delay set, at the exchange time it was applied at. A move of the clock is kept as the
        Tick it ran (replayed at its time, it runs the same timers). Never raises: a command
        the journal cannot keep is logged, and the batch commits without it."""
        entries: list[JournalEntry] = []
        seq = self._journal_seq
        for (job, outcome), at in zip(done, self._applied_at, strict=True):
            command = job.command
            kept: journal.Journaled | None = None
            if isinstance(command, SetClock):
                kept = Tick() if outcome.events else None
            elif isinstance(command, CreateApiKey | DisableApiKey | SetCancelDelay):
                kept = command if outcome.error is None else None
            elif outcome.events:
                kept = command
            if kept is None:
                continue
            try:
                entries.append(journal.entry(seq + 1, at, kept))
            except Exception:  # a bug of the journal's: the exchange goes on without it
                log.exception("the journal cannot keep %r", kept)
                continue
            seq += 1
        return entries

    def _commit_failed(self, error: Exception, jobs: list[_Job]) -> None:
        """The batch's changes never reached the store: memory goes back to the last commit.
        An outage degrades the engine; anything else is the batch's own data, which the
        commands committed one by one find."""
        failure = self._reload()
        if failure is not None or _is_outage(error):
            self._store_down(failure or error, jobs)
            return
        pending = [j for j in jobs if j.command is not None and not j.future.done()]
        if len(pending) == 1:
            self._refuse(pending[0], error)
        else:
            for job in pending:
                if self.health.store_available:
                    self._apply([job])
                else:  # an outage on the way: the rest hear 1004
                    self._apply_unavailable([job], probe=False)
        self._answer_queries(jobs)

    def _refuse(self, job: _Job, error: Exception) -> None:
        log.error(
            "command refused (applying or storing it raised: a bug): %r",
            job.command,
            exc_info=(type(error), error, error.__traceback__),
        )
        self.health = replace(self.health, refused_commands=self.health.refused_commands + 1)
        _settle(job.future, Outcome(error=HtxError(ErrorCode.SYSTEM_ERROR)))

    def _drop_timer(self, error: Exception) -> bool:
        """Drop the timer that raised (on the reloaded memory); False if it was no timer."""
        if not isinstance(error, TimerFailedError) or error.timer in self._dropped:
            return False
        if not self.exchange.drop_timer(error.timer):
            return False
        self._dropped.add(error.timer)
        log.error(
            "a timer raised when due and is dropped: %s",
            error.timer,
            exc_info=(type(error), error, error.__traceback__),
        )
        self.health = replace(self.health, dropped_timers=self.health.dropped_timers + 1)
        return True

    def _answer_queries(self, jobs: list[_Job]) -> None:
        for job in jobs:
            if job.query is not None and not job.future.done():
                try:
                    job.future.set_result(job.query(self.exchange))
                except Exception as error:
                    job.future.set_exception(error)

    # -- an unavailable store ---------------------------------------------------------------

    def _store_down(self, error: BaseException, jobs: list[_Job]) -> None:
        """The store cannot take writes: answer the batch (commands 1004, reads from the last
        commit if memory has it) and refuse writes until a probe succeeds."""
        if self.health.store_available:
            log.error(
                "the store failed; writes answer 1004 until it works again: %s",
                error,
                exc_info=(type(error), error, error.__traceback__),
            )
        self.health = replace(
            self.health,
            store_available=False,
            since=self.health.since if self.health.since is not None else self.clock.now(),
            last_error=_one_line(error),
            store_failures=self.health.store_failures + 1,
        )
        self._backoff.failed(time.monotonic())
        self._apply_unavailable(jobs, probe=False)

    def _apply_unavailable(self, jobs: list[_Job], *, probe: bool = True) -> None:
        """While the store is down: writes answer 1004 unapplied, reads are served from the
        last commit (1004 if memory could not be reloaded); then, when due, probe the store."""
        busy = Outcome(error=HtxError(ErrorCode.SYSTEM_BUSY))
        for job in jobs:
            if job.command is not None and not job.future.done():
                _settle(job.future, busy)
        if self.health.memory_current:
            self._answer_queries(jobs)
        else:
            for job in jobs:
                if job.query is not None and not job.future.done():
                    job.future.set_exception(StoreUnavailableError("the store is unavailable"))
        if probe and self._backoff.due(time.monotonic()):
            self._probe()

    def _probe(self) -> None:
        try:
            self.store.recover()
            if not self.health.memory_current:
                failure = self._reload()
                if failure is not None:
                    raise failure
        except Exception as error:
            self._backoff.failed(time.monotonic())
            self.health = replace(self.health, last_error=_one_line(error))
            log.debug("the store is still unavailable: %s", error)
            return
        down_for = self.clock.now() - (self.health.since or self.clock.now())
        log.warning("the store works again after %.1f s: writes resume", down_for / 1000)
        self.health = replace(self.health, store_available=True, since=None)

    def _reload(self) -> Exception | None:
        """Memory as of the last commit, read from the store; the error if it cannot be.
        Timers that raised before stay dropped."""
        try:
            snapshot = self.store.load(
                self.clock.now(),
                retention_ms=self.settings.retention_ms,
                client_id_window_ms=self.settings.client_id_window_ms,
            )
            if snapshot is None:
                raise StorageError("the store holds no state")
            exchange = self._restore(snapshot)
        except Exception as error:
            log.error("cannot read the last commit back from the store: %s", error)
            self.health = replace(self.health, memory_current=False, last_error=_one_line(error))
            return error
        for timer in self._dropped:
            exchange.drop_timer(timer)
        self.exchange = exchange
        self.health = replace(self.health, memory_current=True)
        return None

    def _restore(self, snapshot: Snapshot) -> Exchange:
        """The exchange of a snapshot, with the fills that count towards the next settlement
        price read back from the store's trades."""
        settings = self.settings
        exchange = restore(
            snapshot,
            cancel_delay_ms=settings.cancel_delay_ms,
            strategy_limits=settings.strategy_limits,
            settlement_window_ms=settings.settlement_window_ms,
        )
        since = exchange.state.settlement_fills_from
        if since <= snapshot.now:
            exchange.count_settlement_fills(
                self.store.recent_trades(Millis(since), SETTLEMENT_FILLS_LIMIT)
            )
        return exchange

    def _apply_key(self, command: ApiKeyCommand, unit: UnitOfWork, now: Millis) -> Outcome:
        state = self.exchange.state
        try:
            key = self.api_keys.prepare(command, now, state.users, unit.api_keys)
        except HtxError as error:
            return Outcome(error=error.with_traceback(None))  # a value: see Exchange.execute
        unit.record_api_key(key)
        return Outcome()

    def _apply_clock(self, command: SetClock, unit: UnitOfWork) -> Outcome:
        """Move the exchange clock, then run the timers now due (in time order, as if the time
        had passed); the new setting is committed with what they did."""
        clock = self.clock
        if not isinstance(clock, ExchangeClock):  # a test's clock: moved by hand only
            return Outcome(error=HtxError(ErrorCode.ILLEGAL_PARAMETER, "clock"))
        setting = command.apply(clock)
        outcome = self.exchange.execute(Tick(), clock.now())
        unit.record(outcome.events)
        unit.record_clock(setting)
        return outcome

    def _apply_cancel_delay(self, command: SetCancelDelay) -> Outcome:
        # In the settings too: a reload from the store (after a refused command) keeps it.
        self.settings = replace(self.settings, cancel_delay_ms=command.cancel_delay_ms)
        self.exchange.state.cancel_delay_ms = command.cancel_delay_ms
        return Outcome()

    @property
    def cancel_delay_ms(self) -> int:
        return self.settings.cancel_delay_ms

    def _evict(self) -> None:
        state, now = self.exchange.state, self.exchange.state.now
        state.evict_finished(Millis(now - self.settings.retention_ms))
        state.forget_client_order_ids(Millis(now - self.settings.client_id_window_ms))

    def _fail(self, error: BaseException, batch: list[_Job | None]) -> None:
        log.critical("the engine stopped on an error of its own loop", exc_info=error)
        with self._gate:
            self._failure = error
        for callback in self._failure_callbacks:
            callback(error)
        stopped = EngineStoppedError(f"the engine stopped: {error}")
        for job in batch:
            if job is not None and not job.future.done():
                job.future.set_exception(stopped)
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.future.set_exception(stopped)


def _is_outage(error: BaseException) -> bool:
    """The store (disk, database) failing, as opposed to data it refuses."""
    return isinstance(error, StorageOutageError | OSError)


def _settle(future: Completion, outcome: Outcome) -> None:
    """Answer a future, unless its caller gave up on it (a cancelled Future refuses one)."""
    if not future.done():
        future.set_result(outcome)


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
