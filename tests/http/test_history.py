"""The history family on the wire, checked against HTX's documented fields and examples:
v3 swap_hisorders, swap_hisorders_exact, swap_matchresults and swap_matchresults_exact (code
200 envelope, from_id/direct paging by query_id), v1 swap_hisorders_exact and
swap_matchresults_exact (remain_size and next_id), v1 swap_matchresults (page_index), the v1
swap_hisorders create_date bound, and the public tape's per-fill ids.

Every test runs against the memory store and SQLite (the SQL the PostgreSQL store shares).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.ports import Store
from htx_sandbox.storage.memory import MemoryStore
from htx_sandbox.storage.sqlite import SqliteStore
from tests.http.conftest import KEYS, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
V3 = "/swap-api/v3/"
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

# HTX's field lists (v3: S2 "Get History Orders(New)" and "Query history orders via multiple
# fields(New)"; v1: S1 "Query history orders via multiple fields").
V1_EXACT_ORDER_FIELDS = {
    "query_id", "order_id", "order_id_str", "symbol", "contract_code", "lever_rate",
    "direction", "offset", "volume", "price", "create_date", "order_source",
    "order_price_type", "margin_frozen", "profit", "trade_volume", "trade_turnover", "fee",
    "trade_avg_price", "status", "order_type", "fee_asset", "liquidation_type", "is_tpsl",
    "real_profit",
}  # fmt: skip
V3_EXACT_ORDER_FIELDS = V1_EXACT_ORDER_FIELDS | {"self_match_prevent"}
V3_ORDER_FIELDS = V3_EXACT_ORDER_FIELDS | {"update_time"}
# Match results (v3 S2 "Acquire History Match Results(New)"; v1 S1, which has no query_id in
# swap_matchresults).
FILL_FIELDS = {
    "query_id", "id", "match_id", "order_id", "order_id_str", "symbol", "contract_code",
    "direction", "offset", "trade_volume", "trade_price", "trade_turnover", "create_date",
    "offset_profitloss", "trade_fee", "role", "real_profit", "fee_asset", "order_source",
}  # fmt: skip


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "htx.db")


@pytest.fixture
def http_settings() -> HttpSettings:
    return HttpSettings(rate_limit=False)


@pytest.fixture
def bob(signed_for: Callable[..., SignedClient]) -> SignedClient:
    return signed_for(KEYS.second)


def decode(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


async def v3(client: SignedClient, name: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    reply = decode(await client.post(V3 + name, body))
    assert set(reply) == {"code", "msg", "data", "ts"}, reply
    assert (reply["code"], reply["msg"]) == (200, ""), reply
    assert isinstance(reply["data"], list)
    return reply["data"]  # type: ignore[no-any-return]


async def v3_error(client: SignedClient, name: str, body: dict[str, Any]) -> tuple[int, str]:
    reply = decode(await client.post(V3 + name, body))
    assert set(reply) == {"code", "msg", "data", "ts"}, reply
    assert reply["data"] is None
    return reply["code"], reply["msg"]


async def v1(client: SignedClient, name: str, body: dict[str, Any]) -> Any:
    reply = decode(await client.post(V1 + name, body))
    assert reply["status"] == "ok", reply
    return reply["data"]


async def v1_error(client: SignedClient, name: str, body: dict[str, Any]) -> tuple[int, str]:
    reply = decode(await client.post(V1 + name, body))
    assert reply["status"] == "error", reply
    return reply["err_code"], reply["err_msg"]


async def place(
    client: SignedClient,
    direction: str,
    price: str | None,
    volume: int = 1,
    offset: str = "open",
    order_price_type: str = "limit",
) -> int:
    body: dict[str, Any] = {
        "contract_code": "BTC-USD", "direction": direction, "offset": offset,
        "volume": volume, "lever_rate": 10, "order_price_type": order_price_type,
    }  # fmt: skip
    if price is not None:
        body["price"] = price
    order_id = (await v1(client, "swap_order", body))["order_id"]
    assert isinstance(order_id, int)
    return order_id


async def cancel(client: SignedClient, order_id: int) -> None:
    data = await v1(client, "swap_cancel", {"contract_code": "BTC-USD", "order_id": str(order_id)})
    assert data["successes"] == str(order_id)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def check_order_row(row: dict[str, Any]) -> None:
    """The JSON types of HTX's table (query_id long, order_price_type string, ...)."""
    assert is_int(row["query_id"]) and row["query_id"] == row["order_id"]
    assert row["order_id_str"] == str(row["order_id"])
    for name in ("lever_rate", "create_date", "status", "order_type", "is_tpsl", "volume",
                 "trade_volume"):  # fmt: skip
        assert is_int(row[name]), name
    for name in ("price", "margin_frozen", "profit", "trade_turnover", "fee", "real_profit"):
        assert is_number(row[name]), name
    assert isinstance(row["order_price_type"], str)
    assert row["liquidation_type"] == "0" and row["fee_asset"] == row["symbol"] == "BTC"


def check_fill_row(row: dict[str, Any], *, query_id: bool = True) -> None:
    assert set(row) == (FILL_FIELDS if query_id else FILL_FIELDS - {"query_id"})
    for name in ("match_id", "order_id", "create_date", "trade_volume"):
        assert is_int(row[name]), name
    if query_id:
        assert is_int(row["query_id"])
    for name in ("trade_price", "trade_turnover", "trade_fee", "offset_profitloss",
                 "real_profit"):  # fmt: skip
        assert is_number(row[name]), name
    assert row["order_id_str"] == str(row["order_id"])
    # HTX's globally unique id: "<match_id>-<order_id>-<n>"
    match_id, order_id, n = row["id"].split("-")
    assert (int(match_id), int(order_id)) == (row["match_id"], row["order_id"]) and int(n) >= 1
    assert row["role"] in ("Maker", "Taker")
    assert (row["symbol"], row["fee_asset"], row["contract_code"]) == ("BTC", "BTC", "BTC-USD")


def orders_body(**fields: Any) -> dict[str, Any]:
    """What ccxt's fetch_orders sends (fetch_contract_orders, inverse swap)."""
    return {"contract": "BTC-USD", "type": 1, "trade_type": 0, "status": "0", **fields}


async def sweep(signed: SignedClient, bob: SignedClient) -> tuple[list[int], int]:
    """Bob rests two asks; UID 1's one buy takes both: one match of two fills."""
    asks = [await place(bob, "sell", p) for p in ("60000", "60010")]
    taker = await place(signed, "buy", "60010", 2)
    return asks, taker


# -- v3 swap_hisorders ---------------------------------------------------------------------


async def test_v3_hisorders_lists_orders_as_htx_documents_them(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    resting = await place(signed, "buy", "50000")
    clock.advance(1000)
    cancelled = await place(signed, "buy", "50001")
    await cancel(signed, cancelled)
    clock.advance(1000)
    await place(bob, "sell", "60000")
    filled = await place(signed, "buy", None, order_price_type="opponent")

    rows = await v3(signed, "swap_hisorders", orders_body())

    assert [r["order_id"] for r in rows] == [filled, cancelled, resting]  # prev: newest first
    for row in rows:
        assert set(row) == V3_ORDER_FIELDS
        check_order_row(row)
        assert is_int(row["update_time"])
    by_id = {r["order_id"]: r for r in rows}
    assert [by_id[i]["status"] for i in (resting, cancelled, filled)] == [3, 7, 6]
    assert by_id[filled]["order_price_type"] == "opponent"
    assert by_id[filled]["trade_avg_price"] == 60000
    assert by_id[resting]["order_price_type"] == "limit"
    oldest_first = await v3(signed, "swap_hisorders", orders_body(direct="next"))
    assert [r["order_id"] for r in oldest_first] == [resting, cancelled, filled]
    exact = await v3(signed, "swap_hisorders_exact", orders_body(price_type="opponent"))
    assert [r["order_id"] for r in exact] == [filled]
    assert set(exact[0]) == V3_EXACT_ORDER_FIELDS  # no update_time in the _exact table
    assert await v3(signed, "swap_hisorders", orders_body(contract="eth-usd")) == []


async def test_v3_hisorders_pages_by_query_id_in_both_directions(
    signed: SignedClient, clock: ManualClock
) -> None:
    ids = []
    for n in range(7):
        ids.append(await place(signed, "buy", str(50000 + n)))
        clock.advance(1000)

    async def walk(direct: str) -> list[list[int]]:
        pages: list[list[int]] = []
        body = orders_body(direct=direct, size=3)
        while True:
            rows = await v3(signed, "swap_hisorders", body)
            if not rows:
                return pages
            pages.append([r["query_id"] for r in rows])
            # HTX: prev pages on from the page's smallest query_id, next from its largest
            edge = min if direct == "prev" else max
            body = {**body, "from_id": edge(pages[-1])}

    assert await walk("prev") == [ids[6:3:-1], ids[3:0:-1], ids[0:1]]
    assert await walk("next") == [ids[0:3], ids[3:6], ids[6:]]
    # 20 rows an answer unless size asks (HTX states no size for v3).
    assert len(await v3(signed, "swap_hisorders", orders_body(size=2))) == 2


async def test_v3_hisorders_keeps_to_the_window_type_status_and_trade_type(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    old = await place(signed, "buy", "40000")
    clock.advance(49 * HOUR_MS)
    now = clock.now()
    resting = await place(signed, "buy", "50000")
    cancelled = await place(signed, "buy", "50001")
    await cancel(signed, cancelled)
    await place(bob, "sell", "60000", 2)
    filled = await place(signed, "buy", "60000")
    close = await place(signed, "sell", "61000", offset="close")

    async def listed(**fields: Any) -> list[int]:
        rows = await v3(signed, "swap_hisorders", orders_body(**fields))
        return sorted(r["order_id"] for r in rows)

    recent = sorted([resting, cancelled, filled, close])
    assert await listed() == recent  # the last 48 hours by default
    assert await listed(start_time=now - 50 * HOUR_MS, end_time=now - 2 * HOUR_MS) == [old]
    assert await listed(type=2) == sorted([cancelled, filled])
    assert await listed(status="3") == sorted([resting, close])
    assert await listed(status="6,7") == sorted([cancelled, filled])
    assert await listed(type=2, status="3") == []
    assert await listed(trade_type=1) == sorted([resting, cancelled, filled])
    assert await listed(trade_type=4) == [close]
    for none_here in (2, 5, 6, 7, 8, 11, 12):
        assert await listed(trade_type=none_here) == []


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"contract": None}, 1066, empty("contract")),
        ({"contract": "XRP-USD"}, 1014, "This contract doesnt exist."),
        ({"trade_type": None}, 1066, empty("trade_type")),
        ({"trade_type": 9}, 1067, invalid("trade_type")),
        ({"type": 3}, 1067, invalid("type")),
        ({"status": None}, 1066, empty("status")),
        ({"status": "3,11"}, 1067, invalid("status")),
        ({"price_type": "market"}, 1067, invalid("price_type")),
        ({"direct": "up"}, 1067, invalid("direct")),
        ({"from_id": -1}, 1067, invalid("from_id")),
        ({"size": 101}, 1067, invalid("size")),
        ({"start_time": 0}, 1067, invalid("start_time")),
    ],
)
async def test_v3_history_refuses_bad_fields_in_the_v3_envelope(
    signed: SignedClient, fields: dict[str, Any], code: int, message: str
) -> None:
    body = {k: v for k, v in orders_body(**fields).items() if v is not None}
    for name in ("swap_hisorders", "swap_hisorders_exact"):
        assert await v3_error(signed, name, body) == (code, message)


async def test_v3_windows_are_at_most_48_hours_within_90_days(
    signed: SignedClient, clock: ManualClock
) -> None:
    now = clock.now()
    fills = {"contract": "BTC-USD", "trade_type": 0}
    for name, body in (("swap_hisorders", orders_body()), ("swap_matchresults", fills)):
        wide = {**body, "start_time": now - 49 * HOUR_MS, "end_time": now}
        assert await v3_error(signed, name, wide) == (1067, invalid("start_time"))
        future = {**body, "end_time": now + HOUR_MS}
        assert await v3_error(signed, name, future) == (1067, invalid("end_time"))
        ancient = {**body, "end_time": now - 91 * DAY_MS}
        assert await v3_error(signed, name, ancient) == (1067, invalid("end_time"))


# -- v1 swap_hisorders_exact -----------------------------------------------------------------


async def test_v1_hisorders_exact_pages_with_remain_size_and_next_id(
    signed: SignedClient, clock: ManualClock
) -> None:
    ids = []
    for n in range(5):
        ids.append(await place(signed, "buy", str(50000 + n)))
        clock.advance(1000)
    body = {"contract_code": "BTC-USD", "trade_type": 0, "type": 1, "status": "0", "size": 2}

    first = await v1(signed, "swap_hisorders_exact", body)
    assert set(first) == {"orders", "remain_size", "next_id"}
    assert [r["query_id"] for r in first["orders"]] == [ids[4], ids[3]]
    assert (first["remain_size"], first["next_id"]) == (3, ids[2])
    for row in first["orders"]:
        assert set(row) == V1_EXACT_ORDER_FIELDS
        check_order_row(row)
    # next_id opens the next page (HTX: the from_id row is the page's first)
    second = await v1(signed, "swap_hisorders_exact", {**body, "from_id": first["next_id"]})
    assert [r["query_id"] for r in second["orders"]] == [ids[2], ids[1]]
    assert (second["remain_size"], second["next_id"]) == (1, ids[0])
    last = await v1(signed, "swap_hisorders_exact", {**body, "from_id": second["next_id"]})
    assert [r["query_id"] for r in last["orders"]] == [ids[0]]
    assert (last["remain_size"], last["next_id"]) == (0, None)
    # next: from the start of the window on, each page still newest first
    forward = await v1(signed, "swap_hisorders_exact", {**body, "direct": "next"})
    assert [r["query_id"] for r in forward["orders"]] == [ids[1], ids[0]]
    assert (forward["remain_size"], forward["next_id"]) == (3, ids[2])
    on = await v1(signed, "swap_hisorders_exact", {**body, "direct": "next", "from_id": ids[2]})
    assert [r["query_id"] for r in on["orders"]] == [ids[3], ids[2]]


async def test_v1_hisorders_exact_window_and_filters(
    signed: SignedClient, clock: ManualClock
) -> None:
    old = await place(signed, "buy", "40000")
    clock.advance(11 * DAY_MS)
    recent = await place(signed, "buy", "50000", order_price_type="post_only")
    now = clock.now()
    body = {"contract_code": "BTC-USD", "trade_type": 0, "type": 1, "status": "0"}

    async def listed(**fields: Any) -> list[int]:
        data = await v1(signed, "swap_hisorders_exact", {**body, **fields})
        return [r["order_id"] for r in data["orders"]]

    assert await listed() == [recent]  # by default the 10 days before the end
    assert await listed(start_time=now - 12 * DAY_MS) == [recent, old]
    assert await listed(end_time=now - DAY_MS) == [old]  # from 10 days before that end
    assert await listed(order_price_type="post_only", start_time=now - 12 * DAY_MS) == [recent]
    assert await listed(end_time=now + DAY_MS) == [recent]  # past now is now
    for fields, name in (
        ({"start_time": now - 91 * DAY_MS}, "start_time"),
        ({"start_time": now, "end_time": now - 1}, "start_time"),
        ({"end_time": now - 91 * DAY_MS}, "end_time"),
        ({"size": 51}, "size"),
        ({"order_price_type": "best"}, "order_price_type"),
    ):
        assert await v1_error(signed, "swap_hisorders_exact", {**body, **fields}) == (
            1067, invalid(name)
        )


# -- match results -------------------------------------------------------------------------


async def test_v3_matchresults_one_match_id_per_taker_order_and_a_query_id_per_fill(
    signed: SignedClient, bob: SignedClient
) -> None:
    asks, taker = await sweep(signed, bob)
    body = {"contract": "BTC-USD", "trade_type": 0}

    for name in ("swap_matchresults", "swap_matchresults_exact"):
        rows = await v3(signed, name, body)
        assert [r["order_id"] for r in rows] == [taker, taker]
        for row in rows:
            check_fill_row(row)
        newer, older = rows
        assert newer["match_id"] == older["match_id"]  # HTX: one match id per taker order
        assert newer["query_id"] > older["query_id"]
        assert [older["id"], newer["id"]] == [f"{older['match_id']}-{taker}-{n}" for n in (1, 2)]
        assert [r["trade_price"] for r in (older, newer)] == [60000, 60010]
        assert {r["role"] for r in rows} == {"Taker"}
        assert older["trade_turnover"] == 100 and older["trade_fee"] < 0
        # Bob's side of the same match: his two orders, as makers, with the same match id.
        his = await v3(bob, name, body)
        assert sorted(r["order_id"] for r in his) == sorted(asks)
        assert {(r["match_id"], r["role"]) for r in his} == {(newer["match_id"], "Maker")}
        # from_id pages past a fill in either direction, never repeating it
        after = await v3(signed, name, {**body, "from_id": older["query_id"], "direct": "next"})
        assert [r["query_id"] for r in after] == [newer["query_id"]]
        before = await v3(signed, name, {**body, "from_id": newer["query_id"]})
        assert [r["query_id"] for r in before] == [older["query_id"]]
        assert await v3(signed, name, {**body, "trade_type": 2}) == []
        assert len(await v3(signed, name, {**body, "trade_type": 1})) == 2


async def test_v1_matchresults_pages_by_index_over_create_date_days(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    await place(bob, "sell", "59000")
    await place(signed, "buy", "59000")
    clock.advance(int(90.5 * DAY_MS))
    _, taker = await sweep(signed, bob)
    body = {"contract_code": "BTC-USD", "trade_type": 0, "create_date": 7, "page_size": 1}

    first = await v1(signed, "swap_matchresults", body)
    assert set(first) == {"trades", "total_page", "current_page", "total_size"}
    assert (first["total_size"], first["total_page"], first["current_page"]) == (2, 2, 1)
    second = await v1(signed, "swap_matchresults", {**body, "page_index": 2})
    rows = first["trades"] + second["trades"]
    for row in rows:
        check_fill_row(row, query_id=False)
    assert [r["id"].split("-")[2] for r in rows] == ["2", "1"]  # newest first
    assert {r["order_id"] for r in rows} == {taker}
    # Past 90 days is the last 90 days (HTX's documented behaviour), not an error: the fill
    # of 90.5 days ago stays out.
    for days in (90, 91, 1000):
        data = await v1(signed, "swap_matchresults", {**body, "create_date": days})
        assert data["total_size"] == 2
    assert await v1_error(signed, "swap_matchresults", {**body, "create_date": 0}) == (
        1067, invalid("create_date")
    )


async def test_v1_matchresults_exact_pages_with_next_id(
    signed: SignedClient, bob: SignedClient
) -> None:
    for _ in range(2):
        await sweep(signed, bob)
    body = {"contract_code": "BTC-USD", "trade_type": 0, "size": 3}

    first = await v1(signed, "swap_matchresults_exact", body)
    assert set(first) == {"trades", "remain_size", "next_id"}
    ids = [r["query_id"] for r in first["trades"]]
    assert ids == sorted(ids, reverse=True) and first["remain_size"] == 1
    for row in first["trades"]:
        check_fill_row(row)
    rest = await v1(signed, "swap_matchresults_exact", {**body, "from_id": first["next_id"]})
    assert [r["query_id"] for r in rest["trades"]] == [first["next_id"]]
    assert (rest["remain_size"], rest["next_id"]) == (0, None)
    assert first["next_id"] < min(ids)
    matches = {r["match_id"] for r in first["trades"] + rest["trades"]}
    assert len(matches) == 2  # two taker orders, two matches


# -- v1 swap_hisorders: create_date past 90 ------------------------------------------------


async def test_v1_hisorders_create_date_past_90_is_the_last_90_days(
    signed: SignedClient, clock: ManualClock
) -> None:
    await place(signed, "buy", "40000")
    clock.advance(int(90.5 * DAY_MS))
    recent = await place(signed, "buy", "50000")
    body = {"contract_code": "BTC-USD", "trade_type": 0, "type": 1, "status": "0"}
    for days in (90, 91, 1067, 100000):
        data = await v1(signed, "swap_hisorders", {**body, "create_date": days})
        assert [r["order_id"] for r in data["orders"]] == [recent], days


# -- the public tape -----------------------------------------------------------------------


async def test_the_tape_groups_a_match_with_ascending_per_fill_ids(
    signed: SignedClient, bob: SignedClient, client: httpx.AsyncClient
) -> None:
    await sweep(signed, bob)
    await place(bob, "sell", "60020")
    await place(signed, "buy", "60020")
    [fill_a, fill_b, fill_c] = await v3(signed, "swap_matchresults", {
        "contract": "BTC-USD", "trade_type": 0, "direct": "next"
    })  # fmt: skip

    reply = decode(await client.get("/swap-ex/market/history/trade",
                                    params={"contract_code": "BTC-USD", "size": 3}))  # fmt: skip
    newest, sweep_group = reply["data"]
    match_id = fill_a["match_id"]
    # HTX's example: group id 50951781561, fills 509517815610000, ...0001, ...0002
    assert sweep_group["id"] == match_id
    assert [d["id"] for d in sweep_group["data"]] == [match_id * 10_000, match_id * 10_000 + 1]
    assert [Decimal(str(d["price"])) for d in sweep_group["data"]] == [60000, 60010]
    assert newest["id"] == match_id + 1 and len(newest["data"]) == 1
    last = decode(await client.get("/swap-ex/market/trade", params={"contract_code": "BTC-USD"}))
    assert [d["id"] for d in last["tick"]["data"]] == [(match_id + 1) * 10_000]
    assert (fill_b["match_id"], fill_c["match_id"]) == (match_id, match_id + 1)
