"""Funding on the wire: swap_funding_rate and swap_batch_funding_rate (the live rate of the
period, 18-decimal strings, the deprecated fields null), swap_historical_funding_rate and
swap_settlement_records after settlements, swap_estimated_settlement_price (only in a
settlement's last 10 minutes), swap_user_settlement_records and the v3 financial records, each
in HTX's shape and envelope, with HTX's codes for bad requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import PlaceOrder, SetIndexPrices, Tick
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import UID1, UID2, SignedClient, between_settlements
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
V3 = "/swap-api/v3/"
PERIOD = 8 * 3_600_000
DAY = 86_400_000


@pytest.fixture
def clock() -> ManualClock:
    return between_settlements()


def ok(outcome: Any) -> None:
    assert outcome.error is None, outcome.error


def trade(engine: Engine, buyer: UID, seller: UID, volume: int, price: str) -> None:
    for uid, direction in ((seller, Direction.SELL), (buyer, Direction.BUY)):
        ok(engine.execute(PlaceOrder(
            uid, "BTC-USD", direction, Offset.OPEN, volume, 10, OrderPriceType.LIMIT,
            Decimal(price),
        )))  # fmt: skip


def next_settlement(engine: Engine) -> int:
    due = engine.query(lambda ex: ex.state.next_settlement).result(5)
    assert isinstance(due, int)
    return due


def move_to(engine: Engine, clock: ManualClock, at: int) -> None:
    clock.advance(at - clock.now())
    ok(engine.execute(Tick()))


def longs_pay(engine: Engine, clock: ManualClock) -> int:
    """UID1 long and UID2 short 10 BTC-USD at 60120, the index at 60000, through one
    settlement (rate 0.0015: UID1 pays 0.000025 BTC); returns its time."""
    ok(engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})))
    trade(engine, UID1, UID2, 10, "60120")
    due = next_settlement(engine)
    move_to(engine, clock, due)
    return due


async def test_the_funding_rate_of_the_running_period(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    due = next_settlement(engine)
    quiet = (await client.get(V1 + "swap_funding_rate", params={"contract_code": "btc-usd"}))
    assert quiet.json() == {
        "status": "ok",
        "data": {
            "symbol": "BTC", "contract_code": "BTC-USD", "fee_asset": "BTC",
            "funding_time": str(due), "funding_rate": "0.000000000000000000",
            "estimated_rate": None, "next_funding_time": None,
        },
        "ts": clock.now(),
    }  # fmt: skip
    ok(engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})))
    trade(engine, UID1, UID2, 10, "60120")
    move_to(engine, clock, clock.now() + 60_000)  # one sample: premium +0.002
    body = (await client.get(V1 + "swap_funding_rate", params={"contract_code": "BTC-USD"}))
    assert body.json()["data"]["funding_rate"] == "0.001500000000000000"
    batch = (await client.get(V1 + "swap_batch_funding_rate")).json()
    assert [(r["contract_code"], r["funding_rate"]) for r in batch["data"]] == [
        ("BTC-USD", "0.001500000000000000"), ("ETH-USD", "0.000000000000000000"),
    ]  # fmt: skip
    one = (await client.get(V1 + "swap_batch_funding_rate", params={"contract_code": "ETH-USD"}))
    assert [r["contract_code"] for r in one.json()["data"]] == ["ETH-USD"]


async def test_bad_funding_rate_requests(client: httpx.AsyncClient) -> None:
    missing = (await client.get(V1 + "swap_funding_rate")).json()
    assert (missing["status"], missing["err_code"]) == ("error", 1066)
    assert missing["err_msg"] == empty("contract_code")
    unknown = (await client.get(V1 + "swap_funding_rate", params={"contract_code": "XRP-USD"}))
    assert unknown.json()["err_code"] == 1014
    for path in ("swap_historical_funding_rate", "swap_settlement_records"):
        body = (await client.get(V1 + path, params={"contract_code": "BTC-USD",
                                                    "page_size": "51"})).json()  # fmt: skip
        assert body["err_code"] == 1067 and body["err_msg"] == invalid("page_size")


async def test_history_and_platform_records_after_settlements(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    first = longs_pay(engine, clock)
    move_to(engine, clock, first + PERIOD)
    history = (await client.get(V1 + "swap_historical_funding_rate",
                                params={"contract_code": "BTC-USD", "page_size": "1"})).json()
    assert history["data"]["total_size"] == 2 and history["data"]["total_page"] == 2
    assert history["data"]["current_page"] == 1
    [newest] = history["data"]["data"]
    assert newest == {
        "symbol": "BTC", "contract_code": "BTC-USD", "fee_asset": "BTC",
        "funding_time": str(first + PERIOD), "funding_rate": "0.001500000000000000",
        "realized_rate": "0.001500000000000000", "avg_premium_index": "0.002000000000000000",
    }  # fmt: skip
    records = (await client.get(V1 + "swap_settlement_records",
                                params={"contract_code": "BTC-USD"})).json()  # fmt: skip
    assert records["status"] == "ok"
    assert records["data"]["settlement_record"] == [
        {"symbol": "BTC", "contract_code": "BTC-USD", "settlement_time": t, "clawback_ratio": 0,
         "settlement_price": 60000, "settlement_type": "settlement"}
        for t in (first + PERIOD, first)
    ]  # fmt: skip
    window = (await client.get(V1 + "swap_settlement_records", params={
        "contract_code": "BTC-USD", "start_time": str(first + 1), "end_time": str(clock.now()),
    })).json()  # fmt: skip
    assert [r["settlement_time"] for r in window["data"]["settlement_record"]] == [first + PERIOD]
    too_old = (await client.get(V1 + "swap_settlement_records", params={
        "contract_code": "BTC-USD", "start_time": str(clock.now() - 91 * DAY),
    })).json()  # fmt: skip
    assert too_old["err_code"] == 1067 and too_old["err_msg"] == invalid("start_time")


async def test_the_estimated_settlement_price_shows_in_the_last_ten_minutes(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    path = V1 + "swap_estimated_settlement_price"
    away = (await client.get(path)).json()
    assert away["data"] == [
        {"contract_code": code, "estimated_settlement_price": None, "settlement_type": "settlement"}
        for code in ("BTC-USD", "ETH-USD")
    ]
    due = next_settlement(engine)
    move_to(engine, clock, due - 300_000)
    trade(engine, UID1, UID2, 1, "61000")
    near = (await client.get(path, params={"contract_code": "BTC-USD"})).json()
    assert near["data"] == [{"contract_code": "BTC-USD", "estimated_settlement_price": 61000,
                             "settlement_type": "settlement"}]  # fmt: skip


async def test_user_settlement_records(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    due = longs_pay(engine, clock)
    body = SignedClient.json(await signed.post(V1 + "swap_user_settlement_records",
                                               {"contract_code": "BTC-USD"}))  # fmt: skip
    assert body["status"] == "ok"
    data = body["data"]
    assert (data["total_page"], data["current_page"], data["total_size"]) == (1, 1, 1)
    [record] = data["settlement_records"]
    assert record["settlement_time"] == due and record["funding_fee"] == -0.000025
    assert record["fee_asset"] == "BTC" and record["clawback"] == 0
    assert record["margin_balance_init"] == 0  # funded during the period
    assert set(record) == {
        "symbol", "contract_code", "margin_balance_init", "margin_balance",
        "settlement_profit_real", "settlement_time", "clawback", "funding_fee",
        "offset_profitloss", "fee", "fee_asset", "positions",
    }  # fmt: skip
    [position] = record["positions"]
    assert position == {
        "symbol": "BTC", "contract_code": "BTC-USD", "direction": "buy", "volume": 10,
        "cost_open": 60120, "cost_hold_pre": 60120, "cost_hold": 60000,
        "settlement_profit_unreal": position["settlement_profit_unreal"],
        "settlement_price": 60000, "settlement_type": "settlement",
    }  # fmt: skip
    assert position["settlement_profit_unreal"] < 0
    bad = SignedClient.json(await signed.post(V1 + "swap_user_settlement_records", {
        "contract_code": "BTC-USD", "end_time": clock.now() + 1,
    }))  # fmt: skip
    assert (bad["err_code"], bad["err_msg"]) == (1067, invalid("end_time"))


async def test_financial_records_v3(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    due = longs_pay(engine, clock)
    path = V3 + "swap_financial_record"
    every = SignedClient.json(await signed.post(path, {"contract": "BTC-USD"}))
    assert every["code"] == 200 and every["msg"] == ""
    rows = every["data"]
    # Newest first: the funding, the booked loss of the long, the taker fee, the deposit.
    assert [r["type"] for r in rows] == [31, 16, 5, 14]
    assert rows[0] == {"query_id": rows[0]["query_id"], "id": rows[0]["query_id"],
                       "symbol": "BTC", "type": 31, "amount": -0.000025, "ts": due,
                       "contract_code": "BTC-USD"}  # fmt: skip
    assert rows[3]["amount"] == 10
    ids = [r["query_id"] for r in rows]
    assert ids == sorted(ids, reverse=True)
    funding = SignedClient.json(await signed.post(V3 + "swap_financial_record_exact",
                                                  {"contract": "btc-usd", "type": "30,31"}))
    assert [r["type"] for r in funding["data"]] == [31]
    forward = SignedClient.json(await signed.post(path, {
        "contract": "BTC-USD", "direct": "next", "from_id": ids[-1],
    }))  # fmt: skip
    assert [r["query_id"] for r in forward["data"]] == sorted(ids)[1:]
    back = SignedClient.json(await signed.post(path, {"contract": "BTC-USD", "from_id": ids[1]}))
    assert [r["query_id"] for r in back["data"]] == ids[2:]


async def test_bad_financial_record_requests_answer_in_the_v3_envelope(
    signed: SignedClient, clock: ManualClock
) -> None:
    path = V3 + "swap_financial_record"
    now = clock.now()
    cases = [
        ({}, 1066, empty("contract")),
        ({"contract": "XRP-USD"}, 1014, None),
        ({"contract": "BTC-USD", "type": "30,x"}, 1067, invalid("type")),
        ({"contract": "BTC-USD", "direct": "up"}, 1067, invalid("direct")),
        ({"contract": "BTC-USD", "start_time": now - 49 * 3_600_000}, 1067,
         invalid("start_time")),
        ({"contract": "BTC-USD", "end_time": now + 1}, 1067, invalid("end_time")),
    ]  # fmt: skip
    for request, code, message in cases:
        body = SignedClient.json(await signed.post(path, request))
        assert body["code"] == code and body["data"] is None, (request, body)
        if message is not None:
            assert body["msg"] == message


async def test_premium_index_and_estimated_rate_klines(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    """The funding clock's samples as klines (the mark price kline's shape): the premium index
    of each minute and the rate the running period would settle at."""
    ok(engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})))
    trade(engine, UID1, UID2, 10, "60120")
    next_minute = clock.now() - clock.now() % 60_000 + 60_000
    move_to(engine, clock, next_minute)  # the first sample
    move_to(engine, clock, next_minute + 60_000)  # the second: a bar open and closed at it
    minute = clock.now() // 1000 - clock.now() // 1000 % 60
    for path, series, close in (
        ("swap_premium_index_kline", "premium_index", "0.002"),
        ("swap_estimated_rate_kline", "estimated_rate", "0.0015"),
    ):
        body = (await client.get("/index/market/history/" + path, params={
            "contract_code": "BTC-USD", "period": "1min", "size": "1",
        })).json()  # fmt: skip
        assert body["ch"] == f"market.BTC-USD.{series}.1min" and body["status"] == "ok"
        [bar] = body["data"]
        assert bar == {"amount": "0", "close": close, "count": "0", "high": close, "id": minute,
                       "low": close, "open": close, "trade_turnover": "0", "vol": "0"}
    missing = (await client.get("/index/market/history/swap_premium_index_kline", params={
        "contract_code": "BTC-USD", "period": "1min",
    })).json()  # fmt: skip
    assert missing["status"] == "error" and missing["err-msg"] == "size cannot be empty"
