"""The built-in market maker: a UID of its own that keeps a few levels of bids and asks on every
listed contract, so that a user's opponent, optimal_N, ioc and fok orders have something to fill.

It trades through the engine like any client (its orders are ordinary orders, committed as
such). It quotes around each contract's index price (service/price_source.py feeds it), on the
tick grid; a contract without an index (no price source runs) gets a reference price of the
maker's own, a seeded random walk starting from the contract's mark price. Levels sit on a grid
of `step_ticks` around the reference, so a small move replaces only the levels that changed and
the book is never empty while the maker re-quotes. A fill of one of its orders, or a new index
price, wakes it at once; otherwise it re-quotes every `interval_s`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from ..domain.commands import (
    CancelAll,
    CancelOrders,
    CancelReply,
    Command,
    Deposit,
    OpenUser,
    Outcome,
    PlaceBatch,
    PlaceOrder,
)
from ..domain.errors import ErrorCode, HtxError
from ..domain.events import ContractChanged, Event, IndexPriceChanged, OrderTraded
from ..domain.exchange import Exchange
from ..domain.types import (
    UID,
    ContractStatus,
    Direction,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
)
from .engine import Engine, EngineStoppedError, StoreUnavailableError
from .index_feeds import on_grid

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_BATCH = 10
"""Orders per PlaceBatch, and ids per CancelOrders (HTX's own limit for a cancel)."""
STOP_TIMEOUT_S = 30.0
REPLY_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class MakerSettings:
    uid: int = 9_000_001
    levels: int = 5
    """Bids and asks kept on each side of every contract."""
    spread_ticks: int = 5
    """Distance in ticks from the reference price to the nearest bid and ask (at least)."""
    step_ticks: int = 5
    """Ticks between two levels of one side."""
    size: int = 10
    """Contracts per level."""
    seed: int = 0
    """Seed of the maker's own walk (contracts without an index price only)."""
    interval_s: float = 1.0
    """Time between two re-quotes when nothing fills (and steps of the maker's own walk)."""
    walk_ticks: int = 3
    """Largest move of the maker's own walk per step, in ticks, either way."""
    lever_rate: int = 5
    post_only: bool = False
    """Quote post_only instead of limit: quotes that would take are then cancelled rather than
    filling users' resting orders the walk has reached."""
    deposit: Decimal = Decimal(1_000_000)
    """Credited to each of the maker's coin accounts whose available margin is below..."""
    min_available: Decimal = Decimal(100_000)
    cancel_on_stop: bool = True
    """Take the maker's quotes off the book when it stops."""

    def __post_init__(self) -> None:
        if self.uid <= 0:
            raise ValueError("uid must be positive")
        if self.levels < 1 or self.size < 1:
            raise ValueError("levels and size must be at least 1")
        if self.spread_ticks < 1 or self.step_ticks < 1 or self.walk_ticks < 0:
            raise ValueError("spread_ticks and step_ticks must be >= 1, walk_ticks >= 0")
        if self.interval_s <= 0:
            raise ValueError("interval_s must be positive")
        if self.deposit <= 0 or self.min_available < 0:
            raise ValueError("deposit must be positive and min_available not negative")


@dataclass(frozen=True, slots=True)
class _Quote:
    order_id: OrderId
    direction: Direction
    price_ticks: int
    remaining: int
    cancelling: bool


@dataclass(frozen=True, slots=True)
class _Market:
    """What the maker needs to know about one contract, copied on the engine thread."""

    contract_code: str
    symbol: str
    price_tick: Decimal
    listed: bool
    reference_ticks: int
    mark_ticks: int
    index_ticks: int | None
    """The index price to the nearest tick; None before the contract has one."""
    lever_rate: int | None
    lever_rates: tuple[int, ...]
    long_available: int
    short_available: int
    quotes: tuple[_Quote, ...]


@dataclass(frozen=True, slots=True)
class _View:
    markets: tuple[_Market, ...]
    available: dict[str, Decimal]
    """The maker's available margin per coin."""


@dataclass(slots=True)
class _Walk:
    rng: random.Random
    ticks: int
    reference_ticks: int
    """The contract's reference price when the walk was (re)anchored to it."""


@dataclass(slots=True)
class _Plan:
    cancels: list[OrderId] = field(default_factory=list)
    places: list[PlaceOrder] = field(default_factory=list)


class MarketMaker:
    """start() opens and funds the maker's UID and starts its thread; stop() joins it."""

    def __init__(self, engine: Engine, settings: MakerSettings = MakerSettings()) -> None:
        self.engine = engine
        self.settings = settings
        self.uid = UID(settings.uid)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._walks: dict[str, _Walk] = {}
        self._subscribed = False
        self._reopen = False
        """Set when the exchange was reset or restored: the maker's UID may be gone."""

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Open and fund the maker's UID (idempotent), then quote on a thread of its own."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._execute(OpenUser(self.uid))
        self._fund(self._view())
        if not self._subscribed:
            self.engine.subscribe(self._on_events)
            self.engine.on_rebuild(self._on_rebuild)
            self._subscribed = True
        self._thread = threading.Thread(target=self._run, name="htx-market-maker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop quoting, take the quotes off the book (cancel_on_stop) and join the thread."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        # Bounded: a stalled engine must not hold up the server's stop.
        thread.join(STOP_TIMEOUT_S)
        if thread.is_alive():
            log.warning("market maker: still busy after %s s; leaving it", STOP_TIMEOUT_S)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the engine's side (engine thread: must not block) ---------------------------------

    def _on_events(self, events: list[Event]) -> None:
        if self._thread is None:
            return
        for event in events:
            if (isinstance(event, OrderTraded) and event.trade.uid == self.uid) or isinstance(
                event, ContractChanged | IndexPriceChanged
            ):
                self._wake.set()
                return

    def _on_rebuild(self, kind: str) -> None:
        self._reopen = True
        self._wake.set()

    # -- the maker's thread ----------------------------------------------------------------

    def _run(self) -> None:
        next_step = time.monotonic()
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                step = now >= next_step
                if step:
                    next_step = now + self.settings.interval_s
                self._wake.clear()
                try:
                    self._requote(step)
                except StoreUnavailableError:  # the engine retries the store; so does the maker
                    log.debug("market maker: the store is unavailable")
                except EngineStoppedError:
                    log.info("market maker: the engine stopped; the maker stops too")
                    return
                except Exception:
                    log.exception("market maker: re-quoting failed")
                self._wake.wait(max(0.0, next_step - time.monotonic()))
            if self.settings.cancel_on_stop:
                self._withdraw()
        except EngineStoppedError:
            log.info("market maker: the engine stopped before the maker")
        except Exception:
            log.exception("market maker: stopped on an unexpected error")

    def _requote(self, step: bool) -> None:
        if self._reopen:  # its UID, funds and quotes are those of the state brought back
            self._reopen = False
            self._walks.clear()
            self._execute(OpenUser(self.uid))
        view = self._view()
        self._fund(view)
        pending: list[Future[Outcome]] = []
        for market in view.markets:
            if not market.listed:
                continue
            reference = market.index_ticks
            if reference is None:
                walk = self._walk(market)
                if step:
                    self._move(walk, market)
                reference = walk.ticks
            plan = self._plan(market, reference)
            # Cancels go first (a new quote never meets a stale one of the maker's own), and
            # everything is queued before waiting, so users' orders rarely land in between.
            for chunk in _chunks(plan.cancels):
                pending.append(
                    self.engine.submit(
                        CancelOrders(self.uid, market.contract_code, [str(i) for i in chunk])
                    )
                )
            for orders in _chunks(plan.places):
                pending.append(self.engine.submit(PlaceBatch(self.uid, orders)))
        for future in pending:
            self._report(future.result(REPLY_TIMEOUT_S))

    def _withdraw(self) -> None:
        if not self.engine.running:
            return
        codes = {q.contract_code for q in self._view().markets if q.quotes}
        for code in sorted(codes):
            outcome = self.engine.submit(CancelAll(self.uid, code)).result(REPLY_TIMEOUT_S)
            if outcome.error is not None and outcome.error.code != ErrorCode.NO_ORDERS_TO_CANCEL:
                log.warning("market maker: cancel-all on %s: %s", code, _text(outcome.error))

    # -- decisions -------------------------------------------------------------------------

    def _walk(self, market: _Market) -> _Walk:
        walk = self._walks.get(market.contract_code)
        if walk is None:
            # One generator per contract: listing another contract leaves the others' walks as
            # they were. String seeds are hashed deterministically (not with hash()).
            rng = random.Random(f"{self.settings.seed}:{market.contract_code}")
            walk = _Walk(rng, market.mark_ticks, market.reference_ticks)
            self._walks[market.contract_code] = walk
        elif walk.reference_ticks != market.reference_ticks:
            # An operator set a new reference price: the market moves there.
            walk.ticks = walk.reference_ticks = market.reference_ticks
        return walk

    def _move(self, walk: _Walk, market: _Market) -> None:
        s = self.settings
        lowest = s.spread_ticks + s.step_ticks * (s.levels + 1)
        walk.ticks = max(lowest, walk.ticks + walk.rng.randint(-s.walk_ticks, s.walk_ticks))

    def _plan(self, market: _Market, reference: int) -> _Plan:
        s = self.settings
        step = s.step_ticks
        best_bid = (reference - s.spread_ticks) // step * step
        best_ask = -(-(reference + s.spread_ticks) // step) * step
        wanted = {
            Direction.BUY: [best_bid - i * step for i in range(s.levels)],
            Direction.SELL: [best_ask + i * step for i in range(s.levels)],
        }
        plan = _Plan()
        kept: set[tuple[Direction, int]] = set()
        for quote in market.quotes:
            key = (quote.direction, quote.price_ticks)
            if quote.cancelling:
                continue
            if quote.price_ticks in wanted[quote.direction] and quote.remaining == s.size and (
                key not in kept
            ):
                kept.add(key)
            else:
                plan.cancels.append(quote.order_id)
        # The lever rate its position or orders already pin, else the configured one if the
        # contract offers it, else the contract's lowest.
        lever = market.lever_rate or (
            s.lever_rate if s.lever_rate in market.lever_rates else min(market.lever_rates)
        )
        closable = {Direction.BUY: market.short_available, Direction.SELL: market.long_available}
        kind = OrderPriceType.POST_ONLY if s.post_only else OrderPriceType.LIMIT
        # Best levels first on both sides, alternating, so a partial failure stays balanced.
        for i in range(s.levels):
            for direction in (Direction.BUY, Direction.SELL):
                ticks = wanted[direction][i]
                if ticks <= 0 or (direction, ticks) in kept:
                    continue
                # Reduce the maker's own position when it can, so it never grows without bound.
                offset = Offset.OPEN
                if closable[direction] >= s.size:
                    closable[direction] -= s.size
                    offset = Offset.CLOSE
                plan.places.append(
                    PlaceOrder(
                        uid=self.uid,
                        contract_code=market.contract_code,
                        direction=direction,
                        offset=offset,
                        volume=s.size,
                        lever_rate=lever,
                        order_price_type=kind,
                        price=ticks * market.price_tick,
                    )
                )
        return plan

    # -- engine access ---------------------------------------------------------------------

    def _view(self) -> _View:
        uid = self.uid

        def read(exchange: Exchange) -> _View:
            state = exchange.state
            markets = []
            symbols: set[str] = set()
            for contract in sorted(state.contracts, key=lambda c: c.contract_code):
                code = contract.contract_code
                symbols.add(contract.symbol)
                holding = state.holdings.get((uid, code))
                index = state.index_prices.get(code)
                quotes: tuple[_Quote, ...] = ()
                if holding is not None:
                    quotes = tuple(
                        _Quote(
                            o.order_id,
                            o.direction,
                            o.price_ticks,
                            o.remaining,
                            o.status is OrderStatus.CANCELLING,
                        )
                        for o in holding.open_orders.values()
                    )
                markets.append(
                    _Market(
                        contract_code=code,
                        symbol=contract.symbol,
                        price_tick=contract.price_tick,
                        listed=contract.contract_status is ContractStatus.LISTING,
                        reference_ticks=contract.ticks(contract.reference_price),
                        # The mark may sit between two ticks (a mid price, an index).
                        mark_ticks=on_grid(state.mark_price(contract), contract.price_tick),
                        index_ticks=None if index is None else on_grid(index, contract.price_tick),
                        lever_rate=holding.lever_rate if holding is not None else None,
                        lever_rates=contract.lever_rates,
                        long_available=holding.long.available if holding is not None else 0,
                        short_available=holding.short.available if holding is not None else 0,
                        quotes=quotes,
                    )
                )
            available = {
                symbol: exchange.account(uid, symbol).margin_available for symbol in symbols
            }
            return _View(tuple(markets), available)

        return self.engine.query(read).result(REPLY_TIMEOUT_S)

    def _fund(self, view: _View) -> None:
        for symbol, available in sorted(view.available.items()):
            if available < self.settings.min_available:
                self._execute(Deposit(self.uid, symbol, self.settings.deposit))

    def _execute(self, command: Command) -> None:
        self._report(self.engine.submit(command).result(REPLY_TIMEOUT_S))

    @staticmethod
    def _report(outcome: Outcome) -> None:
        if outcome.error is not None:
            log.warning("market maker: %s", _text(outcome.error))
        reply = outcome.reply
        if isinstance(reply, list):
            for item in reply:
                if item.error is not None:
                    log.warning("market maker: order refused: %s", _text(item.error))
        elif isinstance(reply, CancelReply):
            # A quote filled while its cancel was on the way: the next re-quote sees it.
            for failed in reply.errors:
                log.debug("market maker: cancel %s: %s", failed.order_id, _text(failed.error))


def _text(error: HtxError) -> str:
    return f"{error.code} {error.message()}"


def _chunks(items: Sequence[T]) -> list[list[T]]:
    return [list(items[i : i + MAX_BATCH]) for i in range(0, len(items), MAX_BATCH)]
