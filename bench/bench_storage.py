"""Engine plus store throughput, restart time and memory per open order (issue 3's figures).

    python bench/bench_storage.py throughput [--pg-url URL] [--repeat 3]
    python bench/bench_storage.py restart [--orders 1000000]

throughput: commands/s through Engine + store for order placement (64 concurrent asyncio
clients) and the time of one cancel-all of k = 1, 100, 10,000 own orders, for SQLite normal and
full and PostgreSQL (when --pg-url is given), single commit vs group commit. Each is set against
the raw SQL that writes the same rows, on the same database, in the same run (the baseline): the
ratio says what the engine, the row conversion and the commit protocol cost on top of the
database itself.

restart: builds a store holding --orders open orders, then times a new Engine's start (load plus
rebuild of the books) in a fresh process and reports its resident memory per open order.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from htx_sandbox.domain.commands import CancelAll, CancelReply, Deposit, OpenUser, PlaceOrder
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine, EngineSettings
from htx_sandbox.service.ports import Durability, Store
from htx_sandbox.service.unit_of_work import UnitOfWork
from htx_sandbox.storage import rows
from htx_sandbox.storage.postgres import PostgresStore
from htx_sandbox.storage.sql import ACCOUNTS, ORDER_STATES, ORDERS, SqlStore
from htx_sandbox.storage.sqlite import SqliteStore

CODE = "BTC-USD"
TICK = Decimal("0.1")
CLIENTS = 64


def order_cmd(uid: int, i: int) -> PlaceOrder:
    price = Decimal(59000) - (i % 500) * TICK
    return PlaceOrder(
        UID(uid), CODE, Direction.BUY, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, price
    )


def open_funded(engine: Engine, uids: range) -> None:
    for uid in uids:
        engine.execute(OpenUser(UID(uid)))
        engine.execute(Deposit(UID(uid), "BTC", Decimal(1_000_000)))


def places_per_second(engine: Engine, per_client: int) -> float:
    """CLIENTS concurrent clients on one event loop, as an HTTP server's handlers would be, each
    placing orders one after another and awaiting each reply."""

    async def client(uid: int) -> None:
        for i in range(per_client):
            outcome = await engine.execute_async(order_cmd(uid, i))
            assert outcome.error is None, outcome.error

    async def all_clients() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(client(1 + c) for c in range(CLIENTS)))
        return CLIENTS * per_client / (time.perf_counter() - start)

    return asyncio.run(all_clients())


def raw_places_per_second(store: SqlStore, count: int, batch: int) -> float:
    """The rows one placement writes (its order, its account), written directly, `batch` per
    transaction: the floor under what the engine can reach on this database."""
    ex = Exchange()
    ex.open_user(OpenUser(UID(99)), Millis(0))
    ex.deposit(Deposit(UID(99), "BTC", Decimal(1_000_000)), Millis(0))
    orders = [ex.place_order(order_cmd(99, i), Millis(i)).reply.order_id for i in range(count)]
    order_rows = [rows.order_row(ex.state.orders[oid]) for oid in orders]
    account = rows.account_row(ex.state.accounts[(UID(99), "BTC")])
    start = time.perf_counter()
    for first in range(0, count, batch):
        store._begin()
        store._write_rows(ORDERS, order_rows[first : first + batch])
        store._write_rows(ACCOUNTS, [account])
        store._commit()
    return count / (time.perf_counter() - start)


def cancel_all_seconds(engine: Engine, uid: int, k: int) -> float:
    for i in range(k):
        engine.submit(order_cmd(uid, i))
    engine.query(lambda ex: None).result()  # every placement committed
    start = time.perf_counter()
    outcome = engine.execute(CancelAll(UID(uid), CODE))
    elapsed = time.perf_counter() - start
    assert isinstance(outcome.reply, CancelReply) and len(outcome.reply.successes) == k
    return elapsed


def raw_cancel_all_seconds(store: SqlStore, k: int) -> float:
    """One transaction updating k order rows and one account: what cancel-all must write."""
    ex = Exchange()
    ex.open_user(OpenUser(UID(98)), Millis(0))
    ex.deposit(Deposit(UID(98), "BTC", Decimal(1_000_000)), Millis(0))
    unit = UnitOfWork()
    for i in range(k):
        unit.record(ex.place_order(order_cmd(98, i), Millis(i)).events)
    store.commit(unit.changes(ex.state))
    ex.cancel_all(CancelAll(UID(98), CODE), Millis(k))
    order_rows = [rows.order_state_row(o) for o in ex.state.orders.values()]
    account = rows.account_row(ex.state.accounts[(UID(98), "BTC")])
    start = time.perf_counter()
    store._begin()
    store._write_rows(ORDER_STATES, order_rows)
    store._write_rows(ACCOUNTS, [account])
    store._commit()
    return time.perf_counter() - start


def median(repeat: int, fn: Callable[..., float], *args: Any) -> float:
    return statistics.median(fn(*args) for _ in range(repeat))


def throughput(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))

        def sqlite(durability: Durability) -> Callable[[], SqlStore]:
            return lambda: SqliteStore(Path(tmp) / f"b{next(counter)}.db", durability=durability)

        def postgres(durability: Durability) -> Callable[[], SqlStore]:
            return lambda: _fresh_postgres(args.pg_url, durability)

        measure("sqlite normal", sqlite("normal"), args)
        measure("sqlite full", sqlite("full"), args)
        if args.pg_url:
            measure("postgres normal", postgres("normal"), args)
            measure("postgres full", postgres("full"), args)


def measure(name: str, open_store: Callable[[], SqlStore], args: argparse.Namespace) -> None:
    repeat, places = args.repeat, args.places
    base = {
        False: median(repeat, _raw, open_store, places // 4, 1),
        True: median(repeat, _raw, open_store, places, 64),
    }
    for group in (False, True):
        rate = median(repeat, _engine_places, open_store, group, places // CLIENTS)
        mode = "group commit " if group else "single commit"
        print(
            f"{name:>15} {mode} places: {rate:>9,.0f}/s   raw SQL {base[group]:>9,.0f}/s"
            f"   ratio {rate / base[group]:.2f}"
        )
    for k in (1, 100, 10_000):
        seconds = median(repeat, _engine_cancel_all, open_store, k)
        raw = median(repeat, _raw_cancel_all, open_store, k)
        print(
            f"{name:>15} cancel-all k={k:>6}: {seconds * 1000:9.2f} ms"
            f"   raw SQL {raw * 1000:9.2f} ms   ratio {raw / seconds:.2f}"
        )


def _fresh_postgres(url: str, durability: Durability) -> PostgresStore:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return PostgresStore(url, durability=durability)


def _raw(open_store: Callable[[], SqlStore], count: int, batch: int) -> float:
    store = open_store()
    try:
        return raw_places_per_second(store, count, batch)
    finally:
        store.close()


def _raw_cancel_all(open_store: Callable[[], SqlStore], k: int) -> float:
    store = open_store()
    try:
        return raw_cancel_all_seconds(store, k)
    finally:
        store.close()


def _engine(store: Store, group: bool) -> Engine:
    engine = Engine(store, SystemClock(), settings=EngineSettings(group_commit=group))
    engine.start()
    open_funded(engine, range(1, CLIENTS + 2))
    return engine


def _engine_places(open_store: Callable[[], SqlStore], group: bool, per_client: int) -> float:
    store = open_store()
    engine = _engine(store, group)
    try:
        return places_per_second(engine, per_client)
    finally:
        engine.stop()
        store.close()


def _engine_cancel_all(open_store: Callable[[], SqlStore], k: int) -> float:
    store = open_store()
    engine = _engine(store, True)
    try:
        return cancel_all_seconds(engine, CLIENTS + 1, k)
    finally:
        engine.stop()
        store.close()


# -- restart --------------------------------------------------------------------------------


def build_store(path: Path, count: int) -> None:
    """count resting orders from 1,000 UIDs on both sides, committed as one ChangeSet."""
    ex = Exchange()
    unit = UnitOfWork()
    uids = [UID(u) for u in range(1, 1001)]
    for uid in uids:
        unit.record(ex.open_user(OpenUser(uid), Millis(0)).events)
        unit.record(ex.deposit(Deposit(uid, "BTC", Decimal(1_000_000)), Millis(0)).events)
    for i in range(count):
        uid = uids[i % len(uids)]
        side = Direction.BUY if i % 2 else Direction.SELL
        offset = (i // 2) % 2000
        price = Decimal(59000) - offset * TICK if side is Direction.BUY else (
            Decimal(61000) + offset * TICK
        )
        cmd = PlaceOrder(uid, CODE, side, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, price)
        unit.record(ex.place_order(cmd, Millis(1_764_000_000_000 + i)).events)
    unit.include_contracts()
    store = SqliteStore(path)
    store.commit(unit.changes(ex.state))
    store.close()


def restart_child(path: Path) -> None:
    """Runs in a fresh process: start an engine on the store and report time and memory."""
    before = _rss_bytes()
    start = time.perf_counter()
    store = SqliteStore(path)
    engine = Engine(store, SystemClock())
    elapsed = time.perf_counter() - start
    after = _rss_bytes()
    opened = sum(len(h.open_orders) for h in engine.exchange.state.holdings.values())
    print(f"{elapsed:.3f} {after - before} {opened}")
    store.close()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def restart(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "restart.db"
        start = time.perf_counter()
        build_store(path, args.orders)
        built = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        print(f"built a store with {args.orders:,} open orders in {built:.1f} s ({size_mb:.0f} MB)")
        results = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "restart-child", str(path)],
                check=True, capture_output=True, text=True,
            ).stdout.split()
            results.append((float(out[0]), int(out[1]), int(out[2])))
        seconds = statistics.median(r[0] for r in results)
        per_order = statistics.median(r[1] for r in results) / results[0][2]
        opened = results[0][2]
        print(f"restart with {opened:,} open orders: {seconds:.2f} s (median of {len(results)})")
        print(f"resident memory per open order: {per_order:.0f} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--pg-url")
    t.add_argument("--repeat", type=int, default=3)
    t.add_argument("--places", type=int, default=4000)
    r = sub.add_parser("restart")
    r.add_argument("--orders", type=int, default=1_000_000)
    r.add_argument("--repeat", type=int, default=3)
    c = sub.add_parser("restart-child")
    c.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.what == "throughput":
        throughput(args)
    elif args.what == "restart":
        restart(args)
    else:
        restart_child(args.path)


if __name__ == "__main__":
    main()
