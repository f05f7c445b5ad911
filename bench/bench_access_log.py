"""What the access log costs: `htx-sandbox serve` with and without it, on GET /api/v1/timestamp.

    python bench/bench_access_log.py [--repeat 5] [--duration 10] [--threads 2]
                                     [--connections 128]

Needs wrk on PATH (Debian/Ubuntu: `apt-get install wrk`). Each repeat starts the real
`htx-sandbox serve` (SQLite in a fresh data directory, --no-rate-limit, the per-address cap
raised since wrk connects from one address) twice, once with the access log (the default) and
once with --no-access-log, in alternating order so that drift on a shared machine hits both
alike. The server's stdout and stderr go to a file, as `serve >log 2>&1` in a deployment would.
Each server gets a 2 s wrk warm-up, then `wrk -t2 -c128 -d10s --latency`.

Reports req/s, p50 and p99 of both, medians over the repeats, and the ratio of the medians
(target >= 0.85). After each run with the log on, the lines in the log file are counted
against the requests wrk completed: every request leaves its line, or a reported drop.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
PATH = "/api/v1/timestamp"
TARGET = 0.85
WARMUP_S = 2
LINE = f"GET {PATH} uid=- err_code=- status=200"
DROPPED = re.compile(r"dropped (\d+) access log lines")


@dataclass(frozen=True)
class Result:
    rate: float
    requests: int
    p50_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("serve did not start listening within 60 s")


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(args: argparse.Namespace, port: int, seconds: int) -> Result:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency",
               f"http://{HOST}:{port}{PATH}"]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors:\n{out}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    requests = re.search(r"^\s+(\d+) requests in", out, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
    if requests is None or rate is None or set(latency) != {"50", "99"}:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    return Result(float(rate[1]), int(requests[1]), milliseconds(latency["50"]),
                  milliseconds(latency["99"]))  # fmt: skip


def one_server(args: argparse.Namespace, tmp: Path, access_log: bool) -> Result:
    port = free_port()
    data = Path(tempfile.mkdtemp(dir=tmp))
    log = data / "serve.log"
    command = [sys.executable, "-m", "htx_sandbox", "serve", "--port", str(port),
               "--data-dir", str(data), "--admin-token", "bench", "--no-rate-limit",
               "--max-connections-per-ip", "4096"]  # fmt: skip
    if not access_log:
        command.append("--no-access-log")
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_listening(port, process, log)
            warm = wrk(args, port, WARMUP_S)
            result = wrk(args, port, args.duration)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    text = log.read_text()
    if process.returncode != 0:
        raise SystemExit(f"serve exited with {process.returncode}:\n{text[-2000:]}")
    lines = text.count(LINE)
    dropped = sum(int(found) for found in DROPPED.findall(text))
    # wrk counts completed replies; a request cut off at the end may still have been answered.
    expected = warm.requests + result.requests
    if access_log and not expected <= lines + dropped <= expected + args.connections * 2:
        raise SystemExit(f"{lines} lines + {dropped} dropped for {expected} requests")
    if not access_log and lines:
        raise SystemExit(f"--no-access-log wrote {lines} access lines")
    shutil.rmtree(data)
    note = f", {lines} lines, {dropped} dropped" if access_log else ""
    print(f"  access log {'on ' if access_log else 'off'}: {result.rate:,.0f} req/s, "
          f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms{note}", flush=True)  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=128)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk on PATH (apt-get install wrk)")
    runs: dict[bool, list[Result]] = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="htx-bench-log-") as tmp:
        for index in range(args.repeat):
            print(f"run {index + 1}/{args.repeat}", flush=True)
            order = (True, False) if index % 2 == 0 else (False, True)
            for access_log in order:
                runs[access_log].append(one_server(args, Path(tmp), access_log))
    med = {
        mode: {
            "rate": statistics.median(r.rate for r in results),
            "p50": statistics.median(r.p50_ms for r in results),
            "p99": statistics.median(r.p99_ms for r in results),
        }
        for mode, results in runs.items()
    }
    ratio = med[True]["rate"] / med[False]["rate"]
    per_run = [on.rate / off.rate for on, off in zip(runs[True], runs[False], strict=True)]
    print(f"\nmedians of {args.repeat} runs, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, GET {PATH}:")  # fmt: skip
    print("| serve | req/s | p50 | p99 |\n|---|---|---|---|")
    for mode, title in ((False, "--no-access-log"), (True, "access log on (default)")):
        figures = med[mode]
        print(f"| {title} | {figures['rate']:,.0f} | {figures['p50']:.2f} ms | "
              f"{figures['p99']:.2f} ms |")  # fmt: skip
    verdict = "met" if ratio >= TARGET else "NOT met"
    runs_text = ", ".join(f"{r:.2f}" for r in per_run)
    print(f"\nratio on/off: {ratio:.2f} (runs: {runs_text}); target >= {TARGET}: {verdict}")


if __name__ == "__main__":
    main()
