"""Kline topics: `market.$contract_code.kline.$period` on /swap-ws, and on /ws_index the index,
premium index, estimated funding rate and mark price klines (`market.$contract_code.<series>.
$period`) and the basis (`market.$contract_code.basis.$period.$basis_price_type`).

Every one is a view of the series book's bars (service/series_book.py): after each commit the
engine thread reads the current bar of every subscribed period whose series the commit
changed (the longer periods' bars laid over with the open short one, as every reader sees
them), and the loop pushes each bar that differs from the one it pushed last. A new
subscriber gets the current bar at once, and while anyone listens the bars are read again every
`quiet_check_s`, so that a period nothing moved in is pushed once, flat (HTX pushes a quiet
period's bar once per period; a sandbox's market is often quiet). `req` answers the bars from
`from` to `to` (seconds), read on the engine thread.

Wire shapes (HTX's examples): the trade kline in numbers, volumes counting both sides of each
match as the REST klines do; /ws_index ticks in strings in pushes; in `req` replies the index
kline in numbers, the other series in strings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ....service.bars import Bar
from ....service.basis import PRICE_TYPES, BasisBar, basis_bars
from ....service.engine import Engine
from ....service.funding_series import ESTIMATED_RATE, PREMIUM_INDEX
from ....service.market import MarketData
from ....service.periods import KLINE_PERIODS, Period
from ....service.push import Batch, PushHub
from ....service.queries import Reads
from ....service.series_book import INDEX, KLINE, MARK_PRICE
from ...core.envelopes import MarketError
from ...core.wire import num, text
from ...market.fields import MAX_SIZE, SIDES
from ..fanout import Fanout
from ..feed import TopicFeed
from ..sender import Sender
from ..session import Session
from .topics import BAD_REQUEST, Topic

BASIS = "basis"
MIN_TIME = 1325347200
MAX_TIME = 2524579200
"""HTX: 1325347200 < from < to < 2524579200."""
ALL_PERIODS: dict[str, Period] = {p.name: p for p in KLINE_PERIODS}
NO_WEEK: dict[str, Period] = {n: p for n, p in ALL_PERIODS.items() if n != "1week"}
_ZERO = "0"


@dataclass(frozen=True, slots=True, eq=False)
class Spec:
    """One kind of kline topic: the series it reads, its periods, its wire shapes."""

    name: str
    """The topic's word (`kline`, `mark_price`, `basis` ...)."""
    series: tuple[str, ...]
    periods: dict[str, Period]
    push: Callable[[Any], dict[str, Any]]
    reply: Callable[[Any], dict[str, Any]]
    needs_range: bool
    """`req` without `from` and `to` is refused (/ws_index); else the missing end defaults."""


def _trade_bar(bar: Bar, mrid: int | None) -> dict[str, Any]:
    tick: dict[str, Any] = {"id": bar.id}
    if mrid is not None:
        tick["mrid"] = mrid
    tick |= {
        "open": num(bar.open), "close": num(bar.close), "high": num(bar.high),
        "low": num(bar.low), "amount": num(bar.amount * SIDES), "vol": bar.vol * SIDES,
        "count": bar.count * SIDES,
    }  # fmt: skip
    return tick


def _index_bar(bar: Bar, numbers: bool) -> dict[str, Any]:
    f = num if numbers else text
    return {
        "id": bar.id, "open": f(bar.open), "close": f(bar.close), "high": f(bar.high),
        "low": f(bar.low), "amount": _ZERO, "vol": _ZERO, "count": 0,
    }  # fmt: skip


def _rate_bar(bar: Bar) -> dict[str, Any]:
    return {
        "id": bar.id, "open": text(bar.open), "close": text(bar.close), "high": text(bar.high),
        "low": text(bar.low), "amount": _ZERO, "vol": _ZERO, "count": _ZERO,
    }  # fmt: skip


def _mark_bar(bar: Bar) -> dict[str, Any]:
    return _rate_bar(bar) | {"trade_turnover": _ZERO}


def _basis_bar(bar: BasisBar) -> dict[str, Any]:
    return {
        "id": bar.id, "index_price": text(bar.index_price),
        "contract_price": text(bar.contract_price), "basis": text(bar.basis),
        "basis_rate": text(bar.basis_rate),
    }  # fmt: skip


KLINES = Spec(
    "kline", (KLINE,), ALL_PERIODS, lambda b: _trade_bar(b[0], b[1]),
    lambda b: _trade_bar(b, None), needs_range=False,
)  # fmt: skip
INDEX_SPECS = (
    Spec("index", (INDEX,), NO_WEEK, lambda b: _index_bar(b[0], False),
         lambda b: _index_bar(b, True), needs_range=True),
    Spec(PREMIUM_INDEX, (PREMIUM_INDEX,), ALL_PERIODS, lambda b: _rate_bar(b[0]), _rate_bar,
         needs_range=True),
    Spec(ESTIMATED_RATE, (ESTIMATED_RATE,), ALL_PERIODS, lambda b: _rate_bar(b[0]), _rate_bar,
         needs_range=True),
    Spec(MARK_PRICE, (MARK_PRICE,), ALL_PERIODS, lambda b: _mark_bar(b[0]), _mark_bar,
         needs_range=True),
    Spec(BASIS, (KLINE, INDEX), NO_WEEK, lambda b: _basis_bar(b[0]), _basis_bar,
         needs_range=True),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Key:
    spec: Spec
    code: str
    period: Period
    price_type: str
    """The basis price type ("" for the others)."""

    @property
    def channel(self) -> str:
        rest = f"{self.spec.name}.{self.period.name}"
        if self.price_type:
            rest += f".{self.price_type}"
        return f"market.{self.code}.{rest}"


@dataclass(frozen=True, slots=True)
class _Bars:
    """Captured: the current bar of each key, and the subscriber to send it to alone (a
    subscription's first bar) or None (every subscriber, if it changed)."""

    bars: list[tuple[_Key, Any]]
    mrids: dict[str, int]
    ts: int
    session: Session | None


def _read(reads: Reads, key: _Key, first: int, last: int) -> list[Any]:
    spec, code, period = key.spec, key.code, key.period
    if spec.name == BASIS:
        trades = reads.bars(KLINE, code, period, first, last)
        index = reads.bars(INDEX, code, period, first, last)
        return list(basis_bars(trades, index, key.price_type))
    return list(reads.bars(spec.series[0], code, period, first, last))


class Klines(TopicFeed):
    def __init__(
        self, hub: PushHub, fanout: Fanout, engine: Engine, market: MarketData,
        specs: tuple[Spec, ...], quiet_check_s: float = 1.0,
    ) -> None:  # fmt: skip
        super().__init__(hub, fanout)
        self.engine = engine
        self.quiet_check_s = quiet_check_s
        self._quiet: asyncio.Task[None] | None = None
        self.market = market
        self.specs = {spec.name: spec for spec in specs}
        self._keys: dict[str, _Key] = {}
        """Channel -> what it reads."""
        self.wanted_keys: frozenset[_Key] = frozenset()
        self._pushed: dict[str, Any] = {}
        """Per channel, the tick pushed last (a bar that did not change is not pushed again)."""
        self._fresh: dict[str, set[Sender]] = {}
        """Per channel, subscribers that have not been sent a bar yet (their first one comes
        from the prime, unless a push reached them before it)."""

    def match(self, rest: str) -> str | None:
        parts = rest.split(".")
        spec = self.specs.get(parts[0])
        if spec is None:
            return None
        if spec.name == BASIS:
            if len(parts) != 3 or parts[2] not in PRICE_TYPES:
                return None
        elif len(parts) != 2:
            return None
        return rest if parts[1] in spec.periods else None

    def _key(self, topic: Topic) -> _Key:
        parts = topic.rest.split(".")
        spec = self.specs[parts[0]]
        price_type = parts[2] if len(parts) == 3 else ""
        return _Key(spec, topic.code, spec.periods[parts[1]], price_type)

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        pass

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        key = self._key(topic)
        self._keys[key.channel] = key
        if self.subscribe(key.channel, key.code, session.sender):
            self._refresh_keys()
            self._fresh.setdefault(key.channel, set()).add(session.sender)
            self.prime(lambda batch: self._capture([key], batch, session))
            if self._quiet is None:
                self._quiet = asyncio.get_running_loop().create_task(self._watch_quiet())

    def unsub(self, session: Session, topic: Topic) -> None:
        self.unsubscribe(topic.channel, session.sender)
        self._fresh.get(topic.channel, set()).discard(session.sender)
        self._refresh_keys()

    def closed(self, session: Session) -> None:
        self.drop(session.sender)
        for fresh in self._fresh.values():
            fresh.discard(session.sender)
        self._refresh_keys()

    def lost(self, reason: str) -> None:
        super().lost(reason)
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        live = set(self.channels.channels())
        for channel in [c for c in self._keys if c not in live]:
            del self._keys[channel]
            self._pushed.pop(channel, None)
            self._fresh.pop(channel, None)
        self.wanted_keys = frozenset(self._keys.values())

    async def _watch_quiet(self) -> None:
        """While anyone listens: read every subscribed bar again now and then, so that a
        period nothing has moved in yet is pushed once (its flat bar; an unchanged bar is not
        pushed again)."""
        try:
            while self.channels:
                await asyncio.sleep(self.quiet_check_s)
                if self.wanted_keys:
                    self.prime(partial(self._capture, list(self.wanted_keys), session=None))
        finally:
            self._quiet = None

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        key = self._key(topic)
        start, end = _time(message, "from"), _time(message, "to")
        period, now_s = key.period, session.now() // 1000
        if start is None or end is None:
            if key.spec.needs_range:
                raise MarketError(f"invalid {'from' if start is None else 'to'}", BAD_REQUEST)
            if end is None:
                end = now_s
            if start is None:
                start = period.shift(period.start(end), 1 - MAX_SIZE)
        if end < start or period.count(start, end) > MAX_SIZE:
            return []
        first, last = period.start(start), min(period.start(end), period.start(now_s))
        if start > first:  # a `from` between two bars starts at the next one
            first = period.next(first)
        if first > last:
            return []
        bars = await self.engine.query_async(
            lambda exchange: _read(Reads(exchange, self.engine.store, self.engine.series),
                                   key, first, last)
        )  # fmt: skip
        return [key.spec.reply(bar) for bar in bars]

    # -- the engine thread -----------------------------------------------------------------

    def _capture(self, keys: list[_Key], batch: Batch, session: Session | None) -> _Bars | None:
        second = batch.now // 1000
        found: list[tuple[_Key, Any]] = []
        for key in keys:
            bar_id = key.period.start(second)
            bars = _read(batch.reads, key, bar_id, bar_id)
            if bars:
                found.append((key, bars[-1]))
        if not found:
            return None
        mrids = {key.code: self.market.last_trade_id(key.code) for key, _ in found}
        return _Bars(found, mrids, batch.now, session)

    def capture(self, batch: Batch) -> object | None:
        if not batch.bars:
            return None
        changed = {(b.key.series, b.key.contract_code) for b in batch.bars}
        keys = [
            key for key in self.wanted_keys
            if any((series, key.code) in changed for series in key.spec.series)
        ]  # fmt: skip
        return self._capture(keys, batch, None) if keys else None

    # -- the loop --------------------------------------------------------------------------

    def deliver(self, captured: object) -> None:
        assert isinstance(captured, _Bars)
        session = captured.session
        for key, bar in captured.bars:
            channel = key.channel
            if channel not in self.channels:
                continue
            tick = key.spec.push((bar, captured.mrids[key.code]))
            message = {"ch": channel, "ts": captured.ts, "tick": tick}
            if session is not None:
                fresh = self._fresh.get(channel, set())
                if session.sender in fresh:
                    fresh.discard(session.sender)
                    session.send(message)
                self._pushed.setdefault(channel, _fingerprint(bar))
                continue
            seen = _fingerprint(bar)
            if self._pushed.get(channel) == seen:
                continue
            self._pushed[channel] = seen
            self._fresh.pop(channel, None)
            self.channels.publish(channel, message)


def _fingerprint(bar: Any) -> Any:
    """What a push shows of a bar (a Bar's values: the series book copies bars, never
    changes one a reader holds, but a tuple does not depend on that)."""
    return bar.values() if isinstance(bar, Bar) else bar


def _time(message: dict[str, Any], name: str) -> int | None:
    value = message.get(name)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_TIME < value < MAX_TIME:
        raise MarketError(f"invalid {name}", BAD_REQUEST)
    return value


