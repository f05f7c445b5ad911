"""Soak benchmark: memory and database growth of `htx-sandbox serve` under steady load.

    python bench/bench_soak.py [--seconds 180] [--clients 4] [--retention 60s --retention 2h]

For each --retention in turn (default: 60s, then the default 2h, so their ratio shows what the
window does), a fresh `htx-sandbox serve` (uvicorn on 127.0.0.1, SQLite in a temporary
directory, durability normal, market maker on, rate limits off, that --order-retention) is
driven for --seconds by --clients concurrent clients, each with a UID and API key of its own
(made through the admin API), placing --batch resting limit buys one swap_order at a time and
then cancelling them, by id (swap_cancel) and with swap_cancelall in turn: every order finishes
within moments of its placement, so finished orders pile up as fast as the load can make them.
Every --sample seconds the server's RSS (/proc/PID/status VmRSS) and the size of its database
(file + WAL) are recorded.

The load is bounded by the one client process (httpx and signing cost more than the server's
work per request), not by the server. Reported per run: orders placed, RSS and database growth
per 1,000 orders over the whole run and over its second half (by then a 60 s window is full:
what it evicts balances what finishes), the ratios of the short retention's growth to the
longest's, and what a full window of the longest retention would hold at the measured rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from htx_sandbox.cli.values import duration_ms
from htx_sandbox.client import AdminClient, AsyncHtxSwapClient
from htx_sandbox.client.errors import HtxApiError

HOST = "127.0.0.1"
CONTRACT = "BTC-USD"
NO_ORDERS_TO_CANCEL = 1051
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Sample:
    elapsed_s: float
    orders: int
    rss_bytes: int
    db_bytes: int


@dataclass(slots=True)
class Run:
    retention: str
    samples: list[Sample] = field(default_factory=list)
    orders: int = 0
    requests: int = 0
    stored_orders: int = 0
    seconds: float = 0.0

    def growth_per_1000(self, since_s: float) -> tuple[float, float]:
        """(RSS, database) bytes per 1,000 orders from the first sample at or after since_s."""
        first = next(s for s in self.samples if s.elapsed_s >= since_s)
        last = self.samples[-1]
        orders = last.orders - first.orders
        if orders <= 0:
            return 0.0, 0.0
        return (
            (last.rss_bytes - first.rss_bytes) * 1000 / orders,
            (last.db_bytes - first.db_bytes) * 1000 / orders,
        )


# -- the server ----------------------------------------------------------------------------------


class Server:
    """`python -m htx_sandbox serve` in a subprocess, on a free port, its state in `data_dir`."""

    def __init__(self, data_dir: Path, retention: str) -> None:
        self.data_dir = data_dir
        self.token = secrets.token_urlsafe(24)
        log = (data_dir / "serve.log").open("w")  # the access log: one line per request
        self.process = subprocess.Popen(
            [sys.executable, "-m", "htx_sandbox", "serve", "--host", HOST, "--port", "0",
             "--data-dir", str(data_dir), "--admin-token", self.token, "--no-rate-limit",
             "--market-maker", "--order-retention", retention],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )  # fmt: skip
        log.close()
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()  # "htx-sandbox serving ... on http://..."
        if " on http://" not in banner:
            self.stop()
            raise SystemExit(f"serve did not start: {banner!r}\n{self.log_tail()}")
        self.url = banner.rsplit(" on ", 1)[1].strip()

    @property
    def database(self) -> Path:
        return self.data_dir / "htx-sandbox.db"

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS in /proc status")

    def db_bytes(self) -> int:
        files = (self.database, self.database.with_name(self.database.name + "-wal"))
        return sum(path.stat().st_size for path in files if path.exists())

    def log_tail(self) -> str:
        return "\n".join((self.data_dir / "serve.log").read_text().splitlines()[-20:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=STOP_TIMEOUT_S)

    def stored_orders(self) -> int:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            (count,) = db.execute("SELECT count(*) FROM orders").fetchone()
        return int(count)


def provision(server: Server, clients: int) -> list[tuple[str, str]]:
    """A funded UID and a read+trade key per client."""
    keys: list[tuple[str, str]] = []
    with AdminClient(server.url, server.token) as admin:
        for _ in range(clients):
            uid = admin.create_account()
            admin.deposit(uid, "BTC", 100)
            key = admin.create_api_key(uid)
            assert key.secret_key is not None
            keys.append((key.access_key, key.secret_key))
    return keys


# -- the load --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Counter:
    orders: int = 0
    requests: int = 0


async def client_loop(
    url: str, key: tuple[str, str], batch: int, deadline: float, count: Counter, seed: int
) -> None:
    prices = random.Random(seed)
    async with AsyncHtxSwapClient(key[0], key[1], base_url=url, timeout=30) as htx:
        round_number = 0
        while time.monotonic() < deadline:
            placed: list[int] = []
            for _ in range(batch):
                # Far below the maker's quotes (reference 60000): every order rests.
                price = f"{40000 + prices.randrange(50_000) / 10:.1f}"
                reply = await htx.swap_order(
                    CONTRACT, direction="buy", offset="open", volume=1, lever_rate=5,
                    price=price,
                )  # fmt: skip
                placed.append(reply.order_id)
                count.orders += 1
                count.requests += 1
            if round_number % 2:
                await htx.swap_cancel(CONTRACT, order_id=placed)
            else:
                try:
                    await htx.swap_cancelall(CONTRACT)
                except HtxApiError as error:
                    if error.err_code != NO_ORDERS_TO_CANCEL:
                        raise
            count.requests += 1
            round_number += 1


async def sample_loop(
    server: Server, run: Run, count: Counter, start: float, deadline: float, every: float
) -> None:
    while True:
        now = time.monotonic()
        run.samples.append(
            Sample(now - start, count.orders, server.rss_bytes(), server.db_bytes())
        )
        if now >= deadline:
            return
        await asyncio.sleep(min(every, max(0.0, deadline - now)))


async def drive(server: Server, run: Run, args: argparse.Namespace) -> None:
    keys = provision(server, args.clients)
    count = Counter()
    start = time.monotonic()
    deadline = start + args.seconds
    sampler = asyncio.create_task(sample_loop(server, run, count, start, deadline, args.sample))
    await asyncio.gather(
        *(
            client_loop(server.url, key, args.batch, deadline, count, seed)
            for seed, key in enumerate(keys)
        )
    )
    await sampler
    run.orders, run.requests = count.orders, count.requests
    run.seconds = time.monotonic() - start


def soak(retention: str, args: argparse.Namespace) -> Run:
    run = Run(retention)
    with tempfile.TemporaryDirectory(prefix="htx-soak-") as tmp:
        server = Server(Path(tmp), retention)
        try:
            asyncio.run(drive(server, run, args))
        except BaseException:
            print(server.log_tail(), file=sys.stderr)
            raise
        finally:
            server.stop()
        run.stored_orders = server.stored_orders()
    return run


# -- report ----------------------------------------------------------------------------------------


def mib(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"


def kib(value: float) -> str:
    return f"{value / 2**10:,.0f} KiB"


def report(runs: list[Run], seconds: float) -> None:
    half = seconds / 2
    print("| retention | orders (stored, with the maker's) | orders/s | RSS before -> after load |"
          " RSS / 1,000 orders: run, 2nd half | DB / 1,000 orders |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for run in runs:
        rss_all, db_all = run.growth_per_1000(0.0)
        rss_late, _ = run.growth_per_1000(half)
        first, last = run.samples[0], run.samples[-1]
        print(
            f"| {run.retention} | {run.orders:,} ({run.stored_orders:,}) | "
            f"{run.orders / run.seconds:,.0f} | {mib(first.rss_bytes)} -> {mib(last.rss_bytes)}"
            f" | {kib(rss_all)}, {kib(rss_late)} | {kib(db_all)} |"
        )
    longest = max(runs, key=lambda r: duration_ms(r.retention))
    for run in runs:
        if run is longest:
            continue
        ratio_all = _ratio(run.growth_per_1000(0.0)[0], longest.growth_per_1000(0.0)[0])
        ratio_late = _ratio(run.growth_per_1000(half)[0], longest.growth_per_1000(half)[0])
        print(
            f"RSS growth per 1,000 orders, {run.retention} / {longest.retention}: "
            f"{ratio_all} over the run, {ratio_late} over its second half"
        )
        if duration_ms(run.retention) >= half * 1000:
            print(f"  (note: {run.retention} is not shorter than half the run: no steady state)")
    # What a full window would hold at this run's rate, if RSS keeps growing as measured.
    rate = longest.orders / longest.seconds
    in_window = rate * duration_ms(longest.retention) / 1000
    per_order = longest.growth_per_1000(0.0)[0] / 1000
    print(
        f"A full {longest.retention} window at {rate:,.0f} orders/s: {in_window:,.0f} finished "
        f"orders, about {mib(in_window * per_order)} of RSS"
    )


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}" if baseline > 0 else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="load per run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--batch", type=int, default=5, help="orders placed per cancel")
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    parser.add_argument(
        "--retention",
        action="append",
        default=None,
        help="an --order-retention to run with (repeatable; default 60s and 2h)",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 1 <= args.clients <= 64 or not 1 <= args.batch <= 10:
        parser.error("--seconds 0-3600, --clients 1-64, --batch 1-10")
    retentions: list[str] = args.retention or ["60s", "2h"]
    runs = []
    for retention in retentions:
        print(f"soak: --order-retention {retention} for {args.seconds:.0f} s ...", flush=True)
        runs.append(soak(retention, args))
    print(f"\n{os.cpu_count()} CPUs, {args.clients} clients, {args.seconds:.0f} s per run")
    report(runs, args.seconds)


if __name__ == "__main__":
    main()
