"""What keeps its own copy of the exchange follows a reset and a restore: the index price feeds
(fixed prices and paths kept by a snapshot, walks started over) and the market maker (its UID
opened again, its quotes back), and commands queued around a rebuild keep their order."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, Outcome
from htx_sandbox.domain.types import UID, Millis
from htx_sandbox.service.clock import ManualClock, SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.market_maker import MakerSettings, MarketMaker
from htx_sandbox.service.price_source import FeedState, PriceSource, anchor
from htx_sandbox.service.state_control import StateControl
from htx_sandbox.storage.memory import MemoryStore

T0 = 1_764_000_000_000
BTC, ETH = "BTC-USD", "ETH-USD"
BOUND_S = 5.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def engine(clock: ManualClock) -> Iterator[Engine]:
    engine = Engine(MemoryStore(), clock)
    engine.start()
    yield engine
    engine.stop()


def index(engine: Engine, code: str) -> Decimal | None:
    return engine.query(lambda ex: ex.state.index_prices.get(code)).result()


def test_a_snapshot_keeps_fixed_prices_and_paths_and_a_reset_starts_every_walk_over(
    engine: Engine, clock: ManualClock
) -> None:
    prices = PriceSource(engine, clock)
    control = StateControl(engine, clock, prices)
    prices.update().result()  # type: ignore[union-attr]  (every contract walks)
    walked = index(engine, BTC)
    prices.fix(BTC, Decimal(61000)).result()
    at = engine.query(lambda ex: anchor(ex, ETH)).result()
    path = [(Millis(T0 + 60_000), Decimal(3100)), (Millis(T0 + 120_000), Decimal(3200))]
    prices.follow(at, path).result()
    control.save("priced")
    prices.fix(BTC, Decimal(50000)).result()
    prices.walk(at).result()
    control.restore("priced")
    assert prices.feeds()[BTC] == FeedState("fixed", [])
    assert prices.feeds()[ETH] == FeedState("path", path)
    assert index(engine, BTC) == 61000
    clock.advance(60_000)
    prices.update().result()  # type: ignore[union-attr]
    assert (index(engine, BTC), index(engine, ETH)) == (61000, 3100)
    control.reset()
    assert prices.feeds() == {}
    assert index(engine, BTC) is None
    clock._now = Millis(T0)
    prices.update().result()  # type: ignore[union-attr]
    assert index(engine, BTC) == walked  # the same first step as on a new exchange


def test_commands_around_a_rebuild_keep_their_order(engine: Engine) -> None:
    a, b = UID(10_000_001), UID(10_000_002)
    before: Future[Outcome] = engine.submit(OpenUser(a))
    reset = engine.rebuild(lambda store: store.reset(), "reset")
    after: Future[Outcome] = engine.submit(OpenUser(b))
    deposit = engine.submit(Deposit(b, "BTC", Decimal(1)))
    assert [f.result().error for f in (before, after, deposit)] == [None, None, None]
    reset.result()
    assert engine.query(lambda ex: sorted(ex.state.users)).result() == [b]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {BOUND_S} s: {what}")
        time.sleep(0.02)


def test_the_market_maker_quotes_again_after_a_reset() -> None:
    engine = Engine(MemoryStore(), SystemClock())
    engine.start()
    maker = MarketMaker(engine, MakerSettings(levels=2, interval_s=0.1))
    maker.start()
    try:

        def quoting() -> bool:
            bids, asks = engine.query(lambda ex: ex.depth(BTC, 10)).result()
            return len(bids) == 2 and len(asks) == 2

        wait_for(quoting, "the maker's quotes")
        StateControl(engine, SystemClock()).reset()
        wait_for(quoting, "the maker's quotes after the reset")
        users = engine.query(lambda ex: set(ex.state.users)).result()
        assert users == {maker.uid}
    finally:
        maker.stop()
        engine.stop()
