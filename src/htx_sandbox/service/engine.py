"""The single writer: one thread applies commands one at a time, in arrival order, and commits
their changes before anyone hears of them.

Commands that arrive while a commit is in flight queue up and are applied and committed together
(group commit), so the cost of a durable commit is shared by everything that waited for it. An
outcome is released only after its commit; a failed commit stops the engine, because memory is
then ahead of storage and only a restart from storage is trustworthy.
"""

from __future__ import annotations

import asyncio
import decimal
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from ..domain.commands import Command, Outcome, Tick
from ..domain.contracts import ContractRegistry
from ..domain.errors import HtxError
from ..domain.events import Event
from ..domain.exchange import Exchange
from ..domain.money import MONEY_PRECISION
from ..domain.restore import restore
from ..domain.types import Millis
from .api_keys import ApiKeyCommand, ApiKeyRegistry, CreateApiKey, DisableApiKey
from .clock import Clock
from .completion import Completion, LoopCompletion, LoopWaker
from .ports import Store
from .unit_of_work import UnitOfWork

T = TypeVar("T")
log = logging.getLogger(__name__)
HOUR_MS = 3_600_000
IDLE_WAIT_S = 1.0


class EngineStoppedError(RuntimeError):
    """The engine is not running (never started, stopped, or failed on a commit)."""


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
            try:
                self._apply([job for job in batch if job is not None])
            except BaseException as error:  # memory is now ahead of storage: stop for good
                self._fail(error, batch)
                return

    def _next(self, wait: float) -> _Job | None:
        try:
            return self._queue.get(timeout=wait)
        except queue.Empty:
            return _Job(Tick(), None, Future())

    def _wait_seconds(self) -> float:
        """Sleep until the next timer falls due (the switch, a delayed cancel), at most 1 s."""
        due = self.exchange.next_due()
        if due is None:
            return IDLE_WAIT_S
        return min(IDLE_WAIT_S, max(0.0, (due - self.clock.now()) / 1000))

    def _apply(self, jobs: list[_Job]) -> None:
        unit = UnitOfWork()
        done: list[tuple[_Job, Outcome]] = []
        for job in jobs:
            command = job.command
            if isinstance(command, CreateApiKey | DisableApiKey):
                done.append((job, self._apply_key(command, unit)))
            elif command is not None:
                outcome = self.exchange.execute(command, self.clock.now())
                unit.record(outcome.events)
                done.append((job, outcome))
        if unit.touched:
            self.store.commit(unit.changes(self.exchange.state))
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
        for job in jobs:
            if job.query is not None:
                try:
                    job.future.set_result(job.query(self.exchange))
                except Exception as error:
                    job.future.set_exception(error)
        self._evict()

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
        log.critical("the engine stopped: memory may be ahead of storage", exc_info=error)
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
