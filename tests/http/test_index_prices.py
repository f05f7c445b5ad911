"""The index and the price band on the wire: HTX's swap_index and swap_price_limit, the 1039 an
order outside the band answers, and the admin API that sets the index (a value, a path, the
walk again)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.price_source import PriceSource
from tests.http.conftest import SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

SWAP_INDEX = "/swap-api/v1/swap_index"
PRICE_LIMIT = "/swap-api/v1/swap_price_limit"
INDEX_PRICES = "/sandbox-api/v1/index-prices"
TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
D = Decimal
# HTX's documented examples (the reference, 3.1 and 3.2).
HTX_INDEX = json.loads(
    '{"status":"ok","data":[{"index_price":13764.072500000000000000,"index_ts":1603851876012,'
    '"contract_code":"BTC-USD"}],"ts":1603851883506}',
    parse_float=Decimal,
)
HTX_LIMIT = json.loads(
    '{"status":"ok","data":[{"symbol":"BTC","contract_code":"BTC-USD","high_limit":'
    '14313.100000000000000000000000000000000000,"low_limit":13212.200000000000000000000000000000000000}],'
    '"ts":1603851945000}',
    parse_float=Decimal,
)


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


def body(response: httpx.Response) -> Any:
    assert response.status_code == 200
    return json.loads(response.content, parse_float=Decimal)


def shape(value: Any) -> Any:
    """Keys in order and JSON types: what a client's parser depends on."""
    if isinstance(value, dict):
        return [(k, shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    return "number" if isinstance(value, int | Decimal) else type(value).__name__


def set_index(engine: Engine, **prices: str) -> None:
    outcome = engine.execute(
        SetIndexPrices({code.replace("_", "-"): D(p) for code, p in prices.items()})
    )
    assert outcome.error is None


async def admin_get(client: httpx.AsyncClient, **params: str) -> Any:
    return body(await client.get(INDEX_PRICES, params=params, headers=AUTH))


async def admin_post(client: httpx.AsyncClient, fields: dict[str, Any]) -> Any:
    return body(await client.post(INDEX_PRICES, json=fields, headers=AUTH))


# -- swap_index -------------------------------------------------------------------------------


async def test_swap_index_answers_in_htx_shape(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    assert body(await client.get(SWAP_INDEX)) == {"status": "ok", "data": [], "ts": clock.now()}
    set_index(engine, BTC_USD="13764.0725")
    answer = body(await client.get(SWAP_INDEX, params={"contract_code": "btc-usd"}))
    assert shape(answer) == shape(HTX_INDEX)
    assert answer["data"] == [
        {"index_price": D("13764.0725"), "index_ts": clock.now(), "contract_code": "BTC-USD"}
    ]


async def test_swap_index_lists_every_contract_with_an_index(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    set_index(engine, ETH_USD="3001.5")
    clock.advance(1500)
    set_index(engine, BTC_USD="60000")
    rows = body(await client.get(SWAP_INDEX))["data"]
    assert [(r["contract_code"], r["index_price"], r["index_ts"]) for r in rows] == [
        ("BTC-USD", 60000, clock.now()),
        ("ETH-USD", D("3001.5"), clock.now() - 1500),
    ]


async def test_swap_index_of_an_unknown_contract_is_1014(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    answer = body(await client.get(SWAP_INDEX, params={"contract_code": "XRP-USD"}))
    assert answer == {
        "status": "error", "err_code": 1014, "err_msg": "This contract doesnt exist.",
        "ts": clock.now(),
    }  # fmt: skip


# -- swap_price_limit and 1039 ----------------------------------------------------------------


async def test_swap_price_limit_answers_in_htx_shape_for_one_or_every_contract(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    assert body(await client.get(PRICE_LIMIT))["data"] == []  # no index, no band
    set_index(engine, BTC_USD="13762.65", ETH_USD="3000")
    one = body(await client.get(PRICE_LIMIT, params={"contract_code": "BTC-USD"}))
    assert shape(one) == shape(HTX_LIMIT)
    # 13762.65 x 1.06 = 14588.409 -> 14588.4; x 0.94 = 12936.891 -> 12936.9
    assert one["data"] == [
        {"symbol": "BTC", "contract_code": "BTC-USD", "high_limit": D("14588.4"),
         "low_limit": D("12936.9")},
    ]  # fmt: skip
    every = body(await client.get(PRICE_LIMIT))["data"]
    assert [(r["contract_code"], r["high_limit"], r["low_limit"]) for r in every] == [
        ("BTC-USD", D("14588.4"), D("12936.9")),
        ("ETH-USD", 3180, 2820),
    ]
    unknown = body(await client.get(PRICE_LIMIT, params={"contract_code": "XRP-USD"}))
    assert (unknown["status"], unknown["err_code"]) == ("error", 1014)


async def test_an_order_outside_the_band_answers_1039_as_htx_does(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    set_index(engine, BTC_USD="60000")
    order = {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": "63600.1",
    }  # fmt: skip
    answer = SignedClient.json(await signed.post("/swap-api/v1/swap_order", order))
    assert answer == {
        "status": "error", "err_code": 1039,
        "err_msg": "Buy price must be lower than 63600USD. Sell price must exceed 56400USD.",
        "ts": clock.now(),
    }  # fmt: skip
    inside = SignedClient.json(
        await signed.post("/swap-api/v1/swap_order", order | {"price": 63600})
    )
    assert inside["status"] == "ok"


# -- the admin API ----------------------------------------------------------------------------


async def test_the_admin_api_reads_every_index_and_its_mode(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    set_index(engine, BTC_USD="60000")
    answer = await admin_get(client)
    assert answer == {
        "status": "ok",
        "data": [
            {"contract_code": "BTC-USD", "index_price": 60000, "index_ts": clock.now(),
             "mode": "walk", "path": []},
            {"contract_code": "ETH-USD", "index_price": None, "index_ts": None, "mode": "walk",
             "path": []},
        ],
        "ts": clock.now(),
    }  # fmt: skip
    assert [
        r["contract_code"] for r in (await admin_get(client, contract_code="eth-usd"))["data"]
    ] == ["ETH-USD"]
    unknown = await admin_get(client, contract_code="XRP-USD")
    assert (unknown["status"], unknown["err_code"]) == ("error", 1014)


async def test_a_price_set_through_the_admin_api_applies_at_once(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    answer = await admin_post(client, {"contract_code": "btc-usd", "price": "65000.5"})
    assert answer["data"] == {
        "contract_code": "BTC-USD", "index_price": D("65000.5"), "index_ts": clock.now(),
        "mode": "fixed", "path": [],
    }  # fmt: skip
    limits = body(await client.get(PRICE_LIMIT, params={"contract_code": "BTC-USD"}))["data"]
    assert (limits[0]["high_limit"], limits[0]["low_limit"]) == (D("68900.5"), D("61100.5"))


async def test_a_path_set_through_the_admin_api_is_followed_on_the_engines_clock(
    client: httpx.AsyncClient, app: Any, clock: ManualClock
) -> None:
    t0 = clock.now()
    await admin_post(client, {"contract_code": "BTC-USD", "price": 60000})
    path = [[t0 + 10_000, "62000"], [t0 + 20_000, 61000]]
    answer = await admin_post(client, {"contract_code": "BTC-USD", "path": path})
    assert answer["data"]["mode"] == "path"
    assert answer["data"]["path"] == [[t0 + 10_000, "62000"], [t0 + 20_000, "61000"]]
    source: PriceSource = app.gateway.prices
    clock.advance(5000)
    outcome = source.update()
    assert outcome is not None and outcome.result().error is None
    row = (await admin_get(client, contract_code="BTC-USD"))["data"][0]
    assert (row["index_price"], row["index_ts"]) == (61000, t0 + 5000)
    assert row["path"] == [[t0 + 10_000, "62000"], [t0 + 20_000, "61000"]]
    clock.advance(10_000)
    outcome = source.update()
    assert outcome is not None and outcome.result().error is None
    row = (await admin_get(client, contract_code="BTC-USD"))["data"][0]
    assert (row["index_price"], row["path"]) == (61500, [[t0 + 20_000, "61000"]])


async def test_walk_true_sends_a_contract_back_to_the_walk(client: httpx.AsyncClient) -> None:
    await admin_post(client, {"contract_code": "BTC-USD", "price": "61000"})
    answer = await admin_post(client, {"contract_code": "BTC-USD", "walk": True})
    assert (answer["data"]["mode"], answer["data"]["index_price"]) == ("walk", 61000)


@pytest.mark.parametrize(
    ("fields", "err_code", "message"),
    [
        ({"price": "1"}, 1066, empty("contract_code")),
        ({"contract_code": "BTC-USD"}, 1066, empty("price")),
        ({"contract_code": "XRP-USD", "price": "1"}, 1014, "This contract doesnt exist."),
        ({"contract_code": "BTC-USD", "price": "0"}, 1067, invalid("price")),
        ({"contract_code": "BTC-USD", "price": "-5"}, 1067, invalid("price")),
        ({"contract_code": "BTC-USD", "price": "1e15"}, 1067, invalid("price")),
        ({"contract_code": "BTC-USD", "price": "0.0000000000001"}, 1067,
         invalid("price")),
        ({"contract_code": "BTC-USD", "price": "abc"}, 1067, invalid("price")),
        ({"contract_code": "BTC-USD", "price": "1", "path": [[1, "1"]]}, 1067,
         invalid("path")),
        ({"contract_code": "BTC-USD", "path": []}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": "1,2"}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[1, "1", 2]]}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[2, "1"], [1, "1"]]}, 1067,
         invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[1, "1"], [1, "2"]]}, 1067,
         invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[-1, "1"]]}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[1.5, "1"]]}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[1, "0"]]}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[1, "1e15"]]}, 1067, invalid("path")),
        ({"contract_code": "BTC-USD", "path": [[i, "1"] for i in range(1001)]}, 1067,
         invalid("path")),
        ({"contract_code": "BTC-USD", "walk": False}, 1067, invalid("walk")),
        ({"contract_code": "BTC-USD", "walk": "yes"}, 1067, invalid("walk")),
    ],
)  # fmt: skip
async def test_bad_index_settings_are_refused_in_the_admin_envelope_and_change_nothing(
    client: httpx.AsyncClient, engine: Engine, fields: dict[str, Any], err_code: int, message: str
) -> None:
    set_index(engine, BTC_USD="60000")
    before = await admin_get(client)
    answer = await admin_post(client, fields)
    assert (answer["status"], answer["err_code"], answer["err_msg"]) == ("error", err_code, message)
    assert await admin_get(client) == before


async def test_the_index_prices_api_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get(INDEX_PRICES),
        await client.post(INDEX_PRICES, json={"contract_code": "BTC-USD", "price": "1"}),
    ):
        assert response.status_code == 401
    assert body(await client.get(SWAP_INDEX))["data"] == []
