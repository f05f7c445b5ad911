"""swap_tpsl_order on the wire, against HTX's examples: the reply's tp_order / sl_order (null
for a leg not asked for), HTX's codes and texts for bad input, and nothing made by a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox.domain.strategy_orders import StrategyKind
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID1, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

TPSL = "/swap-api/v1/swap_tpsl_order"
ORDER = "/swap-api/v1/swap_order"
ORDER_INFO = "/swap-api/v1/swap_order_info"


def order(direction: str, price: str, volume: int, offset: str = "open") -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": offset,
        "lever_rate": 5, "order_price_type": "limit", "price": price,
    }  # fmt: skip


async def post(client: SignedClient, path: str, body: Any, **kw: Any) -> Any:
    return SignedClient.json(await client.post(path, body, **kw))


def open_tpsl(engine: Engine) -> list[Any]:
    state = engine.exchange.state
    return list(state.strategies.owned(UID1, "BTC-USD", StrategyKind.TPSL).values())


@pytest.fixture
async def short_2(signed: SignedClient, signed_for: Any) -> SignedClient:
    """The trader (UID 1) holds 2 short at 60000, bought by UID 2."""
    second = signed_for(KEYS.second)
    assert (await post(second, ORDER, order("buy", "60000", 2)))["status"] == "ok"
    assert (await post(signed, ORDER, order("sell", "60000", 2)))["status"] == "ok"
    return second


async def test_both_legs_answer_their_ids_as_in_htxs_example(
    signed: SignedClient, short_2: SignedClient, engine: Engine
) -> None:
    # HTX's example request mixes numbers and numeric strings.
    body = {
        "contract_code": "btc-usd", "direction": "buy", "volume": 2,
        "tp_trigger_price": 59000, "tp_order_price": 59000, "tp_order_price_type": "limit",
        "sl_trigger_price": "61000", "sl_order_price": "61000", "sl_order_price_type": "limit",
    }  # fmt: skip
    response = await signed.post(TPSL, body)
    answer = SignedClient.json(response)
    assert set(answer) == {"status", "data", "ts"} and answer["status"] == "ok"
    tp, sl = answer["data"]["tp_order"], answer["data"]["sl_order"]
    assert set(answer["data"]) == {"tp_order", "sl_order"}
    for leg in (tp, sl):
        assert set(leg) == {"order_id", "order_id_str"}
        assert type(leg["order_id"]) is int and leg["order_id_str"] == str(leg["order_id"])
        assert f'"order_id":{leg["order_id_str"]}' in response.text  # a JSON integer
    assert sl["order_id"] == tp["order_id"] + 1
    legs = {o.order_id: o for o in open_tpsl(engine)}
    assert legs[tp["order_id"]].relation_tpsl_order_id == sl["order_id"]
    assert legs[sl["order_id"]].trigger_type.value == "ge"


async def test_a_leg_not_asked_for_is_null(signed: SignedClient, short_2: SignedClient) -> None:
    # a price type alone creates nothing (HTX: no trigger price, no order)
    body = {
        "contract_code": "BTC-USD", "direction": "buy", "volume": 1,
        "sl_trigger_price": 61000, "sl_order_price_type": "optimal_5",
        "tp_order_price_type": "optimal_5",
    }  # fmt: skip
    data = (await post(signed, TPSL, body))["data"]
    assert data["tp_order"] is None and set(data["sl_order"]) == {"order_id", "order_id_str"}


async def test_what_ccxt_sends_is_accepted(
    signed: SignedClient, short_2: SignedClient, engine: Engine
) -> None:
    """ccxt adds offset and channel_code (and sends the volume as a string): ignored."""
    body = {
        "contract_code": "BTC-USD", "volume": "1", "direction": "buy", "offset": "close",
        "sl_order_price_type": "limit", "sl_trigger_price": "61000", "sl_order_price": "61000",
        "channel_code": "AA03022abc",
    }  # fmt: skip
    data = (await post(signed, TPSL, body))["data"]
    assert data["tp_order"] is None and data["sl_order"]["order_id"] > 0
    assert [o.volume for o in open_tpsl(engine)] == [1]


async def test_a_fired_leg_places_a_tpsl_order(
    signed: SignedClient, short_2: SignedClient, signed_for: Any, engine: Engine
) -> None:
    body = {"contract_code": "BTC-USD", "direction": "buy", "volume": 2,
            "tp_trigger_price": 59000, "tp_order_price_type": "optimal_5"}  # fmt: skip
    tp = (await post(signed, TPSL, body))["data"]["tp_order"]
    third = signed_for(KEYS.third)
    assert (await post(third, ORDER, order("sell", "59100", 2)))["status"] == "ok"
    assert (await post(short_2, ORDER, order("buy", "59000", 1)))["status"] == "ok"
    assert (await post(third, ORDER, order("sell", "59000", 1)))["status"] == "ok"
    # the trade at 59000 fired the TP: the trader bought back 2 from the third's asks
    positions = await post(signed, "/swap-api/v1/swap_position_info", {"contract_code": "BTC-USD"})
    assert positions["data"] == []
    leg = engine.exchange.strategy_order(tp["order_id"])
    assert leg is not None and leg.relation_order_id is not None
    info = await post(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": str(leg.relation_order_id)}
    )
    (row,) = info["data"]
    assert (row["order_source"], row["offset"], row["direction"], row["status"]) == (
        "tpsl", "close", "buy", 6,
    )  # fmt: skip
    assert (row["order_price_type"], row["trade_volume"], row["is_tpsl"]) == ("optimal_5", 2, 0)


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"contract_code": None}, 1066, empty("contract_code")),  # HTX's example
        ({"contract_code": "DOGE-USD"}, 1014, "This contract doesnt exist."),
        ({"direction": None}, 1066, empty("direction")),
        ({"direction": "long"}, 1035, "Incorrect field of form direction."),
        ({"volume": None}, 1040, "Invalid amount, please modify and order again."),
        ({"volume": "1.5"}, 1040, None),
        ({"volume": 3}, 1048, "Insufficient close amount available."),
        ({"tp_trigger_price": None, "sl_trigger_price": None}, 1066,
         empty("tp_trigger_price or sl_trigger_price")),
        ({"tp_trigger_price": "abc"}, 1067, invalid("tp_trigger_price")),
        ({"tp_trigger_price": "59000.05"}, 1038, None),
        ({"tp_order_price": None}, 1069, "The price is not reasonable."),
        ({"tp_order_price_type": "post_only"}, 1034, "Incorrect field of order price type."),
        ({"sl_order_price_type": "formula_price"}, 1034, None),
        ({"tp_trigger_price": 60000}, 1405,
         "The take-profit price shall not be higher than or equal to the latest price 60000.0"),
        ({"sl_trigger_price": 59000, "sl_order_price": 59000}, 1407,
         "The stop-loss price shall not be lower than or equal to the latest price 60000.0"),
        ({"price_protect": 2}, 1067, invalid("price_protect")),
    ],
)  # fmt: skip
async def test_refusals_answer_htxs_codes_and_create_nothing(
    signed: SignedClient,
    short_2: SignedClient,
    engine: Engine,
    changes: dict[str, Any],
    code: int,
    message: str | None,
) -> None:
    body = {
        "contract_code": "BTC-USD", "direction": "buy", "volume": 2,
        "tp_trigger_price": 59000, "tp_order_price": 59000,
        "sl_trigger_price": 61000, "sl_order_price": 61000, "price_protect": False,
    }  # fmt: skip
    body.update(changes)
    answer = await post(signed, TPSL, {k: v for k, v in body.items() if v is not None})
    assert answer["status"] == "error" and answer["err_code"] == code, answer
    if message is not None:
        assert answer["err_msg"] == message
    assert set(answer) == {"status", "err_code", "err_msg", "ts"}
    assert open_tpsl(engine) == []


async def test_the_price_side_error_in_chinese(signed: SignedClient, short_2: SignedClient) -> None:
    body = {"contract_code": "BTC-USD", "direction": "buy", "volume": 1,
            "sl_trigger_price": 59000, "sl_order_price": 59000}  # fmt: skip
    answer = await post(signed, TPSL, body, headers={"Accept-Language": "zh-CN"})
    assert (answer["err_code"], answer["err_msg"]) == (1407, "止损价不得低于或等于最新价60000.0")


async def test_a_read_only_key_cannot_place(signed_for: Any, short_2: SignedClient) -> None:
    reader = signed_for(KEYS.reader)
    body = {"contract_code": "BTC-USD", "direction": "buy", "volume": 1,
            "tp_trigger_price": 59000, "tp_order_price": 59000}  # fmt: skip
    answer = await post(reader, TPSL, body)
    assert answer["status"] == "error" and answer["err_code"] == 403
