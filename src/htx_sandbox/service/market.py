"""Public market data: the trade tape and the rolling 24-hour figures of every contract.

Fed by the engine after each commit (`Engine.subscribe`), with the taker side of each match: one
print per match, in the taker's direction, as HTX's public tape shows it. Readers run on the event
loop while the listener runs on the engine thread, so every read and write holds one lock and reads
hand out immutable values.

The figures here are one-sided (a match of 3 contracts counts 3); HTX's wire convention of counting
both sides is the HTTP layer's business.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from ..domain.events import ContractChanged, Event, OrderTraded
from ..domain.ids import public_trade_id
from ..domain.orders import Trade
from ..domain.types import ZERO, Direction, Millis, Role
from .engine import Engine
from .ports import Store

DAY_MS = 24 * 3_600_000
MAX_TRADES = 200_000
"""Per contract: the 24-hour window keeps at most this many prints (the newest)."""
TAPE_SIZE = 2_000
"""Per contract: the newest prints kept for the tape whatever their age (HTX serves up to 2000)."""
TAPE_AGE_MS = 90 * DAY_MS
"""How far back a restart looks for the tape's prints (history/trade serves 90 days)."""


@dataclass(frozen=True, slots=True)
class Print:
    """One match on the public tape (its taker side)."""

    trade_id: int
    """The match id: every print of one taker order has it."""
    contract_code: str
    order_id: int
    """The taker's order: the prints of one taker order form one round of matching."""
    direction: Direction
    """The taker's direction."""
    price: Decimal
    volume: int
    value: Decimal
    """Coin value: volume x contract_size / price."""
    ts: Millis
    turnover: Decimal
    """USD value: volume x contract_size."""
    id: int
    """HTX's public id of this fill: the match id and the fill's number in it
    (domain/ids.py), increasing along the tape."""

    @classmethod
    def of(cls, trade: Trade) -> Print:
        return cls(
            trade.trade_id,
            trade.contract_code,
            trade.order_id,
            trade.direction,
            trade.price,
            trade.volume,
            trade.value,
            trade.created_at,
            trade.turnover,
            public_trade_id(trade.trade_id, trade.number),
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """A contract's figures over the window; None stands for a window without trades."""

    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    volume: int
    """Contracts matched."""
    value: Decimal
    """Coin value matched."""
    count: int
    """Matches."""


class _Series:
    """One contract's prints: the time window with running sums and monotonic deques for the
    high and low (O(1) amortised per print), and the tape of the newest prints."""

    __slots__ = ("count", "highs", "lows", "tape", "value", "volume", "window")

    def __init__(self, tape_size: int) -> None:
        self.window: deque[Print] = deque()
        self.highs: deque[Print] = deque()
        self.lows: deque[Print] = deque()
        self.tape: deque[Print] = deque(maxlen=tape_size)
        self.volume = 0
        self.value = ZERO
        self.count = 0

    def add(self, p: Print, cap: int) -> None:
        self.tape.append(p)
        self.window.append(p)
        self.volume += p.volume
        self.value += p.value
        self.count += 1
        highs, lows = self.highs, self.lows
        while highs and highs[-1].price <= p.price:
            highs.pop()
        highs.append(p)
        while lows and lows[-1].price >= p.price:
            lows.pop()
        lows.append(p)
        while len(self.window) > cap:
            self._drop_oldest()

    def expire(self, since: int) -> None:
        """Drop prints older than `since` (ms)."""
        window = self.window
        while window and window[0].ts < since:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        p = self.window.popleft()
        self.volume -= p.volume
        self.value -= p.value
        self.count -= 1
        if self.highs and self.highs[0] is p:
            self.highs.popleft()
        if self.lows and self.lows[0] is p:
            self.lows.popleft()

    def summary(self) -> Summary | None:
        if not self.window:
            return None
        return Summary(
            open=self.window[0].price,
            close=self.window[-1].price,
            high=self.highs[0].price,
            low=self.lows[0].price,
            volume=self.volume,
            value=self.value,
            count=self.count,
        )


class MarketData:
    """The tape and 24-hour figures of the contracts `contract_codes` (upper case)."""

    def __init__(
        self,
        contract_codes: Iterable[str],
        *,
        window_ms: int = DAY_MS,
        max_trades: int = MAX_TRADES,
        tape_size: int = TAPE_SIZE,
    ) -> None:
        self.window_ms = window_ms
        self.max_trades = max_trades
        self.tape_size = tape_size
        self._lock = threading.Lock()
        self._series = {code.upper(): _Series(tape_size) for code in contract_codes}

    @classmethod
    def for_engine(cls, engine: Engine, **settings: int) -> MarketData:
        """Market data for `engine`'s contracts, warmed up from its store and subscribed to it.
        Call before `engine.start()`, on the thread that built the engine (the store's)."""
        contracts = [c.contract_code for c in engine.exchange.contracts]
        market = cls(contracts, **settings)
        if not engine.running:  # once running, the store belongs to the engine thread
            market.warm_up(engine.store, engine.clock.now())
        engine.subscribe(market.on_events)
        engine.on_rebuild(lambda kind: market.reload(engine))
        return market

    def reload(self, engine: Engine) -> None:
        """Start over from the engine's store (after a reset or a restore; on the engine
        thread): the tape and the window hold what the store holds, nothing of before."""
        codes = [c.contract_code for c in engine.exchange.contracts]
        with self._lock:
            self._series = {code.upper(): _Series(self.tape_size) for code in codes}
        self.warm_up(engine.store, engine.clock.now())

    # -- feeding ---------------------------------------------------------------------------

    def warm_up(self, store: Store, now: Millis) -> None:
        """Load the tape's and the window's trades from storage (at most `max_trades` per
        contract overall, the newest): prints older than the window fill the tape only."""
        limit = self.max_trades * max(1, len(self._series))
        since = Millis(now - max(self.window_ms, TAPE_AGE_MS))
        self.add(Print.of(t) for t in store.recent_trades(since, limit))

    def on_events(self, events: list[Event]) -> None:
        """The engine listener: the taker side of every match is a print; a newly listed
        contract gets its (empty) series."""
        for event in events:
            if isinstance(event, ContractChanged) and not self.knows(event.contract_code):
                with self._lock:
                    self._series.setdefault(event.contract_code, _Series(self.tape_size))
        prints = [
            Print.of(e.trade)
            for e in events
            if isinstance(e, OrderTraded) and e.trade.role is Role.TAKER
        ]
        if prints:
            self.add(prints)

    def add(self, prints: Iterable[Print]) -> None:
        """Append prints in the order they happened; prints already seen are ignored."""
        with self._lock:
            for p in prints:
                series = self._series.get(p.contract_code)
                if series is None or (series.tape and p.id <= series.tape[-1].id):
                    continue
                series.add(p, self.max_trades)
                series.expire(p.ts - self.window_ms)

    # -- reading (any thread) --------------------------------------------------------------

    def knows(self, contract_code: str) -> bool:
        return contract_code.upper() in self._series

    def contract_codes(self) -> list[str]:
        return list(self._series)

    def summary(self, contract_code: str, now: Millis) -> Summary | None:
        """Open, close, high, low, volume, value and count of the prints at or after
        now - window; None when there are none."""
        with self._lock:
            series = self._series[contract_code.upper()]
            series.expire(now - self.window_ms)
            return series.summary()

    def last_round(self, contract_code: str) -> Sequence[Print]:
        """The prints of the newest taker order (oldest first): HTX's "last trade"."""
        with self._lock:
            tape = self._series[contract_code.upper()].tape
            if not tape:
                return ()
            order_id = tape[-1].order_id
            found: list[Print] = []
            for p in reversed(tape):
                if p.order_id != order_id:
                    break
                found.append(p)
            found.reverse()
            return tuple(found)

    def recent(self, contract_code: str, count: int) -> Sequence[Print]:
        """The newest `count` prints of the tape (at most its size), oldest first."""
        with self._lock:
            tape = self._series[contract_code.upper()].tape
            return tuple(islice(tape, max(0, len(tape) - count), None))

    def last_trade_id(self, contract_code: str) -> int:
        """The newest match id on the contract, 0 before its first trade."""
        with self._lock:
            tape = self._series[contract_code.upper()].tape
            return tape[-1].trade_id if tape else 0
