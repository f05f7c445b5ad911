"""What the dashboard (/sandbox/) is served and reads through: its static shell, open to all
but holding no data, and the admin endpoints it reads and acts through (positions, strategy
orders, history, fills, a contract's market, cancels on a UID's behalf). The browser tests in
tests/browser drive the same through a real chromium."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID1, UID2, SignedClient

pytestmark = pytest.mark.anyio

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN = "/sandbox-api/v1"
SWAP_ORDER = "/swap-api/v1/swap_order"
D = Decimal


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


def decode(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    return decode(await client.get(ADMIN + path, params=params, headers=AUTH))


async def post(client: httpx.AsyncClient, path: str, **body: Any) -> Any:
    return decode(await client.post(ADMIN + path, json=body, headers=AUTH))


async def order(
    signed: SignedClient, direction: str, price: str, volume: int = 1, offset: str = "open"
) -> int:
    reply = SignedClient.json(await signed.post(SWAP_ORDER, {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction,
        "offset": offset, "lever_rate": 10, "order_price_type": "limit", "price": price,
    }))  # fmt: skip
    assert reply["status"] == "ok", reply
    return int(reply["data"]["order_id"])


async def open_ids(client: httpx.AsyncClient, uid: int = UID1) -> list[int]:
    reply = await get(client, "/orders", uid=uid, contract_code="BTC-USD")
    return [o["order_id"] for o in reply["data"]]


# -- the static shell ------------------------------------------------------------------------


async def test_the_shell_is_served_without_a_token_and_holds_no_data(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/sandbox/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="login"' in page.text and 'src="js/app.js"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    script = await client.get("/sandbox/js/api.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "Authorization" in script.text  # the token travels in the header


async def test_sandbox_without_its_slash_is_sent_to_the_shell(client: httpx.AsyncClient) -> None:
    reply = await client.get("/sandbox")
    assert reply.status_code == 308
    assert reply.headers["location"] == "/sandbox/"


async def test_nothing_outside_the_static_files_is_served(client: httpx.AsyncClient) -> None:
    for path in ("/sandbox/nothing.js", "/sandbox/../pyproject.toml", "/sandbox/%2e%2e/app.py"):
        reply = await client.get(path)
        assert reply.status_code == 404, path
    assert (await client.post("/sandbox/", content=b"token=x")).status_code == 405


# -- reads -----------------------------------------------------------------------------------


async def test_market_shows_the_book_the_tape_and_the_bars(
    client: httpx.AsyncClient, signed: SignedClient, signed_for: Any
) -> None:
    await order(signed, "buy", "59990", volume=3)
    await order(signed, "sell", "60010", volume=2)
    await order(signed_for(KEYS.second), "buy", "60010", volume=1)  # fills 1 of the ask
    reply = await get(client, "/market", contract_code="btc-usd")
    m = reply["data"]
    assert m["contract_code"] == "BTC-USD"
    assert m["bids"] == [[D("59990"), 3]] and m["asks"] == [[D("60010"), 1]]
    assert [(t["price"], t["volume"], t["direction"]) for t in m["trades"]] == [
        (D("60010"), 1, "buy")
    ]
    assert m["last_price"] == D("60010")
    assert m["klines"][-1]["close"] == D("60010") and m["klines"][-1]["vol"] == 1
    assert len(m["klines"]) == 1 and m["mark_klines"]  # from the first bar on
    assert isinstance(m["funding_rate"], str) and m["funding_time"] > 0
    assert m["index_price"] is None and m["index_ts"] is None
    assert m["index_klines"] == []  # no index yet: no index bar


async def test_market_draws_the_index_from_its_kline_series(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    engine.execute(SetIndexPrices({"BTC-USD": Decimal("60500.5")}))
    m = (await get(client, "/market", contract_code="BTC-USD", size="3"))["data"]
    assert [b["close"] for b in m["index_klines"]] == [D("60500.5")]
    assert m["index_price"] == D("60500.5")


async def test_market_refuses_what_it_cannot_answer(client: httpx.AsyncClient) -> None:
    for params, code in (
        ({}, 1066),
        ({"contract_code": "NOPE-USD"}, 1014),
        ({"contract_code": "BTC-USD", "period": "1year"}, 1067),
        ({"contract_code": "BTC-USD", "size": "301"}, 1067),
    ):
        reply = await get(client, "/market", **params)
        assert reply["status"] == "error" and reply["err_code"] == code, params


async def test_positions_fills_and_history_of_a_uid(
    client: httpx.AsyncClient, signed: SignedClient, signed_for: Any
) -> None:
    maker = await order(signed, "sell", "60000", volume=2)
    taker = await order(signed_for(KEYS.second), "buy", "60000", volume=2)
    positions = (await get(client, "/positions", uid=UID2))["data"]
    assert [(p["contract_code"], p["direction"], p["volume"]) for p in positions] == [
        ("BTC-USD", "buy", 2)
    ]
    assert positions[0]["liquidation_price"] > 0  # a 10x long liquidates below its price
    fills = (await get(client, "/fills", uid=UID2, contract_code="BTC-USD"))["data"]
    assert [(f["order_id"], f["direction"], f["trade_volume"], f["role"]) for f in fills] == [
        (taker, "buy", 2, "taker")
    ]
    history = (await get(client, "/order-history", uid=UID1, contract_code="BTC-USD"))["data"]
    assert [(o["order_id"], o["status"], o["trade_volume"]) for o in history] == [(maker, 6, 2)]
    bad = await get(client, "/fills", uid=UID2, contract_code="BTC-USD", size="0")
    assert bad["err_code"] == 1067


async def test_strategy_orders_of_every_kind_and_their_cancel(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    placed = SignedClient.json(await signed.post("/swap-api/v1/swap_trigger_order", {
        "contract_code": "BTC-USD", "trigger_type": "ge", "trigger_price": "61000",
        "order_price": "61000", "order_price_type": "limit", "volume": 1, "direction": "buy",
        "offset": "open", "lever_rate": 10,
    }))  # fmt: skip
    order_id = placed["data"]["order_id"]
    rows = (await get(client, "/strategy-orders", uid=UID1))["data"]
    assert [(r["kind"], r["order_id"], r["trigger_price"]) for r in rows] == [
        ("trigger", order_id, D("61000"))
    ]
    wrong_kind = await post(
        client, "/strategy-cancel", uid=UID1, kind="tpsl", contract_code="BTC-USD",
        order_id=str(order_id),
    )  # fmt: skip
    assert wrong_kind["data"]["successes"] == "" and wrong_kind["data"]["errors"]
    done = await post(
        client, "/strategy-cancel", uid=UID1, kind="trigger", contract_code="BTC-USD",
        order_id=str(order_id),
    )  # fmt: skip
    assert done["data"] == {"errors": [], "successes": str(order_id)}
    assert (await get(client, "/strategy-orders", uid=UID1))["data"] == []


# -- cancels on a UID's behalf -----------------------------------------------------------------


async def test_cancel_all_on_a_uids_behalf_follows_direction_and_offset(
    client: httpx.AsyncClient, signed: SignedClient, signed_for: Any
) -> None:
    buys = [await order(signed, "buy", p) for p in ("59000", "59100")]
    sell = await order(signed, "sell", "61000")
    other = await order(signed_for(KEYS.second), "buy", "59000")
    reply = await post(
        client, "/cancel-all", uid=UID1, contract_code="BTC-USD", direction="buy", offset="open"
    )
    assert reply["status"] == "ok"
    assert sorted(int(i) for i in reply["data"]["successes"].split(",")) == buys
    assert await open_ids(client) == [sell]
    assert await open_ids(client, UID2) == [other]  # nobody else's
    reply = await post(client, "/cancel-all", uid=UID1, contract_code="BTC-USD")
    assert reply["data"]["successes"] == str(sell)
    again = await post(client, "/cancel-all", uid=UID1, contract_code="BTC-USD")
    assert again["status"] == "error" and again["err_code"] == 1051  # as swap_cancelall


async def test_cancel_one_order_on_a_uids_behalf(
    client: httpx.AsyncClient, signed: SignedClient, signed_for: Any
) -> None:
    mine = await order(signed, "buy", "59000")
    theirs = await order(signed_for(KEYS.second), "buy", "59000")
    reply = await post(client, "/cancel", uid=UID1, contract_code="BTC-USD", order_id=str(theirs))
    assert reply["data"]["successes"] == "" and reply["data"]["errors"][0]["err_code"] == 1061
    reply = await post(client, "/cancel", uid=UID1, contract_code="BTC-USD", order_id=str(mine))
    assert reply["data"] == {"errors": [], "successes": str(mine)}
    assert await open_ids(client, UID2) == [theirs]


async def test_cancels_refuse_bad_input_and_change_nothing(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    mine = await order(signed, "buy", "59000")
    for path, body, code in (
        ("/cancel-all", {"contract_code": "BTC-USD"}, 1066),
        ("/cancel-all", {"uid": 77, "contract_code": "BTC-USD"}, 1010),
        ("/cancel-all", {"uid": UID1, "contract_code": "BTC-USD", "direction": "up"}, 1035),
        ("/cancel-all", {"uid": UID1, "contract_code": "BTC-USD", "offset": "both"}, 1036),
        ("/cancel-all", {"uid": UID1, "contract_code": "NOPE-USD"}, 1014),
        ("/strategy-cancel", {"uid": UID1, "kind": "x", "contract_code": "BTC-USD"}, 1067),
        ("/strategy-cancel-all",
         {"uid": UID1, "kind": "tpsl", "contract_code": "BTC-USD", "offset": "open"}, 1067),
    ):  # fmt: skip
        reply = await post(client, path, **body)
        assert reply["status"] == "error" and reply["err_code"] == code, (path, body, reply)
    refused = await client.post(
        ADMIN + "/cancel-all", json={"uid": UID1, "contract_code": "BTC-USD"},
        headers={"Authorization": "Bearer wrong"},
    )  # fmt: skip
    assert refused.status_code == 401
    assert await open_ids(client) == [mine]
