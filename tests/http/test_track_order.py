"""swap_track_order on the wire: HTX's documented reply, the request forms HTX's own tests and
ccxt send, HTX's errors for every bad field (nothing placed), and a trailing order placed over
HTTP that activates and fires on trades placed over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.strategy_orders import StrategyOrder
from htx_sandbox.domain.types import OrderId
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

TRACK = "/swap-api/v1/swap_track_order"
ORDER = "/swap-api/v1/swap_order"
OPEN_ORDERS = "/swap-api/v1/swap_track_openorders"
HISTORY = "/swap-api/v1/swap_track_hisorders"
# BTC-USD has no trade yet: the latest price is its reference price, 60000.
VALID = {
    "contract_code": "BTC-USD", "direction": "buy", "offset": "open", "lever_rate": 5,
    "volume": 1, "callback_rate": 0.01, "active_price": 59000,
    "order_price_type": "formula_price",
}  # fmt: skip


async def post(client: SignedClient, path: str, body: Any, **kw: Any) -> Any:
    return SignedClient.json(await client.post(path, body, **kw))


async def strategy(engine: Engine, order_id: int) -> StrategyOrder | None:
    return await engine.query_async(lambda ex: ex.strategy_order(OrderId(order_id)))


async def test_the_reply_is_htx_documented_one(signed: SignedClient, engine: Engine) -> None:
    # S1: {"status":"ok","data":{"order_id":825057614106017792,"order_id_str":"825057614106017792"},
    #      "ts":1616750664047}
    body = await post(signed, TRACK, VALID)
    assert set(body) == {"status", "data", "ts"} and body["status"] == "ok"
    data = body["data"]
    assert set(data) == {"order_id", "order_id_str"}
    assert isinstance(data["order_id"], int) and data["order_id_str"] == str(data["order_id"])
    order = await strategy(engine, data["order_id"])
    assert order is not None and order.kind == "track" and not order.is_active
    assert (order.callback_rate, order.trigger_price) == (Decimal("0.01"), Decimal(59000))


async def test_htx_qa_suites_string_fields(signed: SignedClient, engine: Engine) -> None:
    # TestCoinswapTrackOrder_001: every number a string, lower-case code accepted too.
    fields = {
        "contract_code": "btc-usd", "direction": "buy", "offset": "open", "lever_rate": "5",
        "volume": "1", "callback_rate": "0.1", "active_price": "58800.0",
        "order_price_type": "optimal_10",
    }  # fmt: skip
    body = await post(signed, TRACK, fields)
    assert body["status"] == "ok", body
    order = await strategy(engine, body["data"]["order_id"])
    assert order is not None and order.contract_code == "BTC-USD"
    assert (order.volume, order.lever_rate, order.order_price_type) == (1, 5, "optimal_10")


async def test_ccxts_request(signed: SignedClient, engine: Engine) -> None:
    # What ccxt 4.5 sends for create_order(..., 2, None, {"offset": "open",
    # "trailingPercent": 1.5, "trailingTriggerPrice": 61000}) on a sell.
    fields = {
        "contract_code": "BTC-USD", "volume": "2", "direction": "sell", "callback_rate": 0.015,
        "order_price_type": "formula_price", "active_price": 61000.0, "lever_rate": 1,
        "channel_code": "AA03022abc", "offset": "open",
    }  # fmt: skip
    body = await post(signed, TRACK, fields)
    assert body["status"] == "ok", body
    order = await strategy(engine, body["data"]["order_id"])
    assert order is not None and (order.direction, order.trigger_type) == ("sell", "ge")


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"contract_code": None}, 1066, empty("contract_code")),
        ({"direction": None}, 1066, empty("direction")),
        ({"direction": "long"}, 1035, None),
        ({"offset": None}, 1066, empty("offset")),
        ({"offset": "both"}, 1036, None),
        ({"lever_rate": None}, 1094, None),
        ({"lever_rate": "five"}, 1037, None),
        ({"lever_rate": 7}, 1037, None),
        ({"volume": None}, 1066, empty("volume")),
        ({"volume": "1.5"}, 1040, None),  # as swap_order and swap_trigger_order answer
        ({"volume": 0}, 1040, None),
        ({"callback_rate": None}, 1066, empty("callback_rate")),
        ({"callback_rate": "1%"}, 1067, invalid("callback_rate")),
        ({"callback_rate": "0.0000000000000000001"}, 1067, invalid("callback_rate")),
        ({"callback_rate": "NaN"}, 1067, invalid("callback_rate")),
        ({"callback_rate": 0.0005}, 1425, "The callback rate should be ≥0.1%, please modify!"),
        ({"callback_rate": "0.2"}, 1425, "The callback rate should be ≤10%, please modify!"),
        ({"active_price": None}, 1066, empty("active_price")),
        ({"active_price": "cheap"}, 1067, invalid("active_price")),
        ({"active_price": "59000.05"}, 1038, None),
        ({"active_price": 0}, 1069, None),
        ({"active_price": 60000}, 1426, "The activation price should be < the latest price."),
        ({"order_price_type": None}, 1066, empty("order_price_type")),
        ({"order_price_type": "limit"}, 1034, None),
        ({"order_price_type": "opponent"}, 1034, None),
        ({"contract_code": "XRP-USD"}, 1014, None),
    ],
)  # fmt: skip
async def test_bad_fields_answer_htx_errors_and_place_nothing(
    signed: SignedClient, engine: Engine, change: dict[str, Any], code: int, message: str | None
) -> None:
    fields = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    body = await post(signed, TRACK, fields)
    assert (body["status"], body["err_code"]) == ("error", code), body
    if message is not None:
        assert body["err_msg"] == message
    assert await engine.query_async(lambda ex: len(ex.state.strategies)) == 0


async def test_errors_in_chinese(signed: SignedClient) -> None:
    zh = {"Accept-Language": "zh-CN"}
    body = await post(signed, TRACK, {**VALID, "direction": "sell"}, headers=zh)
    assert (body["err_code"], body["err_msg"]) == (1426, "激活价必须>最新价")
    body = await post(signed, TRACK, {**VALID, "callback_rate": "0.5"}, headers=zh)
    assert (body["err_code"], body["err_msg"]) == (1425, "回调比例必须≤10%, 请修改!")


async def test_it_counts_in_the_trade_bucket_and_the_strategy_limit(
    signed: SignedClient, clock: Any
) -> None:
    response = await signed.post(TRACK, VALID)
    assert response.headers["ratelimit-limit"] == "72"
    for _ in range(4):
        assert SignedClient.json(await signed.post(TRACK, VALID))["status"] == "ok"
    sixth = await post(signed, TRACK, VALID)
    assert (sixth["status"], sixth["err_code"]) == ("error", 1032)
    clock.advance(1000)
    assert (await post(signed, TRACK, VALID))["status"] == "ok"


def limit(direction: str, price: str) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": 1, "direction": direction, "offset": "open",
        "lever_rate": 5, "order_price_type": "limit", "price": price,
    }  # fmt: skip


async def test_activates_and_fires_on_trades(signed: SignedClient, signed_for: Any) -> None:
    """Read back over the wire: swap_track_openorders while it waits, swap_track_hisorders once
    it fired, swap_order_info for the order it placed."""
    placed = await post(signed, TRACK, {**VALID, "callback_rate": "0.005", "volume": 2})
    order_id = placed["data"]["order_id"]
    second, third = signed_for(KEYS.second), signed_for(KEYS.third)

    async def trade(price: str) -> None:
        assert (await post(second, ORDER, limit("sell", price)))["status"] == "ok"
        assert (await post(third, ORDER, limit("buy", price)))["status"] == "ok"

    async def open_row() -> dict[str, Any]:
        page = await post(signed, OPEN_ORDERS, {"contract_code": "BTC-USD"})
        (row,) = page["data"]["orders"]
        assert row["order_id"] == order_id
        return row  # type: ignore[no-any-return]

    assert (await open_row())["is_active"] == 0
    await trade("59000")
    assert (await open_row())["is_active"] == 1
    await trade("58000")
    await trade("58290")  # 58000 x 1.005
    assert (await post(signed, OPEN_ORDERS, {"contract_code": "BTC-USD"}))["data"]["orders"] == []
    history = await post(
        signed, HISTORY, {"contract_code": "BTC-USD", "status": "4", "trade_type": 0,
                          "create_date": 1},
    )  # fmt: skip
    (row,) = history["data"]["orders"]
    assert (row["order_id"], row["status"], row["is_active"]) == (order_id, 4, 1)
    assert (row["market_limit_price"], row["formula_price"], row["triggered_price"]) == (
        58000, 58290, 58290,
    )  # fmt: skip
    assert (row["real_volume"], row["callback_rate"], row["active_price"]) == (
        2, 0.005, 59000,
    )  # fmt: skip
    assert (row["fail_code"], row["fail_reason"], row["canceled_at"]) == (None, None, 0)
    info = await post(
        signed, "/swap-api/v1/swap_order_info",
        {"contract_code": "BTC-USD", "order_id": row["relation_order_id"]},
    )  # fmt: skip
    (child,) = info["data"]
    assert (child["order_source"], child["order_price_type"], child["price"]) == (
        "track", "limit", 58290,
    )  # fmt: skip
    assert (child["direction"], child["offset"], child["volume"], child["lever_rate"]) == (
        "buy", "open", 2, 5,
    )  # fmt: skip
