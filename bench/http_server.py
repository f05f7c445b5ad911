"""The sandbox server as bench/bench_http.py measures it (until `htx-sandbox serve` exists).

    python bench/http_server.py [--uids 96] [--resting 0] [--durability normal] [--port 0]
                                [--max-connections-per-ip 1024]

A SqliteStore in a temporary directory (durability normal: every reply waits for its WAL
commit), Engine(ExchangeClock(SystemClock())) as serve runs it, create_app(engine, clock,
HttpSettings(rate_limit=False)) served
by uvicorn with uvloop and httptools behind the HTTP limits of `htx-sandbox serve`
(http/core/guard.py; the per-address cap raised, as every load generator connects from one address),
one worker, no access log, on 127.0.0.1. UIDs 1..--uids are
opened, funded with 1,000,000 BTC and given one read+trade API key each. The last --resting of
them are also funded with ETH and given four resting orders, far from any price the benchmark
trades at: a buy and a sell on BTC-USD and on ETH-USD (RESTING below), so that four
swap_cancelall calls per UID, one per contract and direction, each cancel exactly one order.
Once the server accepts connections, one JSON line goes to stdout:

    {"ready": true, "pid": ..., "host": "127.0.0.1", "port": ..., "db": "...",
     "keys": [{"uid": 1, "access_key": "...", "secret_key": "..."}, ...]}

SIGTERM or SIGINT stops it: uvicorn finishes the requests in flight, then the engine commits
what it was given and stops, the store is closed and the temporary directory removed; a last
JSON line {"stopped": true, "commits": ...} follows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import sys
import tempfile
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvicorn

from htx_sandbox.domain.commands import Deposit, OpenUser, Outcome, PlaceOrder
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.frames import MAX_CLIENT_FRAME
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.guard import HttpLimits, guarded_protocol
from htx_sandbox.http.relay.link import start_relay
from htx_sandbox.http.ws import PushProtocol, WsSettings
from htx_sandbox.service.api_keys import READ, TRADE, CreateApiKey
from htx_sandbox.service.clock import ExchangeClock, SystemClock
from htx_sandbox.service.collector import freeze_survivors
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import Durability
from htx_sandbox.storage.sqlite import SqliteStore

HOST = "127.0.0.1"
DEPOSIT = Decimal(1_000_000)


def provision(engine: Engine, uids: int) -> list[dict[str, Any]]:
    """Open and fund UIDs 1..uids and give each an API key (submitted together, so that group
    commit writes them in a few transactions)."""
    keys: list[dict[str, Any]] = []
    pending: list[Future[Outcome]] = []
    for n in range(1, uids + 1):
        uid = UID(n)
        access, secret = f"bench-{n}-{secrets.token_hex(6)}", secrets.token_hex(16)
        pending.append(engine.submit(OpenUser(uid)))
        pending.append(engine.submit(Deposit(uid, "BTC", DEPOSIT)))
        pending.append(engine.submit(CreateApiKey(access, secret, uid, frozenset({READ, TRADE}))))
        keys.append({"uid": n, "access_key": access, "secret_key": secret})
    for future in pending:
        outcome = future.result()
        if outcome.error is not None:
            raise SystemExit(f"provisioning failed: {outcome.error.wire_message()}")
    return keys


RESTING = [
    ("BTC-USD", Direction.BUY, Decimal("40000")),
    ("BTC-USD", Direction.SELL, Decimal("80000")),
    ("ETH-USD", Direction.BUY, Decimal("2000")),
    ("ETH-USD", Direction.SELL, Decimal("4000")),
]


def place_resting(engine: Engine, uids: range) -> None:
    pending: list[Future[Outcome]] = []
    for n in uids:
        uid = UID(n)
        pending.append(engine.submit(Deposit(uid, "ETH", DEPOSIT)))
        for code, direction, price in RESTING:
            limit = OrderPriceType.LIMIT
            order = PlaceOrder(uid, code, direction, Offset.OPEN, 1, 10, limit, price)
            pending.append(engine.submit(order))
    for future in pending:
        outcome = future.result()
        if outcome.error is not None:
            raise SystemExit(f"placing resting orders failed: {outcome.error.wire_message()}")


def listening_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def serve(server: uvicorn.Server, sock: socket.socket, ready: dict[str, Any]) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():  # startup failed: let its exception (or SystemExit) through
            await task
            raise SystemExit("uvicorn stopped before it started")
        await asyncio.sleep(0.01)
    emit(ready)
    await task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uids", type=int, default=96)
    parser.add_argument("--resting", type=int, default=0, help="UIDs, the last, with orders")
    parser.add_argument("--durability", choices=["normal", "full"], default="normal")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--max-connections-per-ip", type=int, default=1024)
    parser.add_argument(
        "--ws", action="store_true", help="serve the WebSocket services too (bench/bench_ws.py)"
    )
    parser.add_argument(
        "--no-relay",
        action="store_true",
        help="with --ws, write every frame from the server's process (no socket relay)",
    )
    args = parser.parse_args()
    durability: Durability = args.durability

    # uvicorn handles SIGINT/SIGTERM while it serves and re-raises the signal once it is done;
    # these handlers make that re-raise harmless, so the engine below still stops cleanly.
    signal.signal(signal.SIGTERM, lambda *_: None)
    signal.signal(signal.SIGINT, lambda *_: None)

    with tempfile.TemporaryDirectory(prefix="htx-bench-") as tmp:
        db = Path(tmp) / "sandbox.db"
        store = SqliteStore(db, durability=durability)
        clock = ExchangeClock(SystemClock())  # the exchange clock, as serve runs it
        engine = Engine(store, clock)
        engine.start()
        try:
            keys = provision(engine, args.uids)
            place_resting(engine, range(args.uids - args.resting + 1, args.uids + 1))
            freeze_survivors()  # as `htx-sandbox serve` does once its state is loaded
            # With --ws, as `htx-sandbox serve` serves them, the per-address cap raised as above.
            ws_settings = WsSettings(max_connections_per_ip=args.max_connections_per_ip)
            app = create_app(engine, clock, HttpSettings(rate_limit=False), ws_settings=ws_settings)
            sock = listening_socket(args.port)
            relay = start_relay(args.ws and not args.no_relay)
            config = uvicorn.Config(
                app,
                loop="uvloop",
                http=guarded_protocol(
                    HttpLimits(max_connections_per_ip=args.max_connections_per_ip)
                ),
                ws=PushProtocol.relaying(relay) if args.ws else "none",
                ws_per_message_deflate=False,  # frames are gzipped once, as `serve` has it
                ws_max_size=MAX_CLIENT_FRAME,
                access_log=False,
                workers=1,
                log_level="warning",
            )
            server = uvicorn.Server(config)
            ready = {
                "ready": True,
                "pid": os.getpid(),
                "host": HOST,
                "port": sock.getsockname()[1],
                "db": str(db),
                "durability": durability,
                "keys": keys,
            }
            try:
                with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
                    runner.run(serve(server, sock, ready))
            finally:
                if relay is not None:
                    relay.stop()
            sock.close()
        finally:
            engine.stop()
            store.close()
        emit({"stopped": True, "commits": engine.commits})


if __name__ == "__main__":
    main()
