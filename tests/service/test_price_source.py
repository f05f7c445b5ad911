"""The index price source: a seeded walk, a fixed value or a path, followed on the engine's
clock. Every test moves a ManualClock by hand and asks the source for a step (update), as its
thread would at each interval, so the prices are exact and no test waits on time."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import Outcome, SetIndexPrices
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import Millis
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.index_feeds import Path, Walk
from htx_sandbox.service.price_source import Anchor, PriceSource, PriceSourceSettings, anchor
from htx_sandbox.storage.memory import MemoryStore

T0 = 1_764_000_000_000  # a whole second
BTC, ETH = "BTC-USD", "ETH-USD"
TICK = Decimal("0.1")
D1 = Decimal(1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def engine(clock: ManualClock) -> Iterator[Engine]:
    engine = Engine(MemoryStore(), clock)
    engine.start()
    yield engine
    engine.stop()


def index(engine: Engine, code: str = BTC) -> tuple[Decimal, int] | None:
    def read(ex: Exchange) -> tuple[Decimal, int] | None:
        state = ex.state
        if code not in state.index_prices:
            return None
        return state.index_prices[code], state.index_times[code]

    return engine.query(read).result()


def step(source: PriceSource) -> None:
    future = source.update()
    assert future is not None
    assert future.result().error is None


def applied(future: object) -> Outcome:
    assert hasattr(future, "result")
    outcome: Outcome = future.result()
    return outcome


def walk_prices(seed: int, steps: int, *, every_ms: int = 1000, **settings: int) -> list[Decimal]:
    clock = ManualClock(T0)
    engine = Engine(MemoryStore(), clock)
    engine.start()
    try:
        source = PriceSource(engine, clock, PriceSourceSettings(seed=seed, **settings))
        prices = []
        for _ in range(steps):
            step(source)
            found = index(engine)
            assert found is not None
            prices.append(found[0])
            clock.advance(every_ms)
        return prices
    finally:
        engine.stop()


def anchor_of(engine: Engine, code: str = BTC) -> Anchor:
    return engine.query(lambda ex: anchor(ex, code)).result()


# -- the walk ---------------------------------------------------------------------------------


def test_the_walk_starts_at_the_mark_price_and_feeds_every_contract(
    engine: Engine, clock: ManualClock
) -> None:
    source = PriceSource(engine, clock)
    step(source)
    assert index(engine, BTC) == (Decimal(60000), T0)
    assert index(engine, ETH) == (Decimal(3000), T0)
    assert engine.exchange.state.price_bands[BTC].high_limit == Decimal(63600)


def test_the_walk_moves_on_the_tick_grid_by_at_most_its_step_each_interval() -> None:
    prices = walk_prices(seed=1, steps=200, step_ticks=3)
    moves = [(b - a) / TICK for a, b in itertools.pairwise(prices)]
    assert all(p % TICK == 0 for p in prices)
    assert all(abs(m) <= 3 and m == int(m) for m in moves)
    assert len(set(moves)) == 7  # -3 ... 3: it does move, both ways


def test_the_same_seed_and_clock_give_the_same_walk_and_another_seed_another() -> None:
    assert walk_prices(seed=7, steps=50) == walk_prices(seed=7, steps=50)
    assert walk_prices(seed=7, steps=50) != walk_prices(seed=8, steps=50)


def test_the_walk_steps_on_the_clock_not_on_how_often_it_is_asked() -> None:
    every_second = walk_prices(seed=3, steps=41)[::10]
    every_ten_seconds = walk_prices(seed=3, steps=5, every_ms=10_000)
    assert every_second == every_ten_seconds
    # Asked again within one interval, it has not moved.
    assert walk_prices(seed=3, steps=10, every_ms=99, interval_ms=1000) == [Decimal(60000)] * 10


def test_a_step_of_zero_holds_the_index_still() -> None:
    assert set(walk_prices(seed=5, steps=20, step_ticks=0)) == {Decimal(60000)}


def test_the_walk_never_goes_below_one_tick() -> None:
    walk = Walk(random.Random(0), TICK, 5, 1000, Decimal("0.3"), Millis(T0))
    prices = [walk.price_at(Millis(T0 + 1000 * i)) for i in range(100)]
    assert min(prices) == TICK


def test_a_new_source_walks_on_from_the_stored_index(engine: Engine, clock: ManualClock) -> None:
    assert engine.execute(SetIndexPrices({BTC: Decimal("61234.5")})).error is None
    source = PriceSource(engine, clock, PriceSourceSettings(step_ticks=0))
    step(source)
    assert index(engine) == (Decimal("61234.5"), T0)


# -- a fixed value ------------------------------------------------------------------------------


def test_a_fixed_price_applies_at_once_and_holds_through_every_step(
    engine: Engine, clock: ManualClock
) -> None:
    source = PriceSource(engine, clock)
    step(source)
    assert applied(source.fix(BTC, Decimal("65000.25"))).error is None
    assert index(engine) == (Decimal("65000.25"), T0)
    clock.advance(5000)
    step(source)
    assert index(engine) == (Decimal("65000.25"), T0 + 5000)  # refreshed, not moved
    assert source.feed_state(BTC).mode == "fixed"
    assert source.feed_state(ETH).mode == "walk"


def test_back_to_the_walk_from_where_the_index_stands(engine: Engine, clock: ManualClock) -> None:
    source = PriceSource(engine, clock, PriceSourceSettings(step_ticks=0))
    applied(source.fix(BTC, Decimal(50000)))
    clock.advance(3000)
    assert applied(source.walk(anchor_of(engine))).error is None
    step(source)
    assert index(engine) == (Decimal(50000), T0 + 3000)
    assert source.feed_state(BTC).mode == "walk"


def test_a_refused_price_keeps_the_feed_it_had(engine: Engine, clock: ManualClock) -> None:
    source = PriceSource(engine, clock)
    applied(source.fix(BTC, Decimal(50000)))
    outcome = applied(source.fix(BTC, Decimal("1e15")))  # the domain's bound
    assert outcome.error is not None and outcome.error.code == ErrorCode.ILLEGAL_PARAMETER
    assert source.feed_state(BTC).mode == "fixed"
    step(source)
    assert index(engine) == (Decimal(50000), T0)


# -- a path -------------------------------------------------------------------------------------


def test_a_path_moves_linearly_from_the_index_to_its_points_then_holds(
    engine: Engine, clock: ManualClock
) -> None:
    source = PriceSource(engine, clock)
    applied(source.fix(BTC, Decimal(60000)))
    points = [(Millis(T0 + 10_000), Decimal(61000)), (Millis(T0 + 20_000), Decimal(60500))]
    assert applied(source.follow(anchor_of(engine), points)).error is None
    seen = []
    for _ in range(6):
        step(source)
        found = index(engine)
        assert found is not None
        seen.append(found[0])
        clock.advance(5000)
    assert seen == [Decimal(x) for x in (60000, 60500, 61000, 60750, 60500, 60500)]
    assert source.feed_state(BTC).mode == "path"
    assert source.feed_state(BTC).points == []  # all passed: it holds the last price


def test_a_path_rounds_between_its_points_to_the_tick_and_keeps_each_point_exact(
    clock: ManualClock,
) -> None:
    now = Millis(T0)
    path = Path([(Millis(T0 + 3), Decimal("100.05"))], TICK, Decimal(100), now)
    assert path.price_at(Millis(T0 + 1)) == Decimal("100.0")  # 100.016...
    assert path.price_at(Millis(T0 + 2)) == Decimal("100.0")  # 100.033...
    assert path.price_at(Millis(T0 + 3)) == Decimal("100.05")  # the point, off the grid
    assert path.points(Millis(T0 + 2)) == [(T0 + 3, Decimal("100.05"))]


def test_a_path_whose_first_points_are_past_starts_where_they_put_it(
    engine: Engine, clock: ManualClock
) -> None:
    source = PriceSource(engine, clock)
    points = [
        (Millis(T0 - 10_000), Decimal(50000)),
        (Millis(T0 + 10_000), Decimal(70000)),
        (Millis(T0 + 20_000), Decimal(70000)),
    ]
    applied(source.follow(anchor_of(engine), points))
    assert index(engine) == (Decimal(60000), T0)
    assert source.feed_state(BTC).points == points[1:]


def test_a_path_set_before_any_index_waits_at_its_first_price(
    engine: Engine, clock: ManualClock
) -> None:
    source = PriceSource(engine, clock)
    applied(source.follow(anchor_of(engine), [(Millis(T0 + 60_000), Decimal(40000))]))
    assert index(engine) == (Decimal(40000), T0)


# -- the thread ---------------------------------------------------------------------------------


def test_started_it_feeds_every_contract_and_stop_ends_its_thread(engine: Engine) -> None:
    source = PriceSource(engine, ManualClock(T0), PriceSourceSettings(interval_ms=50))
    source.start()
    try:
        deadline = time.monotonic() + 5
        while index(engine, ETH) is None:
            assert time.monotonic() < deadline, "no index within 5 s"
            time.sleep(0.01)
        assert source.running
    finally:
        source.stop()
    assert not source.running


class _AnsweredAtOnce:
    """An engine stand-in that has answered a command before submit() returns (the engine
    thread may be that quick): the source's own thread then runs the future's callbacks."""

    def submit(self, command: object) -> Future[Outcome]:
        done: Future[Outcome] = Future()
        done.set_result(Outcome(error=HtxError(ErrorCode.ILLEGAL_PARAMETER, "index_price")))
        return done


def test_a_refusal_answered_before_the_source_waits_for_it_still_undoes_the_change() -> None:
    engine: Any = _AnsweredAtOnce()
    source = PriceSource(engine, ManualClock(T0))
    answers: list[Outcome] = []
    worker = threading.Thread(target=lambda: answers.append(source.fix(BTC, D1).result()))
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "fix() never returned"
    assert answers[0].error is not None
    assert source.feeds() == {}
