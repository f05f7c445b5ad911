"""WebSocket push benchmark (issue 15 item 9): what subscribers cost the order path, and how
long a committed change takes to reach a subscriber.

    python bench/bench_ws.py [--duration 8] [--repeat 2] [--connections 64] [--rate 1000]
                             [--no-relay]

Starts bench/http_server.py --ws (SQLite, durability normal, uvloop; the WebSocket services and
the socket relay as `htx-sandbox serve` runs them; --no-relay: the server writes every frame
itself) with --uids UIDs, then in each run:

  1. throughput, none     wrk sends signed swap_order for --duration s over --connections
                          connections: 1-contract limit sells and buys at one price, rotating over
                          the UIDs, so about every second order trades (bench/wrk/
                          swap_order_cross.lua). No subscriber is attached.
  2. throughput, attached the same, with --subscribers (100) authenticated /swap-notification
                          connections subscribed to `orders.*` (one per UID) and --subscribers
                          /swap-ws connections subscribed to `market.BTC-USD.depth.step0` and
                          `market.BTC-USD.trade.detail`, attached before wrk starts.
     ratio = orders/s of 2 / orders/s of 1 (target >= 0.80); the two alternate, --repeat times.
  3. latency              wrk paced to about --rate orders/s (each connection waits between
                          requests; a 3 s probe first sets how many connections that takes on
                          this machine), the subscribers of 2 attached, plus one measuring
                          client of
                          each service written with the project's own feeds
                          (htx_sandbox.client.AsyncMarketFeed / AsyncNotificationFeed), reading
                          every push: commit-to-push latency = the time the push is read minus
                          its `ts` (the engine's clock right after the batch's commit, in ms; same
                          machine, so same clock), p50 and p99 per topic, from pushes read
                          once the load started (not the subscriptions' first snapshots).

The attached subscribers live in a child process (this script with --child, on uvloop, each
socket a bare protocol) that reads their sockets and throws the bytes away without decoding:
they cost the server all it does for a subscriber (capture, shape, gzip once, queue, write to
the socket) and the machine as little as possible, so that the ratio measures the server.
They count the bytes read and the connections the server closed (a slow consumer is closed,
never skipped: 1013). Each group is probed first with the project's client; a topic this
build does not serve is reported as such and its group left out.

Bounded: every phase stops after --duration s, the child and the server at the end; loopback
only. Reports a table of the medians (orders/s, ratio, server CPU per order split into event
loop and engine threads and the relay's process, MB pushed) and the latency percentiles. On a
shared machine the orders/s ratio moves with the neighbours' load; the ratio of server CPU per
order (none over attached, the relay's included) is printed too: what the orders/s ratio
would be were CPU the bound. The server's own process is bound by the GIL instead: its two
threads share one core's worth of Python, which the loop and engine columns show.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import ORDER, Options, Result, Server, presigned, wrk

from htx_sandbox.client import (
    AsyncMarketFeed,
    AsyncNotificationFeed,
    HtxClientError,
    _ws,
)

PRICE = "50000"
DEPTH = "market.BTC-USD.depth.step0"
TRADES = "market.BTC-USD.trade.detail"
ORDERS = "orders.*"
EXPECTED = frozenset({"ok"})


# -- the attached subscribers (the child process) ---------------------------------------------


def frame(text: str) -> bytes:
    """A masked client text frame (RFC 6455 5.2), the only kind the subscribers send."""
    payload = text.encode()
    mask = os.urandom(4)
    size = len(payload)
    head = bytes([0x81]) + (
        bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + struct.pack("!H", size)
    )
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


@dataclass
class Tally:
    bytes_read: int = 0
    closed_by_server: int = 0


class _Reader(asyncio.Protocol):
    """One attached subscriber's socket: the upgrade, its frames, then bytes counted and
    dropped (a protocol on uvloop: the cheapest reader, so that the machine's second core
    stays the server's as far as it can)."""

    def __init__(self, head: bytes, frames: list[str], tally: Tally, path: str) -> None:
        self.head, self.frames, self.tally, self.path = head, frames, tally, path
        self.upgraded = False
        self.buffer = b""
        self.closed = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass of it
        self.transport.write(self.head)

    def data_received(self, data: bytes) -> None:
        if self.upgraded:
            self.tally.bytes_read += len(data)
            return
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        assert self.transport is not None
        if not self.buffer.startswith(b"HTTP/1.1 101"):
            self.closed.set_exception(SystemExit(f"{self.path}: no upgrade: {self.buffer[:100]!r}"))
            self.transport.close()
            return
        self.upgraded = True
        self.tally.bytes_read += len(self.buffer) - end - 4
        for text in self.frames:
            self.transport.write(frame(text))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


async def subscriber(host: str, port: int, path: str, frames: list[str], tally: Tally,
                     stop: asyncio.Event) -> None:  # fmt: skip
    key = base64.b64encode(os.urandom(16)).decode()
    head = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    transport, reader = await loop.create_connection(
        lambda: _Reader(head, frames, tally, path), host, port
    )
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({stopping, reader.closed}, return_when=asyncio.FIRST_COMPLETED)
    if reader.closed.done():
        reader.closed.result()  # a refused upgrade ends the run
        tally.closed_by_server += 1
    stopping.cancel()
    transport.close()


async def child(spec: dict[str, Any]) -> None:
    """Attach the subscribers `spec` lists, say ready, read until stdin closes, report."""
    stop = asyncio.Event()
    tallies: dict[str, Tally] = {}
    tasks = []
    for group in spec["groups"]:
        tally = tallies.setdefault(group["name"], Tally())
        for frames in group["connections"]:
            tasks.append(asyncio.ensure_future(subscriber(
                spec["host"], spec["port"], group["path"], frames, tally, stop
            )))  # fmt: skip
    await asyncio.sleep(1.0)  # handshakes and sub replies
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    report = {name: vars(t) for name, t in tallies.items()}
    print(json.dumps({"done": report}), flush=True)


class Subscribers:
    """The child process, from its ready line until its stdin is closed."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.report: dict[str, dict[str, int]] = {}

    def __enter__(self) -> Subscribers:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--child"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(self.spec) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if '"ready"' not in line:
            self.proc.kill()
            raise SystemExit(f"the subscribers did not start: {line!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            out, _ = self.proc.communicate(timeout=60)  # closes stdin: the child stops
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise SystemExit("the subscribers did not stop") from None
        for line in out.splitlines():
            if line.startswith('{"done"'):
                self.report = json.loads(line)["done"]


# -- probing and specs ------------------------------------------------------------------------


async def served(server: Server, topics: dict[str, str]) -> dict[str, str | None]:
    """For each group, None if this build serves its topic, else why not."""
    out: dict[str, str | None] = {}
    for name, topic in topics.items():
        try:
            if topic == ORDERS:
                key = server.key(1)
                async with AsyncNotificationFeed(
                    key["access_key"], key["secret_key"], base_url=server.base_url,
                    reconnect=False, reply_timeout=5,
                ) as feed:  # fmt: skip
                    await feed.subscribe(topic)
            else:
                async with AsyncMarketFeed(
                    base_url=server.base_url, reconnect=False, reply_timeout=5
                ) as market:
                    await market.subscribe(topic)
            out[name] = None
        except (HtxClientError, TimeoutError) as error:
            out[name] = f"{type(error).__name__}: {error}"
    return out


def spec(server: Server, args: argparse.Namespace, available: dict[str, str | None]) -> Any:
    host, port = server.ready["host"], server.ready["port"]
    groups = []
    market = [t for name, t in (("depth", DEPTH), ("trades", TRADES)) if available[name] is None]
    if market:
        frames = [_ws.pack({"sub": t, "id": str(i)}) for i, t in enumerate(market)]
        groups.append({"name": "market", "path": _ws.MARKET_PATH,
                       "connections": [frames] * args.subscribers})  # fmt: skip
    if available["orders"] is None:
        now = datetime.now(UTC)
        connections = []
        for n in range(args.subscribers):
            key = server.key(n % args.uids + 1)
            auth = _ws.auth_frame(key["access_key"], key["secret_key"], host, now)
            sub = {"op": "sub", "cid": "1", "topic": ORDERS}
            connections.append([_ws.pack(auth), _ws.pack(sub)])
        groups.append({"name": "orders", "path": _ws.NOTIFICATION_PATH, "connections": connections})
    return {"host": host, "port": port, "groups": groups}


# -- the measuring clients --------------------------------------------------------------------


@dataclass
class Latencies:
    ms: dict[str, list[int]] = field(default_factory=dict)


async def measure(server: Server, available: dict[str, str | None], loading: asyncio.Event,
                  stop: asyncio.Event, out: Latencies) -> None:  # fmt: skip
    """Read every push of each topic; from `loading` on, sample its commit-to-push latency."""
    async def read(feed: Any, topic: str, label: str) -> None:
        async with feed:
            await feed.subscribe(topic)
            samples = out.ms.setdefault(label, [])
            while not stop.is_set():
                try:
                    message = await asyncio.wait_for(feed.recv(), 0.5)
                except TimeoutError:
                    continue
                ts = getattr(message, "ts", None)
                if loading.is_set() and isinstance(ts, int) and ts > 0:
                    samples.append(int(time.time() * 1000) - ts)

    readers = []
    for label, topic in (("trades", TRADES), ("depth", DEPTH)):
        if available[label] is None:
            readers.append(read(AsyncMarketFeed(base_url=server.base_url), topic, label))
    if available["orders"] is None:
        key = server.key(1)
        feed = AsyncNotificationFeed(key["access_key"], key["secret_key"],
                                     base_url=server.base_url)  # fmt: skip
        readers.append(read(feed, ORDERS, "orders"))
    await asyncio.gather(*readers)


# -- runs -------------------------------------------------------------------------------------


def options(args: argparse.Namespace, connections: int) -> Options:
    return Options(threads=2, connections=connections, duration=args.duration, warmup=0,
                   timeout=10, repeat=1, order_uids=args.uids, durability="normal")  # fmt: skip


def orders(args: argparse.Namespace, server: Server, tmp: Path, connections: int,
           delay_ms: int = 0) -> Result:  # fmt: skip
    now = datetime.now(UTC)
    data = {
        "order_urls": [presigned(server, uid, ORDER, now) for uid in range(1, args.uids + 1)],
        "price": PRICE,
        "delay_ms": delay_ms,
    }
    result = wrk(options(args, connections), server, "cross", data, tmp)
    unexpected = result.unexpected(EXPECTED)
    if unexpected:
        raise SystemExit(f"unexpected replies {unexpected}; {result.command}")
    return result


def paced(args: argparse.Namespace, server: Server, tmp: Path,
          available: dict[str, str | None]) -> tuple[Result, Latencies]:  # fmt: skip
    # Each connection waits delay_ms between its requests: at most connections * 1000 /
    # delay_ms orders/s, less by the reply time. A 3 s probe at that guess measures how far
    # the reply time takes it below --rate; the measured run scales the connections by it.
    delay_ms = 50
    connections = max(1, round(args.rate * delay_ms / 1000))
    probe = orders(argparse.Namespace(**{**vars(args), "duration": 3}), server, tmp,
                   connections, delay_ms)  # fmt: skip
    connections = min(4 * args.connections, round(connections * args.rate / max(probe.rate, 1)))
    latencies = Latencies()

    async def main() -> Result:
        stop, loading = asyncio.Event(), asyncio.Event()
        measuring = asyncio.ensure_future(measure(server, available, loading, stop, latencies))
        await asyncio.sleep(1.0)  # subscribed; what came so far is the subscriptions' snapshots
        loading.set()
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(
            None, lambda: orders(args, server, tmp, connections, delay_ms)
        )
        stop.set()
        await measuring
        return result

    return asyncio.run(main()), latencies


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--uids", type=int, default=100)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument(
        "--no-relay", action="store_true", help="the server writes every frame itself"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        uvloop.run(child(json.loads(sys.stdin.readline())))
        return
    import bench_http

    bench_http.SCRIPTS["cross"] = "swap_order_cross.lua"
    bench_http.EXPECTED["cross"] = EXPECTED
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="htx-bench-ws-") as name:
        tmp = Path(name)
        srv = Server(args.uids, 0, "normal", tmp / "server.log")
        srv.command += ["--ws", "--max-connections-per-ip", "4096"]
        if args.no_relay:
            srv.command.append("--no-relay")
        with srv as server:
            available = asyncio.run(served(server, {"depth": DEPTH, "trades": TRADES,
                                                    "orders": ORDERS}))  # fmt: skip
            for name_, why in available.items():
                print(f"{name_:7} {'served' if why is None else 'NOT SERVED: ' + why}")
            attached = spec(server, args, available)
            orders(args, server, tmp, args.connections)  # warm-up: the book and positions
            rows: list[dict[str, float]] = []
            for run in range(args.repeat):
                none = orders(args, server, tmp, args.connections)
                with Subscribers(attached) as subs:
                    with_subs = orders(args, server, tmp, args.connections)
                pushed = sum(t["bytes_read"] for t in subs.report.values()) / 1e6
                closed = sum(t["closed_by_server"] for t in subs.report.values())
                row = {
                    "none": none.rate, "attached": with_subs.rate,
                    "ratio": with_subs.rate / none.rate,
                    "loop_none": none.cpu_us.get("loop", 0.0),
                    "loop_attached": with_subs.cpu_us.get("loop", 0.0),
                    "engine_none": none.cpu_us.get("engine", 0.0),
                    "engine_attached": with_subs.cpu_us.get("engine", 0.0),
                    "relay_none": none.cpu_us.get("relay", 0.0),
                    "relay_attached": with_subs.cpu_us.get("relay", 0.0),
                    "cpu_ratio": sum(none.cpu_us.values()) / max(sum(with_subs.cpu_us.values()),
                                                                 1e-9),
                    "mb": pushed, "closed": closed,
                    "p99_none": none.p99_ms, "p99_attached": with_subs.p99_ms,
                }  # fmt: skip
                rows.append(row)
                print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()))
            with Subscribers(attached) as subs:
                result, latencies = paced(args, server, tmp, available)
        closed = sum(t["closed_by_server"] for t in subs.report.values())
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    groups = ", ".join(g["name"] for g in attached["groups"]) or "none"
    print(f"\nsubscribers attached: {args.subscribers} per group ({groups}); medians of "
          f"{args.repeat} runs of {args.duration} s, {args.connections} connections")  # fmt: skip
    print("| scenario | swap_order /s | ratio | CPU us/order: loop | engine | relay |")
    print("|---|---|---|---|---|---|")
    print(f"| no subscriber | {med['none']:,.0f} | 1.00 | {med['loop_none']:.0f} | "
          f"{med['engine_none']:.0f} | {med['relay_none']:.0f} |")  # fmt: skip
    print(f"| subscribers attached | {med['attached']:,.0f} | {med['ratio']:.2f} | "
          f"{med['loop_attached']:.0f} | {med['engine_attached']:.0f} | "
          f"{med['relay_attached']:.0f} |")  # fmt: skip
    print(f"server CPU per order (its process and the relay's), none / attached: "
          f"{med['cpu_ratio']:.2f} (the capacity ratio were CPU, not the GIL, the bound)")
    print(f"pushed to the attached subscribers: {med['mb']:.1f} MB per run; "
          f"closed by the server: {med['closed']:.0f}")  # fmt: skip
    print(f"\npaced: {result.rate:,.0f} orders/s for {args.duration} s "
          f"(subscribers closed by the server: {closed})")  # fmt: skip
    for label, values in latencies.ms.items():
        if values:
            print(f"commit-to-push {label}: {len(values)} pushes, p50 "
                  f"{percentile(values, 0.5):.0f} ms, p99 {percentile(values, 0.99):.0f} ms")
        else:
            print(f"commit-to-push {label}: no push read")


if __name__ == "__main__":
    main()
