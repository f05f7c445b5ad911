"""The built-in market maker, seen from the book a user trades against."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder, SetIndexPrices
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.market_maker import MakerSettings, MarketMaker
from htx_sandbox.storage.memory import MemoryStore

CODES = ("BTC-USD", "ETH-USD")
USER = UID(77)
BOUND_S = 5.0  # generous: the maker re-quotes within ~1 s

Book = tuple[list[tuple[Decimal, int]], list[tuple[Decimal, int]]]


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine(MemoryStore(), SystemClock())
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def makers() -> Iterator[list[MarketMaker]]:
    started: list[MarketMaker] = []
    yield started
    for maker in started:
        maker.stop()


def start_maker(engine: Engine, makers: list[MarketMaker], **settings: object) -> MarketMaker:
    maker = MarketMaker(engine, MakerSettings(**settings))  # type: ignore[arg-type]
    maker.start()
    makers.append(maker)
    return maker


def book(engine: Engine, code: str) -> Book:
    return engine.query(lambda ex: ex.depth(code, 50)).result()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {BOUND_S} s: {what}")
        time.sleep(0.02)


def full(engine: Engine, levels: int) -> Callable[[], bool]:
    def check() -> bool:
        for code in CODES:
            bids, asks = book(engine, code)
            if len(bids) != levels or len(asks) != levels:
                return False
        return True

    return check


def test_both_sides_of_every_contract_have_the_configured_levels(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    start_maker(engine, makers, levels=4, size=7, interval_s=0.2)

    wait_for(full(engine, 4), "4 bids and 4 asks on every contract")
    for code in CODES:
        bids, asks = book(engine, code)
        assert all(volume == 7 for _, volume in bids + asks)
        assert bids[0][0] < asks[0][0], f"{code} book is crossed"


def test_quotes_start_near_the_mark_price_on_the_tick_grid(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    start_maker(engine, makers, interval_s=60, spread_ticks=5, step_ticks=5, walk_ticks=3)
    wait_for(full(engine, 5), "a full book")

    bids, asks = book(engine, "BTC-USD")  # mark price 60000, tick 0.1
    assert Decimal(59997) <= bids[0][0] < Decimal(60000) < asks[0][0] <= Decimal(60003)
    assert [price for price, _ in bids] == [bids[0][0] - Decimal("0.5") * i for i in range(5)]
    assert [price for price, _ in asks] == [asks[0][0] + Decimal("0.5") * i for i in range(5)]


def test_quotes_sit_around_the_index_price_and_follow_it(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    # A long interval and no walk of its own to speak of: only the index can move the quotes.
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal("65000.04")})).error is None
    start_maker(engine, makers, interval_s=600, spread_ticks=5, step_ticks=5, walk_ticks=50)
    wait_for(full(engine, 5), "a full book")
    bids, asks = book(engine, "BTC-USD")  # 65000.04 is 650000 ticks of 0.1
    assert (bids[0][0], asks[0][0]) == (Decimal("64999.5"), Decimal("65000.5"))

    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(66000)})).error is None

    def moved() -> bool:
        bids, asks = book(engine, "BTC-USD")
        return bool(bids and asks) and (bids[0][0], asks[0][0]) == (
            Decimal("65999.5"), Decimal("66000.5")
        )

    wait_for(moved, "quotes around the new index")


def test_a_users_opponent_ioc_buy_fills_and_the_maker_quotes_again(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    # A long interval: quotes coming back promptly can only be the maker reacting to its fill.
    start_maker(engine, makers, levels=3, size=10, interval_s=600)
    wait_for(full(engine, 3), "a full book")
    engine.execute(OpenUser(USER))
    engine.execute(Deposit(USER, "BTC", Decimal(1)))
    _, asks_before = book(engine, "BTC-USD")

    outcome = engine.execute(
        PlaceOrder(USER, "BTC-USD", Direction.BUY, Offset.OPEN, 10, 5, OrderPriceType.OPPONENT_IOC)
    )

    assert outcome.error is None
    assert isinstance(outcome.reply, OrderPlaced)
    order_id = outcome.reply.order_id

    def filled(ex: Exchange) -> tuple[int, Decimal | None]:
        order = ex.order(order_id)
        assert order is not None
        return order.trade_volume, order.trade_avg_price

    assert engine.query(filled).result() == (10, asks_before[0][0])
    wait_for(lambda: len(book(engine, "BTC-USD")[1]) == 3, "three asks again after the fill")
    bids, asks = book(engine, "BTC-USD")
    assert bids[0][0] < asks[0][0]


def test_a_user_can_sweep_the_book_and_it_refills(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    start_maker(engine, makers, levels=2, size=5, interval_s=600)
    wait_for(full(engine, 2), "a full book")
    engine.execute(OpenUser(USER))
    engine.execute(Deposit(USER, "ETH", Decimal(100)))

    outcome = engine.execute(
        PlaceOrder(USER, "ETH-USD", Direction.SELL, Offset.OPEN, 10, 5, OrderPriceType.FOK,
                   price=Decimal("1.00"))
    )

    assert outcome.error is None
    assert engine.query(lambda ex: len(ex.positions(USER, "ETH-USD"))).result() == 1
    wait_for(full(engine, 2), "two bids and two asks on every contract again")


def test_stop_ends_the_thread_and_takes_the_quotes_off_the_book(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    maker = start_maker(engine, makers, interval_s=0.1)
    wait_for(full(engine, 5), "a full book")
    assert maker.running

    maker.stop()

    assert not maker.running
    for code in CODES:
        assert book(engine, code) == ([], [])
    assert engine.running


def test_a_restarted_maker_funds_its_uid_once_and_quotes_again(
    engine: Engine, makers: list[MarketMaker]
) -> None:
    maker = start_maker(engine, makers, interval_s=0.1)
    wait_for(full(engine, 5), "a full book")
    maker.stop()
    balance = engine.query(lambda ex: ex.account(UID(9_000_001), "BTC").margin_static).result()

    start_maker(engine, makers, interval_s=0.1)

    wait_for(full(engine, 5), "a full book after the restart")
    again = engine.query(lambda ex: ex.account(UID(9_000_001), "BTC").margin_static).result()
    assert again == balance


def first_books(seed: int) -> dict[str, Book]:
    engine = Engine(MemoryStore(), SystemClock())
    engine.start()
    maker = MarketMaker(engine, MakerSettings(seed=seed, interval_s=600, walk_ticks=50))
    try:
        maker.start()
        wait_for(full(engine, 5), "a full book")
        return {code: book(engine, code) for code in CODES}
    finally:
        maker.stop()
        engine.stop()


def test_the_same_seed_gives_the_same_first_quotes() -> None:
    assert first_books(seed=7) == first_books(seed=7)
    assert first_books(seed=7) != first_books(seed=8)


def test_the_maker_stops_quietly_when_the_engine_stops_first(
    makers: list[MarketMaker],
) -> None:
    engine = Engine(MemoryStore(), SystemClock())
    engine.start()
    maker = start_maker(engine, makers, interval_s=0.05)
    wait_for(full(engine, 5), "a full book")

    engine.stop()

    wait_for(lambda: not maker.running, "the maker's thread ends")
    maker.stop()
