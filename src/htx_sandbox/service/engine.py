"""The single writer: one thread applies commands one at a time, in arrival order, and commits
their changes before anyone hears of them.

Commands that arrive while a commit is in flight queue up and are applied and committed together
(group commit), so the cost of a durable commit is shared by everything that waited for it. An
outcome is released only after its commit.

Nothing a command does can stop the engine. A command that raises anything but an HtxError is
refused alone (HTX's system error, 1000): memory goes back to the last commit, read again from
the store, and the rest of its batch is applied again. A commit the store refuses is answered
1004 and memory goes back the same way; the engine then refuses writes (1004) and keeps serving
reads until a probe of the store succeeds, retried with backoff (see Health).
"""

from __future__ import annotations

import asyncio
import decimal
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ..domain.commands import Command, Outcome, Tick
from ..domain.contracts import ContractRegistry
from ..domain.errors import ErrorCode, HtxError
from ..domain.events import Event
from ..domain.exchange import Exchange, TimerFailedError
from ..domain.money import MONEY_PRECISION
from ..domain.restore import restore
from ..domain.types import Millis
from .api_keys import ApiKeyCommand, ApiKeyRegistry, CreateApiKey, DisableApiKey
from .clock import Clock
from .completion import Completion, LoopCompletion, LoopWaker
from .ports import StorageError, Store
from .unit_of_work import UnitOfWork

T = TypeVar("T")
log = logging.getLogger(__name__)
HOUR_MS = 3_600_000
IDLE_WAIT_S = 1.0


class EngineUnavailableError(RuntimeError):
    """The engine cannot answer this now; HTX's clients hear 1004 (system busy)."""


class EngineStoppedError(EngineUnavailableError):
    """The engine is not running (never started, stopped, or failed in its own loop)."""


class StoreUnavailableError(EngineUnavailableError):
    """A read while the store is down and memory could not be brought back to its last commit."""


@dataclass(frozen=True, slots=True)
class Health:
    """What the engine can do now; replaced whole, so any thread may read it."""

    store_available: bool = True
    memory_current: bool = True
    """False while memory could not be reloaded from the store: reads answer 1004 too."""
    since: Millis | None = None
    """When the store became unavailable."""
    last_error: str | None = None
    """The last storage failure, one line."""
    store_failures: int = 0
    """Commits (or reloads) the store refused since the engine started."""
    refused_commands: int = 0
    """Commands refused because applying them raised unexpectedly (a bug, logged)."""
    dropped_timers: int = 0
    """Timers taken out because they raised when due (a bug, logged)."""


class _PoisonedCommandError(Exception):
    """A command raised something other than an HtxError while being applied, or a timer did
    while the command advanced time."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


RETRY_FIRST_S = 0.05
RETRY_MAX_S = 5.0


@dataclass(slots=True)
class _Job:
    command: Command | ApiKeyCommand | None
    query: Callable[[Exchange], Any] | None
    future: Completion


@dataclass(frozen=True, slots=True)
class EngineSettings:
    cancel_delay_ms: int = 0
    retention_ms: int = 2 * HOUR_MS
    """Finished orders stay in memory this long (HTX keeps cancelled orders queryable 2 h)."""
    client_id_window_ms: int = 24 * HOUR_MS
    """A client_order_id cannot be reused within this window (1050)."""
    group_commit: bool = True
    max_batch: int = 1024


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
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        now = clock.now()
        snapshot = store.load(
            now,
            retention_ms=settings.retention_ms,
            client_id_window_ms=settings.client_id_window_ms,
        )
        if snapshot is None:
            self.exchange = Exchange(contracts, cancel_delay_ms=settings.cancel_delay_ms)
            first = UnitOfWork()
            first.include_contracts()
            store.commit(first.changes(self.exchange.state))
        else:
            self.exchange = restore(snapshot, cancel_delay_ms=settings.cancel_delay_ms)
        self.api_keys = ApiKeyRegistry({k.access_key: k for k in store.load_api_keys()})
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[list[Event]], None]] = []
        self._wakers: dict[asyncio.AbstractEventLoop, LoopWaker] = {}
        self._failure: BaseException | None = None
        self._failure_callbacks: list[Callable[[BaseException], None]] = []
        self._stopping = False
        # Held while deciding to accept a job and while the engine stops or fails, so that no
        # job is ever queued after the last one the engine will answer.
        self._gate = threading.Lock()
        self.commits = 0
        self.health = Health()
        self._retry_at = 0.0
        """Monotonic time of the next probe of an unavailable store."""
        self._retry_s = RETRY_FIRST_S

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

    def on_failure(self, callback: Callable[[BaseException], None]) -> None:
        """Call `callback` (on the engine thread) if the engine stops on a failure."""
        self._failure_callbacks.append(callback)

    # -- submitting ------------------------------------------------------------------------

    def submit(self, command: Command | ApiKeyCommand) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        self._enqueue(_Job(command, None, future))
        return future

    def query(self, read: Callable[[Exchange], T]) -> Future[T]:
        """Run a read on the engine thread. It sees every command submitted before it, and
        possibly some submitted after it within the same batch, always after their commit."""
        future: Future[T] = Future()
        self._enqueue(_Job(None, read, future))
        return future

    def execute(self, command: Command | ApiKeyCommand) -> Outcome:
        return self.submit(command).result()

    # Plain functions returning the future to await, not coroutines: a coroutine level costs
    # every request on the signed hot path a frame and a resumption.
    def execute_async(self, command: Command | ApiKeyCommand) -> asyncio.Future[Outcome]:
        """Submit from a running event loop; await the result there."""
        return self._enqueue_async(command, None)

    def query_async(self, read: Callable[[Exchange], T]) -> asyncio.Future[T]:
        return self._enqueue_async(None, read)

    def _enqueue_async(
        self, command: Command | ApiKeyCommand | None, read: Callable[[Exchange], Any] | None
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
        while not stop:
            first = self._next(self._wait_seconds())
            batch = [first]
            if self.settings.group_commit:
                while len(batch) < self.settings.max_batch:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
            stop = None in batch
            jobs = [job for job in batch if job is not None]
            try:
                if self.health.store_available:
                    self._apply(jobs)
                else:
                    self._apply_unavailable(jobs)
            except BaseException as error:  # a bug of the loop itself, not of a command
                self._fail(error, batch)
                return

    def _next(self, wait: float) -> _Job | None:
        try:
            return self._queue.get(timeout=wait)
        except queue.Empty:
            return _Job(Tick(), None, Future())

    def _wait_seconds(self) -> float:
        """Sleep until the next timer falls due (the switch, a delayed cancel), or the next
        probe of an unavailable store, at most 1 s."""
        if not self.health.store_available:
            return min(IDLE_WAIT_S, max(0.0, self._retry_at - time.monotonic()))
        due = self.exchange.next_due()
        if due is None:
            return IDLE_WAIT_S
        return min(IDLE_WAIT_S, max(0.0, (due - self.clock.now()) / 1000))

    def _apply(self, jobs: list[_Job]) -> None:
        refused: set[int] = set()
        while True:
            try:
                unit, done = self._apply_commands(jobs, refused)
                break
            except _PoisonedCommandError as poisoned:
                failure = self._reload()
                if failure is not None:  # the store cannot give back the last commit
                    self._refuse(jobs[poisoned.index], poisoned.error)
                    self._degrade(failure)
                    self._answer_unstored(jobs)
                    return
                # A timer that raises would fail every command that lets time pass: it goes,
                # and the command is applied again.
                if isinstance(poisoned.error, TimerFailedError) and self._drop_timer(poisoned):
                    continue
                refused.add(poisoned.index)
                self._refuse(jobs[poisoned.index], poisoned.error)
        if unit.touched:
            try:
                self.store.commit(unit.changes(self.exchange.state))
            except Exception as error:
                self._degrade(error)
                self._reload()  # memory is ahead of the store: back to its last commit
                self._answer_unstored(jobs)
                return
            self.commits += 1
            self.api_keys.publish(unit.api_keys.values())
        for listener in self._listeners:
            for _, outcome in done:
                if outcome.events:
                    try:
                        listener(outcome.events)
                    except Exception:  # committed already: a listener's bug is not the exchange's
                        log.exception("engine listener %r failed", listener)
        for job, outcome in done:
            job.future.set_result(outcome)
        self._answer_queries(jobs)
        self._evict()

    def _apply_commands(
        self, jobs: list[_Job], refused: set[int]
    ) -> tuple[UnitOfWork, list[tuple[_Job, Outcome]]]:
        unit = UnitOfWork()
        done: list[tuple[_Job, Outcome]] = []
        for index, job in enumerate(jobs):
            command = job.command
            if command is None or index in refused:
                continue
            try:
                if isinstance(command, CreateApiKey | DisableApiKey):
                    outcome = self._apply_key(command, unit)
                else:
                    outcome = self.exchange.execute(command, self.clock.now())
                    unit.record(outcome.events)
            except Exception as error:  # a bug: this command alone is refused
                raise _PoisonedCommandError(index, error) from None
            done.append((job, outcome))
        return unit, done

    def _refuse(self, job: _Job, error: Exception) -> None:
        log.error(
            "command refused (applying it raised: a bug): %r",
            job.command,
            exc_info=(type(error), error, error.__traceback__),
        )
        self.health = replace(self.health, refused_commands=self.health.refused_commands + 1)
        job.future.set_result(Outcome(error=HtxError(ErrorCode.SYSTEM_ERROR)))

    def _drop_timer(self, poisoned: _PoisonedCommandError) -> bool:
        dropped = self.exchange.drop_next_timer()
        if dropped is None:
            return False
        error = poisoned.error
        log.error(
            "a timer raised when due and is dropped: %s",
            dropped,
            exc_info=(type(error), error, error.__traceback__),
        )
        self.health = replace(self.health, dropped_timers=self.health.dropped_timers + 1)
        return True

    def _answer_queries(self, jobs: list[_Job]) -> None:
        for job in jobs:
            if job.query is not None:
                try:
                    job.future.set_result(job.query(self.exchange))
                except Exception as error:
                    job.future.set_exception(error)

    # -- an unavailable store ---------------------------------------------------------------

    def _degrade(self, error: Exception) -> None:
        first = self.health.store_available
        if first:
            log.error(
                "the store failed; writes answer 1004 until it works again: %s",
                error,
                exc_info=(type(error), error, error.__traceback__),
            )
        self.health = replace(
            self.health,
            store_available=False,
            since=self.health.since if not first else Millis(self.clock.now()),
            last_error=_one_line(error),
            store_failures=self.health.store_failures + 1,
        )
        self._retry_s = RETRY_FIRST_S
        self._retry_at = time.monotonic() + self._retry_s

    def _answer_unstored(self, jobs: list[_Job]) -> None:
        """A batch whose changes never reached the store: every command not yet answered
        hears 1004; reads see the last commit, if memory could be brought back to it."""
        busy = Outcome(error=HtxError(ErrorCode.SYSTEM_BUSY))
        for job in jobs:
            if job.command is not None and not job.future.done():
                job.future.set_result(busy)
        self._answer_unavailable_queries(jobs)

    def _apply_unavailable(self, jobs: list[_Job]) -> None:
        """While the store is down: writes answer 1004 unapplied, reads are served from the
        last commit; then, when due, probe the store."""
        busy = Outcome(error=HtxError(ErrorCode.SYSTEM_BUSY))
        for job in jobs:
            if job.command is not None:
                job.future.set_result(busy)
        self._answer_unavailable_queries(jobs)
        if time.monotonic() >= self._retry_at:
            self._probe()

    def _answer_unavailable_queries(self, jobs: list[_Job]) -> None:
        if self.health.memory_current:
            self._answer_queries(jobs)
            return
        for job in jobs:
            if job.query is not None:
                job.future.set_exception(StoreUnavailableError("the store is unavailable"))

    def _probe(self) -> None:
        try:
            self.store.recover()
        except Exception as error:
            self._retry_s = min(RETRY_MAX_S, self._retry_s * 2)
            self._retry_at = time.monotonic() + self._retry_s
            self.health = replace(self.health, last_error=_one_line(error))
            log.debug("the store is still unavailable: %s", error)
            return
        if not self.health.memory_current and self._reload() is not None:
            self._retry_at = time.monotonic() + self._retry_s
            return
        down_for = self.clock.now() - (self.health.since or self.clock.now())
        log.warning("the store works again after %.1f s: writes resume", down_for / 1000)
        self.health = replace(self.health, store_available=True, since=None)

    def _reload(self) -> Exception | None:
        """Memory as of the last commit, read from the store; the error if it cannot be."""
        try:
            snapshot = self.store.load(
                self.clock.now(),
                retention_ms=self.settings.retention_ms,
                client_id_window_ms=self.settings.client_id_window_ms,
            )
            if snapshot is None:
                raise StorageError("the store holds no state")
            self.exchange = restore(snapshot, cancel_delay_ms=self.settings.cancel_delay_ms)
        except Exception as error:
            log.error("cannot read the last commit back from the store: %s", error)
            self.health = replace(self.health, memory_current=False, last_error=_one_line(error))
            return error
        self.health = replace(self.health, memory_current=True)
        return None

    def _apply_key(self, command: ApiKeyCommand, unit: UnitOfWork) -> Outcome:
        state = self.exchange.state
        try:
            key = self.api_keys.prepare(command, self.clock.now(), state.users, unit.api_keys)
        except HtxError as error:
            return Outcome(error=error.with_traceback(None))  # a value: see Exchange.execute
        unit.record_api_key(key)
        return Outcome()

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


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
