"""Reset and snapshots through the admin API: what a test suite sees between its tests.

A snapshot brings back what the HTX API answered at the time it was taken (balances, orders,
keys), a reset leaves an exchange with its contracts and nothing else (or its fixtures), a
refused control answers 1067 naming why and changes nothing, and none of it is reachable
without the admin token.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.fixtures import parse
from tests.http.conftest import KEYS, UID1, SignedClient
from tests.http.test_admin_api import (
    ACCOUNTS,
    ADMIN,
    API_KEYS,
    AUTH,
    DEPOSITS,
    TOKEN,
    data,
    decode,
    error,
    get,
    post,
)

pytestmark = pytest.mark.anyio

RESET = f"{ADMIN}/reset"
SNAPSHOTS = f"{ADMIN}/snapshots"
FIXTURES = b"""
[[accounts]]
uid = 10000001
balances = { BTC = "2.5" }

[[accounts.api_keys]]
access_key = "fixed-access"
secret_key = "fixed-secret"
permissions = ["read", "trade"]
"""


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(
        engine, clock, http_settings, admin_token=TOKEN, fixtures=parse(FIXTURES, "f.toml")
    )


ACCOUNT_INFO = "/swap-api/v1/swap_account_info"


async def signed_json(signed: SignedClient, path: str, body: Any) -> Any:
    return decode(await signed.post(path, body))


async def balances(client: httpx.AsyncClient) -> dict[int, dict[str, Decimal]]:
    return {
        row["uid"]: {a["symbol"]: a["margin_balance"] for a in row["accounts"]}
        for row in data(await get(client, ACCOUNTS))
    }


async def test_a_snapshot_brings_back_balances_orders_and_keys(
    client: httpx.AsyncClient, signed: SignedClient, clock: ManualClock
) -> None:
    placed = await signed_json(
        signed,
        "/swap-api/v1/swap_order",
        {"contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
         "lever_rate": 10, "order_price_type": "limit", "price": "50000"},
    )  # fmt: skip
    assert placed["status"] == "ok", placed
    before = (await balances(client), data(await get(client, API_KEYS)))
    saved = data(await post(client, SNAPSHOTS, {"name": "start"}))
    assert saved == {"name": "start", "created_at": clock.now(), "exchange_time": clock.now()}
    clock.advance(1000)
    data(await post(client, DEPOSITS, {"uid": UID1, "symbol": "BTC", "amount": "5"}))
    await signed_json(signed, "/swap-api/v1/swap_cancelall", {"contract_code": "BTC-USD"})
    assert (await balances(client), data(await get(client, API_KEYS))) != before
    restored = data(await post(client, f"{SNAPSHOTS}/start/restore"))
    assert restored == saved
    assert (await balances(client), data(await get(client, API_KEYS))) == before
    open_orders = await signed_json(
        signed, "/swap-api/v1/swap_openorders", {"contract_code": "BTC-USD"}
    )
    assert [o["order_id"] for o in open_orders["data"]["orders"]] == [placed["data"]["order_id"]]
    assert data(await get(client, SNAPSHOTS)) == [saved]
    deleted = await client.delete(f"{SNAPSHOTS}/start", headers=AUTH)
    assert data(decode(deleted)) == {"name": "start"}
    assert data(await get(client, SNAPSHOTS)) == []


async def test_a_reset_brings_back_the_fixtures_or_an_empty_exchange(
    client: httpx.AsyncClient, make_client: Any, clock: ManualClock
) -> None:
    assert data(await post(client, RESET)) == {"fixtures": "f.toml"}
    assert await balances(client) == {10000001: {"BTC": Decimal("2.5"), "ETH": 0}}
    # The fixture's key signs at once, with its fixed secret.
    fixed = SignedClient(client, "fixed-access", "fixed-secret", clock=clock)
    info = await signed_json(fixed, ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    assert info["data"][0]["margin_balance"] == Decimal("2.5")
    # The keys of before the reset are gone.
    before = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
    stale = await signed_json(before, ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    assert stale["status"] == "error"
    assert data(await post(client, RESET, {"empty": True})) == {"fixtures": None}
    assert await balances(client) == {}
    inline = '[[accounts]]\nuid = 10000009\nbalances = { ETH = "7" }\n'
    assert data(await post(client, RESET, {"fixtures": inline})) == {"fixtures": "fixtures"}
    assert await balances(client) == {10000009: {"BTC": 0, "ETH": Decimal(7)}}


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (SNAPSHOTS, {}, "The name field cannot be empty. Please re-enter."),
        (SNAPSHOTS, {"name": "a b"}, 'The name (bad snapshot name "a b": 1 to 64 '
         'letters, digits, ".", "_" or "-") field is invalid. Please re-enter.'),
        (f"{SNAPSHOTS}/missing/restore", None,
         'The name (no snapshot named "missing") field is invalid. Please re-enter.'),
        (RESET, {"empty": "yes"}, "The empty field is invalid. Please re-enter."),
        (RESET, {"fixtures": 5}, "The fixtures field is invalid. Please re-enter."),
        (RESET, {"fixtures": "[[accounts]]\nuid = 9000001\n"},
         "The fixtures (fixtures: accounts[1]: uid 9000001 is reserved for the sandbox (its "
         "own accounts)) field is invalid. Please re-enter."),
        (RESET, {"fixtures": "[[accounts]]\nuid = 5\nbalances = { XRP = '1' }\n"},
         "The fixtures (fixtures: uid 5: Deposit: refused with 1013 This contract symbol "
         "doesnt exist.) field is invalid. Please re-enter."),
    ],
)  # fmt: skip
async def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(
    client: httpx.AsyncClient, path: str, body: Any, message: str
) -> None:
    data(await post(client, SNAPSHOTS, {"name": "kept"}))
    before = (await balances(client), data(await get(client, API_KEYS)))
    reply = await post(client, path, body)
    code = 1066 if "cannot be empty" in message else 1067
    error(reply, code, message)
    assert (await balances(client), data(await get(client, API_KEYS))) == before
    assert [s["name"] for s in data(await get(client, SNAPSHOTS))] == ["kept"]


async def test_a_duplicate_name_or_an_unknown_one_is_refused(client: httpx.AsyncClient) -> None:
    data(await post(client, SNAPSHOTS, {"name": "one"}))
    taken = 'The name (a snapshot named "one" exists already) field is invalid. Please re-enter.'
    error(await post(client, SNAPSHOTS, {"name": "one"}), 1067, taken)
    response = await client.delete(f"{SNAPSHOTS}/nope", headers=AUTH)
    unknown = 'The name (no snapshot named "nope") field is invalid. Please re-enter.'
    error(decode(response), 1067, unknown)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", RESET), ("POST", SNAPSHOTS), ("GET", SNAPSHOTS),
     ("POST", f"{SNAPSHOTS}/x/restore"), ("DELETE", f"{SNAPSHOTS}/x")],
)  # fmt: skip
async def test_every_state_control_needs_the_admin_token(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    before = await balances(client)
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.request(method, path, json={"name": "x"}, headers=headers)
        assert response.status_code == 401
    assert await balances(client) == before
    assert data(await get(client, SNAPSHOTS)) == []
