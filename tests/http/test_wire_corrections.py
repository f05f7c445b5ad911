"""The wire corrections of issue 14 (items 3, 4, 5): order, account and position fields and the
market's JSON types, each as HTX's documents show it (docs/compatibility.md, "Wire
corrections")."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Tick
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.margin import position_figures
from htx_sandbox.domain.types import UID
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID1, SignedClient
from tests.http.test_risk_endpoints import liquidate

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
LONG_DECIMALS = re.compile(r"[0-9]\.[0-9]{19,}")


def decoded(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def order(direction: str, price: str, volume: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": price, **extra,
    }  # fmt: skip


async def placed(client: SignedClient, body: dict[str, Any]) -> int:
    reply = SignedClient.json(await client.post(V1 + "swap_order", body))
    assert reply["status"] == "ok", reply
    return int(reply["data"]["order_id"])


async def info(client: SignedClient, order_id: int) -> dict[str, Any]:
    body = {"contract_code": "BTC-USD", "order_id": str(order_id)}
    reply = decoded(await client.post(V1 + "swap_order_info", body))
    assert reply["status"] == "ok", reply
    [row] = reply["data"]
    return dict(row)


@pytest.fixture
def seller(client: httpx.AsyncClient, clock: ManualClock) -> SignedClient:
    return SignedClient(client, KEYS.second.access, KEYS.second.secret, clock=clock)


@pytest.fixture
def poor(client: httpx.AsyncClient, clock: ManualClock) -> SignedClient:
    return SignedClient(client, KEYS.unfunded.access, KEYS.unfunded.secret, clock=clock)


# -- canceled_source -------------------------------------------------------------------------


async def test_the_dead_man_s_switch_names_itself_on_the_orders_it_cancels(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    resting = await placed(signed, order("buy", "50000"))
    switch = {"on_off": 1, "time_out": 5000}
    assert SignedClient.json(await signed.post(V1 + "swap-cancel-after", switch))["code"] == 200
    clock.advance(5001)
    assert engine.execute(Tick()).error is None

    row = await info(signed, resting)
    assert (row["status"], row["canceled_source"]) == (7, "timeout-canceled-order")


async def test_self_trade_prevention_names_itself_on_the_taker_it_cancels(
    signed: SignedClient,
) -> None:
    maker = await placed(signed, order("sell", "60000"))
    taker = await placed(signed, order("buy", "60000"))  # self_match_prevent 1, the default

    assert (
        (await info(signed, taker))["status"],
        (await info(signed, taker))["canceled_source"],
    ) == (
        7,
        "prevent-self-dealing",
    )
    assert (await info(signed, maker))["status"] == 3


async def test_an_order_its_owner_cancels_carries_an_empty_source(signed: SignedClient) -> None:
    resting = await placed(signed, order("buy", "50000"))
    cancel = {"contract_code": "BTC-USD", "order_id": str(resting)}
    assert SignedClient.json(await signed.post(V1 + "swap_cancel", cancel))["status"] == "ok"

    row = await info(signed, resting)
    assert (row["status"], row["canceled_source"]) == (7, "")


# -- open orders, history, detail ------------------------------------------------------------


async def test_open_orders_print_liquidation_type_and_canceled_at_null_as_htx_s_examples(
    signed: SignedClient,
) -> None:
    resting = await placed(signed, order("buy", "50000"))
    body = {"contract_code": "BTC-USD"}
    [listed] = decoded(await signed.post(V1 + "swap_openorders", body))["data"]["orders"]

    assert (listed["liquidation_type"], listed["canceled_at"]) == (None, None)
    # swap_order_info prints the same open order with "0" and 0, as HTX's example does
    row = await info(signed, resting)
    assert (row["liquidation_type"], row["canceled_at"]) == ("0", 0)


async def test_history_prints_an_unfilled_order_s_average_price_as_0(
    signed: SignedClient,
) -> None:
    resting = await placed(signed, order("buy", "50000"))
    query = {
        "contract_code": "BTC-USD", "trade_type": 0, "type": 1, "status": "0", "create_date": 1,
    }  # fmt: skip
    [row] = decoded(await signed.post(V1 + "swap_hisorders", query))["data"]["orders"]

    assert row["order_id"] == resting and row["trade_avg_price"] == 0
    assert (await info(signed, resting))["trade_avg_price"] is None  # the order queries: null


async def test_instrument_price_is_the_liquidation_price_of_a_liquidation_order(
    engine: Engine, clock: ManualClock, poor: SignedClient, seller: SignedClient
) -> None:
    ids = await liquidate(engine, clock, poor, seller)

    def detail(order_id: str) -> dict[str, Any]:
        return {"contract_code": "BTC-USD", "order_id": order_id}

    forced = decoded(await poor.post(V1 + "swap_order_detail", detail(ids["liquidation"])))
    assert forced["data"]["order_type"] == 3
    assert forced["data"]["instrument_price"] == forced["data"]["price"] > 0
    ordinary = decoded(await poor.post(V1 + "swap_order_detail", detail(ids["bid"])))
    assert ordinary["data"]["instrument_price"] == 0


# -- accounts and positions ------------------------------------------------------------------


async def test_position_figures_are_printed_on_the_1e_18_grid(
    signed: SignedClient, seller: SignedClient, engine: Engine
) -> None:
    # An open price and a mark whose ratio does not end: profit_rate needs 60 digits.
    await placed(seller, order("sell", "60000.3", 3))
    await placed(signed, order("buy", "60000.3", 3))
    await placed(seller, order("sell", "59999.7", 1))
    await placed(signed, order("buy", "59999.7", 1))

    def exact(exchange: Exchange) -> Decimal:
        holding = exchange.state.holding(UID(UID1), "BTC-USD")
        return position_figures(exchange.state, holding.long, holding.lever_rate).profit_rate

    unrounded = engine.query(exact).result(5)
    assert -unrounded.as_tuple().exponent > 18  # the figure the domain computes
    response = await signed.post(V1 + "swap_position_info", {"contract_code": "BTC-USD"})
    assert not LONG_DECIMALS.search(response.text), response.text
    [long] = decoded(response)["data"]
    assert long["profit_rate"] == unrounded.quantize(Decimal("1e-18"))


# -- market data -----------------------------------------------------------------------------


async def test_history_trade_prints_numbers_and_only_htx_s_fields(
    client: httpx.AsyncClient, signed: SignedClient, seller: SignedClient
) -> None:
    await placed(seller, order("sell", "60000.5", 2))
    await placed(signed, order("buy", "60000.5", 2))
    params = {"contract_code": "BTC-USD", "size": "5"}
    reply = decoded(await client.get("/swap-ex/market/history/trade", params=params))

    [group] = reply["data"]
    [trade] = group["data"]
    assert set(trade) == {"amount", "quantity", "direction", "id", "price", "ts"}
    assert (trade["amount"], trade["price"]) == (4, Decimal("60000.5"))  # numbers, both sides
    assert isinstance(trade["quantity"], Decimal)


async def test_book_prices_print_without_the_tick_s_trailing_zeros(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    await placed(signed, order("buy", "59000"))
    depth = await client.get(
        "/swap-ex/market/depth", params={"contract_code": "BTC-USD", "type": "step0"}
    )
    assert '"bids":[[59000,1]]' in depth.text, depth.text
    bbo = await client.get("/swap-ex/market/bbo", params={"contract_code": "BTC-USD"})
    assert '"bid":[59000,1]' in bbo.text, bbo.text
    merged = await client.get("/swap-ex/market/detail/merged", params={"contract_code": "BTC-USD"})
    assert '"bid":[59000,1]' in merged.text, merged.text
