"""Handing the engine thread's results back to asyncio, one loop wake-up per batch.

concurrent.futures + asyncio.wrap_future costs a thread-safe callback per result; under load the
engine finishes dozens of commands per batch, so results are queued per event loop and the loop
is woken once to resolve them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any, Protocol


class Completion(Protocol):
    """What the engine needs of a pending result: concurrent.futures.Future has this shape."""

    def set_result(self, result: Any) -> None: ...

    def set_exception(self, exception: BaseException | None) -> None: ...

    def done(self) -> bool: ...


class LoopWaker:
    """Collects results for one event loop and resolves them in one callback on that loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._pending: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        self._scheduled = False

    def post(self, future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
        with self._lock:
            self._pending.append((future, value, error))
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._resolve)

    def _resolve(self) -> None:
        with self._lock:
            pending, self._pending, self._scheduled = self._pending, [], False
        for future, value, error in pending:
            if future.done():  # the awaiting task was cancelled
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)


class LoopCompletion:
    """A Completion that resolves an asyncio future through its loop's waker."""

    __slots__ = ("_done", "_future", "_waker")

    def __init__(self, waker: LoopWaker, future: asyncio.Future[Any]) -> None:
        self._waker = waker
        self._future = future
        self._done = False

    def set_result(self, result: Any) -> None:
        self._done = True
        self._waker.post(self._future, result, None)

    def set_exception(self, exception: BaseException | None) -> None:
        self._done = True
        self._waker.post(self._future, None, exception or RuntimeError("engine failure"))

    def done(self) -> bool:
        return self._done
