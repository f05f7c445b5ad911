"""swap_trigger_order on the wire: HTX's reply (reference 2.1), its validation codes and texts,
and a refused order changing nothing. What the order does once it waits is the domain's
(tests/scenarios); here: that it waits, lists, and freezes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.texts import empty, invalid

from .conftest import SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
PLACE = V1 + "swap_trigger_order"
OPEN = V1 + "swap_trigger_openorders"
VALID: dict[str, Any] = {
    "contract_code": "BTC-USD", "trigger_type": "ge", "trigger_price": "61000",
    "order_price": "61000", "order_price_type": "limit", "volume": 1, "direction": "buy",
    "offset": "open", "lever_rate": 5,
}  # fmt: skip


async def post(client: SignedClient, path: str, body: Any, **kwargs: Any) -> Any:
    return SignedClient.json(await client.post(path, body, **kwargs))


async def open_rows(client: SignedClient) -> list[dict[str, Any]]:
    body = await post(client, OPEN, {"contract_code": "BTC-USD"})
    assert body["status"] == "ok", body
    rows: list[dict[str, Any]] = body["data"]["orders"]
    return rows


async def test_the_reply_is_htxs_order_id_pair(signed: SignedClient) -> None:
    body = await post(signed, PLACE, VALID)
    assert set(body) == {"status", "data", "ts"} and body["status"] == "ok"
    data = body["data"]
    assert set(data) == {"order_id", "order_id_str"}
    assert isinstance(data["order_id"], int) and data["order_id_str"] == str(data["order_id"])
    assert len(data["order_id_str"]) == 18  # HTX's ids since changelog 1.1.4


async def test_strings_for_numbers_lower_case_code_and_cxxts_extra_field(
    signed: SignedClient,
) -> None:
    """Huobi's own QA client sends every number as a string; ccxt adds channel_code."""
    body = await post(
        signed, PLACE,
        {**VALID, "contract_code": "btc-usd", "volume": "2", "lever_rate": "5",
         "trigger_price": "61000.5", "order_price": 61000, "channel_code": "AA03022abc"},
    )  # fmt: skip
    assert body["status"] == "ok", body
    (row,) = await open_rows(signed)
    assert row["order_id"] == body["data"]["order_id"]
    assert (row["contract_code"], row["volume"], row["lever_rate"]) == ("BTC-USD", 2, 5)
    assert (row["trigger_price"], row["order_price"]) == (61000.5, 61000)


async def test_optimal_needs_no_order_price_and_lists_zero(signed: SignedClient) -> None:
    fields = {k: v for k, v in VALID.items() if k != "order_price"}
    body = await post(signed, PLACE, {**fields, "order_price_type": "optimal_20"})
    assert body["status"] == "ok", body
    (row,) = await open_rows(signed)
    assert (row["order_price_type"], row["order_price"]) == ("optimal_20", 0)


async def test_limit_is_the_default_price_type(signed: SignedClient) -> None:
    fields = {k: v for k, v in VALID.items() if k != "order_price_type"}
    assert (await post(signed, PLACE, fields))["status"] == "ok"
    (row,) = await open_rows(signed)
    assert row["order_price_type"] == "limit"


async def test_a_waiting_trigger_order_freezes_nothing(signed: SignedClient) -> None:
    account = V1 + "swap_account_info"
    before = (await post(signed, account, {"contract_code": "BTC-USD"}))["data"][0]
    assert (await post(signed, PLACE, {**VALID, "volume": 1000}))["status"] == "ok"
    after = (await post(signed, account, {"contract_code": "BTC-USD"}))["data"][0]
    assert after["margin_frozen"] == before["margin_frozen"] == 0
    assert after["margin_available"] == before["margin_available"]


def without(name: str) -> dict[str, Any]:
    return {k: v for k, v in VALID.items() if k != name}


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (without("contract_code"), 1066, empty("contract_code")),
        ({**VALID, "contract_code": "DOGE-USD"}, 1014, "This contract doesnt exist."),
        (without("trigger_type"), 1066, empty("trigger_type")),
        ({**VALID, "trigger_type": "gt"}, 1082, "Trigger type parameter error."),
        ({**VALID, "trigger_type": "GE"}, 1082, "Trigger type parameter error."),
        # HTX's own QA suite sees the camel-case name for this one field.
        (without("trigger_price"), 1066, empty("triggerPrice")),
        ({**VALID, "trigger_price": ""}, 1066, empty("triggerPrice")),
        ({**VALID, "trigger_price": "abc"}, 1067, invalid("trigger_price")),
        ({**VALID, "trigger_price": "0"}, 1069, "The price is not reasonable."),
        ({**VALID, "trigger_price": "-61000"}, 1069, "The price is not reasonable."),
        ({**VALID, "trigger_price": "61000.05"}, 1038,
         "The order price exceeds the precision limit, please modify and order again."),
        (without("volume"), 1066, empty("volume")),
        ({**VALID, "volume": "1.5"}, 1040, "Invalid amount, please modify and order again."),
        ({**VALID, "volume": 0}, 1040, "Invalid amount, please modify and order again."),
        ({**VALID, "volume": 1_000_001}, 1041,
         "The order amount exceeds the limit (1000000Cont), please modify and order again."),
        (without("direction"), 1066, empty("direction")),
        ({**VALID, "direction": "long"}, 1035, "Incorrect field of form direction."),
        (without("offset"), 1066, empty("offset")),
        ({**VALID, "offset": "both"}, 1036, "Incorrect field of open long form."),
        ({**VALID, "order_price_type": "opponent"}, 1034, "Incorrect field of order price type."),
        ({**VALID, "order_price_type": "post_only"}, 1034,
         "Incorrect field of order price type."),
        ({**VALID, "order_price_type": "formula_price"}, 1034,
         "Incorrect field of order price type."),  # trailing orders only
        (without("order_price"), 1069, "The price is not reasonable."),
        ({**VALID, "order_price": "61000.05"}, 1038,
         "The order price exceeds the precision limit, please modify and order again."),
        ({**VALID, "lever_rate": "x"}, 1037,
         "The leverage is invalid. Please contact the customer service."),
        ({**VALID, "lever_rate": 7}, 1037,
         "The leverage is invalid. Please contact the customer service."),
        (without("lever_rate"), 1094,
         "The leverage cannot be empty, please switch the leverage or contact customer service"),
    ],
)  # fmt: skip
async def test_refusals_answer_htxs_code_and_text_and_change_nothing(
    signed: SignedClient, body: dict[str, Any], code: int, message: str
) -> None:
    answer = await post(signed, PLACE, body)
    assert answer == {"status": "error", "err_code": code, "err_msg": message,
                      "ts": answer["ts"]}  # fmt: skip
    assert await open_rows(signed) == []


async def test_refusals_in_chinese(signed: SignedClient) -> None:
    zh = {"Accept-Language": "zh-CN"}
    answer = await post(signed, PLACE, without("trigger_price"), headers=zh)
    assert (answer["err_code"], answer["err_msg"]) == (1066, "triggerPrice字段不能为空,请重新输入")
    answer = await post(signed, PLACE, {**VALID, "trigger_type": "x"}, headers=zh)
    assert (answer["err_code"], answer["err_msg"]) == (1082, "触发类型参数错误")


async def test_a_closing_order_needs_no_lever_rate(signed: SignedClient) -> None:
    body = {**without("lever_rate"), "offset": "close", "direction": "sell"}
    assert (await post(signed, PLACE, body))["status"] == "ok"
    (row,) = await open_rows(signed)
    assert row["offset"] == "close" and row["lever_rate"] is None  # no holding to take it from


async def test_a_read_only_key_cannot_place(signed_for: Any, keys: Any) -> None:
    answer = await post(signed_for(keys.reader), PLACE, VALID)
    assert answer["status"] == "error" and answer["err_code"] == 403
