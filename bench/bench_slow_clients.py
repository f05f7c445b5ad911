"""Latency of ordinary requests while slowloris clients hold connections open (issue 10).

    python bench/bench_slow_clients.py [--slow 300] [--addresses 10] [--duration 10]
                                       [--connections 8] [--repeat 1]

Starts bench/http_server.py (the real app behind the HTTP limits of `htx-sandbox serve`, with
the server's default per-address cap of 64) and, in each run:

  1. baseline   --connections keep-alive clients on 127.0.0.1 send `GET /api/v1/timestamp`
                back to back for --duration seconds; latency of each request.
  2. slowloris  a child process opens --slow connections, spread over --addresses loopback
                addresses (127.0.0.2, 127.0.0.3, ...: all of 127.0.0.0/8 is loopback on Linux), so
                that each address stays under the cap and the cap hides nothing. Each sends a
                partial request head, then one more header line every second, and reconnects
                when the server closes it (as a slowloris attack does). Once all are open, the
                same clients as in 1 measure again for --duration + 5 seconds, long enough for the
                10 s head timeout to close every slow connection at least once.

Reports p50/p99 latency and req/s of both phases, their ratios, and what the slow clients saw:
how many connections the server closed and how long they had lived. Bounded: each phase stops at
its duration or after --max-requests requests, the child after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvloop

HERE = Path(__file__).resolve().parent
SERVER = HERE / "http_server.py"
HOST = "127.0.0.1"
CAP = 64
"""The per-address cap the server runs with: `htx-sandbox serve`'s default."""
REQUEST = b"GET /api/v1/timestamp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
PARTIAL = b"GET /api/v1/timestamp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
DRIP_S = 1.0


# -- ordinary clients ----------------------------------------------------------------------------


@dataclass
class Phase:
    latencies_ms: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _one_client(port: int, stop_at: float, limit: int, out: list[float]) -> None:
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while loop.time() < stop_at and len(out) < limit:
            started = time.perf_counter()
            writer.write(REQUEST)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"unexpected answer: {head!r}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            out.append((time.perf_counter() - started) * 1000)
    finally:
        writer.close()


async def _measure(port: int, connections: int, seconds: float, limit: int) -> Phase:
    loop = asyncio.get_running_loop()
    out: list[float] = []
    started = loop.time()
    stop_at = started + seconds
    await asyncio.gather(*(_one_client(port, stop_at, limit, out) for _ in range(connections)))
    return Phase(out, loop.time() - started)


def measure(port: int, connections: int, seconds: float, limit: int) -> Phase:
    return uvloop.run(_measure(port, connections, seconds, limit))


# -- slowloris (the child process) ---------------------------------------------------------------


@dataclass
class SlowStats:
    opened: int = 0
    closed_by_server: int = 0
    answered: int = 0
    connect_failed: int = 0
    lifetimes_s: list[float] = field(default_factory=list)
    open_now: int = 0


async def _slow_slot(port: int, source: str, stats: SlowStats, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(HOST, port, local_addr=(source, 0))
        except OSError:
            stats.connect_failed += 1
            await asyncio.sleep(0.1)
            continue
        stats.opened += 1
        stats.open_now += 1
        opened_at = loop.time()
        writer.write(PARTIAL)
        gone = asyncio.ensure_future(reader.read(1))  # b"" once the server closes
        stopping = asyncio.ensure_future(stop.wait())
        lines = 0
        while not (gone.done() or stop.is_set()):
            await asyncio.wait({gone, stopping}, timeout=DRIP_S)
            if not (gone.done() or stop.is_set()):
                writer.write(b"X-Slow-%d: 1\r\n" % lines)
                lines += 1
        stopping.cancel()
        stats.open_now -= 1
        if gone.done():
            if gone.exception() is None and gone.result():
                stats.answered += 1  # the server answered instead of closing: not expected
            stats.closed_by_server += 1
            stats.lifetimes_s.append(loop.time() - opened_at)
        else:
            gone.cancel()
        writer.close()


async def _slowloris(port: int, count: int, addresses: int, seconds: float) -> SlowStats:
    loop = asyncio.get_running_loop()
    stats = SlowStats()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.call_later(seconds, stop.set)
    sources = [f"127.0.0.{2 + n % addresses}" for n in range(count)]
    slots = [asyncio.ensure_future(_slow_slot(port, src, stats, stop)) for src in sources]
    while stats.open_now < count and not stop.is_set():
        await asyncio.sleep(0.05)
    print(json.dumps({"ready": True, "open": stats.open_now}), flush=True)
    await asyncio.gather(*slots)
    return stats


def slowloris_child(port: int, count: int, addresses: int, seconds: float) -> None:
    stats = uvloop.run(_slowloris(port, count, addresses, seconds))
    lifetimes = sorted(stats.lifetimes_s)
    print(
        json.dumps({
            "opened": stats.opened,
            "closed_by_server": stats.closed_by_server,
            "answered": stats.answered,
            "connect_failed": stats.connect_failed,
            "lifetime_p50_s": statistics.median(lifetimes) if lifetimes else None,
            "lifetime_max_s": lifetimes[-1] if lifetimes else None,
        }),
        flush=True,
    )


# -- the run -------------------------------------------------------------------------------------


class Child:
    """A subprocess that prints JSON lines; the first within `timeout` seconds."""

    def __init__(self, command: list[str], timeout: float) -> None:
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.first = self.line(timeout)

    def line(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        text = self.proc.stdout.readline() if ready else ""
        if not text:
            self.proc.kill()
            raise SystemExit(f"{self.proc.args!r} did not answer within {timeout} s")
        found: dict[str, Any] = json.loads(text)
        return found

    def stop(self, timeout: float = 60) -> dict[str, Any]:
        self.proc.send_signal(signal.SIGTERM)
        last = self.line(timeout)
        self.proc.wait(timeout)
        return last


def one_run(args: argparse.Namespace) -> dict[str, Any]:
    server_cmd = [sys.executable, str(SERVER), "--uids", "1",
                  "--max-connections-per-ip", str(CAP)]  # fmt: skip
    server = Child(server_cmd, 120)
    try:
        port = int(server.first["port"])
        measure(port, args.connections, 1, args.max_requests)  # warm-up
        baseline = measure(port, args.connections, args.duration, args.max_requests)
        child_cmd = [
            sys.executable, __file__, "--slowloris-child", "--port", str(port),
            "--slow", str(args.slow), "--addresses", str(args.addresses),
            "--child-seconds", str(args.duration + 60),
        ]  # fmt: skip
        slow = Child(child_cmd, 60)
        try:
            loaded = measure(port, args.connections, args.duration + 5, args.max_requests)
        finally:
            seen = slow.stop()
    finally:
        server.stop()
    return {"baseline": baseline, "loaded": loaded, "slow": seen, "slow_open": slow.first["open"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=300, help="slowloris connections")
    parser.add_argument("--addresses", type=int, default=10, help="loopback addresses for them")
    parser.add_argument("--duration", type=float, default=10, help="seconds of the baseline")
    parser.add_argument("--connections", type=int, default=8, help="ordinary clients")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="per phase")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--slowloris-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child-seconds", type=float, default=60, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.slowloris_child:
        slowloris_child(args.port, args.slow, args.addresses, args.child_seconds)
        return
    if not 1 <= args.addresses <= 250 or args.slow < 1 or args.duration <= 0:
        parser.error("need 1 <= --addresses <= 250, --slow >= 1 and --duration > 0")
    per_address = -(-args.slow // args.addresses)
    print(
        f"{args.slow} slowloris connections from {args.addresses} loopback addresses "
        f"(127.0.0.2-127.0.0.{1 + args.addresses}, up to {per_address} each, under the server's "
        f"per-address cap of {CAP}); {args.connections} ordinary keep-alive clients on {HOST} "
        f"send GET /api/v1/timestamp back to back; {args.repeat} run(s)",
        flush=True,
    )
    if per_address > CAP:
        print("note: more slow connections per address than the cap: the cap refuses the rest")
    runs = []
    for index in range(1, args.repeat + 1):
        run = one_run(args)
        runs.append(run)
        base, loaded, slow = run["baseline"], run["loaded"], run["slow"]
        print(f"run {index}:")
        for name, phase in (("no slow connections", base), ("slowloris open", loaded)):
            print(
                f"  {name:<22} {phase.rate:>8,.0f} req/s  p50 {phase.percentile(0.5):6.2f} ms"
                f"  p99 {phase.percentile(0.99):6.2f} ms  ({len(phase.latencies_ms):,} requests)"
            )
        print(
            f"  slow clients: {run['slow_open']} open at once; {slow['opened']:,} connections"
            f" opened, {slow['closed_by_server']:,} closed by the server (lifetime p50"
            f" {slow['lifetime_p50_s'] or 0:.1f} s, max {slow['lifetime_max_s'] or 0:.1f} s),"
            f" {slow['answered']} answered, {slow['connect_failed']} connects failed"
        )

    def med(values: list[float]) -> float:
        return statistics.median(values)

    def ratio(q: float) -> float:
        return med([r["loaded"].percentile(q) / r["baseline"].percentile(q) for r in runs])

    rate = med([r["loaded"].rate / r["baseline"].rate for r in runs])
    print(
        f"medians over {len(runs)} run(s): with {args.slow} slowloris connections open, p50 x"
        f"{ratio(0.5):.2f}, p99 x{ratio(0.99):.2f}, req/s x{rate:.2f} of the baseline"
    )
    problems = [
        f"run {n}: {what}"
        for n, r in enumerate(runs, 1)
        for what, bad in (
            ("not every slow connection was open at once", r["slow_open"] < args.slow),
            ("the server closed no slow connection", r["slow"]["closed_by_server"] == 0),
            ("the server answered a partial head", r["slow"]["answered"] > 0),
        )
        if bad
    ]
    if problems:
        print("\n".join(["PROBLEMS:", *problems]))
        raise SystemExit(1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
