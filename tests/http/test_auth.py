"""The gateway's rejections: HTTP 200 and {"status":"error","err_code":403,"err_msg":<HTX's
bilingual text>,"ts"}, before anything reaches the engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from htx_sandbox.http.auth import signed as auth
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine

from .conftest import KEYS, UID1, ClientFactory, Key, SignedClient

pytestmark = pytest.mark.anyio

ORDER = "/swap-api/v1/swap_order"
OPEN_ORDERS = "/swap-api/v1/swap_openorders"
ORDER_BODY: dict[str, Any] = {
    "contract_code": "BTC-USD",
    "volume": 1,
    "direction": "buy",
    "offset": "open",
    "lever_rate": 5,
    "order_price_type": "limit",
    "price": "50000",
}


def assert_gateway_error(response: httpx.Response, message: str) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "err_code", "err_msg", "ts"}, body
    assert body["status"] == "error"
    assert body["err_code"] == 403
    assert body["err_msg"] == message
    assert isinstance(body["ts"], int)


def open_orders(engine: Engine) -> list[Any]:
    return engine.query(lambda ex: ex.open_orders(UID1)).result()


def now(clock: ManualClock) -> datetime:
    return datetime.fromtimestamp(clock.now() / 1000, UTC)


async def test_a_good_request_passes(signed: SignedClient, engine: Engine) -> None:
    body = SignedClient.json(await signed.post(ORDER, ORDER_BODY))
    assert body["status"] == "ok"
    assert len(open_orders(engine)) == 1


async def test_unknown_access_key(signed: SignedClient, engine: Engine) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"AccessKeyId": "no-such-key"})
    assert_gateway_error(response, auth.INCORRECT_ACCESS_KEY)
    assert open_orders(engine) == []


async def test_missing_access_key(signed: SignedClient) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"AccessKeyId": None})
    assert_gateway_error(response, auth.INCORRECT_ACCESS_KEY)


async def test_no_query_at_all(client: httpx.AsyncClient) -> None:
    # Unsigned: the signature method is the first thing checked.
    response = await client.post(ORDER, json=ORDER_BODY)
    assert_gateway_error(response, auth.INCORRECT_SIGNATURE_METHOD)


@pytest.mark.parametrize(
    "bad", ["c2lnbmF0dXJl", "", "04uYyOJwPF+GsC5Z3P1yk8BdV1KwwwAgV51Nf+suyZQ=", "ü"]
)
async def test_bad_signature(signed: SignedClient, engine: Engine, bad: str) -> None:
    response = await signed.post(ORDER, ORDER_BODY, signature=bad)
    assert_gateway_error(response, auth.VERIFICATION_FAILURE)
    assert open_orders(engine) == []


@pytest.mark.parametrize("method", ["Ed25519", "HmacSHA1", "hmacsha256", ""])
async def test_wrong_signature_method(signed: SignedClient, method: str) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"SignatureMethod": method})
    assert_gateway_error(response, auth.INCORRECT_SIGNATURE_METHOD)


async def test_missing_signature_method(signed: SignedClient) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"SignatureMethod": None})
    assert_gateway_error(response, auth.INCORRECT_SIGNATURE_METHOD)


@pytest.mark.parametrize("version", ["1", "3", "2.0", ""])
async def test_wrong_signature_version(signed: SignedClient, version: str) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"SignatureVersion": version})
    assert_gateway_error(response, auth.INCORRECT_SIGNATURE_VERSION)


async def test_missing_signature_version(signed: SignedClient) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"SignatureVersion": None})
    assert_gateway_error(response, auth.INCORRECT_SIGNATURE_VERSION)


@pytest.mark.parametrize("stamp", [None, ""])
async def test_missing_timestamp(signed: SignedClient, stamp: str | None) -> None:
    response = await signed.post(ORDER, ORDER_BODY, auth={"Timestamp": stamp})
    assert_gateway_error(response, auth.TIME_REQUIRED)


@pytest.mark.parametrize(
    "shape",
    [
        "{:%Y-%m-%d %H:%M:%S}",  # space instead of T
        "{:%Y-%m-%dT%H:%M:%SZ}",  # a zone suffix
        "{:%Y-%m-%dT%H:%M:%S.000}",  # milliseconds
        "{:%Y-%m-%dT%H:%M:%S+00:00}",  # an offset
        "{:%Y/%m/%dT%H:%M:%S}",
        "{:%s}",  # epoch seconds
        "yesterday",
    ],
)
async def test_malformed_timestamp(signed: SignedClient, clock: ManualClock, shape: str) -> None:
    stamp = shape.format(now(clock)) if "{" in shape else shape
    response = await signed.post(ORDER, ORDER_BODY, timestamp=stamp)
    assert_gateway_error(response, auth.INVALID_TIME)


@pytest.mark.parametrize("offset_s", [-301, 301, -3600, 86_400])
async def test_timestamp_outside_five_minutes(
    signed: SignedClient, clock: ManualClock, engine: Engine, offset_s: int
) -> None:
    when = now(clock).replace(microsecond=0) + timedelta(seconds=offset_s)
    response = await signed.post(ORDER, ORDER_BODY, timestamp=when)
    assert_gateway_error(response, auth.INVALID_TIME)
    assert open_orders(engine) == []


@pytest.mark.parametrize("offset_s", [-299, 299, -1, 0])
async def test_timestamp_inside_five_minutes(
    signed: SignedClient, clock: ManualClock, offset_s: int
) -> None:
    when = now(clock).replace(microsecond=0) + timedelta(seconds=offset_s)
    body = SignedClient.json(await signed.post(ORDER, ORDER_BODY, timestamp=when))
    assert body["status"] == "ok", body


async def test_a_request_goes_stale_when_the_server_clock_moves_on(
    signed: SignedClient, clock: ManualClock
) -> None:
    when = now(clock)
    assert SignedClient.json(await signed.post(ORDER, ORDER_BODY, timestamp=when))["status"] == "ok"
    clock.advance(6 * 60_000)
    response = await signed.post(ORDER, ORDER_BODY, timestamp=when)
    assert_gateway_error(response, auth.INVALID_TIME)


async def test_disabled_key(signed_for: Callable[..., SignedClient], engine: Engine) -> None:
    response = await signed_for(KEYS.disabled).post(ORDER, ORDER_BODY)
    assert_gateway_error(response, auth.USER_LOCKED)
    assert open_orders(engine) == []


async def test_expired_key(signed_for: Callable[..., SignedClient], engine: Engine) -> None:
    response = await signed_for(KEYS.expired).post(ORDER, ORDER_BODY)
    assert_gateway_error(response, auth.KEY_EXPIRED)
    assert open_orders(engine) == []


async def test_a_disabled_key_with_a_bad_signature_is_a_verification_failure(
    signed_for: Callable[..., SignedClient],
) -> None:
    # The signature is checked before the key's state: nothing is told about a key to someone
    # who cannot sign for it.
    response = await signed_for(KEYS.disabled).post(ORDER, ORDER_BODY, signature="x")
    assert_gateway_error(response, auth.VERIFICATION_FAILURE)


async def test_ip_not_in_whitelist(
    make_client: ClientFactory, signed_for: Callable[..., SignedClient], engine: Engine
) -> None:
    outsider = make_client(client_address=("1.2.3.4", 123))
    response = await signed_for(KEYS.whitelisted, outsider).post(ORDER, ORDER_BODY)
    assert_gateway_error(response, auth.INCORRECT_IP)
    assert open_orders(engine) == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "10.255.255.255"])
async def test_ip_in_whitelist(
    make_client: ClientFactory, signed_for: Callable[..., SignedClient], address: str
) -> None:
    inside = make_client(client_address=(address, 40000))
    body = SignedClient.json(await signed_for(KEYS.whitelisted, inside).post(ORDER, ORDER_BODY))
    assert body["status"] == "ok", body


@pytest.mark.parametrize("address", ["11.0.0.1", "127.0.0.2", "::1"])
async def test_ip_just_outside_whitelist(
    make_client: ClientFactory, signed_for: Callable[..., SignedClient], address: str
) -> None:
    outside = make_client(client_address=(address, 40000))
    response = await signed_for(KEYS.whitelisted, outside).post(ORDER, ORDER_BODY)
    assert_gateway_error(response, auth.INCORRECT_IP)


async def test_a_key_without_a_whitelist_accepts_any_address(
    make_client: ClientFactory, signed_for: Callable[..., SignedClient]
) -> None:
    anywhere = make_client(client_address=("1.2.3.4", 123))
    body = SignedClient.json(await signed_for(KEYS.trader, anywhere).post(ORDER, ORDER_BODY))
    assert body["status"] == "ok", body


async def test_read_only_key_on_a_trade_endpoint(
    signed_for: Callable[..., SignedClient], engine: Engine
) -> None:
    reader = signed_for(KEYS.reader)
    for path, body in [
        (ORDER, ORDER_BODY),
        ("/swap-api/v1/swap_cancelall", {"contract_code": "BTC-USD"}),
        ("/swap-api/v1/swap_switch_lever_rate", {"contract_code": "BTC-USD", "lever_rate": 10}),
        ("/swap-api/v1/swap-cancel-after", {"on_off": 1, "time_out": 6000}),
    ]:
        assert_gateway_error(await reader.post(path, body), auth.NO_PERMISSION)
    assert open_orders(engine) == []


async def test_trade_only_key_places_orders(signed_for: Callable[..., SignedClient]) -> None:
    body = SignedClient.json(await signed_for(KEYS.trade_only).post(ORDER, ORDER_BODY))
    assert body["status"] == "ok", body


async def test_trade_only_key_on_a_read_endpoint(
    signed_for: Callable[..., SignedClient],
) -> None:
    # swap_openorders is a Read endpoint (reference section 3).
    response = await signed_for(KEYS.trade_only).post(OPEN_ORDERS, {"contract_code": "BTC-USD"})
    assert_gateway_error(response, auth.NO_PERMISSION)


async def test_read_key_on_a_read_endpoint(signed_for: Callable[..., SignedClient]) -> None:
    response = await signed_for(KEYS.reader).post(OPEN_ORDERS, {"contract_code": "BTC-USD"})
    body = SignedClient.json(response)
    assert body["status"] == "ok", body


async def test_auth_texts_do_not_follow_accept_language(signed: SignedClient) -> None:
    # The gateway's texts are already bilingual.
    response = await signed.post(
        ORDER, ORDER_BODY, signature="x", headers={"Accept-Language": "zh-CN"}
    )
    assert_gateway_error(response, auth.VERIFICATION_FAILURE)


async def test_the_key_decides_the_uid(
    signed_for: Callable[..., SignedClient], engine: Engine
) -> None:
    body = SignedClient.json(await signed_for(KEYS.second).post(ORDER, ORDER_BODY))
    order_id = body["data"]["order_id"]
    order = engine.query(lambda ex: ex.order(order_id)).result()
    assert order is not None and order.uid == KEYS.second.uid


def test_every_key_of_the_fixture_is_distinct() -> None:
    keys: list[Key] = [getattr(KEYS, name) for name in KEYS.__slots__]
    assert len({k.access for k in keys}) == len(keys)
