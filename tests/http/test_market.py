"""Market data endpoints: /swap-ex/market/depth, /detail/merged and /trade.

The app is create_app(...) plus the market routes, with a MarketData warmed up and subscribed
before the engine starts (as the server wires it). Orders go straight to the engine; the market
endpoints are public and unsigned.

HTX counts both sides of a match in its public figures: a match of N contracts prints amount 2N,
adds 2N to the 24-hour vol and 2 to count (SIDES below).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.orders import Trade
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId, OrderPriceType
from htx_sandbox.http.app import HotPaths, create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.ratelimit import Quota, RateLimiter
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.market import MarketData, Print
from htx_sandbox.service.ports import Store
from htx_sandbox.storage.memory import MemoryStore
from htx_sandbox.storage.sqlite import SqliteStore

pytestmark = pytest.mark.anyio

START = 1_764_000_000_000
HOUR = 3_600_000
DAY = 24 * HOUR
MAKER, TAKER = UID(1), UID(2)
SIDES = 2
BTC = "BTC-USD"
BTC_SIZE = Decimal(100)
MERGED_FIELDS = {"amount", "ask", "bid", "close", "count", "high", "id", "low", "open", "ts", "vol"}
TRADE_FIELDS = {"amount", "quantity", "direction", "id", "price", "ts", "contract_code"}
DEPTH = "/swap-ex/market/depth"
MERGED = "/swap-ex/market/detail/merged"
TRADE = "/swap-ex/market/trade"


@dataclass
class Sandbox:
    engine: Engine
    market: MarketData
    clock: ManualClock
    app: Starlette
    client: httpx.AsyncClient

    def place(
        self,
        uid: UID,
        direction: Direction,
        volume: int,
        price: str,
        code: str = BTC,
        offset: Offset = Offset.OPEN,
    ) -> OrderId:
        command = PlaceOrder(
            uid, code, direction, offset, volume, 5, OrderPriceType.LIMIT, Decimal(price)
        )
        outcome = self.engine.execute(command)
        assert outcome.error is None, outcome.error
        assert isinstance(outcome.reply, OrderPlaced)
        return outcome.reply.order_id

    def match(self, taker: Direction, volume: int, price: str, code: str = BTC) -> list[Trade]:
        """A match of `volume` at `price`: MAKER rests, TAKER takes; the taker's fills."""
        self.place(MAKER, taker.opposite, volume, price, code)
        return self.taker_fills(self.place(TAKER, taker, volume, price, code))

    def taker_fills(self, order_id: OrderId) -> list[Trade]:
        order = self.engine.query(lambda ex: ex.order(order_id)).result()
        assert order is not None
        return list(order.trades)

    async def get(self, path: str, **params: str) -> Any:
        response = await self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


def build_engine(store: Store, clock: ManualClock) -> tuple[Engine, MarketData]:
    engine = Engine(store, clock)
    market = MarketData.for_engine(engine)  # warm up and subscribe before start()
    engine.start()
    return engine, market


def fund(engine: Engine) -> None:
    for uid in (MAKER, TAKER):
        assert engine.execute(OpenUser(uid)).error is None
        assert engine.execute(Deposit(uid, "BTC", Decimal(100))).error is None
        assert engine.execute(Deposit(uid, "ETH", Decimal(1000))).error is None


def build_app(engine: Engine, clock: ManualClock, market: MarketData) -> HotPaths:
    return create_app(engine, clock, HttpSettings(), market)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@asynccontextmanager
async def connect(engine: Engine, market: MarketData, clock: ManualClock) -> AsyncIterator[Sandbox]:
    app = build_app(engine, clock, market)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.hbdm.com") as client:
        yield Sandbox(engine, market, clock, app, client)


@pytest.fixture
async def sandbox(clock: ManualClock) -> AsyncIterator[Sandbox]:
    engine, market = build_engine(MemoryStore(), clock)
    try:
        fund(engine)
        async with connect(engine, market, clock) as sandbox:
            yield sandbox
    finally:
        engine.stop()


def value(volume: int, price: str, size: Decimal = BTC_SIZE) -> Decimal:
    """Coin value of a match: volume x contract size / price, on HTX's 1e-18 grid."""
    return (size * volume / Decimal(price)).quantize(Decimal("1e-18"))


# -- depth -------------------------------------------------------------------------------------


async def test_depth_aggregates_levels_best_first_in_htx_shape(sandbox: Sandbox) -> None:
    sandbox.place(MAKER, Direction.BUY, 1, "59990")
    sandbox.place(TAKER, Direction.BUY, 2, "59990")
    sandbox.place(MAKER, Direction.BUY, 5, "59980.5")
    sandbox.place(MAKER, Direction.SELL, 1, "60020")
    sandbox.place(MAKER, Direction.SELL, 4, "60010")
    sandbox.place(TAKER, Direction.SELL, 2, "60020")

    body = await sandbox.get(DEPTH, contract_code=BTC, type="step0")

    now = sandbox.clock.now()
    assert body == {
        "ch": "market.BTC-USD.depth.step0",
        "status": "ok",
        "tick": {
            "mrid": 0,
            "id": now // 1000,
            "bids": [[59990, 3], [59980.5, 5]],
            "asks": [[60010, 4], [60020, 3]],
            "ts": now,
            "version": now // 1000,
            "ch": "market.BTC-USD.depth.step0",
        },
        "ts": now,
    }
    for price, vol in body["tick"]["bids"] + body["tick"]["asks"]:
        assert isinstance(price, int | float) and isinstance(vol, int)


async def test_depth_of_an_empty_book_has_empty_sides(sandbox: Sandbox) -> None:
    tick = (await sandbox.get(DEPTH, contract_code="ETH-USD", type="step6"))["tick"]
    assert (tick["bids"], tick["asks"], tick["mrid"]) == ([], [], 0)


@pytest.mark.parametrize(
    ("step", "levels"),
    [
        ("step0", 150),
        ("step5", 150),
        ("step14", 150),
        ("step15", 150),
        ("step6", 20),
        ("step11", 20),
        ("step13", 20),
    ],
)
async def test_depth_level_limits_follow_the_step(sandbox: Sandbox, step: str, levels: int) -> None:
    for i in range(160):
        sandbox.place(MAKER, Direction.SELL, 1, str(Decimal("60000") + i * Decimal("0.1")))
    for i in range(30):
        sandbox.place(MAKER, Direction.BUY, 2, str(Decimal("59000") - i))

    tick = (await sandbox.get(DEPTH, contract_code=BTC, type=step))["tick"]

    asks, bids = tick["asks"], tick["bids"]
    assert len(asks) == levels and len(bids) == min(levels, 30)
    assert asks[0] == [60000, 1] and asks[-1][0] == pytest.approx(60000 + (levels - 1) * 0.1)
    assert bids[0] == [59000, 2] and bids[-1] == [59000 - (len(bids) - 1), 2]
    assert [a[0] for a in asks] == sorted(a[0] for a in asks)
    assert [b[0] for b in bids] == sorted((b[0] for b in bids), reverse=True)


async def test_depth_mrid_is_the_last_match_and_fills_leave_the_book(sandbox: Sandbox) -> None:
    sandbox.place(MAKER, Direction.SELL, 3, "60000")
    fills = sandbox.taker_fills(sandbox.place(TAKER, Direction.BUY, 2, "60000"))

    tick = (await sandbox.get(DEPTH, contract_code="btc-usd", type="step0"))["tick"]

    assert tick["mrid"] == fills[-1].trade_id
    assert tick["asks"] == [[60000, 1]] and tick["bids"] == []
    assert tick["ch"] == "market.BTC-USD.depth.step0"


# -- detail/merged -----------------------------------------------------------------------------


async def test_merged_reports_24h_figures_of_several_trades(sandbox: Sandbox) -> None:
    trades = [
        (Direction.BUY, 2, "60000"),
        (Direction.BUY, 1, "60500"),
        (Direction.SELL, 3, "59500.5"),
        (Direction.BUY, 1, "60200"),
    ]
    for taker, volume, price in trades:
        sandbox.match(taker, volume, price)
        sandbox.clock.advance(HOUR)
    sandbox.place(MAKER, Direction.BUY, 4, "59000")
    sandbox.place(TAKER, Direction.BUY, 1, "59000")
    sandbox.place(MAKER, Direction.SELL, 5, "61000")

    body = await sandbox.get(MERGED, contract_code=BTC)

    now = sandbox.clock.now()
    amount = sum(value(v, p) for _, v, p in trades) * SIDES
    assert body["ch"] == "market.BTC-USD.detail.merged"
    assert body["status"] == "ok" and body["ts"] == now
    tick = body["tick"]
    assert set(tick) == MERGED_FIELDS
    assert tick == {
        "amount": tick["amount"],
        "ask": [61000, 5],
        "bid": [59000, 5],
        "close": "60200",
        "count": 4 * SIDES,
        "high": "60500",
        "id": now // 1000,
        "low": "59500.5",
        "open": "60000",
        "ts": now,
        "vol": str(7 * SIDES),
    }
    assert isinstance(tick["amount"], str) and Decimal(tick["amount"]) == amount


async def test_merged_window_rolls_over_24_hours(sandbox: Sandbox) -> None:
    before = (await sandbox.get(MERGED, contract_code=BTC))["tick"]
    assert (before["open"], before["close"], before["high"], before["low"]) == ("60000",) * 4
    assert (before["vol"], before["amount"], before["count"]) == ("0", "0", 0)
    assert (before["ask"], before["bid"]) == ([], [])

    sandbox.match(Direction.BUY, 2, "61000")  # at START
    sandbox.clock.advance(HOUR)
    sandbox.match(Direction.SELL, 1, "60500")  # at START + 1 h

    sandbox.clock.advance(DAY - HOUR)  # START + 24 h: the first trade is exactly 24 h old
    tick = (await sandbox.get(MERGED, contract_code=BTC))["tick"]
    assert (tick["open"], tick["high"], tick["low"], tick["close"]) == (
        "61000",
        "61000",
        "60500",
        "60500",
    )
    assert (tick["vol"], tick["count"]) == (str(3 * SIDES), 2 * SIDES)

    sandbox.clock.advance(1)  # now older than 24 h: it leaves the figures, high included
    tick = (await sandbox.get(MERGED, contract_code=BTC))["tick"]
    assert (tick["open"], tick["high"], tick["low"], tick["close"]) == ("60500",) * 4
    assert (tick["vol"], tick["count"]) == (str(SIDES), SIDES)
    assert Decimal(tick["amount"]) == value(1, "60500") * SIDES

    sandbox.clock.advance(HOUR)  # nothing left in the window: the last price, nothing traded
    tick = (await sandbox.get(MERGED, contract_code=BTC))["tick"]
    assert (tick["open"], tick["high"], tick["low"], tick["close"]) == ("60500",) * 4
    assert (tick["vol"], tick["amount"], tick["count"]) == ("0", "0", 0)


async def test_merged_counts_each_contract_apart(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 2, "60000")
    sandbox.match(Direction.SELL, 7, "3000.25", code="ETH-USD")

    eth = await sandbox.get(MERGED, contract_code="eth-usd")
    assert eth["ch"] == "market.ETH-USD.detail.merged"
    tick = eth["tick"]
    assert (tick["open"], tick["close"], tick["vol"], tick["count"]) == (
        "3000.25",
        "3000.25",
        str(7 * SIDES),
        SIDES,
    )
    assert Decimal(tick["amount"]) == value(7, "3000.25", Decimal(10)) * SIDES


# -- trade -------------------------------------------------------------------------------------


async def test_trade_shows_the_last_taker_order_in_the_takers_direction(
    sandbox: Sandbox,
) -> None:
    empty = await sandbox.get(TRADE, contract_code=BTC)
    assert empty["ch"] == "market.BTC-USD.trade.detail"
    assert empty["tick"]["data"] == []

    sandbox.match(Direction.SELL, 1, "59000")
    sandbox.clock.advance(1000)
    sandbox.place(MAKER, Direction.SELL, 1, "60000")
    sandbox.place(MAKER, Direction.SELL, 2, "60010")
    sweep = sandbox.taker_fills(sandbox.place(TAKER, Direction.BUY, 3, "60010"))
    sandbox.clock.advance(1000)

    body = await sandbox.get(TRADE, contract_code=BTC)

    now = sandbox.clock.now()
    assert body["ch"] == "market.BTC-USD.trade.detail"
    assert body["status"] == "ok" and body["ts"] == now
    assert (body["tick"]["id"], body["tick"]["ts"]) == (now, now)
    data = body["tick"]["data"]
    assert [set(d) for d in data] == [TRADE_FIELDS] * 2
    assert data == [
        {
            "amount": str(volume * SIDES),
            "quantity": data[i]["quantity"],
            "direction": "buy",
            "id": fill.trade_id * 10_000 + i,  # HTX's per-fill id: the match id and 4 digits
            "price": price,
            "ts": START + 1000,
            "contract_code": BTC,
        }
        for i, (fill, volume, price) in enumerate(
            zip(sweep, (1, 2), ("60000", "60010"), strict=True)
        )
    ]
    assert [Decimal(d["quantity"]) for d in data] == [
        value(1, "60000") * SIDES,
        value(2, "60010") * SIDES,
    ]
    assert data[0]["id"] < data[1]["id"]
    assert sweep[0].trade_id == sweep[1].trade_id  # one taker order, one match

    sandbox.match(Direction.SELL, 4, "60010")
    data = (await sandbox.get(TRADE, contract_code=BTC))["tick"]["data"]
    assert [(d["direction"], d["amount"], d["price"]) for d in data] == [
        ("sell", str(4 * SIDES), "60010")
    ]


async def test_trade_without_contract_code_lists_every_contract(sandbox: Sandbox) -> None:
    sandbox.match(Direction.BUY, 1, "60000")
    sandbox.match(Direction.SELL, 3, "3000", code="ETH-USD")

    body = await sandbox.get(TRADE)

    assert body["ch"] == "market.*.trade.detail"
    data = body["tick"]["data"]
    assert [(d["contract_code"], d["direction"], d["amount"]) for d in data] == [
        (BTC, "buy", str(SIDES)),
        ("ETH-USD", "sell", str(3 * SIDES)),
    ]


# -- restart -----------------------------------------------------------------------------------


async def test_figures_and_tape_survive_a_restart_from_sqlite(tmp_path: Path) -> None:
    clock = ManualClock(START)
    path = tmp_path / "htx.db"

    async def snapshot(sandbox: Sandbox) -> list[Any]:
        return [
            await sandbox.get(MERGED, contract_code=BTC),
            await sandbox.get(TRADE, contract_code=BTC),
            await sandbox.get(DEPTH, contract_code=BTC, type="step0"),
        ]

    store = SqliteStore(path)
    engine, market = build_engine(store, clock)
    try:
        fund(engine)
        async with connect(engine, market, clock) as sandbox:
            sandbox.match(Direction.BUY, 9, "70000")  # leaves the window before the restart
            clock.advance(DAY + HOUR)
            sandbox.match(Direction.BUY, 2, "60000")
            clock.advance(HOUR)
            sandbox.match(Direction.SELL, 3, "59000.5")
            sandbox.place(MAKER, Direction.SELL, 5, "61000")
            before = await snapshot(sandbox)
    finally:
        engine.stop()
        store.close()

    store = SqliteStore(path)
    engine, market = build_engine(store, clock)
    try:
        async with connect(engine, market, clock) as sandbox:
            after = await snapshot(sandbox)
    finally:
        engine.stop()
        store.close()

    assert after == before
    merged, trade, depth = after
    tick = merged["tick"]
    assert (tick["open"], tick["high"], tick["low"], tick["close"]) == (
        "60000",
        "60000",
        "59000.5",
        "59000.5",
    )
    assert (tick["vol"], tick["count"]) == (str(5 * SIDES), 2 * SIDES)
    assert [d["price"] for d in trade["tick"]["data"]] == ["59000.5"]
    # mrid is the match id (11 digits in HTX's examples), the fill's id adds 4 digits to it
    assert depth["tick"]["mrid"] == trade["tick"]["data"][0]["id"] // 10_000
    assert depth["tick"]["asks"] == [[61000, 5]]


# -- errors ------------------------------------------------------------------------------------


def market_error(message: str, ts: int) -> dict[str, Any]:
    # HTX's QA suite saw invalid-request for a missing or unknown contract code; HTX shows no
    # code for the other parameter errors (the sandbox's invalid-parameter)
    code = "invalid-request" if "contract" in message else "invalid-parameter"
    return {"ts": ts, "status": "error", "err-code": code, "err-msg": message}


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        (DEPTH, {"contract_code": "XRP-USD", "type": "step0"}, "invalid contract code"),
        (DEPTH, {"contract_code": "BTC-USDT", "type": "step0"}, "invalid contract code"),
        (DEPTH, {"type": "step0"}, "contract_code cannot be empty"),
        (DEPTH, {"contract_code": "", "type": "step0"}, "contract_code cannot be empty"),
        (DEPTH, {"contract_code": BTC}, "type cannot be empty"),
        (DEPTH, {"contract_code": BTC, "type": "step16"}, "invalid type"),
        (DEPTH, {"contract_code": BTC, "type": "step"}, "invalid type"),
        (DEPTH, {"contract_code": BTC, "type": "step01"}, "invalid type"),
        (DEPTH, {"contract_code": BTC, "type": "0"}, "invalid type"),
        (DEPTH, {"contract_code": BTC, "type": "depth"}, "invalid type"),
        (MERGED, {"contract_code": "XRP-USD"}, "invalid contract code"),
        (MERGED, {}, "contract_code cannot be empty"),
        (TRADE, {"contract_code": "XRP-USD"}, "invalid contract code"),
    ],
)
async def test_bad_parameters_answer_htx_market_errors(
    sandbox: Sandbox, path: str, params: dict[str, str], message: str
) -> None:
    body = await sandbox.get(path, **params)
    assert body == market_error(message, sandbox.clock.now())


async def test_market_rate_limit_is_per_ip_with_its_own_quota(sandbox: Sandbox) -> None:
    sandbox.app.state.gateway.limiters["market"] = RateLimiter(Quota(2, 1000))

    for _ in range(2):
        assert (await sandbox.get(DEPTH, contract_code=BTC, type="step0"))["status"] == "ok"
    response = await sandbox.client.get(DEPTH, params={"contract_code": BTC, "type": "step0"})

    assert response.status_code == 200
    assert response.json() == {
        "ts": sandbox.clock.now(),
        "status": "error",
        "err-code": "invalid-parameter",  # as a live answer captured by ccxt
        "err-msg": "request limit",
    }
    assert response.headers["ratelimit-limit"] == "2"
    assert response.headers["ratelimit-remaining"] == "0"
    # ccxt maps this body (the one it quotes from HTX) to RateLimitExceeded
    import ccxt

    with pytest.raises(ccxt.RateLimitExceeded):
        ccxt.htx().handle_errors(
            200, "OK", str(response.url), "GET", {}, response.text, response.json(), {}, None
        )
    # the other public endpoints keep their own budget
    assert (await sandbox.get("/api/v1/timestamp"))["status"] == "ok"
    sandbox.clock.advance(1000)
    assert (await sandbox.get(TRADE, contract_code=BTC))["status"] == "ok"


async def test_a_stopped_engine_answers_a_market_error(sandbox: Sandbox) -> None:
    sandbox.engine.stop()
    body = await sandbox.get(DEPTH, contract_code=BTC, type="step0")
    assert body["status"] == "error" and body["err-code"] == "system-busy"


# -- MarketData itself ---------------------------------------------------------------------------


def prints(*rows: tuple[int, str, int]) -> Iterator[Print]:
    """(ts, price, volume) rows as prints with increasing trade ids."""
    for n, (ts, price, volume) in enumerate(rows, start=1):
        yield Print(
            n, BTC, n, Direction.BUY, Decimal(price), volume, value(volume, price), Millis(ts),
            Decimal(volume * 100), n * 10_000,
        )


def test_high_and_low_follow_the_window_when_the_extreme_rolls_off() -> None:
    market = MarketData([BTC], window_ms=1000)
    market.add(prints((0, "10", 1), (100, "5", 1), (200, "7", 1), (300, "6", 1)))

    first = market.summary(BTC, Millis(1000))
    assert first is not None and (first.high, first.low) == (Decimal(10), Decimal(5))
    second = market.summary(BTC, Millis(1001))
    assert second is not None and (second.open, second.high, second.low) == (
        Decimal(5),
        Decimal(7),
        Decimal(5),
    )
    third = market.summary(BTC, Millis(1101))
    assert third is not None and (third.open, third.high, third.low, third.count) == (
        Decimal(7),
        Decimal(7),
        Decimal(6),
        2,
    )
    assert market.summary(BTC, Millis(1301)) is None


def test_the_window_keeps_at_most_max_trades_and_ignores_repeats() -> None:
    market = MarketData([BTC], max_trades=3)
    rows = [(0, "5", 1), (1, "1", 2), (2, "4", 3), (3, "2", 4), (4, "3", 5)]
    market.add(prints(*rows))
    market.add(prints(*rows))  # the same trade ids again

    summary = market.summary(BTC, Millis(5))
    assert summary is not None
    assert (summary.open, summary.close, summary.high, summary.low) == (
        Decimal(4),
        Decimal(3),
        Decimal(4),
        Decimal(2),
    )
    assert (summary.volume, summary.count) == (12, 3)
    assert summary.value == value(3, "4") + value(4, "2") + value(5, "3")
    assert market.last_trade_id(BTC) == 5
