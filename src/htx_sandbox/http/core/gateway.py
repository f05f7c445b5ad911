"""What the endpoints of one app share: the engine, the clock, the market data, the settings,
the rate limiters, the admin token and the index price source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from ...domain.types import UID
from ...service.clock import Clock, ExchangeClock
from ...service.clock_control import ClockControl
from ...service.engine import Engine
from ...service.fixtures import Fixtures
from ...service.market import MarketData
from ...service.price_source import PriceSource
from ...service.queries import Reads
from ...service.state_control import StateControl
from ..auth.admin_token import AdminToken
from ..auth.signed import AuthSettings
from .faults import FaultBook
from .ratelimit import Quota, RateLimiter

T = TypeVar("T")
MARKET_QUOTA = Quota(800, 1000)
"""HTX: market data REST allows 800 requests per second per IP."""
STRATEGY_QUOTA = Quota(5, 1000)
"""HTX: 5 requests per second per UID on each strategy place, cancel and cancel-all endpoint."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    auth: AuthSettings = field(default_factory=AuthSettings)
    trade_quota: Quota = field(default_factory=lambda: Quota(72))
    read_quota: Quota = field(default_factory=lambda: Quota(72))
    public_quota: Quota = field(default_factory=lambda: Quota(240))
    market_quota: Quota = MARKET_QUOTA
    strategy_quota: Quota = STRATEGY_QUOTA
    """Per UID and endpoint, on strategy place/cancel/cancel-all (http/core/strategy_quota.py)."""
    rate_limit: bool = True


class SessionCloser(Protocol):
    """What closes WebSocket sessions (http/ws/server.py's WsServer)."""

    def close_sessions(self, uid: UID | None, reason: str) -> int: ...


class Gateway:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        settings: HttpSettings,
        market: MarketData | None = None,
        admin: AdminToken | None = None,
        prices: PriceSource | None = None,
        fixtures: Fixtures | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        # The clock clients sign with and send at: signature timestamps and rate-limit windows
        # are checked on it, however the exchange clock is set (a test's clock is both).
        self.wall: Clock = clock.wall if isinstance(clock, ExchangeClock) else clock
        self.settings = settings
        self.market = market if market is not None else MarketData.for_engine(engine)
        self.admin = admin if admin is not None else AdminToken(None)
        # Without a running source (an app built in-process) the admin API still sets the
        # index: a passive source applies its changes at once.
        self.prices = prices if prices is not None else PriceSource(engine, clock)
        self.clock_control = (
            ClockControl(engine, clock, self.prices) if isinstance(clock, ExchangeClock) else None
        )
        """The clock's controls; None over a clock only its owner moves (a test's)."""
        self.sessions: SessionCloser | None = None
        """The WebSocket services' sessions (set by the app's WsServer)."""
        self.faults = FaultBook()
        """Faults armed on HTX paths by the admin API (http/admin/faults.py)."""
        self.paths: frozenset[str] = frozenset()
        """Every path the app declares (create_app sets it): what a fault may be armed on."""
        self.state_control = StateControl(engine, clock, self.prices, fixtures)
        """Reset and snapshots; a reset brings back `fixtures` (None: an empty exchange)."""
        enabled = settings.rate_limit
        # Per endpoint bucket: trade and read count per UID, public and market per IP.
        self.limiters: dict[str, RateLimiter] = {
            "trade": RateLimiter(settings.trade_quota, enabled),
            "read": RateLimiter(settings.read_quota, enabled),
            "public": RateLimiter(settings.public_quota, enabled),
            "market": RateLimiter(settings.market_quota, enabled),
        }
        # HTX allows one leverage switch per 3 seconds per UID.
        self.switch_limiter = RateLimiter(Quota(1, 3000), enabled)
        # HTX allows 5 strategy places, cancels and cancel-alls per second per UID and endpoint.
        self.strategy_limiter = RateLimiter(settings.strategy_quota, enabled)

    def now_ms(self) -> int:
        return self.clock.now()

    async def read(self, query: Callable[[Reads], T]) -> T:
        """Read on the engine thread, so no half-applied command is ever seen; the answer
        must be in wire shapes already (see service/queries.py)."""
        store, series = self.engine.store, self.engine.series
        return await self.engine.query_async(
            lambda exchange: query(Reads(exchange, store, series))
        )
