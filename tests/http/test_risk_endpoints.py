"""Risk on the wire: swap_adjustfactor, swap_account_info's risk fields, the public liquidation
feed (v3 swap_liquidation_orders), the account's own liquidation orders in swap_hisorders,
swap_matchresults_exact and swap_order_info, and the insurance fund (swap_risk_info,
swap_insurance_fund), in HTX's shapes and envelopes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Deposit, SetIndexPrices
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.insurance_fund import FUND, fund_balance
from htx_sandbox.domain.money import contract_value
from htx_sandbox.domain.types import UID, ZERO, Millis
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import FinancialRecordQuery, Store
from tests.http.conftest import KEYS, UID_UNFUNDED, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
FEED = "/swap-api/v3/swap_liquidation_orders"
D = Decimal


def decoded(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def order(direction: str, volume: int, price: str, lever: int) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": lever, "order_price_type": "limit", "price": price,
    }  # fmt: skip


async def placed(client: SignedClient, body: dict[str, Any]) -> str:
    reply = SignedClient.json(await client.post(V1 + "swap_order", body))
    assert reply["status"] == "ok", reply
    return str(reply["data"]["order_id"])


@pytest.fixture
def poor(client: httpx.AsyncClient, clock: ManualClock) -> SignedClient:
    return SignedClient(client, KEYS.unfunded.access, KEYS.unfunded.secret, clock=clock)


@pytest.fixture
def seller(client: httpx.AsyncClient, clock: ManualClock) -> SignedClient:
    return SignedClient(client, KEYS.second.access, KEYS.second.secret, clock=clock)


async def liquidate(
    engine: Engine, clock: ManualClock, poor: SignedClient, seller: SignedClient
) -> dict[str, str]:
    """UID 4 with 0.001 BTC goes long 10 BTC-USD at 60000 and 20x, rests a bid far below, and
    the index falls to 50000: the bid is cancelled by the risk engine, the long taken over."""
    assert engine.execute(Deposit(UID_UNFUNDED, "BTC", D("0.001"))).error is None
    await placed(seller, order("sell", 10, "60000", 10))
    await placed(poor, order("buy", 10, "60000", 20))
    bid = await placed(poor, order("buy", 1, "40000", 20))
    clock.advance(1000)
    assert engine.execute(SetIndexPrices({"BTC-USD": D(50000)})).error is None
    [liquidation] = engine.query(
        lambda ex: [str(o.order_id) for o in ex.state.orders.values() if o.order_type == 3]
    ).result(5)
    return {"bid": bid, "liquidation": liquidation}


# -- adjust factors --------------------------------------------------------------------------


async def test_adjustfactor_lists_every_lever_rate_with_htx_s_btc_ladder_at_125x(
    client: httpx.AsyncClient,
) -> None:
    body = decoded(await client.get(V1 + "swap_adjustfactor", params={"contract_code": "btc-usd"}))
    assert body["status"] == "ok" and set(body) == {"status", "data", "ts"}
    [btc] = body["data"]
    assert (btc["symbol"], btc["contract_code"]) == ("BTC", "BTC-USD")
    by_lever = {row["lever_rate"]: row["ladders"] for row in btc["list"]}
    assert sorted(by_lever) == [1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125]
    assert by_lever[125] == [  # HTX's own example, key for key
        {"ladder": 0, "min_size": 0, "max_size": 1999, "adjust_factor": D("0.65")},
        {"ladder": 1, "min_size": 2000, "max_size": 9999, "adjust_factor": D("0.8")},
        {"ladder": 2, "min_size": 10000, "max_size": None, "adjust_factor": D("0.85")},
    ]
    every = decoded(await client.get(V1 + "swap_adjustfactor"))
    assert [row["contract_code"] for row in every["data"]] == ["BTC-USD", "ETH-USD"]
    unknown = decoded(await client.get(V1 + "swap_adjustfactor", params={"contract_code": "X"}))
    assert (unknown["status"], unknown["err_code"]) == ("error", 1014)


# -- the account's risk fields ---------------------------------------------------------------


async def test_account_info_fills_lever_rate_and_factor_for_a_coin_never_traded(
    signed: SignedClient,
) -> None:
    reply = SignedClient.json(await signed.post(V1 + "swap_account_info", {}))
    eth = next(row for row in reply["data"] if row["contract_code"] == "ETH-USD")
    assert (eth["lever_rate"], eth["adjust_factor"]) == (5, 0.05)
    assert (eth["risk_rate"], eth["liquidation_price"]) == (None, None)


async def test_account_info_shows_htx_s_risk_rate_and_liquidation_price(
    engine: Engine, poor: SignedClient, seller: SignedClient
) -> None:
    assert engine.execute(Deposit(UID_UNFUNDED, "BTC", D("0.001"))).error is None
    await placed(seller, order("sell", 10, "60000", 10))
    await placed(poor, order("buy", 10, "60000", 20))
    await placed(poor, order("buy", 1, "50000", 20))  # frozen margin counts in risk_rate
    response = await poor.post(V1 + "swap_account_info", {"contract_code": "BTC-USD"})
    [row] = decoded(response)["data"]

    def expected(ex: Exchange) -> tuple[Decimal, Decimal]:
        account = ex.state.accounts[(UID_UNFUNDED, "BTC")]
        figures = ex.account(UID_UNFUNDED, "BTC")
        used = figures.margin_position + account.margin_frozen
        return figures.margin_balance / used - D("0.2"), account.margin_static

    ratio, static = engine.query(expected).result(5)
    assert (row["lever_rate"], row["adjust_factor"]) == (20, D("0.2"))
    assert abs(row["risk_rate"] - ratio) < D("1e-17")
    # HTX's estimate: (net x size + factor x max(long, short) x size / lever) / A, frozen left out.
    cost = contract_value(10, D(100), D(60000))
    assert abs(row["liquidation_price"] - (D(1000) + D("0.2") * 1000 / 20) / (static + cost)) < D(
        "1e-17"
    )


# -- the public feed -------------------------------------------------------------------------


async def test_the_feed_shows_the_liquidation_at_its_bankruptcy_price(
    client: httpx.AsyncClient,
    engine: Engine,
    clock: ManualClock,
    poor: SignedClient,
    seller: SignedClient,
) -> None:
    ids = await liquidate(engine, clock, poor, seller)
    body = decoded(await client.get(FEED, params={"contract": "btc-usd", "trade_type": 0}))
    assert set(body) == {"code", "msg", "data", "ts"} and (body["code"], body["msg"]) == (200, "")
    [row] = body["data"]
    assert list(row) == [
        "query_id", "contract_code", "symbol", "direction", "offset", "volume", "price",
        "created_at", "amount",
    ]  # fmt: skip
    assert row["query_id"] == int(ids["liquidation"])
    assert (row["contract_code"], row["symbol"], row["direction"], row["offset"]) == (
        "BTC-USD", "BTC", "sell", "close"
    )  # fmt: skip
    assert row["volume"] == 10 and row["created_at"] == clock.now()
    assert D(55000) < row["price"] < D(60000)  # bankrupt between entry and the mark
    assert row["amount"] == contract_value(10, D(100), row["price"])
    longs = decoded(await client.get(FEED, params={"contract": "BTC-USD", "trade_type": 5}))
    shorts = decoded(await client.get(FEED, params={"contract": "BTC-USD", "trade_type": 6}))
    assert (len(longs["data"]), shorts["data"]) == (1, [])


async def test_the_feed_pages_by_query_id_both_ways(
    client: httpx.AsyncClient,
    engine: Engine,
    clock: ManualClock,
    poor: SignedClient,
    seller: SignedClient,
) -> None:
    ids = await liquidate(engine, clock, poor, seller)
    first = int(ids["liquidation"])
    params: dict[str, Any] = {"contract": "BTC-USD", "trade_type": 0}
    older = decoded(await client.get(FEED, params={**params, "from_id": first}))
    newer = decoded(await client.get(FEED, params={**params, "from_id": first - 1,
                                                   "direct": "next"}))  # fmt: skip
    assert older["data"] == [] and [r["query_id"] for r in newer["data"]] == [first]
    before = decoded(await client.get(FEED, params={**params, "end_time": clock.now() - 1}))
    assert before["data"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"trade_type": 0}, "contract"),
        ({"contract": "BTC-USD"}, "trade_type"),
        ({"contract": "BTC-USD", "trade_type": 1}, "trade_type"),
        ({"contract": "BTC-USD", "trade_type": 0, "direct": "up"}, "direct"),
        ({"contract": "BTC-USD", "trade_type": 0, "start_time": 2, "end_time": 1}, "start_time"),
        ({"contract": "BTC-USD", "trade_type": 0, "from_id": -1}, "from_id"),
    ],
)
async def test_a_bad_feed_request_answers_in_the_v3_envelope(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    body = decoded(await client.get(FEED, params=params))
    assert set(body) == {"code", "msg", "data", "ts"} and body["data"] is None
    assert body["code"] in (1066, 1067) and field in body["msg"]


async def test_a_feed_window_over_48_hours_is_refused(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    now = clock.now()
    params = {"contract": "BTC-USD", "trade_type": 0, "start_time": now - 48 * 3_600_000 - 1,
              "end_time": now}  # fmt: skip
    assert decoded(await client.get(FEED, params=params))["code"] == 1067
    params["start_time"] = now - 48 * 3_600_000
    assert decoded(await client.get(FEED, params=params))["code"] == 200


# -- the account's own history ---------------------------------------------------------------


async def test_the_account_s_history_shows_its_liquidation_and_the_system_cancel(
    engine: Engine, clock: ManualClock, poor: SignedClient, seller: SignedClient
) -> None:
    ids = await liquidate(engine, clock, poor, seller)
    history = {"contract_code": "BTC-USD", "type": 1, "status": "0", "create_date": 1}
    liquidations = SignedClient.json(
        await poor.post(V1 + "swap_hisorders", {**history, "trade_type": 5})
    )["data"]["orders"]
    assert [(o["order_id_str"], o["order_type"], o["order_source"], o["liquidation_type"])
            for o in liquidations] == [(ids["liquidation"], 3, "risk", "3")]  # fmt: skip
    ordinary_closes = SignedClient.json(
        await poor.post(V1 + "swap_hisorders", {**history, "trade_type": 4})
    )["data"]["orders"]
    assert ordinary_closes == []
    fills = SignedClient.json(
        await poor.post("/swap-api/v3/swap_matchresults_exact", {"contract": "BTC-USD",
                                                                 "trade_type": 5})
    )["data"]  # fmt: skip
    assert [(f["order_id_str"], f["trade_volume"], f["order_source"], f["trade_fee"])
            for f in fills] == [(ids["liquidation"], 10, "risk", 0)]  # fmt: skip
    info = SignedClient.json(
        await poor.post(V1 + "swap_order_info", {"contract_code": "BTC-USD",
                                                 "order_id": ids["bid"]})
    )["data"]  # fmt: skip
    assert [(o["status"], o["canceled_source"]) for o in info] == [(7, "risk")]


async def test_the_liquidation_s_loss_is_a_financial_record_of_its_type(
    engine: Engine, clock: ManualClock, poor: SignedClient, seller: SignedClient
) -> None:
    ids = await liquidate(engine, clock, poor, seller)
    records = decoded(
        await poor.post("/swap-api/v3/swap_financial_record", {"contract": "BTC-USD"})
    )["data"]
    by_type = {r["type"]: r["amount"] for r in records}
    # 12: "close long for liquidation", HTX's type: the realized loss of the takeover.
    fills = engine.query(lambda ex: ex.state.orders[int(ids["liquidation"])].profit).result(5)
    assert by_type[12] == fills < 0
    assert 3 not in by_type  # not an ordinary close


# -- the insurance fund ----------------------------------------------------------------------


async def test_risk_info_and_the_fund_history_show_the_fund(
    client: httpx.AsyncClient,
    engine: Engine,
    clock: ManualClock,
    poor: SignedClient,
    seller: SignedClient,
) -> None:
    empty = decoded(await client.get(V1 + "swap_risk_info", params={"contract_code": "BTC-USD"}))
    assert empty["data"] == [
        {"contract_code": "BTC-USD", "insurance_fund": 0, "estimated_clawback": 0}
    ]
    await liquidate(engine, clock, poor, seller)
    balance = engine.query(lambda ex: fund_balance(ex.state, "BTC")).result(5)
    assert balance < 0  # the long was taken over at ~56600 and is marked at 50000
    info = decoded(await client.get(V1 + "swap_risk_info"))
    assert [row["insurance_fund"] for row in info["data"]] == [balance, 0]
    history = decoded(await client.get(V1 + "swap_insurance_fund",
                                       params={"contract_code": "BTC-USD"}))  # fmt: skip
    assert history["data"] == {
        "total_page": 1, "current_page": 1, "total_size": 1, "symbol": "BTC",
        "contract_code": "BTC-USD", "tick": [{"insurance_fund": balance, "ts": clock.now()}],
    }  # fmt: skip
    too_big = decoded(await client.get(V1 + "swap_insurance_fund",
                                       params={"contract_code": "BTC-USD", "page_size": 101}))
    assert (too_big["status"], too_big["err_code"]) == ("error", 1067)  # fmt: skip


async def test_ladder_margin_lets_the_whole_balance_be_used(client: httpx.AsyncClient) -> None:
    body = decoded(await client.get(V1 + "swap_ladder_margin", params={"contract_code": "ETH-USD"}))
    [eth] = body["data"]
    assert (eth["symbol"], eth["contract_code"]) == ("ETH", "ETH-USD")
    assert {row["lever_rate"] for row in eth["list"]} == {1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125}
    assert all(
        row["ladders"] == [{"min_margin_balance": 0, "max_margin_balance": None,
                            "min_margin_available": 0, "max_margin_available": None}]
        for row in eth["list"]
    )  # fmt: skip


async def test_the_records_add_up_to_the_balance_for_the_account_and_the_fund(
    engine: Engine, store: Store, clock: ManualClock, poor: SignedClient, seller: SignedClient
) -> None:
    await liquidate(engine, clock, poor, seller)

    def balances(ex: Exchange) -> dict[UID, Decimal]:
        return {uid: ex.state.accounts[(uid, "BTC")].margin_static for uid in (UID_UNFUNDED, FUND)}

    expected = engine.query(balances).result(5)
    for uid, balance in expected.items():
        query = FinancialRecordQuery(uid, "BTC-USD", Millis(0), Millis(clock.now() + 1))
        records = store.financial_records_of(query)
        assert sum((r.amount for r in records), ZERO) == balance, (uid, records)
