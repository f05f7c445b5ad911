"""The public endpoints: contract list, server time, heartbeat, and what unknown paths and
wrong methods answer."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.service.clock import ManualClock

pytestmark = pytest.mark.anyio

CONTRACT_INFO = "/swap-api/v1/swap_contract_info"
CONTRACT_KEYS = {
    "symbol",
    "contract_code",
    "contract_size",
    "price_tick",
    "create_date",
    "delivery_time",
    "contract_status",
    "settlement_date",
}


def ok_body(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["status"] == "ok", body
    return body


async def test_contract_info_lists_every_contract(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    response = await client.get(CONTRACT_INFO)
    body = ok_body(response)
    assert set(body) == {"status", "data", "ts"}
    assert body["ts"] == clock.now()
    rows = body["data"]
    assert [row["contract_code"] for row in rows] == ["BTC-USD", "ETH-USD"]
    for row in rows:
        assert set(row) == CONTRACT_KEYS, row
        # ccxt reads business_type as the mark of a USDT-margined contract.
        assert "business_type" not in row
        assert row["delivery_time"] == ""
        assert row["contract_status"] == 1
        assert isinstance(row["settlement_date"], str) and row["settlement_date"].isdigit()
        assert int(row["settlement_date"]) > clock.now()
        assert isinstance(row["create_date"], str) and len(row["create_date"]) == 8
        datetime.strptime(row["create_date"], "%Y%m%d").replace(tzinfo=UTC)
    btc = rows[0]
    assert btc["symbol"] == "BTC"
    assert btc["contract_size"] == 100
    assert btc["price_tick"] == 0.1
    # Decimals are JSON numbers written digit for digit.
    assert '"price_tick":0.1' in response.text
    assert rows[1]["symbol"] == "ETH"
    assert Decimal(str(rows[1]["price_tick"])) == Decimal("0.01")


@pytest.mark.parametrize("code", ["BTC-USD", "btc-usd", "Eth-Usd"])
async def test_contract_info_filtered_by_contract_code(
    client: httpx.AsyncClient, code: str
) -> None:
    body = ok_body(await client.get(CONTRACT_INFO, params={"contract_code": code}))
    assert [row["contract_code"] for row in body["data"]] == [code.upper()]


async def test_contract_info_empty_filter_lists_all(client: httpx.AsyncClient) -> None:
    body = ok_body(await client.get(CONTRACT_INFO, params={"contract_code": ""}))
    assert len(body["data"]) == 2


@pytest.mark.parametrize("code", ["DOGE-USD", "BTC-USDT", "BTC", "x" * 300])
async def test_contract_info_unknown_contract(client: httpx.AsyncClient, code: str) -> None:
    response = await client.get(CONTRACT_INFO, params={"contract_code": code})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "err_code", "err_msg", "ts"}
    assert body["status"] == "error"
    assert body["err_code"] == 1014
    assert body["err_msg"] == "This contract doesnt exist."


async def test_contract_info_needs_no_signature_and_ignores_one(client: httpx.AsyncClient) -> None:
    params = {"AccessKeyId": "whatever", "Signature": "junk", "contract_code": "BTC-USD"}
    body = ok_body(await client.get(CONTRACT_INFO, params=params))
    assert len(body["data"]) == 1


async def test_timestamp(client: httpx.AsyncClient, clock: ManualClock) -> None:
    response = await client.get("/api/v1/timestamp")
    body = ok_body(response)
    assert body == {"status": "ok", "ts": clock.now()}
    assert type(body["ts"]) is int
    clock.advance(1234)
    assert ok_body(await client.get("/api/v1/timestamp"))["ts"] == clock.now()


async def test_heartbeat(client: httpx.AsyncClient) -> None:
    body = ok_body(await client.get("/heartbeat/"))
    assert set(body) == {"status", "data", "ts"}
    assert body["data"] == {
        "heartbeat": 1,
        "estimated_recovery_time": None,
        "swap_heartbeat": 1,
        "swap_estimated_recovery_time": None,
        "linear_swap_heartbeat": 1,
        "linear_swap_estimated_recovery_time": None,
    }
    assert isinstance(body["ts"], int)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/swap-api/v1/swap_nothing"),
        ("POST", "/swap-api/v1/swap_nothing"),
        ("GET", "/linear-swap-api/v1/swap_contract_info"),
        ("GET", "/swap-api/v1/swap_contract_info/extra"),
        ("GET", "/"),
    ],
)
async def test_unknown_path_is_a_json_404(
    client: httpx.AsyncClient, clock: ManualClock, method: str, path: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "timestamp": clock.now(),
        "status": 404,
        "error": "Not Found",
        "path": path,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/swap-api/v1/swap_order"),
        ("GET", "/swap-api/v1/swap_cancelall"),
        ("PUT", "/swap-api/v1/swap_order"),
        ("DELETE", "/swap-api/v1/swap_cancel"),
        ("POST", "/swap-api/v1/swap_contract_info"),
        ("POST", "/api/v1/timestamp"),
        ("POST", "/heartbeat/"),
    ],
)
async def test_wrong_method_is_a_json_405(
    client: httpx.AsyncClient, clock: ManualClock, method: str, path: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "timestamp": clock.now(),
        "status": 405,
        "error": "Method Not Allowed",
        "path": path,
    }
