"""The bars of every kline series, built as commits happen and stored with them.

Two kinds of series share one aggregator. The trade series (`kline`) takes every match, in the
taker's direction, with its volume. A sampled series (`mark_price`, `index`, the open interest,
and any `Sampler` added, such as a premium index) takes a value computed from the exchange after
each batch of commands; a value equal to the last one recorded records nothing, so a quiet market
writes nothing and its periods read as flat bars at the last close (bars.filled). Sampling after
every batch sees every change a commit makes, which no fixed sampling interval would.

The engine calls `stage` with a batch's events before its commit and puts the changes it
returns in that commit; `committed` then makes them visible, `discarded` forgets them if the
commit failed. So the bars on disk are always those of the committed trades, and a restart reads
bars back (the newest `keep` of each series) instead of replaying trades. A read of a range
older than memory holds goes to the store, by bar id: its cost depends on the range, never on
how many trades there have been.

A trade or a sample changes only the bar of a series' shortest period (a minute for klines, an
hour for the open interest); each such bar is folded into the longer periods' bars when its
period is over, and readers see the longer bars with the open short one laid over them. So a
trade costs one bar (and one row) per series, where one per period would be nine, and the
longer bars change once a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..domain.contracts import Contract
from ..domain.events import Event, OrderTraded, PositionChanged
from ..domain.money import contract_value
from ..domain.state import ExchangeState
from ..domain.types import Millis, Role
from .bars import Bar, SeriesBar, SeriesKey, Window, filled
from .open_interest import HoldingKey, OpenInterest
from .periods import KLINE_PERIODS, OPEN_INTEREST_PERIODS, Period
from .ports import BarQuery, Store

log = logging.getLogger(__name__)
KLINE = "kline"
MARK_PRICE = "mark_price"
INDEX = "index"
"""The contract's index price (from the price source); nothing before its first index."""
OPEN_INTEREST = "open_interest"
"""Contracts open (one side)."""
OPEN_INTEREST_AMOUNT = "open_interest_amount"
"""The same in coin, at the mark price of the moment it was recorded."""
KEEP = 2000
"""Bars of each series kept in memory: what the largest `size` (2000) reads."""
SLACK = 500
FIRST_ID = -(2**62)
LAST_ID = 2**62
_TAKER = Role.TAKER

Value = Callable[[ExchangeState, Contract], Decimal | None]
"""A sampled series' value now; None records nothing (the series has no value yet)."""
Inputs = Callable[[ExchangeState, Contract], Hashable]


@dataclass(frozen=True, slots=True)
class Sampler:
    series: str
    value: Value
    """The series' value now (None: none yet); called on the engine thread after a batch."""
    periods: tuple[Period, ...] = KLINE_PERIODS
    inputs: Inputs | None = None
    """What the value is computed from, cheaper to get than the value: when it is the same
    as after the last batch, the value is not computed again. None computes it every batch."""


_NONE = object()


def _mark_inputs(state: ExchangeState, contract: Contract) -> Hashable:
    """What ExchangeState.mark_price is the median of: the index, the last trade, the best
    bid and offer; and the reference price it falls back on."""
    code = contract.contract_code
    book = state.books.get(code)
    bid, ask = (book.bids.best_ticks(), book.asks.best_ticks()) if book is not None else (0, 0)
    return (
        state.index_prices.get(code), state.last_price.get(code), bid, ask,
        contract.reference_price,
    )  # fmt: skip


class _Track:
    """One series of one contract: per period, the bars in memory; the bar of the shortest
    period the current batch stages, and the longer ones it folded a finished bar into."""

    __slots__ = ("code", "ended", "keys", "periods", "sampled", "series", "staged", "windows")

    def __init__(
        self, series: str, code: str, periods: tuple[Period, ...], sampled: bool,
        windows: list[Window],
    ) -> None:  # fmt: skip
        self.series = series
        self.code = code
        self.periods = periods
        """Shortest first; each of its bars lies inside one bar of every longer period."""
        self.sampled = sampled
        """Sampled values hold between samples: a new bar opens at the previous close."""
        self.keys = tuple(SeriesKey(series, code, p.name) for p in periods)
        self.windows = windows
        self.staged: list[Bar | None] = [None] * len(periods)
        self.ended: list[Bar] = []
        """Shortest-period bars the batch finished (stored, and folded into the longer ones)."""

    def current(self) -> Bar | None:
        """The open bar of the shortest period (staged or committed)."""
        staged = self.staged[0]
        return staged if staged is not None else self.windows[0].last

    def _bar(self, second: int, value: Decimal) -> Bar:
        """The staged bar of the shortest period that holds `second`."""
        id = self.periods[0].start(second)
        staged = self.staged[0]
        if staged is not None and staged.id >= id:  # the exchange's time never goes back
            return staged
        current = staged if staged is not None else self.windows[0].last
        if current is None:
            bar = Bar.first(id, value)
        elif current.id >= id:
            bar = current.copy()
        else:
            self.ended.append(current)
            self._fold(current)
            bar = current.flat(id) if self.sampled else Bar.first(id, value)
        self.staged[0] = bar
        return bar

    def _fold(self, finished: Bar) -> None:
        """Add a finished bar of the shortest period to the bar of each longer period."""
        for i in range(1, len(self.periods)):
            id = self.periods[i].start(finished.id)
            staged = self.staged[i]
            if staged is not None and staged.id == id:
                staged.merge(finished)
                continue
            last = self.windows[i].last
            if last is not None and last.id >= id:
                bar = last.copy()
                bar.merge(finished)
            else:
                bar = finished.moved(id)
            self.staged[i] = bar

    def trade(self, second: int, price: Decimal, volume: int, amount: Decimal) -> None:
        self._bar(second, price).trade(price, volume, amount)

    def record(self, second: int, value: Decimal) -> None:
        self._bar(second, value).record(value)

    def changes(self, out: list[SeriesBar]) -> None:
        shortest = self.keys[0]
        out.extend(SeriesBar(shortest, bar) for bar in self.ended)
        for key, bar in zip(self.keys, self.staged, strict=True):
            if bar is not None:
                out.append(SeriesBar(key, bar))

    def committed(self, keep: int, slack: int) -> None:
        windows = self.windows
        for bar in self.ended:
            windows[0].put(bar, keep, slack)
        for i, staged in enumerate(self.staged):
            if staged is not None:
                windows[i].put(staged, keep, slack)
        self.discarded()

    def discarded(self) -> None:
        self.staged = [None] * len(self.periods)
        self.ended.clear()

    def overlay(self, i: int, bars: list[Bar], first: int, last: int) -> list[Bar]:
        """Bars of period i (ascending, within [first, last]) with the open bar of the
        shortest period folded in, as they will be once it is over."""
        if i == 0:
            return bars
        open_bar = self.windows[0].last
        if open_bar is None:
            return bars
        id = self.periods[i].start(open_bar.id)
        if not first <= id <= last:
            return bars
        if bars and bars[-1].id == id:
            merged = bars[-1].copy()
            merged.merge(open_bar)
            return [*bars[:-1], merged]
        return [*bars, open_bar.moved(id)]


class SeriesBook:
    def __init__(self, *, keep: int = KEEP, slack: int = SLACK) -> None:
        self.keep = keep
        self.slack = slack
        self.open_interest = OpenInterest()
        self._samplers: list[Sampler] = []
        self._periods: dict[str, tuple[Period, ...]] = {KLINE: KLINE_PERIODS}
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._touched: dict[tuple[str, str], _Track] = {}
        self._marks: dict[str, Decimal] = {}
        """The mark prices of the batch being staged (several series use them)."""
        self._mark_fingerprints: dict[str, Hashable] = {}
        self._inputs: dict[tuple[str, str], Hashable] = {}
        """Per (series, contract): its sampler's inputs when its value was last computed."""
        self._pending_inputs: dict[tuple[str, str], Hashable] = {}
        self._store: Store | None = None
        oi = self.open_interest
        self.add_sampler(Sampler(MARK_PRICE, self._mark, inputs=self._mark_inputs))
        self.add_sampler(
            Sampler(
                INDEX,
                lambda state, c: state.index_prices.get(c.contract_code),
                inputs=lambda state, c: state.index_prices.get(c.contract_code),
            )
        )
        self.add_sampler(
            Sampler(
                OPEN_INTEREST,
                lambda _, c: Decimal(oi.total(c.contract_code)),
                OPEN_INTEREST_PERIODS,
                inputs=lambda _, c: oi.total(c.contract_code),
            )
        )
        self.add_sampler(
            Sampler(
                OPEN_INTEREST_AMOUNT,
                lambda state, c: contract_value(
                    oi.total(c.contract_code), c.contract_size, self._mark(state, c)
                ),
                OPEN_INTEREST_PERIODS,
                inputs=lambda state, c: (oi.total(c.contract_code), self._mark_inputs(state, c)),
            )
        )

    def add_sampler(self, sampler: Sampler) -> None:
        """Record another sampled series (before the engine starts)."""
        self._samplers.append(sampler)
        self._periods[sampler.series] = sampler.periods

    def periods(self, series: str) -> tuple[Period, ...]:
        return self._periods[series]

    # -- start -----------------------------------------------------------------------------

    def load(self, store: Store, state: ExchangeState) -> None:
        """Read bars from `store` from now on (each series' newest `keep`, when first needed,
        on the engine thread), and count the open interest of `state`."""
        self._store = store
        self._tracks.clear()
        self._inputs.clear()
        self.open_interest.load(state)

    # -- a batch ---------------------------------------------------------------------------

    def stage(
        self, batches: Iterable[list[Event]], state: ExchangeState, now: Millis | None = None
    ) -> list[SeriesBar]:
        """The bars a batch of commands changes, staged (not yet visible to readers), with
        the values sampled at `now` (the exchange's time by default). A bug here must not stop
        the exchange: it costs this batch its bars, and is logged."""
        try:
            return self._stage(batches, state, state.now if now is None else now)
        except Exception:
            log.exception("kline bars of a batch could not be built; the batch has none")
            self.discarded()
            return []

    def _stage(
        self, batches: Iterable[list[Event]], state: ExchangeState, now: Millis
    ) -> list[SeriesBar]:
        positions: dict[HoldingKey, None] = {}
        for events in batches:
            for event in events:
                if type(event) is OrderTraded:
                    trade = event.trade
                    if trade.role is _TAKER:
                        track = self._touch(KLINE, trade.contract_code)
                        track.trade(trade.created_at // 1000, trade.price, trade.volume,
                                    trade.value)  # fmt: skip
                elif type(event) is PositionChanged:
                    positions[(event.uid, event.contract_code)] = None
        if positions:
            self.open_interest.stage(positions, state)
        second = now // 1000
        self._marks.clear()
        self._mark_fingerprints.clear()
        inputs, pending = self._inputs, self._pending_inputs
        for contract in state.contracts:
            code = contract.contract_code
            for sampler in self._samplers:
                at = (sampler.series, code)
                if sampler.inputs is not None:
                    now_in = sampler.inputs(state, contract)
                    if pending.get(at, inputs.get(at, _NONE)) == now_in:
                        continue  # nothing it is computed from moved
                    pending[at] = now_in
                track = self._track(sampler.series, code)
                value = sampler.value(state, contract)
                if value is None:
                    continue
                current = track.current()
                if current is None or value != current.close:
                    self._touch(sampler.series, code).record(second, value)
        changes: list[SeriesBar] = []
        for track in self._touched.values():
            track.changes(changes)
        return changes

    def committed(self) -> None:
        keep, slack = self.keep, self.slack
        for track in self._touched.values():
            track.committed(keep, slack)
        self._touched.clear()
        self._inputs.update(self._pending_inputs)
        self._pending_inputs.clear()
        self.open_interest.committed()

    def discarded(self) -> None:
        for track in self._touched.values():
            track.discarded()
        self._touched.clear()
        self._pending_inputs.clear()
        self.open_interest.discarded()

    def _mark_inputs(self, state: ExchangeState, contract: Contract) -> Hashable:
        code = contract.contract_code
        found = self._mark_fingerprints.get(code)
        if found is None:
            found = self._mark_fingerprints[code] = _mark_inputs(state, contract)
        return found

    def _mark(self, state: ExchangeState, contract: Contract) -> Decimal:
        code = contract.contract_code
        mark = self._marks.get(code)
        if mark is None:
            mark = self._marks[code] = state.mark_price(contract)
        return mark

    def _touch(self, series: str, code: str) -> _Track:
        at = (series, code)
        track = self._touched.get(at)
        if track is None:
            track = self._touched[at] = self._track(series, code)
        return track

    def _track(self, series: str, code: str) -> _Track:
        at = (series, code)
        track = self._tracks.get(at)
        if track is None:
            track = self._tracks[at] = self._load(series, code)
        return track

    def _load(self, series: str, code: str) -> _Track:
        """A series' newest `keep` bars of each period, from the store."""
        periods = self._periods[series]
        store = self._store
        windows = []
        for period in periods:
            key = SeriesKey(series, code, period.name)
            bars = (
                store.bars(BarQuery(key, FIRST_ID, LAST_ID, self.keep, newest=True))
                if store is not None else []
            )  # fmt: skip
            windows.append(Window(bars, complete=len(bars) < self.keep))
        return _Track(series, code, periods, series != KLINE, windows)

    # -- reading (on the engine thread) ----------------------------------------------------

    def read(
        self, key: SeriesKey, period: Period, first: int, last: int, store: Store
    ) -> list[Bar]:
        """Every period from bar id `first` to bar id `last` (both aligned to `period`), from
        the series' first bar on; from memory when it holds them, else from the store (the
        bars it holds, with the open ones from memory)."""
        track = self._track(key.series, key.contract_code)
        i = track.keys.index(key)
        window = track.windows[i]
        if window.covers(first):
            bars, before = window.between(first, last)
        else:
            bars = store.bars(BarQuery(key, first, last, period.count(first, last)))
            older = store.bars(BarQuery(key, FIRST_ID, first - 1, 1, newest=True))
            before = older[0] if older else None
        return filled(period, first, last, track.overlay(i, bars, first, last), before)

    def window(self, key: SeriesKey) -> Window:
        """The bars of a series held in memory (what reads are answered from)."""
        track = self._track(key.series, key.contract_code)
        return track.windows[track.keys.index(key)]
