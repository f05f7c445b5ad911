"""The order book topics of /swap-ws, from one copy of each subscribed contract's book kept on
the event loop:

- `market.$contract_code.depth.stepN`: the whole top of the book (150 levels for step0-5, 14,
  15; 20 for step6-13; unmerged, as the REST depth answers), once at subscription, then checked
  every 100 ms (HTX's interval) and pushed when it changed since the last push.
- `market.$contract_code.depth.size_20.high_freq` and `size_150`: with `"data_type":
  "incremental"`, a snapshot (`"event": "snapshot"`) then only the levels that changed
  (`"event": "update"`, a removed level as `[price, 0]`, `version` exactly one more than the
  last push); without it every push is the full book (`"event": "snapshot"`). Checked every
  30 ms, as HTX does, and pushed on change.
- `market.$contract_code.bbo`: the best bid and ask, pushed when either changes (the changes
  the loop delivers in one go make one push: HTX drops intermediate states too).

What the engine thread does per batch is proportional to what the batch did: for each order
an event names (accepted, traded, cancelled) on a subscribed contract it reads the volume now
resting at that order's price, and ships those levels. The loop applies them to its copy of
the book, which started from the whole book (a prime, between two batches: every level
shipped after it applies on top of it, those shipped before are already in it), and derives
every channel's message from the copy, once per check for all the batches delivered since.
A check is a loop timer armed by the first change after the last one, so a quiet book costs
nothing.
`version` counts the updates of one contract's book on this server, so every subscriber of a
channel gets the same bytes (compressed once) and a new subscriber starts from a snapshot at
the current version.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ....domain.events import OrderAccepted, OrderCancelled, OrderTraded
from ....domain.types import Direction
from ....service.market import MarketData
from ....service.push import Batch, PushHub
from ...core.envelopes import MarketError
from ...core.wire import num
from ..fanout import Fanout
from ..feed import TopicFeed
from ..session import Session
from .topics import BAD_REQUEST, Topic

FULL = 150
DEPTH_150 = frozenset({0, 1, 2, 3, 4, 5, 14, 15})
DEPTH_20 = frozenset(range(6, 14))
SIZES = {"size_20": 20, "size_150": 150}
BBO, STEP, SIZE = "bbo", "step", "size"
CADENCES = (BBO, STEP, SIZE)
"""The three ways the book topics are sampled: bbo on every change (as soon as the loop gets
to it), depth.stepN every `step_depth_interval_s`, size_N.high_freq every
`high_freq_interval_s`, as HTX checks them (100 ms and 30 ms), each pushed only on change."""
_BUY = Direction.BUY
Ticks = tuple[tuple[int, int], ...]
"""(ticks, volume) levels, best first."""


@dataclass(frozen=True, slots=True)
class Whole:
    """A contract's whole book (a prime's capture)."""

    code: str
    price_tick: Decimal
    bids: list[tuple[int, int]]
    asks: list[tuple[int, int]]
    mrid: int
    ts: int


@dataclass(frozen=True, slots=True)
class Levels:
    """The levels one batch touched on one contract: (is_bid, ticks, volume now)."""

    code: str
    levels: list[tuple[bool, int, int]]
    mrid: int
    ts: int


class _Side:
    """One side of the loop's copy: volume by ticks, and the ticks in order."""

    __slots__ = ("_keys", "_sign", "volumes")

    def __init__(self, levels: list[tuple[int, int]], bid: bool) -> None:
        self._sign = -1 if bid else 1  # keys ascend from the best price
        self.volumes = dict(levels)
        self._keys = sorted(t * self._sign for t in self.volumes)

    def set(self, ticks: int, volume: int) -> None:
        keys, key = self._keys, ticks * self._sign
        if volume:
            if ticks not in self.volumes:
                insort(keys, key)
            self.volumes[ticks] = volume
        elif self.volumes.pop(ticks, None) is not None:
            del keys[bisect_left(keys, key)]

    def top(self, count: int) -> Ticks:
        sign, volumes = self._sign, self.volumes
        return tuple((k * sign, volumes[k * sign]) for k in self._keys[:count])


@dataclass(slots=True)
class _Book:
    price_tick: Decimal
    bids: _Side
    asks: _Side
    mrid: int
    ts: int
    pushed: dict[str, tuple[Ticks, Ticks]] = field(default_factory=dict)
    """Per cadence, the top of each side as it last looked at it (150 levels; 1 for bbo)."""
    versions: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SIZES.values(), 1))

    def __post_init__(self) -> None:
        for cadence in CADENCES:
            self.pushed[cadence] = self.top(1 if cadence == BBO else FULL)

    def top(self, count: int) -> tuple[Ticks, Ticks]:
        return self.bids.top(count), self.asks.top(count)

    def advance(self, cadence: str) -> tuple[tuple[Ticks, Ticks], tuple[Ticks, Ticks]]:
        """The top as `cadence` last saw it and as it is now (which it sees from now on)."""
        before = self.pushed[cadence]
        after = self.pushed[cadence] = self.top(1 if cadence == BBO else FULL)
        return before, after

    def levels(self, levels: Ticks) -> list[list[Any]]:
        tick = self.price_tick
        return [[num(t * tick), v] for t, v in levels]

    def changes(self, before: Ticks, after: Ticks) -> list[list[Any]]:
        """What turns `before` into `after`: changed or new levels, and removed ones at 0."""
        old, new, tick = dict(before), dict(after), self.price_tick
        out = [[num(t * tick), v] for t, v in after if old.get(t) != v]
        out.extend([num(t * tick), 0] for t, _ in before if t not in new)
        return out


class Book(TopicFeed):
    def __init__(
        self,
        hub: PushHub,
        fanout: Fanout,
        market: MarketData,
        step_interval_s: float,
        high_freq_interval_s: float,
        step_refresh_s: float = 1.0,
    ) -> None:
        super().__init__(hub, fanout)
        self.market = market
        self._refresh_s = step_refresh_s
        self._refreshing: asyncio.TimerHandle | None = None
        self._step_at: dict[str, float] = {}
        """Per depth.stepN channel, the loop time of its last push."""
        self._books: dict[str, _Book] = {}
        self._waiting: dict[str, list[tuple[str, Session]]] = {}
        """Per contract, subscribers still owed their first message (channel, session)."""
        self._delays = {BBO: 0.0, STEP: step_interval_s, SIZE: high_freq_interval_s}
        self._dirty: dict[str, dict[str, None]] = {cadence: {} for cadence in CADENCES}
        """Per cadence, the contracts whose book changed since it last looked."""

    # -- the request side ------------------------------------------------------------------

    def match(self, rest: str) -> str | None:
        if rest == "bbo":
            return rest
        parts = rest.split(".")
        if parts[0] != "depth":
            return None
        if len(parts) == 2 and parts[1].startswith("step"):
            digits = parts[1][4:]
            if digits.isdigit() and len(digits) <= 2 and str(int(digits)) == digits:
                step = int(digits)
                if step in DEPTH_150 or step in DEPTH_20:
                    return rest
        if len(parts) == 3 and parts[1] in SIZES and parts[2] == "high_freq":
            return rest
        return None

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        if topic.rest.endswith("high_freq"):
            data_type = message.get("data_type", "snapshot")
            if data_type not in ("snapshot", "incremental"):
                raise MarketError(f"invalid data_type {str(data_type)[:20]}", BAD_REQUEST)

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        channel = topic.channel
        if channel.endswith("high_freq"):
            channel = f"{channel}#{message.get('data_type', 'snapshot')}"
        self.subscribe(channel, topic.code, session.sender)
        if ".depth.step" in channel and self._refreshing is None:
            loop = asyncio.get_running_loop()
            self._refreshing = loop.call_later(self._refresh_s, self._repeat_steps)
        book = self._books.get(topic.code)
        if book is not None:
            self._first(channel, session, book)
            return
        waiting = self._waiting.setdefault(topic.code, [])
        waiting.append((channel, session))
        if len(waiting) == 1:
            self.prime(lambda batch: self._whole(batch, topic.code))

    def unsub(self, session: Session, topic: Topic) -> None:
        channel = topic.channel
        keys = (channel, f"{channel}#snapshot", f"{channel}#incremental")
        for key in keys:
            self.unsubscribe(key, session.sender)
        waiting = self._waiting.get(topic.code)
        if waiting:
            waiting[:] = [w for w in waiting if w[1] is not session or w[0] not in keys]
        self._prune()

    def closed(self, session: Session) -> None:
        self.drop(session.sender)
        for waiting in self._waiting.values():
            waiting[:] = [w for w in waiting if w[1] is not session]
        self._prune()

    def _prune(self) -> None:
        """Forget the books nobody listens to: they are no longer kept up to date."""
        codes = self.codes
        for code in [c for c in self._books if c not in codes]:
            del self._books[code]

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        raise MarketError(f"invalid topic {topic.channel}", BAD_REQUEST)

    def lost(self, reason: str) -> None:
        super().lost(reason)
        self._books.clear()
        self._waiting.clear()
        for dirty in self._dirty.values():
            dirty.clear()

    # -- the engine thread -----------------------------------------------------------------

    def _whole(self, batch: Batch, code: str) -> Whole:
        tick, bids, asks = batch.reads.book_ticks(code)
        return Whole(code, tick, bids, asks, self.market.last_trade_id(code), batch.now)

    def capture(self, batch: Batch) -> object | None:
        codes, reads = self.codes, batch.reads
        touched: dict[str, dict[tuple[Direction, int], None]] = {}
        for event in batch.events:
            if isinstance(event, OrderTraded):
                order_id = event.trade.order_id
            elif isinstance(event, (OrderAccepted, OrderCancelled)):
                order_id = event.order_id
            else:
                continue
            order = reads.order(order_id)
            if order is not None and order.contract_code in codes:
                levels = touched.setdefault(order.contract_code, {})
                levels[(order.direction, order.price_ticks)] = None
        if not touched:
            return None
        captured = []
        for code, levels in touched.items():
            volumes = [(d is _BUY, t, reads.level_volume(code, d, t)) for d, t in levels]
            captured.append(Levels(code, volumes, self.market.last_trade_id(code), batch.now))
        return captured

    # -- the loop --------------------------------------------------------------------------

    def deliver(self, captured: object) -> None:
        if isinstance(captured, Whole):
            self._start(captured)
            return
        assert isinstance(captured, list)
        for levels in captured:
            book = self._books.get(levels.code)
            if book is None:  # before its first prime: the prime holds these levels already
                continue
            for bid, ticks, volume in levels.levels:
                (book.bids if bid else book.asks).set(ticks, volume)
            book.mrid, book.ts = levels.mrid, levels.ts
            for cadence, dirty in self._dirty.items():
                if not dirty:
                    self._schedule(cadence)
                dirty[levels.code] = None

    def _schedule(self, cadence: str) -> None:
        loop, delay = asyncio.get_running_loop(), self._delays[cadence]
        if delay:
            loop.call_later(delay, self._flush, cadence)
        else:
            loop.call_soon(self._flush, cadence)

    def _flush(self, cadence: str) -> None:
        """Push what the batches delivered since `cadence` last looked changed, once per
        contract: the changes in between make one update, not one each (HTX samples its books
        the same way)."""
        dirty, self._dirty[cadence] = self._dirty[cadence], {}
        push = {BBO: self._push_bbo, STEP: self._push_steps, SIZE: self._push_sizes}[cadence]
        for code in dirty:
            book = self._books.get(code)
            if book is not None:
                push(f"market.{code}.", book)

    def _start(self, whole: Whole) -> None:
        code = whole.code
        if code not in self.codes:  # everyone left before it came
            self._waiting.pop(code, None)
            return
        book = self._books.get(code)
        if book is None:
            book = self._books[code] = _Book(
                whole.price_tick, _Side(whole.bids, True), _Side(whole.asks, False),
                whole.mrid, whole.ts,
            )  # fmt: skip
        for channel, session in self._waiting.pop(code, []):
            if self.channels.holds(channel, session.sender):
                self._first(channel, session, book)

    def _push_bbo(self, prefix: str, book: _Book) -> None:
        before, after = book.advance(BBO)
        bbo = prefix + "bbo"
        if before != after and bbo in self.channels:
            self.channels.publish(bbo, self._bbo(bbo, book, after))

    def _push_steps(self, prefix: str, book: _Book) -> None:
        channels = self.channels
        steps = [
            (f"{prefix}depth.step{step}", FULL if step in DEPTH_150 else 20)
            for step in (*DEPTH_150, *DEPTH_20)
            if f"{prefix}depth.step{step}" in channels
        ]
        (bids, asks), after = book.advance(STEP)
        now = asyncio.get_running_loop().time()
        for channel, count in steps:
            if (bids[:count], asks[:count]) != (after[0][:count], after[1][:count]):
                channels.publish(channel, self._step(channel, book, after, count))
                self._step_at[channel] = now

    def _repeat_steps(self) -> None:
        """HTX pushes depth.stepN at least once a second: a channel whose book did not change
        for that long gets the image it was last sent again, under the time it is sent (a
        change still to be checked comes with the next check)."""
        loop = asyncio.get_running_loop()
        now, due = loop.time(), self._refresh_s * 0.99
        steps = [c for c in self.channels.channels() if ".depth.step" in c]
        for channel in steps:
            _, code, _, step = channel.split(".")
            book = self._books.get(code)
            if book is None or now - self._step_at.get(channel, 0.0) < due:
                continue
            if code in self._dirty[STEP]:  # changed: its check, due within 100 ms, pushes it
                continue
            count = FULL if int(step[4:]) in DEPTH_150 else 20
            image = self._step(channel, book, book.pushed[STEP], count)
            image["ts"] = self.hub.engine.clock.now()  # sent now; the tick is the book's
            self.channels.publish(channel, image)
            self._step_at[channel] = now
        for gone in [c for c in self._step_at if c not in self.channels]:
            del self._step_at[gone]
        self._refreshing = loop.call_later(self._refresh_s, self._repeat_steps) if steps else None

    def _push_sizes(self, prefix: str, book: _Book) -> None:
        channels = self.channels
        before, after = book.advance(SIZE)
        for name, size in SIZES.items():
            ch = f"{prefix}depth.{name}.high_freq"
            incremental, snapshot = f"{ch}#incremental" in channels, f"{ch}#snapshot" in channels
            if not incremental and not snapshot:
                continue
            bids = book.changes(before[0][:size], after[0][:size])
            asks = book.changes(before[1][:size], after[1][:size])
            if not bids and not asks:
                continue
            book.versions[size] += 1
            if incremental:
                tick = self._tick(ch, book, "update", book.versions[size], bids, asks)
                channels.publish(f"{ch}#incremental", {"ch": ch, "tick": tick, "ts": book.ts})
            if snapshot:
                channels.publish(f"{ch}#snapshot", self._snapshot(ch, book, after, size))

    def _first(self, channel: str, session: Session, book: _Book) -> None:
        """A new subscriber's first message: the current state of what it subscribed to (taken
        from the book itself: changes not flushed yet are in it, and the update that follows
        repeats them, which changes nothing for the client)."""
        now = book.top(FULL)
        ch = channel.partition("#")[0]
        if ch.endswith(".bbo"):
            session.send(self._bbo(ch, book, now))
        elif ch.endswith("high_freq"):
            session.send(self._snapshot(ch, book, now, SIZES[ch.split(".")[3]]))
        else:
            step = int(ch.rsplit("step", 1)[1])
            session.send(self._step(ch, book, now, FULL if step in DEPTH_150 else 20))

    @staticmethod
    def _tick(
        ch: str, book: _Book, event: str, version: int, bids: list[Any], asks: list[Any]
    ) -> dict[str, Any]:
        return {
            "asks": asks, "bids": bids, "ch": ch, "event": event, "id": book.mrid,
            "mrid": book.mrid, "ts": book.ts, "version": version,
        }  # fmt: skip

    def _snapshot(
        self, ch: str, book: _Book, tops: tuple[Ticks, Ticks], size: int
    ) -> dict[str, Any]:
        bids, asks = tops
        tick = self._tick(
            ch, book, "snapshot", book.versions[size],
            book.levels(bids[:size]), book.levels(asks[:size]),
        )  # fmt: skip
        return {"ch": ch, "tick": tick, "ts": book.ts}

    @staticmethod
    def _step(ch: str, book: _Book, tops: tuple[Ticks, Ticks], count: int) -> dict[str, Any]:
        bids, asks = tops
        tick = {
            "mrid": book.mrid, "id": book.ts // 1000, "bids": book.levels(bids[:count]),
            "asks": book.levels(asks[:count]), "ts": book.ts, "version": book.ts // 1000,
            "ch": ch,
        }  # fmt: skip
        return {"ch": ch, "ts": book.ts, "tick": tick}

    @staticmethod
    def _bbo(ch: str, book: _Book, tops: tuple[Ticks, Ticks]) -> dict[str, Any]:
        (bid, ask), tick_size = tops, book.price_tick
        tick = {
            "mrid": book.mrid, "id": book.ts // 1000,
            "bid": [num(bid[0][0] * tick_size), bid[0][1]] if bid else None,
            "ask": [num(ask[0][0] * tick_size), ask[0][1]] if ask else None,
            "ts": book.ts, "version": book.mrid, "ch": ch,
        }  # fmt: skip
        return {"ch": ch, "ts": book.ts, "tick": tick}
