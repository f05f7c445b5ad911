"""`htx-sandbox serve`: the exchange behind HTX's API on one port, with durable state."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import secrets
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from ..domain.commands import ListContract
from ..domain.exchange import Exchange
from ..domain.strategy_book import StrategyLimits
from ..http.app import create_app
from ..http.core.access_log import AccessLog, AccessLogWriter, configure_logging
from ..http.core.frames import MAX_CLIENT_FRAME as WS_MAX_FRAME
from ..http.core.gateway import HttpSettings
from ..http.core.guard import HttpLimits, guarded_protocol
from ..http.relay.link import start_relay
from ..http.ws import PushProtocol
from ..service import fixtures as fixtures_file
from ..service.clock import Clock, ExchangeClock, SystemClock
from ..service.collector import freeze_survivors
from ..service.engine import Engine, EngineSettings, RebuildError
from ..service.fixtures import Fixtures, FixturesError
from ..service.market import MarketData
from ..service.market_maker import MakerSettings, MarketMaker
from ..service.ports import StorageError, Store
from ..service.price_source import PriceSource, PriceSourceSettings
from ..service.state_control import StateControl
from ..storage.postgres import PostgresStore
from ..storage.sqlite import SqliteStore
from . import config as settings
from .config import ConfigError, MakerConfig, ServeConfig, default_data_dir
from .demo import CREDENTIALS_FILE, DemoError, demo_banner, prepare_demo
from .files import write_private

__all__ = ["ADMIN_TOKEN_FILE", "DATABASE_FILE", "CommandError", "default_data_dir"]

DATABASE_FILE = "htx-sandbox.db"
ADMIN_TOKEN_FILE = "admin-token"
GRACEFUL_SHUTDOWN_S = 10
"""How long a stop waits for requests in flight (a stalled client must not hold it up)."""


class _Server(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM only ask it to stop: uvicorn re-raises the
    signal after shutdown, which would kill the process before the engine's final commit."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        def stop(signum: int, frame: object) -> None:
            if self.should_exit:  # a second signal: stop waiting for stalled connections
                self.force_exit = True
            self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class CommandError(Exception):
    """A one-line reason the command cannot run; the CLI prints it and exits non-zero."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the exchange",
        description="Run the exchange. Settings: flags, then HTX_SANDBOX_* environment "
        "variables, then the TOML config file, then defaults.",
    )
    settings.add_arguments(serve)
    serve.set_defaults(command=run)


def _make_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create data directory {data_dir}: {error.strerror}") from None


def open_store(config: ServeConfig) -> Store:
    if config.database_url:
        return PostgresStore(config.database_url, durability=config.durability)
    data_dir = config.resolved_data_dir()
    _make_data_dir(data_dir)
    return SqliteStore(data_dir / DATABASE_FILE, durability=config.durability)


def admin_token_file(data_dir: Path) -> Path:
    return data_dir / ADMIN_TOKEN_FILE


def read_admin_token(data_dir: Path) -> str | None:
    """The token kept in <data-dir>/admin-token, or None when there is none yet. Checked before
    anything is written, so a bad token file refuses the start with the data dir untouched."""
    path = admin_token_file(data_dir)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):  # no data dir yet: the store says why
        return None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not text"
        raise CommandError(f"cannot read admin token file {path}: {reason}") from None
    if not token:
        raise CommandError(f"admin token file {path} is empty: delete it to make a new one")
    if path.stat().st_mode & 0o077:
        raise CommandError(f"admin token file {path} is readable by others: chmod 600 it")
    return token


def create_admin_token(data_dir: Path) -> str:
    """A new token in <data-dir>/admin-token (mode 0600), synced to disk before it appears, so
    that neither a concurrent reader nor a start after a crash sees it empty or half written;
    if another process made one first, that one."""
    path = admin_token_file(data_dir)
    _make_data_dir(data_dir)
    token = secrets.token_urlsafe(32)
    try:
        write_private(path, token + "\n", replace=False)
    except FileExistsError:
        kept = read_admin_token(data_dir)
        if kept is None:
            raise CommandError(f"admin token file {path} vanished while starting") from None
        return kept
    except OSError as error:
        raise CommandError(f"cannot write admin token file {path}: {error.strerror}") from None
    return token


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
        reason = error.strerror or str(error)
        raise CommandError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def bound_address(sock: socket.socket) -> str:
    """host:port as bound, e.g. 0.0.0.0:8080 or [::1]:8080."""
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_loopback(sock: socket.socket) -> bool:
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def listening_note(sock: socket.socket) -> str:
    """What the banner adds when clients elsewhere would use another address than base_url."""
    if ipaddress.ip_address(sock.getsockname()[0]).is_unspecified:
        return f" (listening on {bound_address(sock)}: all interfaces)"
    return ""


def network_warning(sock: socket.socket) -> str:
    return (
        f"htx-sandbox: warning: listening on {bound_address(sock)}, beyond loopback: the trading "
        "and admin APIs are plain HTTP (no TLS) and reachable from the network"
    )


def base_url(sock: socket.socket) -> str:
    """A URL clients on this machine can use (a wildcard address becomes loopback)."""
    host, port = sock.getsockname()[:2]
    if host == "0.0.0.0":
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _is_listed(code: str, exchange: Exchange) -> bool:
    return code in exchange.state.contracts


def list_configured_contracts(engine: Engine, config: ServeConfig) -> list[str]:
    """List the config file's contracts the exchange does not have yet; the codes listed.
    A contract already listed (by an earlier start or the admin API) is left as it is."""
    listed: list[str] = []
    for contract in config.contracts:
        code = contract.contract_code
        if engine.query(partial(_is_listed, code)).result():
            continue
        outcome = engine.execute(ListContract(contract))
        if outcome.error is not None:
            raise CommandError(f"cannot list contract {code}: {outcome.error.message('en')}")
        listed.append(code)
    return listed


def run(args: argparse.Namespace) -> int:
    try:
        config = settings.resolve(args)
    except ConfigError as error:
        raise CommandError(str(error)) from None
    fixtures = load_fixtures(config.fixtures)  # a bad file refuses the start, nothing written
    sock = bind(config.host, config.port)
    if not is_loopback(sock):
        print(network_warning(sock), file=sys.stderr, flush=True)
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(sock.close)
        data_dir = config.resolved_data_dir()
        token = config.admin_token or read_admin_token(data_dir)
        try:
            store = open_store(config)
        except StorageError as error:
            raise CommandError(str(error)) from None
        cleanup.callback(store.close)
        generated = token is None
        if token is None:
            token = create_admin_token(data_dir)
        handler = configure_logging(config.log_format)
        try:  # where the exchange's time stood: it never goes back, restarts included
            clock = ExchangeClock(SystemClock(), store.load_clock())
        except StorageError as error:
            raise CommandError(str(error)) from None
        engine = Engine(store, clock, settings=engine_settings(config))
        market = MarketData.for_engine(engine)  # warms up from the store before the engine runs
        # What was restored lives as long as the server: keep it, and what survives later full
        # passes, out of the cyclic collector's way (service/collector.py says why).
        cleanup.callback(freeze_survivors())
        engine.start()
        cleanup.callback(engine.stop)  # runs before store.close: the engine's final commit
        list_configured_contracts(engine, config)
        # The index of every contract, fed from now on (it stops before the engine does).
        prices = PriceSource(engine, clock, price_source_settings(config))
        prices.start()
        cleanup.callback(prices.stop)
        applied = apply_fixtures(engine, clock, prices, fixtures) if fixtures else None
        url = base_url(sock)
        app = create_app(
            engine,
            clock,
            HttpSettings(rate_limit=config.rate_limit),
            market,
            admin_token=token,
            prices=prices,
            fixtures=fixtures,
        )
        served: ASGIApp = app
        if config.access_log:
            writer = AccessLogWriter(handler, config.log_format)
            writer.start()
            cleanup.callback(writer.close)  # after the last request: every line written
            served = AccessLog(app, writer)
        relay = start_relay(config.ws_relay)
        if relay is not None:
            cleanup.callback(relay.stop)  # after the server: its connections are closed
        server = _Server(
            uvicorn.Config(
                served,
                loop="uvloop",
                http=guarded_protocol(
                    HttpLimits(max_connections_per_ip=config.max_connections_per_ip)
                ),
                ws=PushProtocol.relaying(relay),
                # Frames are gzipped once for every subscriber (http/core/frames.py): a
                # per-connection deflate on top would compress them again, per socket.
                ws_per_message_deflate=False,
                ws_max_size=WS_MAX_FRAME,
                access_log=False,
                log_config=None,  # our handler and format (configure_logging) apply
                log_level="warning",
                lifespan="off",
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            )
        )
        # A failed commit only degrades the engine (writes answer 1004 until the store works);
        # should its own loop fail, the server stops too rather than answer 1004 for ever.
        engine.on_failure(lambda error: setattr(server, "should_exit", True))
        banner = f"htx-sandbox serving HTX's Coin-Margined Swap API on {url}{listening_note(sock)}"
        print(banner, flush=True)
        # The token is printed once, when made; later starts name only the file that holds it.
        if generated:
            print(f"admin token (generated in {admin_token_file(data_dir)}): {token}", flush=True)
        elif config.admin_token_file is not None:
            print(f"admin token (read from {config.admin_token_file})", flush=True)
        elif not config.admin_token:
            print(f"admin token (kept in {admin_token_file(data_dir)})", flush=True)
        print(f"dashboard: {url}/sandbox/ (log in with the admin token)", flush=True)
        if applied is not None:
            print(applied, flush=True)
        start_extras = _start_demo_and_maker(engine, config, data_dir, url, token)
        cleanup.enter_context(start_extras)
        # SIGINT/SIGTERM stop accepting, let in-flight requests finish, then return; the
        # engine then commits everything already submitted.
        server.run(sockets=[sock])
    if engine.failure is not None:
        raise CommandError(f"the engine stopped: {engine.failure}")
    return 0


def load_fixtures(path: Path | None) -> Fixtures | None:
    if path is None:
        return None
    try:
        return fixtures_file.load(path)
    except FixturesError as error:
        raise CommandError(str(error)) from None


def apply_fixtures(
    engine: Engine, clock: Clock, prices: PriceSource, fixtures: Fixtures
) -> str:
    """Bring a new exchange to its fixtures; an exchange that holds accounts already is left
    as it is (a restart must not fund its accounts twice). Returns the line to print."""
    if engine.query(_has_users).result():
        return (
            f"fixtures {fixtures.source} not applied: the exchange holds accounts already "
            "(POST /sandbox-api/v1/reset brings them back)"
        )
    try:
        StateControl(engine, clock, prices, fixtures).reset()
    except (FixturesError, RebuildError) as error:
        raise CommandError(str(error)) from None
    return f"fixtures applied from {fixtures.source}"


def _has_users(exchange: Exchange) -> bool:
    return bool(exchange.state.users)


def _start_demo_and_maker(
    engine: Engine, config: ServeConfig, data_dir: Path, url: str, token: str
) -> contextlib.ExitStack:
    """--demo (a funded demo account and key, and the maker) and --market-maker; returns what
    stops them."""
    stop = contextlib.ExitStack()
    if config.demo:
        try:
            credentials = prepare_demo(engine, data_dir, url)
        except DemoError as error:
            raise CommandError(str(error)) from None
        print(demo_banner(credentials), flush=True)
        print(f"(saved in {data_dir / CREDENTIALS_FILE})", flush=True)
    if config.demo or config.market_maker.enabled:
        maker = MarketMaker(engine, maker_settings(config.market_maker))
        maker.start()
        stop.callback(maker.stop)
    return stop


def engine_settings(config: ServeConfig) -> EngineSettings:
    """The engine's settings: the order retention chosen (it also bounds what a restart loads),
    the strategy order limits and the settlement window, the engine's defaults for the rest.
    The platform limit is raised to the per-contract one when set below it, so either may be
    set alone."""
    limits = StrategyLimits(
        config.max_strategy_orders,
        max(config.max_strategy_orders, config.max_strategy_orders_total),
    )
    return replace(
        EngineSettings(),
        retention_ms=config.order_retention,
        strategy_limits=limits,
        settlement_window_ms=config.settlement_window,
    )


def maker_settings(config: MakerConfig) -> MakerSettings:
    """The maker's settings: those the user chose, the maker's defaults for the rest."""
    default = MakerSettings()

    def pick(chosen: int | None, fallback: int) -> int:
        return fallback if chosen is None else chosen

    return replace(
        default,
        spread_ticks=pick(config.spread, default.spread_ticks),
        levels=pick(config.depth, default.levels),
        size=pick(config.size, default.size),
        seed=pick(config.seed, default.seed),
    )


def price_source_settings(config: ServeConfig) -> PriceSourceSettings:
    """The index walk's settings; its seed, when not given, is the maker's (the seed that used
    to drive the market's walk), else the source's default."""
    seed = config.index_seed
    if seed is None:
        seed = config.market_maker.seed
    return PriceSourceSettings(
        seed=PriceSourceSettings().seed if seed is None else seed,
        step_ticks=config.index_step,
        interval_ms=config.index_interval,
    )
