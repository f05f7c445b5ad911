"""What klines cost: a kline request after a thousand and after a million trades, and what the
kline book adds to a trade's commit.

    python bench/bench_klines.py [--trades 1000000] [--requests 200] [--commits 2000]

(a) Three SQLite stores are filled through the exchange, the unit of work and the kline book,
    as the engine fills them (a commit per thousand trades at most): with 1,000, --trades / 10
    and --trades trades, all over the same 11.6 days of engine time (one trade every 1000 s,
    every 10 s, every second). A new Engine then starts on each (a restart: it reads bars,
    never trades), and HTTP requests go through the app in process (httpx's ASGI transport),
    the three taking turns: the newest 150 and 2000 one-minute bars, 2000 one-minute bars
    from five days back (older than memory holds: read from the store by key) and 2000
    mark-price bars. Every answer has the same number of bars; the ratios of the medians to
    the smallest store's should be about 1, except where fewer bars are stored in the range
    (one trade every 1000 s leaves most minutes without a bar, filled in flat when read).
(b) Two engines on fresh SQLite stores (synchronous=NORMAL) each take --commits trades, one
    command per commit as a lone client sends them, each trade a tick from the one before (so
    that it moves the mark price and the open interest too: the most a trade can change); one
    keeps klines, the other has a kline book that records nothing. Chunks of 100 trades
    alternate between them; the difference of the medians (wall time, and the process's CPU
    time, which other processes on a shared machine disturb less) is what the kline book adds
    to a trade (two commits: the resting maker order and the taker's match).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import httpx

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder
from htx_sandbox.domain.events import Event
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.bars import SeriesBar
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import ChangeSet
from htx_sandbox.service.series_book import SeriesBook
from htx_sandbox.service.unit_of_work import UnitOfWork
from htx_sandbox.storage.sqlite import SqliteStore

T0_S = 1_764_000_000
SPAN_S = 1_000_000
"""Both stores' trades cover the same 11.6 days."""
CODE = "BTC-USD"
MAKER, TAKER = UID(1), UID(2)
PER_COMMIT = 1000
TICK = Decimal("0.1")


def order(uid: UID, direction: Direction, volume: int, price: Decimal) -> PlaceOrder:
    return PlaceOrder(uid, CODE, direction, Offset.OPEN, volume, 100, OrderPriceType.LIMIT, price)


def fill(path: Path, trades: int) -> float:
    """A store holding `trades` trades spread over SPAN_S, with their bars; seconds taken."""
    started = time.perf_counter()
    store = SqliteStore(path)
    ex = Exchange()
    series = SeriesBook()
    series.load(store, ex.state)
    first = UnitOfWork()
    first.include_contracts()
    for uid in (MAKER, TAKER):
        first.record(ex.open_user(OpenUser(uid), Millis(T0_S * 1000)).events)
        first.record(ex.deposit(Deposit(uid, "BTC", Decimal(10**9)), Millis(T0_S * 1000)).events)
    commit(store, first, series, ex.state, [])
    step = SPAN_S / trades
    per_commit = min(PER_COMMIT, max(1, trades // 1000))
    done = 0
    while done < trades:
        n = min(per_commit, trades - done)
        price = Decimal(60000) + (done // per_commit % 21 - 10) * TICK
        unit, batches = UnitOfWork(), []
        at = Millis(int((T0_S + done * step) * 1000))
        applied = ex.place_order(order(MAKER, Direction.SELL, n, price), at)
        unit.record(applied.events)
        batches.append(applied.events)
        for i in range(n):
            at = Millis(int((T0_S + (done + i) * step) * 1000))
            applied = ex.place_order(order(TAKER, Direction.BUY, 1, price), at)
            unit.record(applied.events)
            batches.append(applied.events)
        commit(store, unit, series, ex.state, batches)
        ex.state.evict_finished(at)
        done += n
    store.close()
    return time.perf_counter() - started


def commit(
    store: SqliteStore,
    unit: UnitOfWork,
    series: SeriesBook,
    state: ExchangeState,
    batches: Iterable[list[Event]],
) -> None:
    changes = unit.changes(state)
    changes.bars = series.stage(batches, state)
    store.commit(changes)
    series.committed()


REQUESTS = {
    "newest 150 1min bars": ("/swap-ex/market/history/kline", {"period": "1min", "size": "150"}),
    "newest 2000 1min bars": (
        "/swap-ex/market/history/kline", {"period": "1min", "size": "2000"}
    ),
    "2000 1min bars 5 days back (store)": (
        "/swap-ex/market/history/kline",
        {"period": "1min", "from": str(T0_S + SPAN_S - 5 * 86_400 - 1999 * 60),
         "to": str(T0_S + SPAN_S - 5 * 86_400)},
    ),
    "newest 2000 mark-price 1min bars": (
        "/index/market/history/swap_mark_price_kline", {"period": "1min", "size": "2000"}
    ),
}  # fmt: skip


async def time_requests(
    clients: list[httpx.AsyncClient], path: str, params: dict[str, str], count: int
) -> list[list[float]]:
    """Seconds of each request, per client, the clients taking turns."""
    query = {"contract_code": CODE, **params}
    times: list[list[float]] = [[] for _ in clients]
    for _ in range(count):
        for client, out in zip(clients, times, strict=True):
            start = time.perf_counter()
            response = await client.get(path, params=query)
            out.append(time.perf_counter() - start)
            body = response.json()
            assert body["status"] == "ok" and len(body["data"]) in (150, 2000), body
    return times


def bench_requests(trades: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sizes = (1000, trades // 10, trades)
        for n in sizes:
            seconds = fill(Path(tmp) / f"{n}.db", n)
            print(f"filled a store with {n:,} trades in {seconds:.1f} s")
        clock = ManualClock((T0_S + SPAN_S) * 1000)
        engines = []
        for n in sizes:
            started = time.perf_counter()
            engine = Engine(SqliteStore(Path(tmp) / f"{n}.db"), clock)
            engine.start()
            engines.append(engine)
            print(f"restart on {n:,} trades: {(time.perf_counter() - started) * 1e3:.0f} ms")
        try:
            asyncio.run(_requests(engines, clock, sizes, count))
        finally:
            for engine in engines:
                engine.stop()


async def _requests(
    engines: list[Engine], clock: ManualClock, sizes: tuple[int, ...], count: int
) -> None:
    settings = HttpSettings(rate_limit=False)
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(e, clock, settings)),
            base_url="http://api.hbdm.com",
        )
        for e in engines
    ]
    try:
        print(f"{'request':>36}" + "".join(f"{f'{n:,} trades':>18}" for n in sizes))
        for name, (path, params) in REQUESTS.items():
            await time_requests(clients, path, params, 5)  # warm: windows loaded, caches hot
            medians = [
                statistics.median(t) * 1e3
                for t in await time_requests(clients, path, params, count)
            ]
            cells = [f"{medians[0]:9.2f} ms       "] + [
                f"{m:9.2f} ms ({m / medians[0]:4.2f})" for m in medians[1:]
            ]
            print(f"{name:>36} " + " ".join(cells))
    finally:
        for client in clients:
            await client.aclose()


class NoKlines(SeriesBook):
    """A kline book that records nothing: the baseline of (b)."""

    def stage(
        self, batches: Iterable[list[Event]], state: ExchangeState, now: Millis | None = None
    ) -> list[SeriesBar]:
        return []


class CountingStore(SqliteStore):
    """Counts the kline rows its commits write."""

    rows = 0

    def commit(self, changes: ChangeSet) -> None:
        self.rows += len(changes.bars)
        super().commit(changes)


def bench_commits(commits: int, chunk: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(T0_S * 1000)
        engines, stores = [], []
        for name in ("klines", "none"):
            store = CountingStore(Path(tmp) / f"{name}.db")
            engine = Engine(store, clock)
            if name == "none":
                engine.series = NoKlines()
            engine.start()
            for uid in (MAKER, TAKER):
                engine.execute(OpenUser(uid))
                engine.execute(Deposit(uid, "BTC", Decimal(10**9)))
            engines.append(engine)
            stores.append(store)
        walls: list[list[float]] = [[], []]
        cpus: list[list[float]] = [[], []]
        try:
            for _ in range(3):  # warm up: tracks loaded, statements prepared
                for engine in engines:
                    _trades(engine, clock, chunk)
            rows = [store.rows for store in stores]
            for _ in range(commits // chunk):
                for k, engine in enumerate(engines):
                    wall, cpu = _trades(engine, clock, chunk)
                    walls[k].append(wall / chunk)
                    cpus[k].append(cpu / chunk)
            rows = [store.rows - before for store, before in zip(stores, rows, strict=True)]
        finally:
            for engine in engines:
                engine.stop()
        for label, runs in (("wall", walls), ("cpu", cpus)):
            with_, without = (statistics.median(r) * 1e6 for r in runs)
            print(
                f"a trade (2 commits), {label:>4}: {with_:7.1f} us with klines,"
                f" {without:7.1f} us without: the kline book adds {with_ - without:6.1f} us"
                f" ({(with_ - without) / without:+.1%})"
            )
        trades = commits // chunk * chunk
        print(f"kline rows written a trade: {rows[0] / trades:.2f} (every trade moves the mark"
              " price and the open interest)")  # fmt: skip


def _trades(engine: Engine, clock: ManualClock, n: int) -> tuple[float, float]:
    """Wall and CPU seconds of n trades, each at a price a tick from the one before."""
    clock.advance(1000)
    execute: Callable[[PlaceOrder], object] = engine.execute
    prices = (Decimal(60000), Decimal(60000) + TICK)
    pairs = [
        (order(MAKER, Direction.SELL, 1, p), order(TAKER, Direction.BUY, 1, p)) for p in prices
    ]
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        sell, buy = pairs[i % 2]
        execute(sell)
        execute(buy)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trades", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--commits", type=int, default=2000)
    args = parser.parse_args()
    bench_requests(args.trades, args.requests)
    bench_commits(args.commits)


if __name__ == "__main__":
    main()
