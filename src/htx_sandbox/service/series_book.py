"""The bars of every kline series, built as commits happen and stored with them.

Two kinds of series share one aggregator. The trade series (`kline`) takes every match, in the
taker's direction, with its volume. A sampled series (`mark_price`, the open interest, and any
`Sampler` added, such as a premium index) takes a value computed from the exchange after each
batch of commands; a value equal to the last one recorded records nothing, so a quiet market
writes nothing and its periods read as flat bars at the last close (bars.filled). Sampling after
every batch sees every change a commit makes, which no fixed sampling interval would.

The engine calls `stage` with a batch's events before its commit and puts the bars it returns
in that commit; `committed` then makes them visible, `discarded` forgets them if the commit
failed. So the bars on disk are always those of the committed trades, and a restart reads bars
back (the newest `keep` of each series) instead of replaying trades. A read of a range older
than memory holds goes to the store, by bar id: its cost depends on the range, never on how
many trades there have been.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..domain.contracts import Contract
from ..domain.events import Event, OrderTraded, PositionChanged
from ..domain.money import contract_value
from ..domain.orders import Trade
from ..domain.state import ExchangeState
from ..domain.types import Millis, Role
from .bars import Bar, SeriesBar, SeriesKey, Window, filled
from .open_interest import HoldingKey, OpenInterest
from .periods import KLINE_PERIODS, OPEN_INTEREST_PERIODS, Period
from .ports import BarQuery, Store

log = logging.getLogger(__name__)
KLINE = "kline"
MARK_PRICE = "mark_price"
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

Value = Callable[[ExchangeState, Contract], Decimal]


@dataclass(frozen=True, slots=True)
class Sampler:
    series: str
    value: Value
    """The series' value now; called on the engine thread after every batch."""
    periods: tuple[Period, ...] = KLINE_PERIODS


class SeriesBook:
    def __init__(self, *, keep: int = KEEP, slack: int = SLACK) -> None:
        self.keep = keep
        self.slack = slack
        self.open_interest = OpenInterest()
        self._samplers: list[Sampler] = []
        self._periods: dict[str, tuple[Period, ...]] = {KLINE: KLINE_PERIODS}
        self._windows: dict[SeriesKey, Window] = {}
        self._keys: dict[tuple[str, str], tuple[tuple[Period, SeriesKey], ...]] = {}
        self._latest: dict[tuple[str, str], Decimal] = {}
        """Per (series, contract): the last value a sampled series recorded."""
        self._pending: dict[tuple[SeriesKey, int], Bar] = {}
        self._pending_latest: dict[tuple[str, str], Decimal] = {}
        self._heads: dict[SeriesKey, Bar] = {}
        """Per series: the newest bar the batch staged."""
        self._store: Store | None = None
        oi = self.open_interest
        self.add_sampler(Sampler(MARK_PRICE, lambda state, c: state.mark_price(c)))
        self.add_sampler(
            Sampler(OPEN_INTEREST, lambda _, c: Decimal(oi.total(c.contract_code)),
                    OPEN_INTEREST_PERIODS)
        )  # fmt: skip
        self.add_sampler(
            Sampler(
                OPEN_INTEREST_AMOUNT,
                lambda state, c: contract_value(
                    oi.total(c.contract_code), c.contract_size, state.mark_price(c)
                ),
                OPEN_INTEREST_PERIODS,
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
        self._windows.clear()
        self._latest.clear()
        self.open_interest.load(state)

    # -- a batch ---------------------------------------------------------------------------

    def stage(
        self, batches: Iterable[list[Event]], state: ExchangeState, now: Millis | None = None
    ) -> list[SeriesBar]:
        """The bars a batch of commands changes, staged (not yet visible to readers), with the
        values sampled at `now` (the exchange's time by default). A bug here must not stop the
        exchange: it costs this batch its bars, and is logged."""
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
                    if event.trade.role is _TAKER:
                        self._trade(event.trade)
                elif type(event) is PositionChanged:
                    positions[(event.uid, event.contract_code)] = None
        if positions:
            self.open_interest.stage(positions, state)
        second = now // 1000
        latest, pending_latest = self._latest, self._pending_latest
        for contract in state.contracts:
            code = contract.contract_code
            for sampler in self._samplers:
                at = (sampler.series, code)
                value = sampler.value(state, contract)
                before = pending_latest.get(at)
                if before is None:
                    before = latest.get(at) if at in latest else self._recorded(at)
                if value != before:
                    pending_latest[at] = value
                    self._sample(sampler.series, code, second, value)
        return [SeriesBar(key, bar) for (key, _), bar in self._pending.items()]

    def committed(self) -> None:
        keep, slack = self.keep, self.slack
        for (key, _), bar in self._pending.items():
            self._window(key).put(bar, keep, slack)
        self._latest.update(self._pending_latest)
        self.open_interest.committed()
        self._clear()

    def discarded(self) -> None:
        self.open_interest.discarded()
        self._clear()

    def _clear(self) -> None:
        self._pending.clear()
        self._pending_latest.clear()
        self._heads.clear()

    def _recorded(self, at: tuple[str, str]) -> Decimal | None:
        """The last value a sampled series recorded before this batch (from its bars)."""
        series, code = at
        last = self._window(self._keys_of(series, code)[0][1]).last
        value = last.close if last is not None else None
        if value is not None:
            self._latest[at] = value
        return value

    def _trade(self, trade: Trade) -> None:
        second = trade.created_at // 1000
        price = trade.price
        for period, key in self._keys_of(KLINE, trade.contract_code):
            bar = self._bar(key, period.start(second), None, price)
            bar.trade(price, trade.volume, trade.value)

    def _sample(self, series: str, code: str, second: int, value: Decimal) -> None:
        for period, key in self._keys_of(series, code):
            previous = self._heads.get(key) or self._window(key).last
            self._bar(key, period.start(second), previous, value).record(value)

    def _bar(self, key: SeriesKey, id: int, previous: Bar | None, value: Decimal) -> Bar:
        """The staged bar `id` of a series: staged already, else a copy of the stored one,
        else a new one opening at the previous close (a sampled value held it until now)
        or at `value`."""
        pending = self._pending
        bar = pending.get((key, id))
        if bar is None:
            stored = self._window(key).find(id)
            if stored is not None:
                bar = stored.copy()
            elif previous is not None and previous.id < id:
                bar = previous.flat(id)
            else:
                bar = Bar.first(id, value)
            pending[(key, id)] = bar
            head = self._heads.get(key)
            if head is None or id > head.id:
                self._heads[key] = bar
        return bar

    def _keys_of(self, series: str, code: str) -> tuple[tuple[Period, SeriesKey], ...]:
        found = self._keys.get((series, code))
        if found is None:
            found = tuple(
                (period, SeriesKey(series, code, period.name)) for period in self._periods[series]
            )
            self._keys[(series, code)] = found
        return found

    def _window(self, key: SeriesKey) -> Window:
        window = self._windows.get(key)
        if window is None:
            store = self._store
            if store is None:
                window = Window()
            else:
                bars = store.bars(BarQuery(key, FIRST_ID, LAST_ID, self.keep, newest=True))
                window = Window(bars, complete=len(bars) < self.keep)
            self._windows[key] = window
        return window

    # -- reading (on the engine thread) ----------------------------------------------------

    def read(
        self, key: SeriesKey, period: Period, first: int, last: int, store: Store
    ) -> list[Bar]:
        """Every period from bar id `first` to bar id `last` (both aligned to `period`), from
        the series' first bar on; from memory when it holds them, else from the store."""
        window = self._window(key)
        if window.covers(first):
            bars, before = window.between(first, last)
        else:
            count = period.count(first, last)
            bars = store.bars(BarQuery(key, first, last, count))
            older = store.bars(BarQuery(key, FIRST_ID, first - 1, 1, newest=True))
            before = older[0] if older else None
        return filled(period, first, last, bars, before)

    def latest(self, key: SeriesKey) -> Bar | None:
        return self._window(key).last
