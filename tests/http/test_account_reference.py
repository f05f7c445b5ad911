"""The account reference endpoints: swap_account_position_info, swap_available_level_rate,
swap_order_limit, swap_fee, swap_transfer_limit, swap_position_limit, swap_balance_valuation
and swap_api_trading_status, each checked against HTX's documented example (the same keys,
the same JSON types) and for what it says about this exchange."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetIndexPrices, SetPositionLimits
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
ACCOUNT_POSITION = V1 + "swap_account_position_info"
LEVEL_RATE = V1 + "swap_available_level_rate"
ORDER_LIMIT = V1 + "swap_order_limit"
FEE = V1 + "swap_fee"
TRANSFER_LIMIT = V1 + "swap_transfer_limit"
POSITION_LIMIT = V1 + "swap_position_limit"
VALUATION = V1 + "swap_balance_valuation"
TRADING_STATUS = V1 + "swap_api_trading_status"
ACCOUNT_INFO = V1 + "swap_account_info"
POSITION_INFO = V1 + "swap_position_info"
SWAP_ORDER = V1 + "swap_order"
POSTED = (LEVEL_RATE, ORDER_LIMIT, FEE, TRANSFER_LIMIT, POSITION_LIMIT)
"""The per-contract ones, contract_code optional."""
BTC_LEVERS = "1,2,3,5,10,20,30,50,75,100,125"
UNLIMITED = 10**12

# HTX's examples (the coin-margined swap reference, 2021; its data rows).
HTX_ACCOUNT_POSITION = json.loads("""{"symbol":"THETA","contract_code":"THETA-USD",
"margin_balance":713.633454962959082868,"margin_position":15.681846694266716848,
"margin_frozen":13.765413852951653365,"margin_available":684.186194415740712655,"profit_real":0,
"profit_unreal":-10.289494896088003600,"risk_rate":23.834290107178404617,
"withdraw_available":684.186194415740712655,"liquidation_price":0.198584522842823398,
"lever_rate":20,"adjust_factor":0.400000000000000000,"margin_static":723.922949859047086468,
"new_risk_rate":"","trade_partition":"",
"positions":[{"symbol":"THETA","contract_code":"THETA-USD","volume":20.000000000000000000,
"available":20.000000000000000000,"frozen":0,"cost_open":0.604834710743801652,
"cost_hold":0.659310000000000000,"profit_unreal":-10.289494896088003600,
"profit_rate":1.030149581489096360,"lever_rate":20,"position_margin":15.681846694266716848,
"direction":"buy","profit":17.031919021682128800,"last_price":0.63768,
"adl_risk_percent":"3"}]}""")
"""HTX's 2021 example with the fields today's page adds (new_risk_rate, trade_partition and
adl_risk_percent, printed as its example prints them)."""
HTX_LEVEL_RATE = {"contract_code": "THETA-USD", "available_level_rate": "1,2,3,5,10,20,30,50,75"}
HTX_ORDER_LIMIT = json.loads("""{"order_price_type":"limit","list":[{"symbol":"THETA",
"contract_code":"THETA-USD","open_limit":6000.000000000000000000,
"close_limit":12000.000000000000000000}]}""")
HTX_FEE = {
    "symbol": "THETA", "contract_code": "THETA-USD", "open_maker_fee": "0.0002",
    "open_taker_fee": "0.0005", "close_maker_fee": "0.0002", "close_taker_fee": "0.0005",
    "fee_asset": "THETA",
}  # fmt: skip
HTX_TRANSFER_LIMIT = json.loads("""{"symbol":"THETA","contract_code":"THETA-USD",
"transfer_in_max_each":301000000.000000000000000000,"transfer_in_min_each":4.000000000000000000,
"transfer_out_max_each":30100000.000000000000000000,"transfer_out_min_each":0.000001000000000000,
"transfer_in_max_daily":3010000000.000000000000000000,
"transfer_out_max_daily":602000000.000000000000000000,
"net_transfer_in_max_daily":1505000000.000000000000000000,
"net_transfer_out_max_daily":301000000.000000000000000000}""")
HTX_POSITION_LIMIT = json.loads("""{"symbol":"THETA","contract_code":"THETA-USD",
"buy_limit":60000.000000000000000000,"sell_limit":60000.000000000000000000}""")
HTX_VALUATION = {"valuation_asset": "CNY", "balance": "167724.592639011521722342"}
# A live answer (HTX's Java SDK quotes it): `data` is one object, not the docs' array.
HTX_TRADING_STATUS = json.loads("""{"is_disable":0,"order_price_types":"","disable_reason":"",
"disable_interval":0,"recovery_time":0,"COR":{"orders_threshold":3,"orders":0,
"invalid_cancel_orders":0,"cancel_ratio_threshold":0.100000000000000000,"cancel_ratio":0,
"is_trigger":0,"is_active":1},"TDN":{"disables_threshold":2,"disables":0,"is_trigger":0,
"is_active":1}}""")


def shape(value: Any) -> Any:
    """Keys and JSON types, values aside: every number is a number, integer or not."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return "number"
    return type(value).__name__


def decode(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


async def ok(client: SignedClient, path: str, body: Any = None) -> Any:
    reply = decode(await client.post(path, {} if body is None else body))
    assert reply["status"] == "ok", reply
    assert set(reply) == {"status", "data", "ts"}
    return reply["data"]


async def error(
    client: SignedClient, path: str, body: Any, lang: str | None = None
) -> tuple[int, str]:
    headers = {"Accept-Language": lang} if lang else None
    reply = decode(await client.post(path, body, headers=headers))
    assert reply["status"] == "error", reply
    assert set(reply) == {"status", "err_code", "err_msg", "ts"}
    return reply["err_code"], reply["err_msg"]


async def place(client: SignedClient, direction: str, price: str, volume: int) -> Any:
    body = {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": price,
    }  # fmt: skip
    return decode(await client.post(SWAP_ORDER, body))


@pytest.fixture
def bob(signed_for: Callable[..., SignedClient]) -> SignedClient:
    return signed_for(KEYS.second)


# -- swap_account_position_info ------------------------------------------------------------


async def test_account_position_info_is_account_info_with_its_positions(
    signed: SignedClient, bob: SignedClient
) -> None:
    await place(bob, "sell", "60000", 3)
    await place(signed, "buy", "60000", 3)
    await place(signed, "buy", "59000", 1)  # frozen margin too
    [row] = await ok(signed, ACCOUNT_POSITION, {"contract_code": "btc-usd"})
    example, ours = shape(HTX_ACCOUNT_POSITION), shape(row)
    # Numbers, or null while the exchange has no risk model to compute them: swap_account_info's
    # own (compared below).
    for name in ("risk_rate", "liquidation_price", "adjust_factor"):
        assert ours.pop(name) in ("number", None), name
        del example[name]
    assert ours == example
    positions = row.pop("positions")
    [account] = await ok(signed, ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    assert account.pop("transfer_profit_ratio") == 0  # swap_account_info's alone
    assert row == account
    # swap_position_info's rows, without the fields HTX adds there alone
    only_there = ("liq_px", "new_risk_rate", "trade_partition")
    info = await ok(signed, POSITION_INFO, {"contract_code": "BTC-USD"})
    assert positions == [{k: v for k, v in p.items() if k not in only_there} for p in info]
    assert (positions[0]["direction"], positions[0]["volume"]) == ("buy", 3)


async def test_account_position_info_without_positions_lists_none(signed: SignedClient) -> None:
    [row] = await ok(signed, ACCOUNT_POSITION, {"contract_code": "ETH-USD"})
    assert (row["symbol"], row["contract_code"], row["positions"]) == ("ETH", "ETH-USD", [])
    assert (row["margin_balance"], row["margin_available"], row["risk_rate"]) == (100, 100, None)


async def test_account_position_info_needs_a_listed_contract(signed: SignedClient) -> None:
    assert await error(signed, ACCOUNT_POSITION, {}) == (1066, empty("contract_code"))
    assert await error(signed, ACCOUNT_POSITION, {"contract_code": "XRP-USD"}) == (
        1014, "This contract doesnt exist.",
    )  # fmt: skip


# -- the per-contract ones -----------------------------------------------------------------


@pytest.mark.parametrize("path", POSTED)
async def test_without_contract_code_every_contract_and_1014_for_an_unknown_one(
    signed: SignedClient, path: str
) -> None:
    body = {"order_price_type": "limit"} if path == ORDER_LIMIT else {}
    every = await ok(signed, path, body)
    rows = every["list"] if path == ORDER_LIMIT else every
    assert [r["contract_code"] for r in rows] == ["BTC-USD", "ETH-USD"]
    one = await ok(signed, path, {**body, "contract_code": "eth-usd"})
    assert (one["list"] if path == ORDER_LIMIT else one) == rows[1:]
    assert await error(signed, path, {**body, "contract_code": "XRP-USD"}, "zh-CN") == (
        1014, "合约不存在",
    )  # fmt: skip


async def test_available_level_rate_is_the_contracts_lever_rates(signed: SignedClient) -> None:
    [btc] = await ok(signed, LEVEL_RATE, {"contract_code": "BTC-USD"})
    assert shape(btc) == shape(HTX_LEVEL_RATE)
    assert btc == {"contract_code": "BTC-USD", "available_level_rate": BTC_LEVERS}


async def test_order_limit_is_the_per_order_cap_for_the_type_asked(signed: SignedClient) -> None:
    data = await ok(signed, ORDER_LIMIT, {"contract_code": "BTC-USD", "order_price_type": "limit"})
    assert shape(data) == shape(HTX_ORDER_LIMIT)
    assert data == {
        "order_price_type": "limit",
        "list": [{"symbol": "BTC", "contract_code": "BTC-USD", "open_limit": 1_000_000,
                  "close_limit": 1_000_000}],
    }  # fmt: skip
    for kind in ("opponent", "lightning", "optimal_20_fok", "lightning_ioc", "fok"):
        answer = await ok(signed, ORDER_LIMIT, {"order_price_type": kind})
        assert answer["order_price_type"] == kind


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({}, 1066, empty("order_price_type")),
        ({"order_price_type": ""}, 1066, empty("order_price_type")),
        ({"order_price_type": "post_only"}, 1034, "Incorrect field of order price type."),
        ({"order_price_type": "market"}, 1034, "Incorrect field of order price type."),
        ({"order_price_type": 5}, 1034, "Incorrect field of order price type."),
    ],
)
async def test_order_limit_requires_a_listed_order_price_type(
    signed: SignedClient, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, ORDER_LIMIT, body) == (code, message)


async def test_fee_rates_are_strings(signed: SignedClient) -> None:
    [btc, _] = await ok(signed, FEE)
    # HTX's table lists delivery_fee (its examples leave it out): a swap is never delivered.
    assert shape(btc) == {**shape(HTX_FEE), "delivery_fee": "str"}
    assert btc == {
        "symbol": "BTC", "contract_code": "BTC-USD", "open_maker_fee": "0.0002",
        "open_taker_fee": "0.0005", "close_maker_fee": "0.0002", "close_taker_fee": "0.0005",
        "delivery_fee": "0", "fee_asset": "BTC",
    }  # fmt: skip


async def test_transfer_limit_is_the_deposit_bounds(signed: SignedClient) -> None:
    [btc, _] = await ok(signed, TRANSFER_LIMIT)
    assert shape(btc) == shape(HTX_TRANSFER_LIMIT)
    assert (btc["transfer_in_max_each"], btc["transfer_in_min_each"]) == (
        10**12, Decimal("0.000000000000000001"),
    )  # fmt: skip


async def test_position_limit_follows_the_contract_setting(
    signed: SignedClient, engine: Engine
) -> None:
    [btc] = await ok(signed, POSITION_LIMIT, {"contract_code": "BTC-USD"})
    assert shape(btc) == shape(HTX_POSITION_LIMIT)
    assert (btc["buy_limit"], btc["sell_limit"]) == (UNLIMITED, UNLIMITED)
    assert engine.execute(SetPositionLimits("BTC-USD", 5, 60000)).error is None
    [btc] = await ok(signed, POSITION_LIMIT, {"contract_code": "BTC-USD"})
    assert (btc["buy_limit"], btc["sell_limit"]) == (5, 60000)
    assert (await place(signed, "buy", "50000", 5))["status"] == "ok"
    refused = await place(signed, "buy", "50000", 1)
    assert (refused["err_code"], refused["err_msg"]) == (
        1042,
        "Current positions have triggered position limits (5Cont). "
        "Please order after changing the amount.",
    )


# -- swap_balance_valuation ----------------------------------------------------------------


async def test_valuation_in_btc_by_default_and_in_usd(
    signed: SignedClient, engine: Engine
) -> None:
    # 10 BTC and 100 ETH, at the reference prices 60000 and 3000: 900,000 USD, 15 BTC.
    [btc] = await ok(signed, VALUATION)
    assert shape(btc) == shape(HTX_VALUATION)
    assert btc == {"valuation_asset": "BTC", "balance": "15"}
    assert await ok(signed, VALUATION, {"valuation_asset": "usd"}) == [
        {"valuation_asset": "USD", "balance": "900000"}
    ]
    # The mark price follows the index: BTC at 50000 makes it 800,000 USD, 16 BTC.
    assert engine.execute(SetIndexPrices({"BTC-USD": Decimal(50000)})).error is None
    assert await ok(signed, VALUATION, {"valuation_asset": "BTC"}) == [
        {"valuation_asset": "BTC", "balance": "16"}
    ]


async def test_valuation_of_an_unfunded_uid_is_zero(
    signed_for: Callable[..., SignedClient],
) -> None:
    unfunded = signed_for(KEYS.unfunded)
    assert await ok(unfunded, VALUATION) == [{"valuation_asset": "BTC", "balance": "0"}]


@pytest.mark.parametrize("asset", ["CNY", "EUR", "XYZ", "BTC-USD"])
async def test_valuation_in_a_fiat_currency_is_refused(signed: SignedClient, asset: str) -> None:
    assert await error(signed, VALUATION, {"valuation_asset": asset}) == (
        1067, invalid("valuation_asset"),
    )  # fmt: skip


# -- swap_api_trading_status ---------------------------------------------------------------


async def test_trading_status_is_never_disabled(signed: SignedClient) -> None:
    reply = decode(await signed.get(TRADING_STATUS))
    assert set(reply) == {"status", "data", "ts"}
    data = reply["data"]
    assert shape(data) == shape(HTX_TRADING_STATUS)
    assert data == {
        "is_disable": 0, "order_price_types": "", "disable_reason": "", "disable_interval": 0,
        "recovery_time": 0,
        "COR": {"orders_threshold": 3000, "orders": 0, "invalid_cancel_orders": 0,
                "cancel_ratio_threshold": Decimal("0.99"), "cancel_ratio": 0, "is_trigger": 0,
                "is_active": 0},
        "TDN": {"disables_threshold": 3, "disables": 0, "is_trigger": 0, "is_active": 0},
    }  # fmt: skip


# -- signing, permission, bucket -----------------------------------------------------------

EVERY = [
    (ACCOUNT_POSITION, {"contract_code": "BTC-USD"}),
    (LEVEL_RATE, {}),
    (ORDER_LIMIT, {"order_price_type": "limit"}),
    (FEE, {}),
    (TRANSFER_LIMIT, {}),
    (POSITION_LIMIT, {}),
    (VALUATION, {}),
]


async def send(client: SignedClient, path: str, body: dict[str, Any]) -> httpx.Response:
    if path == TRADING_STATUS:
        return await client.get(path)
    return await client.post(path, body)


@pytest.mark.parametrize(("path", "body"), [*EVERY, (TRADING_STATUS, {})])
async def test_read_permission_and_the_read_bucket(
    signed: SignedClient,
    signed_for: Callable[..., SignedClient],
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
) -> None:
    reader = signed_for(KEYS.reader)
    first = await reader.post(ACCOUNT_INFO, {})
    assert first.headers["ratelimit-remaining"] == "71"
    answered = await send(reader, path, body)
    assert decode(answered)["status"] == "ok"
    assert answered.headers["ratelimit-remaining"] == "70"  # the same bucket as account info
    refused = decode(await send(signed_for(KEYS.trade_only), path, body))
    assert (refused["status"], refused["err_code"]) == ("error", 403)
    unsigned = await (client.get(path) if path == TRADING_STATUS else client.post(path, json=body))
    assert decode(unsigned)["status"] == "error"
