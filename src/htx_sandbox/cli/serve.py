"""`htx-sandbox serve`: the exchange behind HTX's API on one port, with durable state."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from ..http.app import create_app
from ..http.gateway import HttpSettings
from ..service.clock import SystemClock
from ..service.engine import Engine
from ..service.market import MarketData
from ..service.ports import StorageError, Store
from ..storage.postgres import PostgresStore
from ..storage.sqlite import SqliteStore

DATABASE_FILE = "htx-sandbox.db"


class _Server(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM only ask it to stop: uvicorn re-raises the
    signal after shutdown, which would kill the process before the engine's final commit."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        def stop(signum: int, frame: object) -> None:
            self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class CommandError(Exception):
    """A one-line reason the command cannot run; the CLI prints it and exits non-zero."""


def default_data_dir() -> Path:
    """The per-user data directory ($XDG_DATA_HOME/htx-sandbox, else ~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "htx-sandbox"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the exchange")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--data-dir", type=Path, default=None, help="where the SQLite file lives")
    serve.add_argument("--database-url", default=None, help="postgresql://... instead of SQLite")
    serve.add_argument(
        "--durability",
        choices=("normal", "full"),
        default="normal",
        help="normal survives a process crash; full also survives power loss",
    )
    serve.add_argument(
        "--no-rate-limit", action="store_true", help="switch HTX's rate limits off (load tests)"
    )
    serve.set_defaults(command=run)


def open_store(args: argparse.Namespace) -> Store:
    if args.database_url:
        return PostgresStore(args.database_url, durability=args.durability)
    data_dir: Path = args.data_dir or default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create data directory {data_dir}: {error.strerror}") from None
    return SqliteStore(data_dir / DATABASE_FILE, durability=args.durability)


def bind(host: str, port: int) -> socket.socket:
    """Bind before anything else starts, so a busy port is a one-line error, not a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections queue from here on, before the app is up
    except OSError as error:
        sock.close()
        raise CommandError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def run(args: argparse.Namespace) -> int:
    sock = bind(args.host, args.port)
    try:
        store = open_store(args)
    except StorageError as error:
        sock.close()
        raise CommandError(str(error)) from None
    clock = SystemClock()
    engine = Engine(store, clock)
    market = MarketData.for_engine(engine)  # warms up from the store before the engine owns it
    engine.start()
    app = create_app(engine, clock, HttpSettings(rate_limit=not args.no_rate_limit), market)
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
    )
    server = _Server(config)
    # A failed commit stops the engine; the server then stops too rather than answer 1004.
    engine.on_failure(lambda error: setattr(server, "should_exit", True))
    host, port = sock.getsockname()[:2]
    print(f"htx-sandbox serving HTX's Coin-Margined Swap API on http://{host}:{port}", flush=True)
    try:
        # uvicorn handles SIGINT/SIGTERM: it stops accepting, lets in-flight requests finish,
        # then returns; the engine then commits everything already submitted.
        server.run(sockets=[sock])
    finally:
        engine.stop()
        store.close()
    if engine.failure is not None:
        raise CommandError(f"the engine stopped: {engine.failure}")
    return 0
