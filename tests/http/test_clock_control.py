"""The exchange clock through the admin API (/sandbox-api/v1/clock): shown, frozen, scaled, run
live, advanced; what follows it (/api/v1/timestamp, the envelope's ts, order times, funding
settlements and premium samples over an 8 h jump, the dead man's switch) and what does not
(signatures, checked against the wall clock). Bad input answers 1066/1067 and changes nothing;
the controls need the admin token."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ExchangeClock, ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.memory import MemoryStore
from tests.http.conftest import KEYS, UID1, UID2, SignedClient
from tests.http.test_funding import trade

pytestmark = pytest.mark.anyio

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CLOCK = "/sandbox-api/v1/clock"
HOUR = 3_600_000
PERIOD = 8 * HOUR
START = 1_764_572_400_000
"""2025-12-01 07:00 UTC: an hour before a settlement."""


@pytest.fixture
def wall() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def clock(wall: ManualClock) -> ExchangeClock:
    return ExchangeClock(wall)


@pytest.fixture
def app(engine: Engine, clock: ExchangeClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


@pytest.fixture
def signed(client: httpx.AsyncClient, wall: ManualClock) -> SignedClient:
    """Signs with the wall clock, as every client does."""
    return SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=wall)


async def show(client: httpx.AsyncClient) -> dict[str, Any]:
    body = (await client.get(CLOCK, headers=AUTH)).json()
    assert body["status"] == "ok", body
    data: dict[str, Any] = body["data"]
    return data


async def set_clock(client: httpx.AsyncClient, body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = (await client.post(CLOCK, json=body, headers=AUTH)).json()
    return answer


async def test_the_clock_runs_live_with_the_wall_clock_by_default(
    client: httpx.AsyncClient, wall: ManualClock
) -> None:
    assert await show(client) == {"now": START, "mode": "live", "speed": 1}
    wall.advance(1500)
    assert await show(client) == {"now": START + 1500, "mode": "live", "speed": 1}


async def test_frozen_scaled_and_live_again(client: httpx.AsyncClient, wall: ManualClock) -> None:
    frozen = await set_clock(client, {"mode": "frozen"})
    assert frozen["data"] == {"now": START, "mode": "frozen", "speed": 0}
    wall.advance(10_000)
    assert (await show(client))["now"] == START
    scaled = await set_clock(client, {"mode": "scaled", "speed": 60})
    assert scaled["data"] == {"now": START, "mode": "scaled", "speed": 60}
    wall.advance(1000)
    assert (await show(client))["now"] == START + 60_000
    # Live again: the exchange is ahead of the wall clock (START + 11 s), so it runs on from
    # where it stands, never back.
    live = await set_clock(client, {"mode": "live"})
    assert live["data"] == {"now": START + 60_000, "mode": "live", "speed": 1}
    wall.advance(1)
    assert (await show(client))["now"] == START + 60_001


async def test_live_after_a_freeze_catches_up_with_the_wall_clock(
    client: httpx.AsyncClient, wall: ManualClock
) -> None:
    await set_clock(client, {"mode": "frozen"})
    wall.advance(5000)
    live = await set_clock(client, {"mode": "live"})
    assert live["data"]["now"] == START + 5000


async def test_the_timestamp_and_envelope_follow_the_exchange_clock(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    await set_clock(client, {"mode": "frozen"})
    advanced = await set_clock(client, {"advance_ms": 2 * 86_400_000})
    later = START + 2 * 86_400_000
    assert advanced["data"]["now"] == later
    stamp = (await client.get("/api/v1/timestamp")).json()
    assert stamp == {"status": "ok", "ts": later}
    # Signed with the wall clock, two days behind the exchange's: still valid.
    placed = SignedClient.json(await signed.post("/swap-api/v1/swap_order", {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": "50000",
    }))  # fmt: skip
    assert placed["status"] == "ok", placed
    assert placed["ts"] == later
    info = SignedClient.json(await signed.post(
        "/swap-api/v1/swap_order_info", {"order_id": placed["data"]["order_id_str"],
                                         "contract_code": "BTC-USD"},
    ))  # fmt: skip
    assert info["data"][0]["created_at"] == later


async def test_a_signature_on_either_clock_is_valid_and_one_far_from_both_is_not(
    client: httpx.AsyncClient, wall: ManualClock
) -> None:
    """A client that sets its clock from /api/v1/timestamp signs with the exchange's time."""
    await set_clock(client, {"advance_ms": HOUR})
    for stamp, code in ((START + HOUR, None), (START, None), (START + HOUR // 2, 403)):
        signer = SignedClient(client, KEYS.trader.access, KEYS.trader.secret,
                              clock=ManualClock(stamp))  # fmt: skip
        answer = SignedClient.json(await signer.post("/swap-api/v1/swap_account_info", {}))
        assert answer.get("err_code") == code, (stamp, answer)


async def test_an_8h_jump_samples_every_minute_and_settles_once_in_order(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """UID1 long, UID2 short 10 BTC-USD at 60120 over an index of 60000 (premium 0.002, rate
    0.0015 when every sample of the period sees it): the jump passes the 08:00 settlement
    and the next period's samples, exactly as if the time had passed."""
    await set_clock(client, {"mode": "frozen"})
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})).error is None
    trade(engine, UID1, UID2, 10, "60120")
    answer = await set_clock(client, {"advance_ms": PERIOD})
    assert answer["data"]["now"] == START + PERIOD
    settlement = START + HOUR  # 08:00 UTC
    state = engine.query(lambda ex: (
        ex.state.next_settlement, ex.state.next_sample,
    )).result(5)  # fmt: skip
    assert state == (settlement + PERIOD, START + PERIOD + 60_000)
    records = (await client.get("/swap-api/v1/swap_historical_funding_rate",
                                params={"contract_code": "BTC-USD"})).json()  # fmt: skip
    settled = records["data"]["data"]
    assert [r["funding_time"] for r in settled] == [str(settlement)]
    # 60 samples before 08:00 saw premium 0.002: the rate settled is the clamped average.
    assert Decimal(settled[0]["funding_rate"]) > 0
    rate = (await client.get("/swap-api/v1/swap_funding_rate",
                             params={"contract_code": "BTC-USD"})).json()["data"]  # fmt: skip
    assert rate["funding_time"] == str(settlement + PERIOD)
    assert rate["funding_rate"] == "0.001500000000000000"  # 420 samples since, all at 0.002


async def test_an_advance_fires_the_dead_mans_switch_at_its_time(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    await set_clock(client, {"mode": "frozen"})
    placed = SignedClient.json(await signed.post("/swap-api/v1/swap_order", {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": "50000",
    }))  # fmt: skip
    armed = SignedClient.json(await signed.post("/swap-api/v1/swap-cancel-after", {
        "on_off": 1, "time_out": 60_000,
    }))  # fmt: skip
    assert armed["code"] == 200, armed
    await set_clock(client, {"advance_ms": 61_000})
    info = SignedClient.json(await signed.post(
        "/swap-api/v1/swap_order_info", {"order_id": placed["data"]["order_id_str"],
                                         "contract_code": "BTC-USD"},
    ))  # fmt: skip
    order = info["data"][0]
    assert order["status"] == 7
    assert order["canceled_at"] == START + 60_000


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, 1066, "mode"),
        ({"mode": "paused"}, 1067, "mode"),
        ({"mode": "scaled"}, 1066, "speed"),
        ({"mode": "scaled", "speed": 0}, 1067, "speed"),
        ({"mode": "scaled", "speed": 100_001}, 1067, "speed"),
        ({"mode": "scaled", "speed": 1.5}, 1067, "speed"),
        ({"mode": "frozen", "speed": 2}, 1067, "speed"),
        ({"advance_ms": -1}, 1067, "advance_ms"),
        ({"advance_ms": "8h"}, 1067, "advance_ms"),
        ({"advance_ms": 10**20}, 1067, "advance_ms"),
        ({"advance_ms": 1000, "mode": "frozen"}, 1067, "advance_ms"),
        ({"mode": "live", "rewind_ms": 5}, 1067, "rewind_ms"),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], code: int, field: str
) -> None:
    before = await show(client)
    answer = await set_clock(client, body)
    assert answer["status"] == "error" and answer["err_code"] == code, answer
    assert field in answer["err_msg"]
    assert await show(client) == before


async def test_the_clock_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(CLOCK)).status_code == 401
    refused = await client.post(CLOCK, json={"advance_ms": HOUR}, headers={"Authorization": "x"})
    assert refused.status_code == 401
    assert (await show(client))["now"] == START


def test_a_restart_never_goes_back(wall: ManualClock) -> None:
    store = MemoryStore()
    clock = ExchangeClock(wall, store.load_clock())
    engine = Engine(store, clock)
    engine.start()
    try:
        from htx_sandbox.service.clock_control import ClockControl
        from htx_sandbox.service.price_source import PriceSource

        control = ClockControl(engine, clock, PriceSource(engine, clock))
        control.set_mode("scaled", 10)
        control.advance(PERIOD)
        wall.advance(1000)
        before = clock.now()
        assert before == START + PERIOD + 10_000
    finally:
        engine.stop()
    restored = ExchangeClock(wall, store.load_clock())
    assert restored.setting.mode == "scaled" and restored.setting.speed == 10
    assert restored.now() >= START + PERIOD
    wall.advance(100)
    assert restored.now() >= START + PERIOD + 1000


async def test_an_advance_follows_an_index_path_sample_by_sample(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """The index goes linearly from 60000 (07:00) to 60120 (07:30) while the last price stands
    at 60120: through a one-hour jump each minute's premium sample sees the index of its time,
    so the premium falls minute by minute to 0 and stays there, and the 08:00 settlement
    charges the average of those samples."""
    await set_clock(client, {"mode": "frozen"})
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})).error is None
    trade(engine, UID1, UID2, 10, "60120")
    path = {"contract_code": "BTC-USD", "path": [[START + 30 * 60_000, "60120"]]}
    moved = (await client.post("/sandbox-api/v1/index-prices", json=path, headers=AUTH)).json()
    assert moved["status"] == "ok", moved
    await set_clock(client, {"advance_ms": HOUR})
    bars = (await client.get("/index/market/history/swap_premium_index_kline", params={
        "contract_code": "BTC-USD", "period": "1min", "size": "60",
    })).json()["data"]  # fmt: skip
    premium = {bar["id"] * 1000: Decimal(bar["close"]) for bar in bars}
    minutes = [START + k * 60_000 for k in range(1, 61)]
    falling = [premium[at] for at in minutes[:30]]
    assert falling == sorted(falling, reverse=True) and len(set(falling)) == 30
    assert falling[0] > Decimal("0.0019") and falling[-1] == 0
    assert all(premium[at] == 0 for at in minutes[30:59])
    rate = (await client.get("/swap-api/v1/swap_historical_funding_rate",
                             params={"contract_code": "BTC-USD"})).json()["data"]["data"][0]
    assert rate["funding_time"] == str(START + HOUR)
    assert 0 < Decimal(rate["funding_rate"]) < Decimal("0.0015")


async def test_kline_bars_follow_the_exchange_clock(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    await set_clock(client, {"mode": "frozen"})
    trade(engine, UID1, UID2, 1, "60000")
    await set_clock(client, {"advance_ms": 2 * HOUR})
    trade(engine, UID1, UID2, 1, "60100")
    bars = (await client.get("/swap-ex/market/history/kline", params={
        "contract_code": "BTC-USD", "period": "60min", "size": "3",
    })).json()["data"]  # fmt: skip
    assert [(bar["id"] * 1000, bar["close"]) for bar in bars if bar["vol"]] == [
        (START, 60000), (START + 2 * HOUR, 60100),
    ]  # fmt: skip
