"""HTTP benchmark of the sandbox server with wrk on loopback (issue 4's figures).

    python bench/bench_http.py [--threads 2] [--connections 128] [--duration 10] [--repeat 3]
    python bench/bench_http.py --base REV   # this build against REV's, alternating run for run

Needs wrk on PATH (Debian/Ubuntu: `apt-get install wrk`); installs nothing. Each run starts a
fresh server (bench/http_server.py: SQLite with durability normal, i.e. durable writes on, uvicorn
with uvloop and httptools, one worker, rate limits off), warms it up, then runs these wrk
scenarios against it, one after another, each for --duration seconds with --latency:

  1. timestamp      GET /api/v1/timestamp: the baseline every other figure is set against
  2. cancel-all     signed POST swap_cancelall for UIDs with no open orders (reply 1051)
     (nothing)
  3. cancel-all     signed POST swap_cancelall where every call cancels exactly one order: the
     (one order)    server starts with enough UIDs holding four resting orders each for every
                    request the run can send (bench/wrk/cancelall_one.lua says how)
  4. order          signed POST swap_order: resting limit buys over 1,000 price ticks, rotating
                    over --order-uids UIDs (more for long runs: 10,000 open orders per UID)
  5. order +        signed swap_order and swap_cancelall in pairs, so that every cancel-all
     cancel-all     cancels the order placed just before it (bench/wrk/cancel_pairs.lua says how)

Signed requests use URLs pre-signed just before each wrk run (HTX accepts a signature again
within its 5 minute window), signed for the Host header wrk sends. Every reply is classified
(ok / err_code) by the Lua scripts, and a scenario with a reply it should not get fails the
benchmark. After scenarios 3 and 5 the server's database is read to confirm the cancels
happened.

Why 128 connections: req/s is meant as the server's capacity, so every scenario is run with enough
connections to saturate it. The bare timestamp endpoint saturates the event loop with 32 already
(its req/s is flat from 32 to 256 connections). A signed write does not: each connection waits
for its reply, and a reply waits for the engine's commit, so with few connections the event loop
(HTTP, signature) and the engine (apply, commit) mostly take turns with nothing to overlap, and
req/s measures that round trip instead. README shows the figures at 32 connections as well.

For each scenario: requests/s, p50 and p99 latency, the ratio of its requests/s to the
timestamp baseline of the same run, and the server's CPU time per request (from /proc, split into
the event loop thread and the engine thread), which moves less than requests/s when the machine is
shared; medians over --repeat runs. Scenario 5's p50/p99 are over its orders and cancel-alls
together (wrk's latency histogram does not tell requests apart).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import select
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from htx_sandbox.protocol.signature import encode, signed_params

HERE = Path(__file__).resolve().parent
WRK_DIR = HERE / "wrk"
SERVER = HERE / "http_server.py"
CANCEL_ALL = "/swap-api/v1/swap_cancelall"
ORDER = "/swap-api/v1/swap_order"
CANCEL_BODY = '{"contract_code":"BTC-USD"}'
TOP_TICKS = 500_000  # 50000.0: well under the 60000 reference, nothing ever sells there
SPREAD = 1000
PAIR_PRICE = "49000"
TARGET = 0.40
ONE_ORDER_BODIES = [
    '{"contract_code":"BTC-USD","direction":"buy"}',
    '{"contract_code":"BTC-USD","direction":"sell"}',
    '{"contract_code":"ETH-USD","direction":"buy"}',
    '{"contract_code":"ETH-USD","direction":"sell"}',
]
"""One per resting order of bench/http_server.py's RESTING, in its order."""
CEILING_RPS = 40_000
"""More requests per second than any signed scenario can reach here (the bare timestamp endpoint
serves ~35,000): scenario 3 gets enough resting orders for this rate over the whole run."""

# What each scenario may answer; anything else means the figure measures the wrong thing.
EXPECTED: dict[str, frozenset[str]] = {
    "timestamp": frozenset({"ok"}),
    "cancel_empty": frozenset({"err_1051"}),
    "cancel_one": frozenset({"ok"}),
    "order": frozenset({"ok"}),
    "pairs": frozenset({"ok"}),
}
TITLES = {
    "timestamp": "GET /api/v1/timestamp (baseline)",
    "cancel_empty": "swap_cancelall, nothing to cancel",
    "cancel_one": "swap_cancelall, cancels one order",
    "order": "swap_order, resting limit",
    "pairs": "swap_order + swap_cancelall pairs",
}
SCRIPTS = {
    "timestamp": "timestamp.lua",
    "cancel_empty": "cancelall_empty.lua",
    "cancel_one": "cancelall_one.lua",
    "order": "swap_order.lua",
    "pairs": "cancel_pairs.lua",
}


@dataclass(frozen=True)
class Options:
    threads: int
    connections: int
    duration: int
    warmup: int
    timeout: int
    repeat: int
    order_uids: int
    durability: str
    base: str | None = None
    """A git revision whose server to measure too, run for run, alternating with this one."""


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    counts: dict[str, int]
    command: str
    cpu_us: dict[str, float] = field(default_factory=dict)
    """Server CPU time per request in us: "loop" (main thread), "engine" (the other threads)."""
    client_cpu_us: float = 0.0
    """wrk's own CPU time per request in us: the load generator shares the machine's 2 cores."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def unexpected(self, allowed: frozenset[str]) -> dict[str, int]:
        """Replies outside `allowed`, and socket errors or timeouts."""
        outcomes = {
            k: v
            for k, v in self.counts.items()
            if (k.startswith(("err_", "http_")) or k in ("ok", "unknown")) and k not in allowed
        }
        errors = {f"socket_{k}": v for k, v in self.errors.items() if v and k != "status"}
        return {**outcomes, **errors}


@dataclass
class Verification:
    """What the server's database says about a scenario's UIDs after it ran."""

    placed: int
    cancelled: int
    still_open: int


@dataclass
class Run:
    results: dict[str, Result] = field(default_factory=dict)
    verification: Verification | None = None
    """Scenario 5's pair UIDs."""
    one_order_check: Verification | None = None
    """Scenario 3's UIDs."""


# -- the server -------------------------------------------------------------------------------


class Server:
    """bench/http_server.py in a subprocess, from its ready line until SIGTERM."""

    def __init__(
        self, uids: int, resting: int, durability: str, log: Path, source: Path | None = None
    ) -> None:
        """`source`: another checkout whose bench/http_server.py (and package) to run."""
        server = SERVER if source is None else source / "bench" / "http_server.py"
        self.command = [
            sys.executable, str(server), "--uids", str(uids), "--resting", str(resting),
            "--durability", durability,
        ]  # fmt: skip
        self.env = None if source is None else {**os.environ, "PYTHONPATH": str(source / "src")}
        self.log_path = log
        self.ready: dict[str, Any] = {}

    def __enter__(self) -> Server:
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=self._log, text=True, env=self.env
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 300  # scenario 3's resting orders take a while
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                line = self.proc.stdout.readline()
                if line:
                    self.ready = json.loads(line)
                    return self
            if self.proc.poll() is not None:
                break
        self._kill()
        raise SystemExit(f"the server did not start; its log:\n{self.log_path.read_text()}")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self._kill()
            raise SystemExit("the server did not stop within 60 s of SIGTERM") from None
        finally:
            self._log.close()
        if self.proc.returncode != 0 and kind is None:
            log = self.log_path.read_text()
            raise SystemExit(f"the server exited with {self.proc.returncode}; its log:\n{log}")
        if kind is None and '"stopped": true' not in out:
            raise SystemExit(f"the server did not report a clean stop: {out!r}")

    def _kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    @property
    def host(self) -> str:
        return f"{self.ready['host']}:{self.ready['port']}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def key(self, uid: int) -> dict[str, Any]:
        found: dict[str, Any] = self.ready["keys"][uid - 1]
        assert found["uid"] == uid
        return found


def presigned(server: Server, uid: int, path: str, when: datetime) -> str:
    """A POST URL signed for `uid` at `when`, for the Host header wrk sends."""
    key = server.key(uid)
    params = signed_params(key["access_key"], key["secret_key"], "POST", server.host, path, when)
    return path + "?" + "&".join(f"{encode(k)}={encode(v)}" for k, v in params)


# -- wrk --------------------------------------------------------------------------------------


def lua(value: Any) -> str:
    """A Lua literal for the scenario data file (strings, ints, lists, dicts with name keys)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    raise TypeError(f"no Lua literal for {value!r}")


def wrk(args: Options, server: Server, scenario: str, data: dict[str, Any], tmp: Path) -> Result:
    data_file = tmp / f"{scenario}.lua"
    data_file.write_text("return " + lua({"host": server.host, **data}) + "\n")
    duration = args.warmup if scenario == "warmup" else args.duration
    script = WRK_DIR / SCRIPTS["timestamp" if scenario == "warmup" else scenario]
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency",
        f"--timeout={args.timeout}s", "-s", str(script), server.base_url + "/",
    ]  # fmt: skip
    env = {**os.environ, "HTX_BENCH_DATA": str(data_file)}
    before = thread_cpu(server.proc.pid)
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = thread_cpu(server.proc.pid)
    line = next((s for s in done.stdout.splitlines() if s.startswith("HTXBENCH ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    requests = max(int(fields["requests"]), 1)
    cpu = {name: (after[name] - before.get(name, 0.0)) * 1e6 / requests for name in after}
    # wrk is the only child that ends here (the server runs on): its user + system time.
    client = sum(
        getattr(client_after, f) - getattr(client_before, f) for f in ("ru_utime", "ru_stime")
    )
    return Result(
        requests=int(fields["requests"]),
        seconds=int(fields["duration_us"]) / 1e6,
        p50_ms=float(fields["p50_us"]) / 1000,
        p99_ms=float(fields["p99_us"]) / 1000,
        errors={k[7:]: int(v) for k, v in fields.items() if k.startswith("errors_")},
        counts={k[6:]: int(float(v)) for k, v in fields.items() if k.startswith("count.")},
        command=f"HTX_BENCH_DATA={data_file} " + shlex.join(command),
        cpu_us=cpu,
        client_cpu_us=client * 1e6 / requests,
    )


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of the server's threads from /proc: "loop" is the main thread
    (the event loop: HTTP, signature checks, JSON), "engine" every other thread, which in
    http_server.py is only the engine's (it applies commands and commits them; Python 3.11 does
    not give threads OS names to tell them apart by), "relay" its child processes (with --ws,
    the WebSocket socket relay). Empty where /proc is not available."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended
        fields = stat[stat.rindex(")") + 2 :].split()
        name = "loop" if task.name == str(pid) else "engine"
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    try:  # the server's child processes: with --ws, the socket relay
        children = (Path(f"/proc/{pid}/task/{pid}/children").read_text()).split()
    except OSError:
        children = []
    for child in children:
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found["relay"] = found.get("relay", 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return found


# -- one run ----------------------------------------------------------------------------------


def pair_uid_count(args: Options) -> int:
    """Scenario 4 needs more UIDs per wrk thread than the thread has connections."""
    per_thread = math.ceil(args.connections / args.threads)
    return args.threads * (per_thread + 8)


def order_uid_count(args: Options) -> int:
    """Scenario 3 leaves every order resting, and a UID may hold 10,000 open orders per contract:
    enough UIDs for 30,000 orders/s over the whole run, at least --order-uids."""
    return max(args.order_uids, math.ceil(args.duration * 30_000 / 9_000))


def one_order_uid_count(args: Options) -> int:
    """Scenario 3 cancels four orders per UID, one per request."""
    return math.ceil(args.duration * CEILING_RPS / len(ONE_ORDER_BODIES))


def one_run(args: Options, tmp: Path, source: Path | None = None) -> Run:
    order_uids = list(range(1, order_uid_count(args) + 1))
    first_pair = len(order_uids) + 1
    pair_uids = list(range(first_pair, first_pair + pair_uid_count(args)))
    first_one = pair_uids[-1] + 1
    one_uids = list(range(first_one, first_one + one_order_uid_count(args)))
    run = Run()
    log = tmp / "server.log"
    with Server(one_uids[-1], len(one_uids), args.durability, log, source) as server:
        if args.warmup > 0:
            wrk(args, server, "warmup", {}, tmp)
        run.results["timestamp"] = wrk(args, server, "timestamp", {}, tmp)

        now = datetime.now(UTC)
        cancel_urls = [presigned(server, uid, CANCEL_ALL, now) for uid in pair_uids]
        data: dict[str, Any] = {"cancel_urls": cancel_urls, "cancel_body": CANCEL_BODY}
        run.results["cancel_empty"] = wrk(args, server, "cancel_empty", data, tmp)

        now = datetime.now(UTC)
        urls_file = tmp / "cancel_one_urls.txt"
        urls_file.write_text(
            "".join(presigned(server, uid, CANCEL_ALL, now) + "\n" for uid in one_uids)
        )
        data = {"urls_file": str(urls_file), "bodies": ONE_ORDER_BODIES, "threads": args.threads}
        run.results["cancel_one"] = wrk(args, server, "cancel_one", data, tmp)
        run.one_order_check = verify(Path(server.ready["db"]), one_uids)

        now = datetime.now(UTC)
        data = {
            "order_urls": [presigned(server, uid, ORDER, now) for uid in order_uids],
            "top_ticks": TOP_TICKS,
            "spread": SPREAD,
        }
        run.results["order"] = wrk(args, server, "order", data, tmp)

        now = datetime.now(UTC)
        pairs = [
            {
                "uid": uid,
                "order_url": presigned(server, uid, ORDER, now),
                "cancel_url": presigned(server, uid, CANCEL_ALL, now),
            }
            for uid in pair_uids
        ]
        data = {
            "pairs": pairs,
            "threads": args.threads,
            "cancel_body": CANCEL_BODY,
            "pair_price": PAIR_PRICE,
        }
        run.results["pairs"] = wrk(args, server, "pairs", data, tmp)
        run.verification = verify(Path(server.ready["db"]), pair_uids)
    return run


def verify(db: Path, uids: list[int]) -> Verification:
    """Count the orders of UIDs uids[0]..uids[-1] in the server's database by status (read-only;
    WAL lets it read while the server writes)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT status, count(*) FROM orders WHERE uid BETWEEN ? AND ? GROUP BY status",
            (uids[0], uids[-1]),
        ).fetchall()
    finally:
        conn.close()
    by_status = {int(status): int(n) for status, n in rows}
    return Verification(
        placed=sum(by_status.values()),
        cancelled=by_status.get(7, 0),
        still_open=by_status.get(3, 0),
    )


# -- reporting --------------------------------------------------------------------------------


def cancel_replies(result: Result) -> int:
    c = result.counts
    return c.get("cancel_hit", 0) + c.get("cancel_nothing", 0) + c.get("cancel_empty", 0)


def describe_run(index: int, run: Run) -> list[str]:
    base = run.results["timestamp"].rate
    lines = [f"run {index}:"]
    for name, result in run.results.items():
        lines.append(
            f"  {TITLES[name]:<36} {result.rate:>9,.0f} req/s  p50 {result.p50_ms:7.2f} ms"
            f"  p99 {result.p99_ms:7.2f} ms  x{result.rate / base:.2f}  server CPU/req:"
            f" {cpu_text(result.cpu_us)}; wrk {result.client_cpu_us:.0f} us"
        )
    one, one_check = run.results["cancel_one"], run.one_order_check
    lines.append(
        f"  scenario 3: {one.counts.get('cancel_hit', 0):,} cancel-all replies cancelled"
        f" {one.counts.get('cancelled_orders', 0):,} orders"
        + (f"; server database: {one_check.cancelled:,} of the scenario's orders cancelled"
           if one_check is not None else "")
    )
    pairs, check = run.results["pairs"], run.verification
    c = pairs.counts
    lines.append(
        f"  scenario 5: {c.get('placed', 0):,} orders placed, {cancel_replies(pairs):,} cancel-all"
        f" replies, {c.get('cancel_hit', 0):,} of them cancelled at least one order"
        f" ({c.get('cancelled_orders', 0):,} orders); {c.get('cancel_empty', 0):,} answered 1051;"
        f" fallback requests {c.get('fallback', 0):,}"
    )
    if check is not None:
        lines.append(
            f"  server database, pair UIDs: {check.placed:,} orders, {check.cancelled:,} cancelled"
            f" (status 7), {check.still_open:,} still open (in flight when wrk stopped)"
        )
    return lines


def cpu_text(cpu: Mapping[str, float]) -> str:
    if not cpu:
        return "n/a"
    parts = [f"{name} {us:.0f}" for name, us in sorted(cpu.items()) if us >= 0.5]
    return f"{sum(cpu.values()):.0f} us ({', '.join(parts)})"


def summarize(runs: list[Run]) -> list[str]:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    lines = [
        f"medians over {len(runs)} run(s):",
        f"  {'scenario':<36} {'req/s':>9}        {'p50':>7}     {'p99':>7}     vs timestamp"
        "   server CPU per request",
    ]
    ratio: dict[str, float] = {}
    for name in TITLES:
        results = [r.results[name] for r in runs]
        ratio[name] = med([r.results[name].rate / r.results["timestamp"].rate for r in runs])
        lines.append(
            f"  {TITLES[name]:<36} {med([r.rate for r in results]):>9,.0f} req/s"
            f"  {med([r.p50_ms for r in results]):7.2f} ms  {med([r.p99_ms for r in results]):7.2f}"
            f" ms  {ratio[name]:.2f}          {cpu_text(median_cpu(results))}"
        )
    pairs = [r.results["pairs"] for r in runs]
    share = med([cancel_replies(p) / p.requests for p in pairs])
    cancel_rate = med([p.rate * cancel_replies(p) / p.requests for p in pairs])
    base = med([r.results["timestamp"].rate for r in runs])
    lines.append(
        f"  of scenario 5's requests, swap_cancelall: {share:.0%} ({cancel_rate:,.0f} req/s),"
        f" swap_order the rest; p50/p99 are over both"
    )
    lines.append(f"  timestamp baseline: {base:,.0f} req/s")
    for name, what in (
        ("cancel_empty", "signed swap_cancelall, nothing to cancel"),
        ("cancel_one", "signed swap_cancelall, cancels one order each call"),
    ):
        verdict = "met" if ratio[name] >= TARGET else "MISSED"
        lines.append(f"  target {what} >= {TARGET:.0%} of timestamp: {ratio[name]:.0%}, {verdict}")
    return lines


def median_cpu(results: list[Result]) -> dict[str, float]:
    names = {name for r in results for name in r.cpu_us}
    return {n: statistics.median(r.cpu_us.get(n, 0.0) for r in results) for n in names}


def problems(runs: list[Run]) -> list[str]:
    found = []
    for index, run in enumerate(runs, 1):
        for name, result in run.results.items():
            bad = result.unexpected(EXPECTED[name])
            if bad:
                found.append(f"run {index}, {TITLES[name]}: unexpected replies/errors {bad}")
        one, one_check = run.results["cancel_one"], run.one_order_check
        c = one.counts
        if c.get("exhausted", 0) or c.get("cancel_nothing", 0) or c.get("cancel_hit", 0) == 0:
            found.append(f"run {index}: not every cancel-all of scenario 3 cancelled one order")
        if c.get("cancelled_orders", 0) != c.get("cancel_hit", 0):
            found.append(f"run {index}: a cancel-all of scenario 3 cancelled more than one order")
        if one_check is None or one_check.cancelled < c.get("cancelled_orders", 0):
            found.append(f"run {index}: the database shows fewer scenario 3 cancels than replied")
        pairs, check = run.results["pairs"], run.verification
        hits = pairs.counts.get("cancel_hit", 0)
        if hits == 0 or hits != cancel_replies(pairs):
            found.append(f"run {index}: not every cancel-all of scenario 5 cancelled an order")
        if check is None or check.cancelled < pairs.counts.get("cancelled_orders", 0):
            found.append(f"run {index}: the database shows fewer scenario 5 cancels than replied")
    return found


def compare(args: Options, base: str) -> None:
    """This build against `base`'s, run for run in alternation (the machine's drift hits both
    alike): each build's summary, then each scenario's ratio to timestamp, side by side."""
    repo = HERE.parent
    with tempfile.TemporaryDirectory(prefix="htx-bench-base-") as parent:
        tree = Path(parent) / "base"
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), base],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            builds: dict[str, list[Run]] = {base: [], "this build": []}
            for index in range(1, args.repeat + 1):
                for name, source in ((base, tree), ("this build", None)):
                    with tempfile.TemporaryDirectory(prefix="htx-bench-http-") as tmp:
                        run = one_run(args, Path(tmp), source)
                    builds[name].append(run)
                    print(f"[{name}]", "\n".join(describe_run(index, run)), flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                check=False, capture_output=True,
            )  # fmt: skip
    for name, runs in builds.items():
        print(f"\n{name}:")
        print("\n".join(summarize(runs)))
    print(f"\nmedians over {args.repeat} run(s) each, {base} -> this build:")
    print(
        f"  {'scenario':<36} {'ratio to timestamp':>22} {'req/s':>22}"
        f" {'server CPU per request':>26}"
    )
    for name in TITLES:
        old, new = (
            statistics.median(r.results[name].rate / r.results["timestamp"].rate for r in runs)
            for runs in builds.values()
        )
        rate_old, rate_new = (
            statistics.median(r.results[name].rate for r in runs) for runs in builds.values()
        )
        cpu_old, cpu_new = (
            sum(median_cpu([r.results[name] for r in runs]).values())
            for runs in builds.values()
        )
        print(
            f"  {TITLES[name]:<36} {old:5.2f} -> {new:5.2f} ({new / old - 1:+6.1%})"
            f" {rate_old:7,.0f} -> {rate_new:7,.0f} ({rate_new / rate_old - 1:+6.1%})"
            f" {cpu_old:4.0f} -> {cpu_new:4.0f} us ({cpu_new / cpu_old - 1:+6.1%})"
        )
    found = problems([run for runs in builds.values() for run in runs])
    if found:
        print("\n".join(["PROBLEMS (the figures above do not measure what they say):", *found]))
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument(
        "--connections", type=int, default=128, help="wrk -c (see the docstring for why 128)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of timestamp first")
    parser.add_argument("--timeout", type=int, default=5, help="wrk --timeout, seconds")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--order-uids",
        type=int,
        default=16,
        help="UIDs placing in scenario 3 (at least 1 per 0.3 s of --duration)",
    )
    parser.add_argument("--durability", choices=["normal", "full"], default="normal")
    parser.add_argument(
        "--base",
        metavar="REV",
        default=None,
        help="also measure the server of this git revision, alternating run for run",
    )
    args = Options(**vars(parser.parse_args()))
    if args.connections < args.threads or args.threads < 1 or args.duration < 1:
        parser.error("need --threads >= 1, --connections >= --threads and --duration >= 1")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not on PATH: install it (Debian/Ubuntu: apt-get install wrk)")

    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback;"
        f" SQLite durability {args.durability}; {args.repeat} run(s)",
        flush=True,
    )
    if args.base is not None:
        compare(args, args.base)
        return
    runs: list[Run] = []
    for index in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory(prefix="htx-bench-http-") as tmp:
            run = one_run(args, Path(tmp))
        runs.append(run)
        if index == 1:
            print("wrk commands (data files are rewritten, re-signed, for every run):")
            for result in run.results.values():
                print(f"  {result.command}")
        print("\n".join(describe_run(index, run)), flush=True)
    print("\n".join(summarize(runs)))
    found = problems(runs)
    if found:
        print("\n".join(["PROBLEMS (the figures above do not measure what they say):", *found]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
