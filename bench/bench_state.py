"""What the journal costs the write path, and what a snapshot, a restore and a reset cost
against a restart of the same store (issue 16's state controls).

    python bench/bench_state.py [--places 20000] [--orders 100000] [--repeat 3]

journal: resting limit orders per second through Engine + SQLite (durability normal, group
commit: 64 submitted at a time), with the journal written as it is, against the same engine with
its journal rows left out (the baseline), in the same run, alternating.

snapshot: a store holding --orders open orders (and their accounts); the time to save a
snapshot, restore it, reset the store, each set against the time a new Engine takes to start
from the same store (load and rebuild of the books: the baseline, what a restart costs).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path
from typing import Any

from htx_sandbox.domain.commands import Deposit, OpenUser, Outcome, PlaceOrder
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.state_control import StateControl
from htx_sandbox.storage.sqlite import SqliteStore

USERS = 64
TICK = Decimal("0.1")


def order(uid: int, i: int) -> PlaceOrder:
    price = Decimal(59000) - (i % 500) * TICK
    return PlaceOrder(
        UID(uid), "BTC-USD", Direction.BUY, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, price
    )


def funded(engine: Engine) -> None:
    for uid in range(1, USERS + 1):
        engine.execute(OpenUser(UID(uid)))
        engine.execute(Deposit(UID(uid), "BTC", Decimal(1_000_000)))


def place(engine: Engine, count: int) -> float:
    """Seconds to place `count` orders, 64 in flight at a time."""
    start = time.perf_counter()
    for first in range(0, count, USERS):
        futures: list[Future[Outcome]] = [
            engine.submit(order(1 + i % USERS, i)) for i in range(first, min(count, first + 64))
        ]
        for future in futures:
            assert future.result().error is None
    return time.perf_counter() - start


def journal_rate(folder: Path, places: int, journal: bool) -> float:
    store = SqliteStore(folder / f"journal-{journal}-{time.monotonic_ns()}.db")
    engine = Engine(store, SystemClock())
    if not journal:
        engine._journal_entries = lambda done: []  # type: ignore[method-assign]
    engine.start()
    try:
        funded(engine)
        return places / place(engine, places)
    finally:
        engine.stop()
        store.close()


def timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def state_costs(folder: Path, orders: int, run: int) -> dict[str, float]:
    path = folder / f"state-{run}.db"
    store = SqliteStore(path)
    engine = Engine(store, SystemClock())
    engine.start()
    funded(engine)
    place(engine, orders)
    engine.stop()
    restart = timed(lambda: Engine(store, SystemClock()))
    engine = Engine(store, SystemClock())
    engine.start()
    control = StateControl(engine, SystemClock())
    try:
        return {
            "restart": restart,
            "save": timed(lambda: control.save("bench")),
            "restore": timed(lambda: control.restore("bench")),
            "reset": timed(control.reset),
        }
    finally:
        engine.stop()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with_journal: list[float] = []
        without: list[float] = []
        for _ in range(args.repeat):
            without.append(journal_rate(folder, args.places, journal=False))
            with_journal.append(journal_rate(folder, args.places, journal=True))
        w, b = statistics.median(with_journal), statistics.median(without)
        print(f"journal: {w:,.0f} places/s with it, {b:,.0f} without (baseline), ratio {w / b:.2f}")
        costs = [state_costs(folder, args.orders, run) for run in range(args.repeat)]
        restart = statistics.median(c["restart"] for c in costs)
        print(f"{args.orders:,} open orders: restart (baseline) {restart * 1000:,.0f} ms")
        for kind in ("save", "restore", "reset"):
            spent = statistics.median(c[kind] for c in costs)
            print(f"  {kind}: {spent * 1000:,.0f} ms, ratio to restart {spent / restart:.2f}")


if __name__ == "__main__":
    main()
