"""tp_*/sl_* on swap_order and swap_batchorder, the is_tpsl flag of order rows, and
swap_relation_tpsl_order (the opening order with its legs, HTX's section 3.7 example)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import KEYS, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

ORDER = "/swap-api/v1/swap_order"
BATCH = "/swap-api/v1/swap_batchorder"
RELATION = "/swap-api/v1/swap_relation_tpsl_order"
CANCEL = "/swap-api/v1/swap_cancel"

# The keys of HTX's example, opening order and leg.
OPENING_KEYS = {
    "symbol", "contract_code", "volume", "price", "order_price_type", "direction", "offset",
    "lever_rate", "order_id", "order_id_str", "client_order_id", "created_at", "trade_volume",
    "trade_turnover", "fee", "trade_avg_price", "margin_frozen", "profit", "status", "order_type",
    "order_source", "fee_asset", "canceled_at", "tpsl_order_info",
}  # fmt: skip
LEG_KEYS = {
    "volume", "direction", "tpsl_order_type", "order_id", "order_id_str", "trigger_type",
    "trigger_price", "order_price", "created_at", "order_price_type", "relation_tpsl_order_id",
    "status", "canceled_at", "fail_code", "fail_reason", "triggered_price", "relation_order_id",
}  # fmt: skip


def order(direction: str, price: str, volume: int, **extra: Any) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": 5, "order_price_type": "limit", "price": price, **extra,
    }  # fmt: skip


WITH_LEGS = {"tp_trigger_price": 62000, "tp_order_price_type": "optimal_5",
             "sl_trigger_price": "59000", "sl_order_price": "58990"}  # fmt: skip


async def post(client: SignedClient, path: str, body: Any) -> Any:
    answer = SignedClient.json(await client.post(path, body))
    return answer


async def place(client: SignedClient, body: dict[str, Any]) -> int:
    answer = await post(client, ORDER, body)
    assert answer["status"] == "ok", answer
    return int(answer["data"]["order_id"])


async def relation(client: SignedClient, order_id: int | str) -> Any:
    answer = await post(client, RELATION, {"contract_code": "BTC-USD", "order_id": order_id})
    assert answer["status"] == "ok", answer
    return answer["data"]


async def test_the_relation_of_an_unfilled_opening_order(signed: SignedClient) -> None:
    order_id = await place(signed, order("sell", "60000", 2, **{
        "tp_trigger_price": 58000, "tp_order_price_type": "optimal_5",
        "sl_trigger_price": 61000, "sl_order_price": 61010,
    }))  # fmt: skip
    data = await relation(signed, str(order_id))
    assert set(data) == OPENING_KEYS
    assert (data["order_id"], data["order_id_str"], data["status"]) == (
        order_id, str(order_id), 3,
    )  # fmt: skip
    assert (data["direction"], data["offset"], data["order_type"]) == ("sell", "open", 1)
    tp, sl = data["tpsl_order_info"]
    for leg in (tp, sl):
        assert set(leg) == LEG_KEYS
        assert (leg["status"], leg["direction"], leg["volume"]) == (1, "buy", 2)
        assert leg["relation_order_id"] == "-1" and leg["triggered_price"] is None
        assert leg["fail_code"] is None and leg["fail_reason"] is None
        assert leg["canceled_at"] == 0 and leg["order_id_str"] == str(leg["order_id"])
    assert (tp["tpsl_order_type"], tp["trigger_type"], tp["trigger_price"]) == ("tp", "le", 58000)
    assert (tp["order_price"], tp["order_price_type"]) == (0, "optimal_5")  # HTX prints 0
    assert (sl["tpsl_order_type"], sl["trigger_type"], sl["order_price"]) == ("sl", "ge", 61010)
    assert tp["relation_tpsl_order_id"] == sl["order_id_str"]
    assert sl["relation_tpsl_order_id"] == tp["order_id_str"]
    assert tp["order_id"] == order_id + 1


async def test_a_fill_activates_the_legs_and_sizes_them(
    signed: SignedClient, signed_for: Any
) -> None:
    order_id = await place(signed, order("buy", "60000", 3, **WITH_LEGS))
    await place(signed_for(KEYS.second), order("sell", "60000", 2))
    data = await relation(signed, order_id)
    assert (data["status"], data["trade_volume"]) == (4, 2)
    assert [(leg["status"], leg["volume"]) for leg in data["tpsl_order_info"]] == [(2, 2), (2, 2)]


async def test_cancelled_unfilled_the_legs_show_12(signed: SignedClient) -> None:
    order_id = await place(signed, order("buy", "60000", 1, **WITH_LEGS))
    cancel = await post(signed, CANCEL, {"contract_code": "BTC-USD", "order_id": str(order_id)})
    assert cancel["data"]["successes"] == str(order_id)
    data = await relation(signed, order_id)
    assert data["status"] == 7 and data["canceled_at"] > 0
    assert [leg["status"] for leg in data["tpsl_order_info"]] == [12, 12]


async def test_an_order_without_legs_has_an_empty_list_and_is_tpsl_0(signed: SignedClient) -> None:
    plain = await place(signed, order("buy", "60000", 1))
    attached = await place(signed, order("buy", "60000", 1, sl_trigger_price=59000,
                                         sl_order_price_type="optimal_10"))  # fmt: skip
    assert (await relation(signed, plain))["tpsl_order_info"] == []
    [sl] = (await relation(signed, attached))["tpsl_order_info"]
    assert sl["relation_tpsl_order_id"] == "-1"
    info = await post(signed, "/swap-api/v1/swap_order_info",
                      {"contract_code": "BTC-USD", "order_id": f"{plain},{attached}"})  # fmt: skip
    assert {row["order_id"]: row["is_tpsl"] for row in info["data"]} == {plain: 0, attached: 1}
    page = await post(signed, "/swap-api/v1/swap_openorders", {"contract_code": "BTC-USD"})
    assert {row["order_id"]: row["is_tpsl"] for row in page["data"]["orders"]} == {
        plain: 0, attached: 1,
    }  # fmt: skip


async def test_batch_orders_carry_their_own_legs(signed: SignedClient) -> None:
    body = {"orders_data": [
        order("buy", "60000", 1, **WITH_LEGS),
        order("buy", "60000", 1, tp_trigger_price=59000, tp_order_price=59000),  # wrong side
        order("sell", "61000", 1, sl_trigger_price=62000, sl_order_price_type="optimal_5"),
    ]}  # fmt: skip
    data = (await post(signed, BATCH, body))["data"]
    assert [e["index"] for e in data["errors"]] == [2]
    assert data["errors"][0]["err_code"] == 1405
    assert data["errors"][0]["err_msg"] == (
        "The take-profit price shall not be lower than or equal to the order price 60000.0"
    )
    first, third = (item["order_id"] for item in data["success"])
    assert len((await relation(signed, first))["tpsl_order_info"]) == 2
    [sl] = (await relation(signed, third))["tpsl_order_info"]
    assert (sl["tpsl_order_type"], sl["direction"], sl["trigger_type"]) == ("sl", "buy", "ge")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"order_id": 1}, 1066, empty("contract_code")),
        ({"contract_code": "BTC-USD"}, 1066, empty("order_id")),
        ({"contract_code": "BTC-USD", "order_id": "x1"}, 1067, invalid("order_id")),
        ({"contract_code": "DOGE-USD", "order_id": 1}, 1014, None),
        ({"contract_code": "BTC-USD", "order_id": 12345}, 1017, "Order doesnt exist."),
        ({"contract_code": "BTC-USD", "order_id": -5}, 1017, None),
    ],
)  # fmt: skip
async def test_relation_refusals(
    signed: SignedClient, body: dict[str, Any], code: int, message: str | None
) -> None:
    answer = await post(signed, RELATION, body)
    assert answer["status"] == "error" and answer["err_code"] == code, answer
    if message is not None:
        assert answer["err_msg"] == message


async def test_another_uids_order_does_not_exist_for_you(
    signed: SignedClient, signed_for: Any
) -> None:
    theirs = await place(signed_for(KEYS.second), order("buy", "60000", 1, **WITH_LEGS))
    answer = await post(signed, RELATION, {"contract_code": "BTC-USD", "order_id": theirs})
    assert answer["err_code"] == 1017
    other_contract = await post(signed_for(KEYS.second), RELATION,
                                {"contract_code": "ETH-USD", "order_id": theirs})  # fmt: skip
    assert other_contract["err_code"] == 1017


async def test_a_read_key_may_ask(signed: SignedClient, signed_for: Any) -> None:
    order_id = await place(signed, order("buy", "60000", 1, **WITH_LEGS))
    data = await relation(signed_for(KEYS.reader), order_id)
    assert len(data["tpsl_order_info"]) == 2
