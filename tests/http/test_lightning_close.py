"""swap_lightning_close_position on the wire: HTX's reply, HTX's errors, and swap_order keeping
the lightning types to itself."""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, SignedClient
from tests.texts import empty

pytestmark = pytest.mark.anyio

LIGHTNING = "/swap-api/v1/swap_lightning_close_position"
ORDER = "/swap-api/v1/swap_order"


def order(direction: str, price: str, volume: int, offset: str = "open") -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": offset,
        "lever_rate": 5, "order_price_type": "limit", "price": price,
    }  # fmt: skip


async def post(client: SignedClient, path: str, body: Any) -> Any:
    return SignedClient.json(await client.post(path, body))


@pytest.fixture
async def long_2(signed: SignedClient, signed_for: Any) -> SignedClient:
    """The trader (UID 1) holds 2 long; UID 2 bids 1 at 59000 and 1 at 58000."""
    second = signed_for(KEYS.second)
    assert (await post(second, ORDER, order("sell", "60000", 2)))["status"] == "ok"
    assert (await post(signed, ORDER, order("buy", "60000", 2)))["status"] == "ok"
    for price in ("59000", "58000"):
        assert (await post(second, ORDER, order("buy", price, 1)))["status"] == "ok"
    return second


async def test_a_lightning_close_answers_the_order_it_placed(
    signed: SignedClient, long_2: SignedClient, engine: Engine
) -> None:
    body = await post(
        signed, LIGHTNING, {"contract_code": "btc-usd", "volume": "2", "direction": "sell",
                            "client_order_id": 9086}
    )  # fmt: skip
    assert body["status"] == "ok", body
    data = body["data"]
    assert data == {
        "order_id": data["order_id"], "order_id_str": str(data["order_id"]),
        "client_order_id": 9086,
    }  # fmt: skip
    info = await post(
        signed, "/swap-api/v1/swap_order_info",
        {"contract_code": "BTC-USD", "order_id": data["order_id_str"]},
    )  # fmt: skip
    (row,) = info["data"]
    kind = (row["order_price_type"], row["offset"], row["direction"])
    assert kind == ("lightning", "close", "sell")
    assert (row["status"], row["trade_volume"], row["lever_rate"]) == (6, 2, 5)
    positions = await post(signed, "/swap-api/v1/swap_position_info", {"contract_code": "BTC-USD"})
    assert positions["data"] == []


async def test_without_a_client_order_id_the_reply_has_none(
    signed: SignedClient, long_2: SignedClient
) -> None:
    body = await post(
        signed, LIGHTNING,
        {"contract_code": "BTC-USD", "volume": 1, "direction": "sell",
         "order_price_type": "lightning_fok"},
    )  # fmt: skip
    assert set(body["data"]) == {"order_id", "order_id_str"}


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"volume": 1, "direction": "sell"}, 1066, empty("contract_code")),
        ({"contract_code": "BTC-USD", "direction": "sell"}, 1040, None),
        ({"contract_code": "BTC-USD", "volume": 1}, 1066, empty("direction")),
        ({"contract_code": "BTC-USD", "volume": 1, "direction": "up"}, 1035, None),
        (
            {"contract_code": "BTC-USD", "volume": 1, "direction": "sell",
             "order_price_type": "limit"},
            1034, None,
        ),
        ({"contract_code": "BTC-USD", "volume": 1, "direction": "buy"}, 1048,
         "Insufficient close amount available."),
        ({"contract_code": "XRP-USD", "volume": 1, "direction": "sell"}, 1014, None),
    ],
)  # fmt: skip
async def test_bad_requests_answer_htx_errors(
    signed: SignedClient, fields: dict[str, Any], code: int, message: str | None
) -> None:
    body = await post(signed, LIGHTNING, fields)
    assert (body["status"], body["err_code"]) == ("error", code), body
    if message is not None:
        assert body["err_msg"] == message


async def test_swap_order_refuses_the_lightning_types(signed: SignedClient) -> None:
    for kind in ("lightning", "lightning_ioc", "lightning_fok"):
        fields = {**order("sell", "60000", 1, "close"), "order_price_type": kind}
        body = await post(signed, ORDER, fields)
        assert (body["status"], body["err_code"]) == ("error", 1034), body


async def test_it_counts_in_the_trade_bucket(signed: SignedClient) -> None:
    fields = {"contract_code": "BTC-USD", "volume": 1, "direction": "sell"}
    response = await signed.post(LIGHTNING, fields)
    assert response.headers["ratelimit-limit"] == "72"
