"""Kline bars as the engine builds them: from the taker side of each committed match, per
period, kept in the same commit, back after a restart without replaying a trade; the mark price
and the open interest as sampled series."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder, SetIndexPrices
from htx_sandbox.domain.contracts import Contract
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.bars import Bar, SeriesKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.periods import (
    DAY1,
    KLINE_PERIODS,
    MIN1,
    MIN5,
    MIN60,
    MON1,
    WEEK1,
    Period,
)
from htx_sandbox.service.ports import ChangeSet, Store
from htx_sandbox.service.queries import Reads
from htx_sandbox.service.series_book import (
    INDEX,
    KLINE,
    MARK_PRICE,
    OPEN_INTEREST,
    OPEN_INTEREST_AMOUNT,
    Sampler,
    SeriesBook,
)
from htx_sandbox.storage.memory import MemoryStore
from htx_sandbox.storage.sqlite import SqliteStore

MAKER, TAKER = UID(1), UID(2)
BTC = "BTC-USD"
# 2025-11-24 16:00:00 UTC: Monday 2025-11-25 00:00 GMT+8 is... a Tuesday; the week began on
# the 24th. Every period from 1min to 1day begins here.
T0_S = 1_764_000_000
T0 = T0_S * 1000


@dataclass
class Market:
    store: Store
    clock: ManualClock = field(default_factory=lambda: ManualClock(T0))
    engine: Engine | None = None
    samplers: tuple[Sampler, ...] = ()

    def start(self) -> Engine:
        self.engine = Engine(self.store, self.clock, samplers=self.samplers)
        self.engine.start()
        for uid in (MAKER, TAKER):
            self.engine.execute(OpenUser(uid))
            self.engine.execute(Deposit(uid, "BTC", Decimal(100)))
        return self.engine

    def restart(self) -> Engine:
        assert self.engine is not None
        self.engine.stop()
        self.engine = Engine(self.store, self.clock, samplers=self.samplers)
        self.engine.start()
        return self.engine

    def at(self, second: int) -> None:
        """Move the clock to T0 + `second` (forward only)."""
        target = T0 + second * 1000
        assert target >= self.clock.now()
        self.clock.advance(target - self.clock.now())

    def trade(self, price: str, volume: int = 1, direction: Direction = Direction.BUY) -> None:
        """One match of `volume` contracts at `price`, the taker buying (or selling)."""
        assert self.engine is not None
        maker_side = Direction.SELL if direction is Direction.BUY else Direction.BUY
        for uid, side in ((MAKER, maker_side), (TAKER, direction)):
            outcome = self.engine.execute(
                PlaceOrder(uid, BTC, side, Offset.OPEN, volume, 10, OrderPriceType.LIMIT,
                           Decimal(price))
            )  # fmt: skip
            assert outcome.error is None, outcome.error

    def bars(self, series: str, period: Period, first: int, last: int) -> list[Bar]:
        engine = self.engine
        assert engine is not None
        return engine.query(
            lambda ex: Reads(ex, engine.store, engine.series).bars(
                series, BTC, period, period.start(first), period.start(last)
            )
        ).result(10)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()


@pytest.fixture(params=["memory", "sqlite"])
def market(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Market]:
    store: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "db")
    running = Market(store)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def s(value: Decimal) -> str:
    """A price as written in these tests (60000, not 60000.0)."""
    return format(value.normalize(), "f")


def ohlcv(b: Bar) -> tuple[int, str, str, str, str, int, int]:
    return (b.id, s(b.open), s(b.high), s(b.low), s(b.close), b.vol, b.count)


# -- trades ----------------------------------------------------------------------------------


def test_a_bar_takes_open_high_low_close_and_the_volumes_of_its_matches(market: Market) -> None:
    market.at(5)
    market.trade("60000", 2)
    market.at(20)
    market.trade("60100", 1)
    market.at(40)
    market.trade("59900", 3, Direction.SELL)
    market.at(59)
    market.trade("60050", 1)
    [one] = market.bars(KLINE, MIN1, T0_S, T0_S)
    assert ohlcv(one) == (T0_S, "60000", "60100", "59900", "60050", 7, 4)
    # amount is the coin value of each match: volume x 100 USD / price.
    expected = sum(
        (Decimal(v * 100) / Decimal(p)).quantize(Decimal("1e-18"))
        for p, v in (("60000", 2), ("60100", 1), ("59900", 3), ("60050", 1))
    )
    assert one.amount == expected


@pytest.mark.parametrize("period", KLINE_PERIODS, ids=lambda p: p.name)
def test_a_trade_after_a_period_boundary_opens_the_next_bar(market: Market, period: Period) -> None:
    start = period.start(T0_S)
    boundary = period.next(start)
    market.at(boundary - 1 - T0_S)
    market.trade("60000", 1)
    market.at(boundary - T0_S)
    market.trade("60200", 2)
    bars = market.bars(KLINE, period, start, boundary)
    assert [ohlcv(b) for b in bars] == [
        (start, "60000", "60000", "60000", "60000", 1, 1),
        (boundary, "60200", "60200", "60200", "60200", 2, 1),
    ]


def test_every_period_gets_the_same_match(market: Market) -> None:
    market.at(90)
    market.trade("60010", 4)
    for period in KLINE_PERIODS:
        [b] = market.bars(KLINE, period, T0_S + 90, T0_S + 90)
        assert (b.id, b.close, b.vol, b.count) == (period.start(T0_S + 90), 60010, 4, 1)


def test_the_week_and_month_bars_hold_days_of_trades(market: Market) -> None:
    days = [0, 1, 6]  # Tue 25 and Wed 26 November, Mon 1 December in GMT+8: a new week and month
    for day, price in zip(days, ("60000", "60500", "59500"), strict=True):
        market.at(day * 86_400 + 10)
        market.trade(price, 1)
    week = market.bars(KLINE, WEEK1, T0_S, T0_S + 6 * 86_400 + 10)
    assert [(b.id, b.vol, s(b.close)) for b in week] == [
        (WEEK1.start(T0_S), 2, "60500"),
        (WEEK1.start(T0_S) + 7 * 86_400, 1, "59500"),
    ]
    november, december = market.bars(KLINE, MON1, T0_S, T0_S + 6 * 86_400)
    assert ohlcv(november) == (MON1.start(T0_S), "60000", "60500", "60000", "60500", 2, 2)
    assert ohlcv(december) == (T0_S + 6 * 86_400, "59500", "59500", "59500", "59500", 1, 1)
    days_read = market.bars(KLINE, DAY1, T0_S, T0_S + 6 * 86_400 + 10)
    assert len(days_read) == 7  # the quiet days print flat at the close before them
    assert [b.vol for b in days_read] == [1, 1, 0, 0, 0, 0, 1]
    assert {s(b.close) for b in days_read[2:6]} == {"60500"}


def test_a_quiet_minute_reads_as_a_flat_bar_and_nothing_before_the_first_trade(
    market: Market,
) -> None:
    market.at(130)
    market.trade("60000", 1)
    market.at(310)
    market.trade("60300", 1)
    bars = market.bars(KLINE, MIN1, T0_S, T0_S + 310)
    assert [(b.id - T0_S, s(b.open), s(b.close), b.vol) for b in bars] == [
        (120, "60000", "60000", 1),
        (180, "60000", "60000", 0),
        (240, "60000", "60000", 0),
        (300, "60300", "60300", 1),
    ]


def test_bars_survive_a_restart_and_the_current_one_goes_on(market: Market) -> None:
    market.at(10)
    market.trade("60000", 2)
    market.at(70)
    market.trade("60100", 1)
    before = market.bars(KLINE, MIN60, T0_S, T0_S)
    market.restart()
    assert market.bars(KLINE, MIN60, T0_S, T0_S) == before
    market.at(80)
    market.trade("59950", 3)
    [hour] = market.bars(KLINE, MIN60, T0_S, T0_S)
    assert ohlcv(hour) == (T0_S, "60000", "60100", "59950", "59950", 6, 3)
    minutes = market.bars(KLINE, MIN1, T0_S, T0_S + 80)
    assert [(b.vol, b.count) for b in minutes] == [(2, 1), (4, 2)]


def test_a_restart_reads_bars_not_trades(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db")
    market = Market(store)
    market.start()
    market.at(10)
    market.trade("60000", 1)
    market.stop()
    # Wipe the trades: the bars alone must bring the klines back.
    store._execute("DELETE FROM trades")
    engine = Engine(store, market.clock)
    engine.start()
    market.engine = engine
    try:
        [b] = market.bars(KLINE, MIN1, T0_S, T0_S)
        assert (b.vol, s(b.close)) == (1, "60000")
    finally:
        engine.stop()


class FailingStore(MemoryStore):
    fail = False

    def commit(self, c: ChangeSet) -> None:
        if self.fail:
            raise ValueError("refused (simulated bad data)")
        super().commit(c)


def test_a_failed_commit_leaves_no_bar_behind() -> None:
    store = FailingStore()
    market = Market(store)
    market.start()
    try:
        market.at(10)
        market.trade("60000", 1)
        store.fail = True
        engine = market.engine
        assert engine is not None
        sell = PlaceOrder(MAKER, BTC, Direction.SELL, Offset.OPEN, 5, 10, OrderPriceType.LIMIT,
                          Decimal("60000"))  # fmt: skip
        buy = PlaceOrder(TAKER, BTC, Direction.BUY, Offset.OPEN, 5, 10, OrderPriceType.LIMIT,
                         Decimal("60000"))  # fmt: skip
        engine.execute(sell)
        refused = engine.execute(buy)
        assert refused.error is not None
        [b] = market.bars(KLINE, MIN1, T0_S, T0_S)
        assert b.vol == 1  # the refused match left the bar as committed
        store.fail = False
        market.trade("60000", 1)
        [b] = market.bars(KLINE, MIN1, T0_S, T0_S)
        assert b.vol == 2
    finally:
        market.stop()


def test_reads_older_than_memory_come_from_the_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db")
    market = Market(store)
    engine = market.start()
    engine.stop()
    engine = Engine(store, market.clock)
    engine.series = SeriesBook(keep=3, slack=1)
    engine.series.load(store, engine.exchange.state)
    market.engine = engine
    engine.start()
    for minute in range(10):
        market.at(minute * 60 + 1)
        market.trade(str(60000 + 10 * minute), 1)
    window = engine.series.window(SeriesKey(KLINE, BTC, "1min"))
    assert len(window.bars) <= 4 and not window.complete  # the rest is in the store only
    everything = market.bars(KLINE, MIN1, T0_S, T0_S + 9 * 60)
    assert [s(b.close) for b in everything] == [str(60000 + 10 * m) for m in range(10)]
    assert [b.vol for b in everything] == [1] * 10


# -- sampled series --------------------------------------------------------------------------


def test_the_mark_price_series_follows_the_index(market: Market) -> None:
    engine = market.engine
    assert engine is not None
    [first] = market.bars(MARK_PRICE, MIN1, T0_S, T0_S)
    assert ohlcv(first) == (T0_S, "60000", "60000", "60000", "60000", 0, 0)  # the reference
    market.at(20)
    engine.execute(SetIndexPrices({BTC: Decimal("60500")}))
    market.at(40)
    engine.execute(SetIndexPrices({BTC: Decimal("59800")}))
    market.at(130)
    engine.execute(SetIndexPrices({BTC: Decimal("60100")}))
    bars = market.bars(MARK_PRICE, MIN1, T0_S, T0_S + 130)
    assert [ohlcv(b) for b in bars] == [
        (T0_S, "60000", "60500", "59800", "59800", 0, 0),
        (T0_S + 60, "59800", "59800", "59800", "59800", 0, 0),  # unchanged: flat
        (T0_S + 120, "59800", "60100", "59800", "60100", 0, 0),  # opens at the last close
    ]


def test_an_unchanged_mark_price_writes_nothing() -> None:
    store = MemoryStore()
    market = Market(store)
    engine = market.start()
    try:
        before = {key: dict(bars) for key, bars in store.klines.items()}
        market.at(600)
        engine.execute(SetIndexPrices({BTC: Decimal("60000")}))  # equal to the mark already
        engine.execute(OpenUser(UID(9)))
        after = {key: dict(bars) for key, bars in store.klines.items()}
        index = after.pop(SeriesKey(INDEX, BTC, "1min"))  # the index series' first value
        assert next(iter(index.values()))[1:5] == ("60000",) * 4
        assert after == before
        engine.execute(SetIndexPrices({BTC: Decimal("60000")}))  # the same index again
        assert {key: dict(bars) for key, bars in store.klines.items()} == {
            **before, SeriesKey(INDEX, BTC, "1min"): index
        }
    finally:
        market.stop()


def test_a_trade_changes_the_minute_bar_and_the_longer_bars_follow_each_minute() -> None:
    store = MemoryStore()
    market = Market(store)
    market.start()
    try:
        minute, five = SeriesKey(KLINE, BTC, "1min"), SeriesKey(KLINE, BTC, "5min")
        market.at(10)
        market.trade("60000", 1)
        market.at(20)
        market.trade("60100", 1)
        assert list(store.klines[minute]) == [T0_S]
        assert five not in store.klines  # written once the minute is over
        [bar] = market.bars(KLINE, MIN5, T0_S, T0_S)  # read: the open minute laid over it
        assert (bar.vol, s(bar.high)) == (2, "60100")
        market.at(70)
        market.trade("59900", 3)
        assert list(store.klines[minute]) == [T0_S, T0_S + 60]
        assert store.klines[five][T0_S][5] == 2  # the first minute, folded in
        [bar] = market.bars(KLINE, MIN5, T0_S, T0_S)
        assert ohlcv(bar) == (T0_S, "60000", "60100", "59900", "59900", 5, 3)
    finally:
        market.stop()


def test_the_open_interest_series_counts_one_side(market: Market) -> None:
    market.at(10)
    market.trade("60000", 3)  # both open: 3 long, 3 short
    market.at(3700)
    engine = market.engine
    assert engine is not None
    close = PlaceOrder(TAKER, BTC, Direction.SELL, Offset.CLOSE, 2, 10, OrderPriceType.LIMIT,
                       Decimal("60000"))  # fmt: skip
    reopen = PlaceOrder(UID(1), BTC, Direction.BUY, Offset.CLOSE, 2, 10, OrderPriceType.LIMIT,
                        Decimal("60000"))  # fmt: skip
    assert engine.execute(close).error is None
    assert engine.execute(reopen).error is None
    hours = market.bars(OPEN_INTEREST, MIN60, T0_S, T0_S + 3700)
    assert [(b.id - T0_S, b.open, b.high, b.close) for b in hours] == [
        (0, 0, 3, 3),
        (3600, 3, 3, 1),
    ]
    assert engine.query(
        lambda ex: Reads(ex, engine.store, engine.series).open_interest(BTC)
    ).result(10) == 1
    coins = market.bars(OPEN_INTEREST_AMOUNT, MIN60, T0_S + 3700, T0_S + 3700)
    assert coins[0].close == (Decimal(100) / Decimal(60000)).quantize(Decimal("1e-18"))


def test_another_sampled_series_is_kept_the_same_way(tmp_path: Path) -> None:
    """How the funding part feeds the premium index: a Sampler added before the engine starts
    gets bars, storage and restarts like the mark price."""

    def premium(state: ExchangeState, contract: Contract) -> Decimal:  # last over index, here
        code = contract.contract_code
        index, last = state.index_prices.get(code), state.last_price.get(code)
        return Decimal(0) if index is None or last is None else (last - index) / index

    market = Market(SqliteStore(tmp_path / "db"), samplers=(Sampler("premium_index", premium),))
    engine = market.start()
    try:
        market.at(30)
        market.trade("60000", 1)
        engine.execute(SetIndexPrices({BTC: Decimal(50000)}))  # last 60000: premium 0.2
        market.at(90)
        engine.execute(SetIndexPrices({BTC: Decimal(48000)}))  # last 60000: premium 0.25
        bars = market.bars("premium_index", MIN1, T0_S, T0_S + 90)
        assert [(b.id - T0_S, b.open, b.high, b.close) for b in bars] == [
            (0, 0, Decimal("0.2"), Decimal("0.2")),
            (60, Decimal("0.2"), Decimal("0.25"), Decimal("0.25")),
        ]
        market.restart()
        assert market.bars("premium_index", MIN1, T0_S, T0_S + 90) == bars
    finally:
        market.stop()
