"""Errors as the wire shows them: HTTP 200 with HTX's envelope and HTX's texts (Chinese on
request, apostrophes dropped), and never a 422 or a 500 whatever a client sends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from htx_sandbox.domain.commands import Deposit, OpenUser
from htx_sandbox.domain.types import UID
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.api_keys import CreateApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.memory import MemoryStore

from .conftest import BASE_URL, KEYS, SignedClient

V1 = "/swap-api/v1/"
ORDER = V1 + "swap_order"
PRIVATE_PATHS = [
    V1 + name
    for name in (
        "swap_order",
        "swap_batchorder",
        "swap_cancel",
        "swap_cancelall",
        "swap_switch_lever_rate",
        "swap-cancel-after",
        "swap_openorders",
        "swap_order_info",
        "swap_order_detail",
        "swap_hisorders",
        "swap_account_info",
        "swap_position_info",
    )
]
V3_PATHS = {V1 + "swap-cancel-after"}
ORDER_BODY: dict[str, Any] = {
    "contract_code": "BTC-USD",
    "volume": 1,
    "direction": "buy",
    "offset": "open",
    "lever_rate": 5,
    "order_price_type": "limit",
    "price": "50000",
}


def assert_envelope(path: str, response: httpx.Response) -> dict[str, Any]:
    """HTTP 200, JSON, and one of HTX's envelopes for that endpoint."""
    assert response.status_code == 200, (path, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = json.loads(response.content)
    assert isinstance(body.get("ts"), int), body
    # 1004 only comes from a stopped engine: an input must never stop it.
    assert body.get("err_code") != 1004 and body.get("code") != 1004, body
    if path in V3_PATHS and set(body) != {"status", "err_code", "err_msg", "ts"}:
        assert set(body) == {"code", "msg", "data", "ts"}, body
        assert isinstance(body["code"], int) and isinstance(body["msg"], str)
    elif body["status"] == "ok":
        assert set(body) == {"status", "data", "ts"}, body
    else:
        assert body["status"] == "error", body
        assert set(body) == {"status", "err_code", "err_msg", "ts"}, body
        assert isinstance(body["err_code"], int) and isinstance(body["err_msg"], str)
        assert body["err_msg"], body
    return body


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = SignedClient.json(response)
    assert body["status"] == "error", body
    return body["err_code"], body["err_msg"]


# -- language --------------------------------------------------------------------------------

pytest_anyio = pytest.mark.anyio


@pytest_anyio
@pytest.mark.parametrize("header", ["zh-CN", "zh", "zh-TW,zh;q=0.9", " ZH-cn", "zh-CN,en;q=0.5"])
async def test_chinese_error_messages(signed: SignedClient, header: str) -> None:
    headers = {"Accept-Language": header}
    response = await signed.post(ORDER, {**ORDER_BODY, "contract_code": "X"}, headers=headers)
    assert error_of(response) == (1014, "合约不存在")
    response = await signed.post(ORDER, {**ORDER_BODY, "volume": 0}, headers=headers)
    assert error_of(response) == (1040, "下单数量不能为空或者不能小于0, 请修改后下单")
    response = await signed.post(ORDER, {**ORDER_BODY, "price": None}, headers=headers)
    assert error_of(response) == (1066, "price字段不能为空,请重新输入")
    response = await signed.post(V1 + "swap_cancelall", {"contract_code": "BTC-USD"},
                                 headers=headers)  # fmt: skip
    assert error_of(response) == (1051, "没有可撤销的订单")


@pytest_anyio
@pytest.mark.parametrize("header", [None, "en-US", "en", "fr-FR", "*", "", "de,zh;q=0.1"])
async def test_english_otherwise(signed: SignedClient, header: str | None) -> None:
    headers = {} if header is None else {"Accept-Language": header}
    response = await signed.post(ORDER, {**ORDER_BODY, "contract_code": "X"}, headers=headers)
    assert error_of(response) == (1014, "This contract doesnt exist.")


@pytest_anyio
async def test_chinese_in_per_item_errors_and_v3(signed: SignedClient) -> None:
    headers = {"Accept-Language": "zh-CN"}
    batch = {"orders_data": [ORDER_BODY, {**ORDER_BODY, "direction": "x"}]}
    body = SignedClient.json(await signed.post(V1 + "swap_batchorder", batch, headers=headers))
    assert body["data"]["errors"] == [
        {"index": 2, "err_code": 1035, "err_msg": "报单方向字段值错误"}
    ]
    cancel = {"contract_code": "BTC-USD", "order_id": "1"}
    body = SignedClient.json(await signed.post(V1 + "swap_cancel", cancel, headers=headers))
    assert body["data"]["errors"] == [{"order_id": "1", "err_code": 1061, "err_msg": "订单不存在"}]
    body = SignedClient.json(
        await signed.post(V1 + "swap-cancel-after", {"on_off": 1, "time_out": 1}, headers=headers)
    )
    chinese = "time_out字段不合法"
    assert (body["code"], body["msg"], body["data"]) == (1067, chinese, None)


@pytest_anyio
async def test_chinese_on_public_endpoints(client: httpx.AsyncClient) -> None:
    response = await client.get(
        V1 + "swap_contract_info",
        params={"contract_code": "NOPE-USD"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert error_of(response) == (1014, "合约不存在")


@pytest_anyio
async def test_apostrophes_are_dropped(signed: SignedClient) -> None:
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (ORDER, {**ORDER_BODY, "contract_code": "NOPE-USD"}, 1014, "This contract doesnt exist."),
        (ORDER, {**ORDER_BODY, "client_order_id": "x"}, 1065,
         "The form number of client isnt an integer."),
    ]  # fmt: skip
    for path, body, code, message in cases:
        assert error_of(await signed.post(path, body)) == (code, message)
    await signed.post(ORDER, {**ORDER_BODY, "client_order_id": 5})
    code, message = error_of(await signed.post(ORDER, {**ORDER_BODY, "client_order_id": 5}))
    assert (code, message) == (1050, "Customers order number is repeated. Please try again later.")
    body = SignedClient.json(
        await signed.post(V1 + "swap_cancel", {"contract_code": "BTC-USD", "order_id": "7"})
    )
    assert body["data"]["errors"][0]["err_msg"] == "The order does not exist."
    assert "'" not in body["data"]["errors"][0]["err_msg"]


# -- malformed input: never a 422 or a 500 ---------------------------------------------------

MALFORMED: list[bytes] = [
    b"",
    b" ",
    b"{",
    b"}",
    b"[",
    b"null",
    b"true",
    b"0",
    b"-1e999",
    b'"str"',
    b"[{}]",
    b"{}",
    b'{"contract_code": null}',
    b'{"contract_code": 123}',
    b'{"contract_code": true}',
    b'{"contract_code": ["BTC-USD"]}',
    b'{"contract_code": {"a": 1}}',
    b'{"contract_code": "BTC-USD", "volume": 1e400}',
    b'{"contract_code": "BTC-USD", "volume": -1e400, "price": 1e400}',
    b'{"contract_code": "BTC-USD", "volume": "NaN", "price": "NaN"}',
    b'{"contract_code": "BTC-USD", "volume": "Infinity", "price": "-Infinity"}',
    b'{"contract_code": "BTC-USD", "volume": 1, "price": "1e-400", "direction": "buy",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit"}',
    b'{"contract_code": "BTC-USD", "volume": 1, "price": "1E+400", "direction": "buy",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit"}',
    b'{"contract_code": "BTC-USD", "volume": 1, "price": 99999999999999999999999999999999999,'
    b' "direction": "buy", "offset": "open", "lever_rate": 5, "order_price_type": "limit"}',
    b'{"contract_code": "BTC-USD", "volume": 1, "price": "-0", "direction": "sell",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit"}',
    b'{"contract_code": "BTC-USD", "volume": 100000000000000000000000000000, "direction": "buy",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit", "price": 1}',
    b'{"contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",'
    b' "lever_rate": 100000000000000000000000000000000, "order_price_type": "limit", "price": 1}',
    b'{"contract_code": "BTC-USD", "client_order_id": 9223372036854775808, "volume": 1,'
    b' "direction": "buy", "offset": "open", "lever_rate": 5, "order_price_type": "limit",'
    b' "price": 1}',
    b'{"contract_code": "BTC-USD", "client_order_id": -5, "volume": 1, "direction": "buy",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit", "price": 1}',
    b'{"contract_code": "BTC-USD", "client_order_id": 1e30, "volume": 1, "direction": "buy",'
    b' "offset": "open", "lever_rate": 5, "order_price_type": "limit", "price": 1}',
    b'{"contract_code": "BTC-USD", "order_id": "1,,2, ,abc,99999999999999999999999999"}',
    b'{"contract_code": "BTC-USD", "order_id": ["1", "2"]}',
    b'{"contract_code": "BTC-USD", "order_id": 1.5}',
    b'{"contract_code": "BTC-USD", "client_order_id": "-1,0,1e3"}',
    b'{"contract_code": "BTC-USD", "direction": ["buy"], "offset": {"x": 1}}',
    b'{"contract_code": "BTC-USD", "lever_rate": true}',
    b'{"contract_code": "BTC-USD", "page_index": -1, "page_size": 100000}',
    b'{"contract_code": "BTC-USD", "page_index": "x", "page_size": 0}',
    b'{"contract_code": "BTC-USD", "trade_type": 99, "type": "x", "status": "1,2,x",'
    b' "create_date": -5}',
    b'{"contract_code": "BTC-USD", "trade_type": 0, "type": 1, "status": "0", "create_date": 1e30}',
    b'{"contract_code": "BTC-USD", "order_id": 1, "created_at": 0, "order_type": "x"}',
    b'{"contract_code": "BTC-USD", "order_id": 99999999999999999999999999, "created_at": -1}',
    b'{"orders_data": "x"}',
    b'{"orders_data": [null, 1, "a", [], {}]}',
    b'{"orders_data": [' + b"{}," * 24 + b"{}]}",
    b'{"on_off": "1", "time_out": 1e30}',
    b'{"on_off": 1, "time_out": -5}',
    b'{"on_off": 1.5}',
    b'{"contract_code": "\\u0000"}',
    b'{"contract_code": "\xc3\xa9"}',
    b'{"contract_code": "' + b"A" * 100_000 + b'"}',
    b"\xef\xbb\xbf{}",
    b"\xff\xfe\x00",
    b"[" * 10_000 + b"]" * 10_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"contract_code": "BTC-USD", "contract_code": "ETH-USD"}',
]


@contextmanager
def sandbox() -> Iterator[tuple[Any, ManualClock, Engine]]:
    """An engine with rate limits off (many requests fall in one window of the manual clock)
    and one funded UID; yields (app, clock, engine)."""
    clock = ManualClock()
    engine = Engine(MemoryStore(), clock)
    engine.start()
    try:
        for uid in (UID(1), UID(2)):
            assert engine.execute(OpenUser(uid)).error is None
            assert engine.execute(Deposit(uid, "BTC", Decimal(100))).error is None
            assert engine.execute(Deposit(uid, "ETH", Decimal(1000))).error is None
        key = KEYS.trader
        create = CreateApiKey(key.access, key.secret, UID(1), frozenset({"read", "trade"}))
        assert engine.execute(create).error is None
        yield create_app(engine, clock, HttpSettings(rate_limit=False)), clock, engine
    finally:
        engine.stop()


@pytest.fixture
def fuzz_app() -> Iterator[tuple[Any, ManualClock, Engine]]:
    with sandbox() as made:
        yield made


def send(app_and_clock: Any, path: str, raw: bytes, headers: dict[str, str] | None = None) -> Any:
    app, clock, _ = app_and_clock

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            signed = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
            return await signed.post(path, raw, headers=headers)

    return asyncio.run(go())


@pytest.mark.parametrize("raw", MALFORMED, ids=[f"body{i}" for i in range(len(MALFORMED))])
def test_malformed_bodies_never_break_the_envelope(raw: bytes) -> None:
    """Each body on every private endpoint, each on a fresh engine (one that an input stopped
    would make every later answer 1004 and hide the next failure)."""
    failures = []
    for path in PRIVATE_PATHS:
        with sandbox() as made:
            try:
                assert_envelope(path, send(made, path, raw))
                assert made[2].running, "the engine stopped"
            except Exception as error:  # an app exception is a 500 behind a real server
                failures.append(f"{path}: {type(error).__name__}: {str(error)[:200]}")
    assert not failures, f"{raw[:100]!r}:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data", "", "garbage/;;"],
)
def test_odd_content_types(fuzz_app: Any, content_type: str) -> None:
    raw = b"contract_code=BTC-USD&volume=1"
    response = send(fuzz_app, ORDER, raw, headers={"content-type": content_type})
    assert assert_envelope(ORDER, response)["err_code"] == 1030


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["BTC-USD", "btc-usd", "ETH-USD", "buy", "sell", "open", "close", "limit",
                       "opponent", "optimal_5", "fok", "ioc", "post_only", "1", "0", "-1", "1.5",
                       "50000", "50000.1", "1e5", "1,2,3", "", " ", "NaN", "Infinity"])
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)  # fmt: skip
FIELDS = [
    "contract_code", "volume", "direction", "offset", "lever_rate", "order_price_type", "price",
    "client_order_id", "order_id", "orders_data", "on_off", "time_out", "self_match_prevent",
    "reduce_only", "page_index", "page_size", "trade_type", "type", "status", "create_date",
    "created_at", "order_type", "sort_by", "tp_trigger_price", "channel_code",
]  # fmt: skip
bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10).map(
        lambda d: json.dumps(d).encode()
    ),
    st.fixed_dictionaries(
        {k: json_scalars for k in ORDER_BODY}, optional={"client_order_id": json_scalars}
    ).map(lambda d: json.dumps(d).encode()),
    st.builds(
        lambda items: json.dumps({"orders_data": items}).encode(),
        st.lists(st.dictionaries(st.sampled_from(FIELDS), json_scalars, max_size=8), max_size=30),
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(PRIVATE_PATHS), raw=bodies)
def test_fuzzed_bodies_always_get_an_envelope(fuzz_app: Any, path: str, raw: bytes) -> None:
    assert_envelope(path, send(fuzz_app, path, raw))
    assert fuzz_app[2].running


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda k: k != "Signature"),
        st.text(max_size=20),
        max_size=4,
    )
)
def test_fuzzed_query_parameters_always_get_an_envelope(
    fuzz_app: Any, params: dict[str, str]
) -> None:
    app, clock, _ = fuzz_app

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            signed = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
            return [
                await signed.post(ORDER, ORDER_BODY, params=params),
                await client.post(ORDER, params=params, json=ORDER_BODY),
                await client.get(V1 + "swap_contract_info", params=params),
            ]

    for response in asyncio.run(go()):
        assert response.status_code == 200, response.text
        assert "ts" in response.json()


@pytest.mark.parametrize("price", ["1E+400", "99999999999999999999999999999999999", 1e300])
def test_a_huge_price_is_refused_and_the_engine_keeps_serving(fuzz_app: Any, price: Any) -> None:
    raw = json.dumps({**ORDER_BODY, "price": price}).encode()
    body = assert_envelope(ORDER, send(fuzz_app, ORDER, raw))
    assert body["status"] == "error"
    assert body["err_code"] in (1038, 1069), body
    assert fuzz_app[2].running
    after = assert_envelope(ORDER, send(fuzz_app, ORDER, json.dumps(ORDER_BODY).encode()))
    assert after["status"] == "ok", after


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_an_input_error(fuzz_app: Any, depth: int) -> None:
    for raw in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        body = assert_envelope(ORDER, send(fuzz_app, ORDER, raw))
        assert body["err_code"] == 1030, body


def test_a_stopped_engine_answers_system_busy_not_500(fuzz_app: Any) -> None:
    app, clock, engine = fuzz_app
    engine.stop()

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            signed = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
            return [
                await signed.post(ORDER, ORDER_BODY),
                await signed.post(V1 + "swap_openorders", {"contract_code": "BTC-USD"}),
                await client.get(V1 + "swap_contract_info"),
            ]

    for response in asyncio.run(go()):
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["err_code"]) == ("error", 1004), body
        assert body["err_msg"] == "System busy. Please try again later."


def test_a_stopped_engine_answers_market_system_busy_on_every_market_endpoint(
    fuzz_app: Any,
) -> None:
    app, _clock, engine = fuzz_app
    engine.stop()

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            query = {"contract_code": "BTC-USD"}
            return [
                await client.get("/swap-ex/market/depth", params={**query, "type": "step0"}),
                await client.get("/swap-ex/market/history/trade", params={**query, "size": 5}),
            ]

    for response in asyncio.run(go()):
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["err-code"]) == ("error", "system-busy"), body
