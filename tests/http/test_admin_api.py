"""The sandbox's admin API (/sandbox-api/v1/): what an operator (or the admin CLI) sees.

Every route's answer is checked in full, every bad input is refused with HTX's envelope and
changes nothing, a wrong or missing token gets HTTP 401 and changes nothing, and what the admin
API creates (keys, contracts, statuses) is what the HTX API then honours.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import BASE_URL, KEYS, UID1, UID_UNFUNDED, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN = "/sandbox-api/v1"
ACCOUNTS = f"{ADMIN}/accounts"
DEPOSITS = f"{ADMIN}/deposits"
API_KEYS = f"{ADMIN}/api-keys"
CONTRACTS = f"{ADMIN}/contracts"
ORDERS = f"{ADMIN}/orders"
SWAP_ORDER = "/swap-api/v1/swap_order"
ACCOUNT_INFO = "/swap-api/v1/swap_account_info"
CONTRACT_INFO = "/swap-api/v1/swap_contract_info"
PRICE_LIMIT = "/swap-api/v1/swap_price_limit"
ADJUSTFACTOR = "/swap-api/v1/swap_adjustfactor"
KEY_FORMAT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{5}")
USER_LOCKED = "Abnormal user status [用户状态不正常]"
D = Decimal
ZERO = Decimal(0)


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


def decode(response: httpx.Response) -> Any:
    assert response.headers["content-type"].startswith("application/json")
    return json.loads(response.text, parse_float=Decimal)


async def post(
    client: httpx.AsyncClient,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    sent = AUTH if headers is None else headers
    if isinstance(body, bytes):
        response = await client.post(path, content=body, headers=sent)
    elif body is None:
        response = await client.post(path, headers=sent)
    else:
        response = await client.post(path, json=body, headers=sent)
    assert response.status_code == 200, response.text
    return decode(response)


async def get(client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> Any:
    response = await client.get(path, params=params, headers=AUTH)
    assert response.status_code == 200, response.text
    return decode(response)


def data(reply: Any) -> Any:
    assert reply["status"] == "ok", reply
    assert set(reply) == {"status", "data", "ts"}
    assert isinstance(reply["ts"], int)
    return reply["data"]


def error(reply: Any, code: int, message: str) -> None:
    assert reply["status"] == "error", reply
    assert set(reply) == {"status", "err_code", "err_msg", "ts"}
    assert (reply["err_code"], reply["err_msg"]) == (code, message)


async def everything(client: httpx.AsyncClient) -> Any:
    """All the admin API can see: accounts, keys, contracts and UID 1's open orders."""
    return (
        data(await get(client, ACCOUNTS)),
        data(await get(client, API_KEYS)),
        data(await get(client, CONTRACTS)),
        data(await get(client, ORDERS, {"uid": UID1})),
    )


def empty_account(symbol: str, amount: Decimal = ZERO) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "margin_balance": amount,
        "margin_position": 0,
        "margin_frozen": 0,
        "margin_available": amount,
        "profit_real": 0,
        "profit_unreal": 0,
        "risk_rate": None,
        "liquidation_price": None,
        "withdraw_available": amount,
        "lever_rate": None,
        "adjust_factor": None,
        "margin_static": amount,
    }


BTC_USD_ROW = {
    "symbol": "BTC",
    "contract_code": "BTC-USD",
    "contract_size": 100,
    "price_tick": D("0.1"),
    "delivery_time": "",
    "create_date": "20200325",
    "contract_status": 1,
    "reference_price": 60000,
    "max_order_volume": 1_000_000,
    "max_open_orders": 10_000,
    "lever_rates": [1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125],
    "maker_fee_rate": D("0.0002"),
    "taker_fee_rate": D("0.0005"),
    "price_limit_rate": D("0.06"),
    "buy_limit": None,
    "sell_limit": None,
    "adjust_factors": [],
}


def without_settlement(row: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(row["settlement_date"], str) and row["settlement_date"].isdigit()
    return {k: v for k, v in row.items() if k != "settlement_date"}


def buy_order(code: str = "BTC-USD", price: str = "59000", **more: Any) -> dict[str, Any]:
    return {
        "contract_code": code,
        "volume": 1,
        "direction": "buy",
        "offset": "open",
        "lever_rate": 5,
        "order_price_type": "limit",
        "price": price,
        **more,
    }


# -- the token -------------------------------------------------------------------------------

ROUTES: list[tuple[str, str, Any]] = [
    ("POST", ACCOUNTS, {}),
    ("POST", ACCOUNTS, {"uid": 77}),
    ("GET", ACCOUNTS, None),
    ("POST", DEPOSITS, {"uid": 1, "symbol": "BTC", "amount": "1"}),
    ("POST", API_KEYS, {"uid": 1, "permissions": ["read", "trade"]}),
    ("GET", f"{API_KEYS}?uid=1", None),
    ("POST", f"{API_KEYS}/{KEYS.trader.access}/disable", None),
    ("GET", CONTRACTS, None),
    (
        "POST",
        CONTRACTS,
        {
            "contract_code": "SOL-USD",
            "symbol": "SOL",
            "contract_size": 10,
            "price_tick": "0.001",
            "reference_price": "150",
        },
    ),
    ("POST", f"{CONTRACTS}/BTC-USD", {"contract_status": 5}),
    ("GET", f"{ORDERS}?uid=1", None),
]
BAD_AUTHORIZATION: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer wrong"},
    {"Authorization": "Bearer t0ke"},
    {"Authorization": "Bearer t0ken0"},
    {"Authorization": "Bearer T0KEN"},
    {"Authorization": "Bearer "},
    {"Authorization": "t0ken"},
    {"Authorization": "Basic t0ken"},
    {"Authorization": "Bearer t0ken t0ken"},
]


async def test_a_missing_or_wrong_token_is_refused_with_401_and_changes_nothing(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    before = await everything(client)
    for method, path, body in ROUTES:
        for headers in BAD_AUTHORIZATION:
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            reply = decode(response)
            assert set(reply) == {"status", "err_code", "err_msg", "ts"}
            assert reply["status"] == "error"
            assert (reply["err_code"], reply["err_msg"]) == (401, "invalid admin token")
    assert await everything(client) == before
    # The trader's key still signs and BTC-USD still trades: the refused disable and status
    # did not land.
    placed = SignedClient.json(await signed.post(SWAP_ORDER, buy_order()))
    assert placed["status"] == "ok"


async def test_the_scheme_is_case_insensitive(client: httpx.AsyncClient) -> None:
    response = await client.get(ACCOUNTS, headers={"Authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200
    assert decode(response)["status"] == "ok"


async def test_without_an_admin_token_the_admin_api_refuses_everything(
    engine: Engine, clock: ManualClock, http_settings: HttpSettings
) -> None:
    closed = create_app(engine, clock, http_settings)
    transport = httpx.ASGITransport(app=closed)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        for method, path, body in ROUTES:
            for headers in [*BAD_AUTHORIZATION, AUTH, {"Authorization": "Bearer None"}]:
                response = await client.request(method, path, json=body, headers=headers)
                assert response.status_code == 401, (method, path, headers)
                assert decode(response)["err_code"] == 401
    # Nothing was opened, funded, disabled or listed behind the closed door.
    users = engine.query(lambda ex: sorted(ex.state.users)).result()
    assert users == [1, 2, 3, 4]
    assert engine.api_keys.keys[KEYS.trader.access].enabled
    codes = engine.query(lambda ex: [(c.contract_code, c.contract_status) for c in ex.contracts])
    assert codes.result() == [("BTC-USD", 1), ("ETH-USD", 1)]


# -- accounts --------------------------------------------------------------------------------


async def test_accounts_are_opened_with_the_next_free_uid_or_the_one_asked_for(
    client: httpx.AsyncClient,
) -> None:
    assert data(await post(client, ACCOUNTS, {})) == {"uid": 10000001}
    assert data(await post(client, ACCOUNTS)) == {"uid": 10000002}
    assert data(await post(client, ACCOUNTS, {"uid": 10000003})) == {"uid": 10000003}
    assert data(await post(client, ACCOUNTS, {"uid": "42"})) == {"uid": 42}
    assert data(await post(client, ACCOUNTS, {"uid": None})) == {"uid": 10000004}
    listed = data(await get(client, ACCOUNTS))
    opened = [42, 10000001, 10000002, 10000003, 10000004]
    assert [row["uid"] for row in listed] == [1, 2, 3, 4, *opened]
    fresh = next(row for row in listed if row["uid"] == 42)
    assert fresh == {"uid": 42, "accounts": [empty_account("BTC"), empty_account("ETH")]}


async def test_accounts_opened_at_the_same_time_get_distinct_uids(
    client: httpx.AsyncClient,
) -> None:
    replies = await asyncio.gather(*(post(client, ACCOUNTS, {}) for _ in range(20)))
    assert sorted(data(r)["uid"] for r in replies) == list(range(10000001, 10000021))
    same = await asyncio.gather(*(post(client, ACCOUNTS, {"uid": 555}) for _ in range(5)))
    assert sorted(r["status"] for r in same) == ["error"] * 4 + ["ok"]


async def test_accounts_list_shows_every_coin_of_every_uid(client: httpx.AsyncClient) -> None:
    listed = data(await get(client, ACCOUNTS))
    assert listed[0] == {
        "uid": 1,
        "accounts": [empty_account("BTC", D(10)), empty_account("ETH", D(100))],
    }
    assert listed[3] == {"uid": 4, "accounts": [empty_account("BTC"), empty_account("ETH")]}


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"uid": 1}, 1067, invalid("uid")),
        ({"uid": 0}, 1067, invalid("uid")),
        ({"uid": -5}, 1067, invalid("uid")),
        ({"uid": "abc"}, 1067, invalid("uid")),
        ({"uid": 1.5}, 1067, invalid("uid")),
        ({"uid": True}, 1067, invalid("uid")),
        ({"uid": [7]}, 1067, invalid("uid")),
        ({"uid": 2**63}, 1067, invalid("uid")),
        (b"{not json", 1030, "Abnormal service. Please try again later."),
        (b"[1, 2]", 1030, "Abnormal service. Please try again later."),
    ],
)
async def test_bad_account_requests_are_refused(
    client: httpx.AsyncClient, body: Any, code: int, message: str
) -> None:
    before = await everything(client)
    error(await post(client, ACCOUNTS, body), code, message)
    assert await everything(client) == before


async def test_errors_speak_chinese_when_asked(client: httpx.AsyncClient) -> None:
    headers = {**AUTH, "Accept-Language": "zh-CN"}
    error(await post(client, ACCOUNTS, {"uid": 1}, headers), 1067, "uid字段不合法")


# -- deposits --------------------------------------------------------------------------------


async def test_a_deposit_answers_the_account_and_the_client_sees_it(
    client: httpx.AsyncClient, signed_for: Callable[..., SignedClient]
) -> None:
    row = data(await post(client, DEPOSITS, {"uid": 4, "symbol": "btc", "amount": "1.5"}))
    assert row == empty_account("BTC", D("1.5"))
    row = data(await post(client, DEPOSITS, {"uid": 4, "symbol": "BTC", "amount": 0.25}))
    assert row == empty_account("BTC", D("1.75"))
    seen = SignedClient.json(
        await signed_for(KEYS.unfunded).post(ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    )
    assert seen["data"][0]["margin_balance"] == 1.75


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"symbol": "BTC", "amount": "1"}, 1066, empty("uid")),
        (
            {"uid": "", "symbol": "BTC", "amount": "1"},
            1066,
            empty("uid"),
        ),
        ({"uid": 4, "amount": "1"}, 1066, empty("symbol")),
        ({"uid": 4, "symbol": "BTC"}, 1066, empty("amount")),
        (
            {"uid": 4, "symbol": "BTC", "amount": "-1"},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": 0},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": "lots"},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": "NaN"},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": "1e-19"},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": "1e13"},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": "BTC", "amount": True},
            1067,
            invalid("amount"),
        ),
        (
            {"uid": 4, "symbol": ["BTC"], "amount": "1"},
            1067,
            invalid("symbol"),
        ),
        ({"uid": 4, "symbol": "DOGE", "amount": "1"}, 1013, "This contract symbol doesnt exist."),
        ({"uid": 999, "symbol": "BTC", "amount": "1"}, 1010, "Account doesnt exist."),
        (
            {"uid": -1, "symbol": "BTC", "amount": "1"},
            1067,
            invalid("uid"),
        ),
        (b"", 1066, empty("uid")),
        (b"nope", 1030, "Abnormal service. Please try again later."),
    ],
)
async def test_bad_deposits_are_refused_and_change_nothing(
    client: httpx.AsyncClient, body: Any, code: int, message: str
) -> None:
    before = await everything(client)
    error(await post(client, DEPOSITS, body), code, message)
    assert await everything(client) == before


# -- API keys --------------------------------------------------------------------------------


async def test_a_created_key_signs_real_orders_until_it_is_disabled(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    uid = data(await post(client, ACCOUNTS, {}))["uid"]
    data(await post(client, DEPOSITS, {"uid": uid, "symbol": "BTC", "amount": "2"}))
    created = data(await post(client, API_KEYS, {"uid": uid, "permissions": ["trade", "read"]}))
    assert set(created) == {
        "access_key", "secret_key", "uid", "permissions", "ip_whitelist", "expires_at",
        "enabled", "created_at",
    }  # fmt: skip
    assert KEY_FORMAT.fullmatch(created["access_key"])
    assert KEY_FORMAT.fullmatch(created["secret_key"])
    assert created["access_key"] != created["secret_key"]
    assert {k: v for k, v in created.items() if k not in ("access_key", "secret_key")} == {
        "uid": uid,
        "permissions": ["read", "trade"],
        "ip_whitelist": [],
        "expires_at": None,
        "enabled": True,
        "created_at": clock.now(),
    }

    trader = SignedClient(client, created["access_key"], created["secret_key"], clock=clock)
    placed = SignedClient.json(await trader.post(SWAP_ORDER, buy_order(client_order_id=7)))
    assert placed["status"] == "ok", placed
    order_id = placed["data"]["order_id"]
    listed = data(await get(client, ORDERS, {"uid": uid}))
    assert [(o["order_id"], o["client_order_id"]) for o in listed] == [(order_id, 7)]

    disabled = data(await post(client, f"{API_KEYS}/{created['access_key']}/disable"))
    without_secret = {k: v for k, v in created.items() if k != "secret_key"}
    assert disabled == {**without_secret, "enabled": False}
    refused = SignedClient.json(await trader.post(SWAP_ORDER, buy_order()))
    assert refused == {
        "status": "error", "err_code": 403, "err_msg": USER_LOCKED, "ts": refused["ts"]
    }  # fmt: skip
    assert len(data(await get(client, ORDERS, {"uid": uid}))) == 1
    # Disabling again is harmless and answers the same key.
    assert data(await post(client, f"{API_KEYS}/{created['access_key']}/disable")) == disabled


async def test_a_key_can_be_limited_to_addresses_and_a_lifetime(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    expires = clock.now() + 60_000
    body = {
        "uid": UID_UNFUNDED,
        "permissions": ["read"],
        "ip_whitelist": ["10.1.2.3", "192.168.0.0/16", "::1"],
        "expires_at": expires,
    }
    created = data(await post(client, API_KEYS, body))
    assert created["permissions"] == ["read"]
    assert created["ip_whitelist"] == ["10.1.2.3", "192.168.0.0/16", "::1"]
    assert created["expires_at"] == expires
    # The ASGI client's address (127.0.0.1) is not on the list: HTX's gateway refuses it.
    reader = SignedClient(client, created["access_key"], created["secret_key"], clock=clock)
    reply = SignedClient.json(await reader.post(ACCOUNT_INFO))
    assert (reply["err_code"], reply["err_msg"]) == (403, "Incorrect IP address [IP地址错误]")


async def test_keys_are_listed_without_their_secrets(client: httpx.AsyncClient) -> None:
    listed = data(await get(client, API_KEYS, {"uid": 1}))
    assert [k["access_key"] for k in listed] == [
        KEYS.trader.access, KEYS.reader.access, KEYS.trade_only.access,
        KEYS.whitelisted.access, KEYS.expired.access, KEYS.disabled.access,
    ]  # fmt: skip
    assert all("secret_key" not in k for k in listed)
    by_access = {k["access_key"]: k for k in listed}
    assert by_access[KEYS.reader.access]["permissions"] == ["read"]
    assert by_access[KEYS.whitelisted.access]["ip_whitelist"] == ["10.0.0.0/8", "127.0.0.1"]
    assert by_access[KEYS.disabled.access]["enabled"] is False
    assert by_access[KEYS.expired.access]["expires_at"] is not None
    assert set(by_access[KEYS.trader.access]) == {
        "access_key", "uid", "permissions", "ip_whitelist", "expires_at", "enabled", "created_at"
    }  # fmt: skip
    everyone = data(await get(client, API_KEYS))
    assert {k["uid"] for k in everyone} == {1, 2, 3, 4}
    assert len(everyone) == 9
    assert data(await get(client, API_KEYS, {"uid": 2})) == [
        k for k in everyone if k["access_key"] == KEYS.second.access
    ]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"permissions": ["read"]}, 1066, empty("uid")),
        ({"uid": 999, "permissions": ["read"]}, 1010, "Account doesnt exist."),
        ({"uid": 0, "permissions": ["read"]}, 1067, invalid("uid")),
        ({"uid": 1}, 1066, empty("permissions")),
        ({"uid": 1, "permissions": []}, 1067, invalid("permissions")),
        (
            {"uid": 1, "permissions": ["withdraw"]},
            1067,
            invalid("permissions"),
        ),
        (
            {"uid": 1, "permissions": ["read", "admin"]},
            1067,
            invalid("permissions"),
        ),
        (
            {"uid": 1, "permissions": ["READ"]},
            1067,
            invalid("permissions"),
        ),
        (
            {"uid": 1, "permissions": "read"},
            1067,
            invalid("permissions"),
        ),
        (
            {"uid": 1, "permissions": [1]},
            1067,
            invalid("permissions"),
        ),
        (
            {"uid": 1, "permissions": ["read"], "ip_whitelist": ["not-an-ip"]},
            1067,
            invalid("ip_whitelist"),
        ),
        (
            {"uid": 1, "permissions": ["read"], "ip_whitelist": "10.0.0.1"},
            1067,
            invalid("ip_whitelist"),
        ),
        (
            {"uid": 1, "permissions": ["read"], "ip_whitelist": [f"10.0.0.{i}" for i in range(21)]},
            1067,
            invalid("ip_whitelist"),
        ),
        (
            {"uid": 1, "permissions": ["read"], "expires_at": "tomorrow"},
            1067,
            invalid("expires_at"),
        ),
        (
            {"uid": 1, "permissions": ["read"], "expires_at": 0},
            1067,
            invalid("expires_at"),
        ),
        (b"{", 1030, "Abnormal service. Please try again later."),
    ],
)
async def test_bad_key_requests_are_refused_and_change_nothing(
    client: httpx.AsyncClient, body: Any, code: int, message: str
) -> None:
    before = await everything(client)
    error(await post(client, API_KEYS, body), code, message)
    assert await everything(client) == before


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"uid": 999}, 1010, "Account doesnt exist."),
        ({"uid": "x"}, 1067, invalid("uid")),
        ({"uid": 0}, 1067, invalid("uid")),
    ],
)
async def test_bad_key_listings_are_refused(
    client: httpx.AsyncClient, params: dict[str, Any], code: int, message: str
) -> None:
    error(await get(client, API_KEYS, params), code, message)


async def test_disabling_an_unknown_key_is_refused(client: httpx.AsyncClient) -> None:
    before = await everything(client)
    reply = await post(client, f"{API_KEYS}/no-such-key/disable")
    error(reply, 1067, invalid("access_key"))
    assert await everything(client) == before


async def test_a_disabled_conftest_key_shows_disabled_and_keys_of_others_still_sign(
    client: httpx.AsyncClient, signed_for: Callable[..., SignedClient]
) -> None:
    data(await post(client, f"{API_KEYS}/{KEYS.reader.access}/disable"))
    reply = SignedClient.json(await signed_for(KEYS.reader).post(ACCOUNT_INFO))
    assert (reply["err_code"], reply["err_msg"]) == (403, USER_LOCKED)
    reply = SignedClient.json(await signed_for(KEYS.trader).post(ACCOUNT_INFO))
    assert reply["status"] == "ok"


# -- contracts -------------------------------------------------------------------------------


async def test_contracts_are_listed_with_their_sandbox_settings(client: httpx.AsyncClient) -> None:
    listed = data(await get(client, CONTRACTS))
    assert [row["contract_code"] for row in listed] == ["BTC-USD", "ETH-USD"]
    assert without_settlement(listed[0]) == BTC_USD_ROW
    public = (await client.get(CONTRACT_INFO)).json()["data"][0]
    assert {k: v for k, v in listed[0].items() if k in public} == json.loads(
        json.dumps(public), parse_float=Decimal
    )


SOL_USD = {
    "contract_code": "sol-usd",
    "symbol": "sol",
    "contract_size": "10",
    "price_tick": "0.001",
    "reference_price": "150.5",
}


async def test_a_listed_contract_shows_in_contract_info_and_trades(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    row = data(await post(client, CONTRACTS, SOL_USD))
    today = datetime.fromtimestamp(clock.now() / 1000, UTC).strftime("%Y%m%d")
    assert without_settlement(row) == {
        **BTC_USD_ROW,
        "symbol": "SOL",
        "contract_code": "SOL-USD",
        "contract_size": 10,
        "price_tick": D("0.001"),
        "reference_price": D("150.5"),
        "create_date": today,
    }
    public = (await client.get(CONTRACT_INFO, params={"contract_code": "SOL-USD"})).json()
    assert public["status"] == "ok"
    assert [(c["contract_code"], c["symbol"]) for c in public["data"]] == [("SOL-USD", "SOL")]
    assert [r["contract_code"] for r in data(await get(client, CONTRACTS))] == [
        "BTC-USD", "ETH-USD", "SOL-USD"
    ]  # fmt: skip

    uid = data(await post(client, ACCOUNTS, {}))["uid"]
    data(await post(client, DEPOSITS, {"uid": uid, "symbol": "SOL", "amount": "100"}))
    key = data(await post(client, API_KEYS, {"uid": uid, "permissions": ["read", "trade"]}))
    trader = SignedClient(client, key["access_key"], key["secret_key"], clock=clock)
    placed = SignedClient.json(await trader.post(SWAP_ORDER, buy_order("SOL-USD", "150.123")))
    assert placed["status"] == "ok", placed
    listed = data(await get(client, ORDERS, {"uid": uid, "contract_code": "sol-usd"}))
    assert [(o["contract_code"], o["price"]) for o in listed] == [("SOL-USD", D("150.123"))]


async def test_a_contract_is_listed_with_its_optional_settings(client: httpx.AsyncClient) -> None:
    body = {
        **SOL_USD,
        "contract_status": 2,
        "create_date": "20240101",
        "max_order_volume": 500,
        "max_open_orders": 3,
        "lever_rates": [20, 1, "5", 5],
        "maker_fee_rate": "0",
        "taker_fee_rate": 0.001,
        "price_limit_rate": "0.025",
        "buy_limit": 5000,
        "sell_limit": "0",
        "adjust_factors": [{"lever_rate": 20, "ladders": [
            {"min_size": 0, "max_size": 99, "adjust_factor": "0.4"},
            {"min_size": 100, "max_size": None, "adjust_factor": 0.5},
        ]}],
    }  # fmt: skip
    row = data(await post(client, CONTRACTS, body))
    assert without_settlement(row) == {
        "symbol": "SOL",
        "contract_code": "SOL-USD",
        "contract_size": 10,
        "price_tick": D("0.001"),
        "delivery_time": "",
        "create_date": "20240101",
        "contract_status": 2,
        "reference_price": D("150.5"),
        "max_order_volume": 500,
        "max_open_orders": 3,
        "lever_rates": [1, 5, 20],
        "maker_fee_rate": 0,
        "taker_fee_rate": D("0.001"),
        "price_limit_rate": D("0.025"),
        "buy_limit": 5000,
        "sell_limit": None,  # 0: no limit
        "adjust_factors": [{"lever_rate": 20, "ladders": [
            {"min_size": 0, "max_size": 99, "adjust_factor": D("0.4")},
            {"min_size": 100, "max_size": None, "adjust_factor": D("0.5")},
        ]}],
    }  # fmt: skip
    factors = (await client.get(ADJUSTFACTOR, params={"contract_code": "SOL-USD"})).json()
    by_lever = {row["lever_rate"]: row["ladders"] for row in factors["data"][0]["list"]}
    assert by_lever[20] == [
        {"ladder": 0, "min_size": 0, "max_size": 99, "adjust_factor": 0.4},
        {"ladder": 1, "min_size": 100, "max_size": None, "adjust_factor": 0.5},
    ]
    assert [t["adjust_factor"] for t in by_lever[5]] == [0.05, 0.075, 0.1]  # the defaults


@pytest.mark.parametrize(
    "ladders",
    [
        [{"min_size": 1, "max_size": None, "adjust_factor": "0.4"}],  # not from 0
        [{"min_size": 0, "max_size": 99, "adjust_factor": "0.4"}],  # not open-ended
        [{"min_size": 0, "max_size": None, "adjust_factor": "1"}],  # would liquidate at once
        [{"min_size": 0, "max_size": 9, "adjust_factor": "0.5"},
         {"min_size": 10, "max_size": None, "adjust_factor": "0.4"}],  # a lower factor above
        [{"min_size": 0, "max_size": None, "adjust_factor": "0.4x"}],
        "0.4",
    ],
)  # fmt: skip
async def test_bad_adjust_factors_list_nothing(client: httpx.AsyncClient, ladders: Any) -> None:
    body = {**SOL_USD, "adjust_factors": [{"lever_rate": 5, "ladders": ladders}]}
    answer = await post(client, CONTRACTS, body)
    assert (answer["status"], answer["err_code"]) == ("error", 1067), answer
    assert "adjust_factors" in answer["err_msg"]
    listed = data(await get(client, CONTRACTS))
    assert "SOL-USD" not in [row["contract_code"] for row in listed]


def sol(**changes: Any) -> dict[str, Any]:
    body = {**SOL_USD, **changes}
    return {k: v for k, v in body.items() if v is not ...}


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (sol(contract_code=...), 1066, empty("contract_code")),
        (sol(symbol=...), 1066, empty("symbol")),
        (sol(contract_size=...), 1066, empty("contract_size")),
        (sol(price_tick=...), 1066, empty("price_tick")),
        (
            sol(reference_price=...),
            1066,
            empty("reference_price"),
        ),
        (
            sol(contract_code="BTC-USD", symbol="BTC"),
            1067,
            invalid("contract_code"),
        ),
        (
            sol(contract_code="btc-usd", symbol="btc"),
            1067,
            invalid("contract_code"),
        ),
        (
            sol(contract_code="SOL-USDT"),
            1067,
            invalid("contract_code"),
        ),
        (sol(contract_code="SOLUSD"), 1067, invalid("contract_code")),
        (
            sol(symbol="SO L", contract_code="SO L-USD"),
            1067,
            invalid("symbol"),
        ),
        (sol(contract_size="0"), 1067, invalid("contract_size")),
        (sol(contract_size="-10"), 1067, invalid("contract_size")),
        (sol(contract_size="ten"), 1067, invalid("contract_size")),
        (sol(price_tick="0"), 1067, invalid("price_tick")),
        (sol(price_tick="-0.1"), 1067, invalid("price_tick")),
        (sol(price_tick="1e15"), 1067, invalid("price_tick")),
        (
            sol(reference_price="150.0005"),
            1067,
            invalid("reference_price"),
        ),
        (sol(reference_price="0"), 1067, invalid("reference_price")),
        (
            sol(reference_price="-150"),
            1067,
            invalid("reference_price"),
        ),
        (
            sol(reference_price="1e15"),
            1067,
            invalid("reference_price"),
        ),
        # Finer than the finest tick (10^-12), or with more digits than a price may have:
        # such a contract once listed made the maker's first quote raise on every restart.
        (sol(price_tick="1e-40"), 1067, invalid("price_tick")),
        (
            sol(price_tick="1e-999999", reference_price="1e-1000100"),
            1067,
            invalid("price_tick"),
        ),
        (
            sol(reference_price="1e-1000100"),
            1067,
            invalid("reference_price"),
        ),
        (
            sol(reference_price="150.0000000000001"),
            1067,
            invalid("reference_price"),
        ),
        (sol(contract_size="1e9"), 1067, invalid("contract_size")),
        (sol(contract_size="0.0001"), 1067, invalid("contract_size")),
        (sol(contract_size="NaN"), 1067, invalid("contract_size")),
        (
            sol(max_order_volume=10**9 + 1),
            1067,
            invalid("max_order_volume"),
        ),
        (
            sol(max_open_orders=10**6 + 1),
            1067,
            invalid("max_open_orders"),
        ),
        (
            sol(maker_fee_rate="1e-999999999"),
            1067,
            invalid("maker_fee_rate"),
        ),
        (sol(contract_status=9), 1067, invalid("contract_status")),
        (
            sol(contract_status="listed"),
            1067,
            invalid("contract_status"),
        ),
        (sol(create_date="2024-01-01"), 1067, invalid("create_date")),
        (sol(max_order_volume=0), 1067, invalid("max_order_volume")),
        (sol(max_open_orders=-1), 1067, invalid("max_open_orders")),
        (sol(lever_rates=[]), 1067, invalid("lever_rates")),
        (sol(lever_rates=[0, 5]), 1067, invalid("lever_rates")),
        (sol(lever_rates=["x"]), 1067, invalid("lever_rates")),
        (sol(lever_rates=5), 1067, invalid("lever_rates")),
        (
            sol(maker_fee_rate="-0.0001"),
            1067,
            invalid("maker_fee_rate"),
        ),
        (sol(taker_fee_rate="1"), 1067, invalid("taker_fee_rate")),
        (sol(buy_limit=-1), 1067, invalid("buy_limit")),
        (sol(sell_limit=10**12 + 1), 1067, invalid("sell_limit")),
        (sol(sell_limit="many"), 1067, invalid("sell_limit")),
        (b"]", 1030, "Abnormal service. Please try again later."),
    ],
)
async def test_bad_contracts_are_refused_and_change_nothing(
    client: httpx.AsyncClient, body: Any, code: int, message: str
) -> None:
    before = await everything(client)
    error(await post(client, CONTRACTS, body), code, message)
    assert await everything(client) == before


async def test_a_contract_cannot_be_listed_twice(client: httpx.AsyncClient) -> None:
    data(await post(client, CONTRACTS, SOL_USD))
    before = await everything(client)
    again = {**SOL_USD, "contract_size": "1", "reference_price": "99"}
    error(
        await post(client, CONTRACTS, again),
        1067,
        invalid("contract_code"),
    )
    assert await everything(client) == before


async def test_settlement_status_stops_orders_and_listing_status_lets_them_in_again(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    row = data(await post(client, f"{CONTRACTS}/btc-usd", {"contract_status": 5}))
    assert without_settlement(row) == {**BTC_USD_ROW, "contract_status": 5}
    public = (await client.get(CONTRACT_INFO, params={"contract_code": "BTC-USD"})).json()
    assert public["data"][0]["contract_status"] == 5
    refused = SignedClient.json(await signed.post(SWAP_ORDER, buy_order()))
    assert (refused["err_code"], refused["err_msg"]) == (
        1056,
        "In settlement. Your order can’t be placed/withdrew currently.",  # ’ kept, as live
    )
    assert data(await get(client, ORDERS, {"uid": UID1})) == []

    data(await post(client, f"{CONTRACTS}/BTC-USD", {"contract_status": "1"}))
    placed = SignedClient.json(await signed.post(SWAP_ORDER, buy_order()))
    assert placed["status"] == "ok"


async def test_the_reference_price_can_be_moved(client: httpx.AsyncClient) -> None:
    row = data(await post(client, f"{CONTRACTS}/ETH-USD", {"reference_price": "3100.55"}))
    assert row["reference_price"] == D("3100.55")
    assert row["contract_status"] == 1
    both = {"reference_price": 2999, "contract_status": 3}
    row = data(await post(client, f"{CONTRACTS}/ETH-USD", both))
    assert (row["reference_price"], row["contract_status"]) == (2999, 3)
    listed = data(await get(client, CONTRACTS))
    assert (listed[1]["reference_price"], listed[1]["contract_status"]) == (2999, 3)


async def test_position_limits_are_set_one_side_at_a_time_and_lifted_with_0(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    row = data(await post(client, f"{CONTRACTS}/btc-usd", {"buy_limit": 2}))
    assert without_settlement(row) == {**BTC_USD_ROW, "buy_limit": 2}
    row = data(await post(client, f"{CONTRACTS}/BTC-USD", {"sell_limit": "7"}))
    assert (row["buy_limit"], row["sell_limit"]) == (2, 7)
    refused = SignedClient.json(await signed.post(SWAP_ORDER, {**buy_order(), "volume": 3}))
    assert (refused["status"], refused["err_code"]) == ("error", 1042)
    both = {"buy_limit": 0, "contract_status": 1}
    row = data(await post(client, f"{CONTRACTS}/BTC-USD", both))
    assert (row["buy_limit"], row["sell_limit"], row["contract_status"]) == (None, 7, 1)
    placed = SignedClient.json(await signed.post(SWAP_ORDER, {**buy_order(), "volume": 3}))
    assert placed["status"] == "ok"
    listed = data(await get(client, CONTRACTS))
    assert (listed[0]["buy_limit"], listed[0]["sell_limit"]) == (None, 7)


async def test_the_price_limit_rate_can_be_changed_and_moves_the_band(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    assert engine.execute(SetIndexPrices({"BTC-USD": D(60000)})).error is None
    row = data(await post(client, f"{CONTRACTS}/BTC-USD", {"price_limit_rate": "0.01"}))
    assert (row["price_limit_rate"], row["contract_status"]) == (D("0.01"), 1)
    limits = (await client.get(PRICE_LIMIT, params={"contract_code": "BTC-USD"})).json()
    assert [(r["high_limit"], r["low_limit"]) for r in limits["data"]] == [(60600, 59400)]
    both = {"price_limit_rate": "0.02", "sell_limit": 4}
    row = data(await post(client, f"{CONTRACTS}/BTC-USD", both))
    assert (row["price_limit_rate"], row["buy_limit"], row["sell_limit"]) == (D("0.02"), None, 4)


@pytest.mark.parametrize(
    ("code", "body", "err_code", "message"),
    [
        ("DOGE-USD", {"contract_status": 5}, 1014, "This contract doesnt exist."),
        ("BTC-USD", {"buy_limit": -1}, 1067, invalid("buy_limit")),
        (
            "BTC-USD",
            {"buy_limit": 5, "sell_limit": 1.5},
            1067,
            invalid("sell_limit"),
        ),
        (
            "BTC-USD",
            {"contract_status": 5, "sell_limit": 10**12 + 1},
            1067,
            invalid("sell_limit"),
        ),
        ("BTC-USD", {}, 1066, empty("contract_status")),
        (
            "BTC-USD",
            {"contract_status": 10},
            1067,
            invalid("contract_status"),
        ),
        (
            "BTC-USD",
            {"contract_status": -1},
            1067,
            invalid("contract_status"),
        ),
        (
            "BTC-USD",
            {"contract_status": "x"},
            1067,
            invalid("contract_status"),
        ),
        (
            "BTC-USD",
            {"reference_price": "60000.05"},
            1067,
            invalid("reference_price"),
        ),
        (
            "BTC-USD",
            {"reference_price": 0},
            1067,
            invalid("reference_price"),
        ),
        (
            "BTC-USD",
            {"reference_price": "abc"},
            1067,
            invalid("reference_price"),
        ),
        (
            "BTC-USD",
            {"price_limit_rate": "0"},
            1067,
            invalid("price_limit_rate"),
        ),
        (
            "BTC-USD",
            {"price_limit_rate": 1},
            1067,
            invalid("price_limit_rate"),
        ),
        (
            "BTC-USD",
            {"price_limit_rate": "1e-7"},
            1067,
            invalid("price_limit_rate"),
        ),
        (
            "BTC-USD",
            {"price_limit_rate": "x"},
            1067,
            invalid("price_limit_rate"),
        ),
        (
            "BTC-USD",
            {"price_limit_rate": "0.02", "buy_limit": -1},
            1067,
            invalid("buy_limit"),
        ),
        (
            "BTC-USD",
            {"contract_status": 5, "reference_price": "-1"},
            1067,
            invalid("reference_price"),
        ),
        (
            "BTC-USD",
            {"contract_status": 42, "reference_price": "60000"},
            1067,
            invalid("contract_status"),
        ),
    ],
)
async def test_bad_contract_changes_are_refused_and_change_nothing(
    client: httpx.AsyncClient, code: str, body: dict[str, Any], err_code: int, message: str
) -> None:
    before = await everything(client)
    error(await post(client, f"{CONTRACTS}/{code}", body), err_code, message)
    assert await everything(client) == before


# -- orders ----------------------------------------------------------------------------------


async def test_open_orders_of_a_uid_are_listed_as_the_client_sees_them(
    client: httpx.AsyncClient, signed: SignedClient, signed_for: Callable[..., SignedClient]
) -> None:
    assert data(await get(client, ORDERS, {"uid": UID1})) == []
    first = SignedClient.json(await signed.post(SWAP_ORDER, buy_order()))["data"]["order_id"]
    eth = buy_order("ETH-USD", "2900", volume=2)
    second = SignedClient.json(await signed.post(SWAP_ORDER, eth))["data"]["order_id"]
    SignedClient.json(await signed_for(KEYS.second).post(SWAP_ORDER, buy_order()))

    listed = data(await get(client, ORDERS, {"uid": UID1}))
    assert [o["order_id"] for o in listed] == [first, second]
    open_orders = "/swap-api/v1/swap_openorders"
    seen = SignedClient.json(await signed.post(open_orders, {"contract_code": "ETH-USD"}))
    client_view = json.loads(json.dumps(seen["data"]["orders"][0]), parse_float=Decimal)
    assert listed[1] == client_view

    only_btc = data(await get(client, ORDERS, {"uid": UID1, "contract_code": "BTC-USD"}))
    assert [o["order_id"] for o in only_btc] == [first]
    assert data(await get(client, ORDERS, {"uid": 4})) == []


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({}, 1066, empty("uid")),
        ({"uid": 999}, 1010, "Account doesnt exist."),
        ({"uid": "one"}, 1067, invalid("uid")),
        ({"uid": 1, "contract_code": "DOGE-USD"}, 1014, "This contract doesnt exist."),
    ],
)
async def test_bad_order_listings_are_refused(
    client: httpx.AsyncClient, params: dict[str, Any], code: int, message: str
) -> None:
    error(await get(client, ORDERS, params), code, message)


async def test_unknown_admin_paths_answer_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ADMIN}/nothing", headers=AUTH)
    assert response.status_code == 404
