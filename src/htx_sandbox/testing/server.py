"""A real sandbox server on a free loopback port with its own data directory, run inside the
test process: the same engine, store (SQLite), price source, market data and ASGI app as
`htx-sandbox serve`, with uvicorn on a thread of its own. What the pytest plugin's `htx_sandbox`
fixture is, and usable on its own:

    with SandboxServer(tmp_path) as sandbox:
        account = sandbox.new_account(btc="10")
        ...
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from ..cli.serve import DATABASE_FILE, base_url, bind
from ..client import AdminClient, SandboxClock, SandboxFault, SandboxIndexPrice, SandboxSnapshot
from ..http.app import create_app
from ..http.core.frames import MAX_CLIENT_FRAME
from ..http.core.gateway import HttpSettings
from ..http.core.guard import HttpLimits, guarded_protocol
from ..http.relay.link import start_relay
from ..http.ws import PushProtocol
from ..service import fixtures as fixtures_file
from ..service.clock import ExchangeClock, SystemClock
from ..service.engine import Engine
from ..service.market import MarketData
from ..service.market_maker import MarketMaker
from ..service.price_source import PriceSource
from ..service.state_control import StateControl
from ..storage.sqlite import SqliteStore

STARTUP_TIMEOUT_S = 30.0
Amount = Decimal | int | str | None


@dataclass(frozen=True, slots=True)
class Account:
    """A funded account and its API key."""

    uid: int
    access_key: str
    secret_key: str


class Prices:
    """The index prices of the running sandbox (the admin API's index controls)."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def set(self, contract_code: str, price: Decimal | int | str) -> SandboxIndexPrice:
        """Hold the contract's index at `price` from now on."""
        return self._admin.set_index_price(contract_code, price)

    def path(
        self, contract_code: str, points: Iterable[tuple[int, Decimal | int | str]]
    ) -> SandboxIndexPrice:
        """Follow (ms, price) points on the exchange's clock."""
        return self._admin.set_index_path(contract_code, points)

    def walk(self, contract_code: str) -> SandboxIndexPrice:
        """Back to the random walk."""
        return self._admin.walk_index(contract_code)

    def show(self, contract_code: str | None = None) -> list[SandboxIndexPrice]:
        return self._admin.list_index_prices(contract_code)


class Clock:
    """The exchange clock of the running sandbox (the admin API's clock controls)."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def show(self) -> SandboxClock:
        return self._admin.clock()

    def now(self) -> int:
        """The exchange's time (ms)."""
        return self._admin.clock().now

    def freeze(self) -> SandboxClock:
        return self._admin.set_clock("frozen")

    def live(self) -> SandboxClock:
        return self._admin.set_clock("live")

    def speed(self, speed: int) -> SandboxClock:
        """Run `speed` times the wall clock's pace."""
        return self._admin.set_clock("scaled", speed)

    def advance(self, ms: int) -> SandboxClock:
        """Move the exchange's time forward at once; what falls due on the way runs first."""
        return self._admin.advance_clock(ms)


class Faults:
    """Faults on HTX paths of the running sandbox (the admin API's fault controls)."""

    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def arm(self, path: str, **fault: Any) -> SandboxFault:
        """As AdminClient.arm_fault: `uid`, `count`, and one of `err_code`, `http_status`,
        `delay_ms`, `drop`."""
        return self._admin.arm_fault(path, **fault)

    def list(self) -> list[SandboxFault]:
        return self._admin.faults()

    def clear(self) -> int:
        return self._admin.clear_faults()


class SandboxServer:
    def __init__(
        self,
        data_dir: Path,
        *,
        fixtures: Path | None = None,
        market_maker: bool = False,
        rate_limit: bool = False,
        ws_relay: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.fixtures_path = fixtures
        self.market_maker = market_maker
        self.rate_limit = rate_limit
        self.ws_relay = ws_relay
        """Write WebSocket frames from the socket relay's process, as `serve` does."""
        self.base_url = ""
        self.admin_token = secrets.token_urlsafe(24)
        self._admin: AdminClient | None = None
        self._stops: list[Any] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Start everything (FixturesError for a bad fixtures file, with nothing left running)."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> SandboxServer:
        fixtures = fixtures_file.load(self.fixtures_path) if self.fixtures_path else None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        sock = bind("127.0.0.1", 0)
        self._stops.append(sock.close)
        store = SqliteStore(self.data_dir / DATABASE_FILE)
        self._stops.append(store.close)
        clock = ExchangeClock(SystemClock(), store.load_clock())
        engine = Engine(store, clock)
        market = MarketData.for_engine(engine)
        engine.start()
        self._stops.append(engine.stop)
        prices = PriceSource(engine, clock)
        prices.start()
        self._stops.append(prices.stop)
        if fixtures is not None:
            StateControl(engine, clock, prices, fixtures).reset()
        if self.market_maker:
            maker = MarketMaker(engine)
            maker.start()
            self._stops.append(maker.stop)
        app = create_app(
            engine,
            clock,
            HttpSettings(rate_limit=self.rate_limit),
            market,
            admin_token=self.admin_token,
            prices=prices,
            fixtures=fixtures,
        )
        relay = start_relay(self.ws_relay)
        if relay is not None:
            self._stops.append(relay.stop)
        # On a thread uvicorn installs no signal handlers: they stay the test runner's.
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                loop="asyncio",
                http=guarded_protocol(HttpLimits()),
                # The WebSocket services too, as `serve` runs them: a bot's feeds work in tests.
                ws=PushProtocol.relaying(relay),
                ws_per_message_deflate=False,
                ws_max_size=MAX_CLIENT_FRAME,
                access_log=False,
                log_config=None,
                log_level="warning",
                lifespan="off",
                timeout_graceful_shutdown=5,
            )
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="htx-sandbox-http", daemon=True
        )
        thread.start()
        self._stops.append(lambda: _stop_server(server, thread))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        self.base_url = base_url(sock)
        self._admin = AdminClient(self.base_url, self.admin_token)
        self._stops.append(self._admin.close)
        return self

    def stop(self) -> None:
        while self._stops:
            self._stops.pop()()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what a test uses ------------------------------------------------------------------

    @property
    def admin(self) -> AdminClient:
        """The admin client (accounts, keys, contracts, index prices, reset and snapshots)."""
        if self._admin is None:
            raise RuntimeError("the sandbox server is not running")
        return self._admin

    @property
    def prices(self) -> Prices:
        return Prices(self.admin)

    @property
    def clock(self) -> Clock:
        return Clock(self.admin)

    @property
    def faults(self) -> Faults:
        return Faults(self.admin)

    def new_account(
        self,
        btc: Amount = "10",
        eth: Amount = "100",
        *,
        uid: int | None = None,
        permissions: Iterable[str] = ("read", "trade"),
    ) -> Account:
        """Open an account (the next free UID unless given), fund it and give it a key."""
        admin = self.admin
        opened = admin.create_account(uid)
        for symbol, amount in (("BTC", btc), ("ETH", eth)):
            if amount is not None and Decimal(str(amount)) > 0:
                admin.deposit(opened, symbol, amount)
        key = admin.create_api_key(opened, permissions)
        assert key.secret_key is not None
        return Account(opened, key.access_key, key.secret_key)

    def reset(self, *, empty: bool = False) -> None:
        """What each test starts from: the exchange reset (empty, its contracts kept, or its
        fixtures), no fault armed, the clock running live (from where it stands: it never
        goes back), the cancel delay 0 and every UID's rate limits the defaults."""
        admin = self.admin
        admin.reset(empty=empty)
        admin.clear_faults()
        if admin.clock().mode != "live":
            admin.set_clock("live")
        admin.set_cancel_delay(0)
        admin.clear_rate_limits()

    def snapshot(self, name: str) -> SandboxSnapshot:
        return self.admin.save_snapshot(name)

    def restore(self, name: str) -> SandboxSnapshot:
        return self.admin.restore_snapshot(name)


def _stop_server(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(STARTUP_TIMEOUT_S)
