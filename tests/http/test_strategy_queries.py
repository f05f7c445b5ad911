"""swap_{trigger,tpsl,track}_openorders and _hisorders on the wire: rows with exactly the fields
and JSON types of HTX's examples (reference 2.6, 2.7, 3.5, 3.6, 4.2), paging, filters, and the
codes for bad requests."""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox.service.clock import ManualClock
from tests.texts import empty, invalid

from . import strategy_placing as placing
from .conftest import KEYS, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
DAY_MS = 86_400_000
TRIGGER: dict[str, Any] = {
    "contract_code": "BTC-USD", "trigger_type": "ge", "trigger_price": "61000",
    "order_price": "61000", "order_price_type": "limit", "volume": 25, "direction": "sell",
    "offset": "open", "lever_rate": 20,
}  # fmt: skip
# The keys of HTX's example rows (S1), which its QA suite's schemas check too.
TRIGGER_OPEN_KEYS = {
    "symbol", "contract_code", "trigger_type", "volume", "order_type", "direction", "offset",
    "lever_rate", "order_id", "order_id_str", "order_source", "trigger_price", "order_price",
    "created_at", "order_price_type", "status",
}  # fmt: skip
TRIGGER_HISTORY_KEYS = TRIGGER_OPEN_KEYS | {
    "relation_order_id", "triggered_price", "update_time", "triggered_at", "order_insert_at",
    "canceled_at", "fail_code", "fail_reason",
}  # fmt: skip
TPSL_OPEN_KEYS = {
    "symbol", "contract_code", "volume", "order_type", "direction", "order_id", "order_id_str",
    "order_source", "trigger_type", "trigger_price", "order_price", "created_at",
    "order_price_type", "status", "tpsl_order_type", "source_order_id", "relation_tpsl_order_id",
}  # fmt: skip
TPSL_HISTORY_KEYS = TPSL_OPEN_KEYS | {
    "canceled_at", "fail_code", "fail_reason", "triggered_price", "relation_order_id",
    "update_time",
}  # fmt: skip
TRACK_OPEN_KEYS = {
    "symbol", "contract_code", "volume", "order_type", "direction", "offset", "lever_rate",
    "order_id", "order_id_str", "order_source", "created_at", "order_price_type", "status",
    "callback_rate", "active_price", "is_active",
}  # fmt: skip
TRACK_HISTORY_KEYS = TRACK_OPEN_KEYS | {
    "update_time", "canceled_at", "fail_code", "fail_reason", "market_limit_price",
    "formula_price", "real_volume", "triggered_price", "relation_order_id",
}  # fmt: skip


async def post(client: SignedClient, path: str, body: Any) -> Any:
    return SignedClient.json(await client.post(path, body))


async def ok(client: SignedClient, path: str, body: Any) -> Any:
    answer = await post(client, V1 + path, body)
    assert answer["status"] == "ok", answer
    return answer["data"]


async def place(client: SignedClient, **changes: Any) -> int:
    data = await ok(client, "swap_trigger_order", {**TRIGGER, **changes})
    order_id: int = data["order_id"]
    return order_id


async def error(client: SignedClient, path: str, body: Any) -> tuple[int, str]:
    answer = await post(client, V1 + path, body)
    assert answer["status"] == "error", answer
    return answer["err_code"], answer["err_msg"]


def history(kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"contract_code": "BTC-USD", "status": "0", "create_date": 7}
    if kind != "tpsl":
        body["trade_type"] = 0
    return f"swap_{kind}_hisorders", {**body, **fields}


async def trade_at(signed_for: Any, price: str, volume: int = 1) -> None:
    """UID 2 rests an ask, UID 3 takes it: one trade at `price`."""
    maker, taker = signed_for(KEYS.second), signed_for(KEYS.third)
    order = {"contract_code": "BTC-USD", "volume": volume, "offset": "open", "lever_rate": 5,
             "order_price_type": "limit", "price": price}  # fmt: skip
    await ok(maker, "swap_order", {**order, "direction": "sell"})
    await ok(taker, "swap_order", {**order, "direction": "buy"})


# -- trigger orders ----------------------------------------------------------------------------


async def test_trigger_open_orders_row_is_htxs(signed: SignedClient) -> None:
    order_id = await place(signed)
    data = await ok(signed, "swap_trigger_openorders", {"contract_code": "btc-usd"})
    assert {k: data[k] for k in ("total_page", "current_page", "total_size")} == {
        "total_page": 1, "current_page": 1, "total_size": 1,
    }  # fmt: skip
    (row,) = data["orders"]
    assert set(row) == TRIGGER_OPEN_KEYS
    assert row == {
        "symbol": "BTC", "contract_code": "BTC-USD", "trigger_type": "ge", "volume": 25,
        "order_type": 1, "direction": "sell", "offset": "open", "lever_rate": 20,
        "order_id": order_id, "order_id_str": str(order_id), "order_source": "api",
        "trigger_price": 61000, "order_price": 61000, "created_at": row["created_at"],
        "order_price_type": "limit", "status": 2,
    }  # fmt: skip


async def test_open_orders_are_the_callers_newest_first_and_paged(
    signed: SignedClient, signed_for: Any, clock: ManualClock
) -> None:
    ids = []
    for _ in range(3):
        ids.append(await place(signed))
        clock.advance(10)
    await place(signed_for(KEYS.second))  # UID 2's: never in UID 1's list
    data = await ok(signed, "swap_trigger_openorders",
                    {"contract_code": "BTC-USD", "page_size": 2})  # fmt: skip
    assert [r["order_id"] for r in data["orders"]] == [ids[2], ids[1]]
    assert (data["total_page"], data["current_page"], data["total_size"]) == (2, 1, 3)
    data = await ok(signed, "swap_trigger_openorders",
                    {"contract_code": "BTC-USD", "page_size": "2", "page_index": "2"})  # fmt: skip
    assert [r["order_id"] for r in data["orders"]] == [ids[0]]
    assert data["current_page"] == 2


@pytest.mark.parametrize(
    ("trade_type", "direction", "offset"),
    [(1, "buy", "open"), (2, "sell", "open"), (3, "buy", "close"), (4, "sell", "close")],
)
async def test_trade_type_is_htxs_chinese_meaning(
    signed: SignedClient, trade_type: int, direction: str, offset: str
) -> None:
    """1 buy-open, 2 sell-open, 3 buy-close, 4 sell-close (S1-cn, the open-orders page)."""
    wanted = 0
    for d in ("buy", "sell"):
        for o in ("open", "close"):
            order_id = await place(signed, direction=d, offset=o)
            wanted = order_id if (d, o) == (direction, offset) else wanted
    data = await ok(signed, "swap_trigger_openorders",
                    {"contract_code": "BTC-USD", "trade_type": trade_type})  # fmt: skip
    assert [r["order_id"] for r in data["orders"]] == [wanted]
    data = await ok(signed, "swap_trigger_openorders", {"contract_code": "BTC-USD",
                                                        "trade_type": 0})  # fmt: skip
    assert data["total_size"] == 4


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({}, 1066, empty("contract_code")),
        ({"contract_code": "DOGE-USD"}, 1014, "This contract doesnt exist."),
        ({"contract_code": "BTC-USD", "page_size": 51}, 1067, invalid("page_size")),
        ({"contract_code": "BTC-USD", "page_size": 0}, 1067, invalid("page_size")),
        ({"contract_code": "BTC-USD", "page_index": 0}, 1067, invalid("page_index")),
        ({"contract_code": "BTC-USD", "trade_type": 5}, 1067, invalid("trade_type")),
        ({"contract_code": "BTC-USD", "trade_type": "x"}, 1067, invalid("trade_type")),
    ],
)
@pytest.mark.parametrize("kind", ["trigger", "tpsl", "track"])
async def test_open_orders_refusals(
    signed: SignedClient, kind: str, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, f"swap_{kind}_openorders", body) == (code, message)


async def test_trigger_history_of_a_cancelled_order_is_htxs_example(
    signed: SignedClient, clock: ManualClock
) -> None:
    order_id = await place(signed)
    created = clock.now()
    clock.advance(500)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": order_id})
    path, body = history("trigger")
    data = await ok(signed, path, body)
    (row,) = data["orders"]
    assert set(row) == TRIGGER_HISTORY_KEYS
    assert row == {
        "symbol": "BTC", "contract_code": "BTC-USD", "trigger_type": "ge", "volume": 25,
        "order_type": 1, "direction": "sell", "offset": "open", "lever_rate": 20,
        "order_id": order_id, "order_id_str": str(order_id), "relation_order_id": "-1",
        "order_price_type": "limit", "status": 6, "order_source": "api",
        "trigger_price": 61000, "triggered_price": None, "order_price": 61000,
        "created_at": created, "update_time": created + 500, "triggered_at": None,
        "order_insert_at": 0, "canceled_at": created + 500, "fail_code": None,
        "fail_reason": None,
    }  # fmt: skip
    assert (data["total_page"], data["current_page"], data["total_size"]) == (1, 1, 1)


async def test_a_fired_trigger_order_names_the_order_it_placed(
    signed: SignedClient, signed_for: Any, clock: ManualClock
) -> None:
    order_id = await place(signed, direction="buy", trigger_price="60500", order_price="60600",
                           volume=1, lever_rate=5)  # fmt: skip
    clock.advance(1000)
    await trade_at(signed_for, "60500")
    assert (await ok(signed, "swap_trigger_openorders", {"contract_code": "BTC-USD"}))[
        "orders"
    ] == []
    path, body = history("trigger", status="4")
    (row,) = (await ok(signed, path, body))["orders"]
    assert row["order_id"] == order_id and row["status"] == 4
    assert row["triggered_price"] == 60500
    assert row["triggered_at"] == row["order_insert_at"] == clock.now()
    assert (row["fail_code"], row["fail_reason"], row["canceled_at"]) == (None, None, 0)
    child_id = row["relation_order_id"]
    assert child_id != "-1"
    (child,) = await ok(signed, "swap_order_info",
                        {"contract_code": "BTC-USD", "order_id": child_id})  # fmt: skip
    assert (child["order_source"], child["price"], child["volume"]) == ("trigger", 60600, 1)
    assert (child["direction"], child["offset"], child["lever_rate"]) == ("buy", "open", 5)


async def test_a_failed_trigger_order_carries_htxs_code_and_text(
    signed: SignedClient, signed_for: Any
) -> None:
    """A closing trigger with nothing to close fails when it fires (1048)."""
    order_id = await place(signed, direction="sell", offset="close", trigger_type="le",
                           trigger_price="60000", order_price_type="optimal_5", volume=1)
    await trade_at(signed_for, "59900")
    path, body = history("trigger", status="5")
    (row,) = (await ok(signed, path, body))["orders"]
    assert row["order_id"] == order_id and row["status"] == 5
    assert (row["fail_code"], row["fail_reason"]) == (1048, "Insufficient close amount available.")
    assert row["relation_order_id"] == "-1" and row["order_price"] == 0
    assert row["triggered_price"] == 59900


async def test_history_status_filter(signed: SignedClient, signed_for: Any) -> None:
    fired = await place(signed, direction="buy", trigger_price="60500", order_price="60600",
                        volume=1, lever_rate=5)  # fmt: skip
    cancelled = await place(signed)
    waiting = await place(signed)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": cancelled})
    await trade_at(signed_for, "60500")

    async def ids(status: str) -> list[int]:
        path, body = history("trigger", status=status)
        return [r["order_id"] for r in (await ok(signed, path, body))["orders"]]

    assert set(await ids("0")) == {fired, cancelled}  # finished only: never `waiting`
    assert await ids("4") == [fired]
    assert await ids("6") == [cancelled]
    assert set(await ids("4,6")) == {fired, cancelled}
    assert await ids("5") == []
    assert waiting not in await ids("0,4,5,6")


@pytest.mark.parametrize(
    ("kind", "fields", "code", "message"),
    [
        ("trigger", {"contract_code": None}, 1066, empty("contract_code")),
        ("trigger", {"status": None}, 1066, empty("status")),
        ("trigger", {"status": ""}, 1066, empty("status")),
        ("trigger", {"status": "2"}, 1067, invalid("status")),
        ("trigger", {"status": "4,x"}, 1067, invalid("status")),
        ("trigger", {"status": "11"}, 1067, invalid("status")),  # TP/SL's only
        ("trigger", {"create_date": None}, 1066, empty("create_date")),
        ("trigger", {"create_date": 0}, 1067, invalid("create_date")),
        ("trigger", {"create_date": "1.5"}, 1067, invalid("create_date")),
        ("trigger", {"trade_type": None}, 1066, empty("trade_type")),
        ("trigger", {"trade_type": "x"}, 1067, invalid("trade_type")),
        ("trigger", {"sort_by": "create_date"}, 1067, invalid("sort_by")),
        ("trigger", {"page_size": 51}, 1067, invalid("page_size")),
        ("tpsl", {"status": "2"}, 1067, invalid("status")),
        ("tpsl", {"create_date": None}, 1066, empty("create_date")),
        ("tpsl", {"sort_by": "create_date"}, 1067, invalid("sort_by")),
        ("track", {"status": "11"}, 1067, invalid("status")),
        ("track", {"trade_type": None}, 1066, empty("trade_type")),
        ("track", {"sort_by": "x"}, 1067, invalid("sort_by")),
    ],
)
async def test_history_refusals(
    signed: SignedClient, kind: str, fields: dict[str, Any], code: int, message: str
) -> None:
    path, body = history(kind, **fields)
    body = {k: v for k, v in body.items() if v is not None}
    assert await error(signed, path, body) == (code, message)


async def test_a_trade_type_outside_0_to_4_matches_nothing(signed: SignedClient) -> None:
    """HTX: "no data can be requested with parameter out of this range"."""
    order_id = await place(signed)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": order_id})
    for kind in ("trigger", "track"):
        path, body = history(kind, trade_type=7)
        data = await ok(signed, path, body)
        assert (data["orders"], data["total_size"], data["total_page"]) == ([], 0, 0)
    path, body = history("trigger", trade_type=2)  # sell-open, as placed
    assert (await ok(signed, path, body))["total_size"] == 1
    path, body = history("trigger", trade_type=1)
    assert (await ok(signed, path, body))["total_size"] == 0


async def test_create_date_is_days_back_and_more_than_90_reads_90(
    signed: SignedClient, clock: ManualClock
) -> None:
    old = await place(signed)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": old})
    clock.advance(10 * DAY_MS)
    recent = await place(signed)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": recent})

    async def ids(days: int) -> list[int]:
        path, body = history("trigger", create_date=days)
        return [r["order_id"] for r in (await ok(signed, path, body))["orders"]]

    assert await ids(1) == [recent]
    assert await ids(11) == [recent, old]
    clock.advance(81 * DAY_MS)  # `old` is 91 days old, `recent` 81
    assert await ids(365) == [recent]
    assert await ids(90) == [recent]


async def test_history_sort_by_update_time(signed: SignedClient, clock: ManualClock) -> None:
    first, second = await place(signed), await place(signed)
    clock.advance(100)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": second})
    clock.advance(100)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": first})
    path, body = history("trigger")
    assert [r["order_id"] for r in (await ok(signed, path, body))["orders"]] == [second, first]
    path, body = history("trigger", sort_by="update_time")
    assert [r["order_id"] for r in (await ok(signed, path, body))["orders"]] == [first, second]
    path, body = history("trigger", sort_by="created_at", page_size=1, page_index=2)
    data = await ok(signed, path, body)
    assert [r["order_id"] for r in data["orders"]] == [first]
    assert (data["total_page"], data["current_page"], data["total_size"]) == (2, 2, 2)


async def test_history_lists_only_the_callers_orders(
    signed: SignedClient, signed_for: Any
) -> None:
    other = signed_for(KEYS.second)
    order_id = await place(other)
    await ok(other, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": order_id})
    path, body = history("trigger")
    assert (await ok(signed, path, body))["orders"] == []
    assert (await ok(other, path, body))["total_size"] == 1


# -- TP/SL orders ----------------------------------------------------------------------------


async def test_tpsl_open_orders_rows_are_htxs(signed: SignedClient, signed_for: Any) -> None:
    tp, sl = await placing.tpsl_pair(signed, signed_for(KEYS.second), "buy")  # on a short
    data = await ok(signed, "swap_tpsl_openorders", {"contract_code": "BTC-USD"})
    rows = {r["order_id"]: r for r in data["orders"]}
    assert set(rows) == {tp, sl} and data["total_size"] == 2
    for row in rows.values():
        assert set(row) == TPSL_OPEN_KEYS  # no offset, no lever_rate
    assert rows[tp] == {
        "symbol": "BTC", "contract_code": "BTC-USD", "volume": 1, "order_type": 1,
        "direction": "buy", "order_id": tp, "order_id_str": str(tp), "order_source": "api",
        "trigger_type": "le", "trigger_price": 58000, "order_price": 58000,
        "created_at": rows[tp]["created_at"], "order_price_type": "limit", "status": 2,
        "tpsl_order_type": "tp", "source_order_id": None, "relation_tpsl_order_id": str(sl),
    }  # fmt: skip
    assert (rows[sl]["tpsl_order_type"], rows[sl]["trigger_type"]) == ("sl", "ge")
    assert (rows[sl]["order_price_type"], rows[sl]["order_price"]) == ("optimal_5", 0)
    assert rows[sl]["relation_tpsl_order_id"] == str(tp)


async def test_an_attached_leg_names_its_opening_order(signed: SignedClient) -> None:
    opening, tp, sl = await placing.attached_pair(signed)
    data = await ok(signed, "swap_tpsl_openorders", {"contract_code": "BTC-USD"})
    assert {r["order_id"] for r in data["orders"]} == {tp, sl}
    assert {r["source_order_id"] for r in data["orders"]} == {str(opening)}
    assert {r["status"] for r in data["orders"]} == {1}


@pytest.mark.parametrize(("trade_type", "listed"), [(0, 2), (3, 0), (4, 2)])
async def test_tpsl_trade_type_takes_only_closes(
    signed: SignedClient, signed_for: Any, trade_type: int, listed: int
) -> None:
    await placing.tpsl_pair(signed, signed_for(KEYS.second), "sell")  # sell-close legs of a long
    data = await ok(signed, "swap_tpsl_openorders",
                    {"contract_code": "BTC-USD", "trade_type": trade_type})  # fmt: skip
    assert data["total_size"] == listed


@pytest.mark.parametrize("trade_type", [1, 2])
async def test_tpsl_open_orders_refuse_opening_trade_types(
    signed: SignedClient, trade_type: int
) -> None:
    body = {"contract_code": "BTC-USD", "trade_type": trade_type}
    assert await error(signed, "swap_tpsl_openorders", body) == (
        1067, invalid("trade_type")
    )  # fmt: skip


async def test_tpsl_history_rows_and_the_expired_status(
    signed: SignedClient, signed_for: Any
) -> None:
    """A cancelled leg (6); legs whose position is gone expire (11) when the UID trades."""
    second = signed_for(KEYS.second)
    tp, sl = await placing.tpsl_pair(signed, second, "sell")  # on a long of 1
    await ok(signed, "swap_tpsl_cancel", {"contract_code": "BTC-USD", "order_id": tp})
    path, body = history("tpsl")
    (row,) = (await ok(signed, path, body))["orders"]
    assert set(row) == TPSL_HISTORY_KEYS
    assert row["order_id"] == tp and row["status"] == 6 and row["canceled_at"] > 0
    assert (row["relation_order_id"], row["triggered_price"]) == ("-1", None)
    assert (row["fail_code"], row["fail_reason"]) == (None, None)
    assert row["update_time"] == row["canceled_at"]
    # UID 1 closes the long its SL guards another way: the SL expires.
    data = await ok(signed, "swap_tpsl_openorders", {"contract_code": "BTC-USD"})
    assert [r["order_id"] for r in data["orders"]] == [sl]
    await ok(second, "swap_order", placing.limit("buy", "open"))
    await ok(signed, "swap_order", placing.limit("sell", "close"))
    path, body = history("tpsl", status="11")
    (row,) = (await ok(signed, path, body))["orders"]
    assert (row["order_id"], row["status"]) == (sl, 11)
    path, body = history("tpsl")  # 0: every finished status, 11 included
    assert {r["order_id"] for r in (await ok(signed, path, body))["orders"]} == {tp, sl}


# -- trailing orders ---------------------------------------------------------------------------


async def test_track_open_orders_row_is_htxs(signed: SignedClient) -> None:
    order_id = await placing.track_order(signed, "sell", active_price="61000")
    data = await ok(signed, "swap_track_openorders", {"contract_code": "BTC-USD"})
    (row,) = data["orders"]
    assert set(row) == TRACK_OPEN_KEYS
    assert row == {
        "symbol": "BTC", "contract_code": "BTC-USD", "volume": 1, "order_type": 1,
        "direction": "sell", "offset": "open", "lever_rate": 5, "order_id": order_id,
        "order_id_str": str(order_id), "order_source": "api",
        "created_at": row["created_at"], "order_price_type": "formula_price", "status": 2,
        "callback_rate": 0.003, "active_price": 61000, "is_active": 0,
    }  # fmt: skip


async def test_a_trailing_order_lists_active_once_the_price_reaches_it(
    signed: SignedClient, signed_for: Any
) -> None:
    await placing.track_order(signed, "buy", active_price="59500")
    await trade_at(signed_for, "59400")
    (row,) = (await ok(signed, "swap_track_openorders", {"contract_code": "BTC-USD"}))["orders"]
    assert (row["is_active"], row["status"]) == (1, 2)


async def test_track_history_rows(signed: SignedClient, signed_for: Any) -> None:
    cancelled = await placing.track_order(signed, "sell", active_price="61000")
    fired = await placing.track_order(signed, "buy", active_price="59500", callback_rate="0.01")
    await ok(signed, "swap_track_cancel", {"contract_code": "BTC-USD", "order_id": cancelled})
    await trade_at(signed_for, "59400")  # activates `fired` at a low of 59400
    await trade_at(signed_for, "60000")  # 59400 x 1.01 = 59994: fires it
    path, body = history("track")
    rows = {r["order_id"]: r for r in (await ok(signed, path, body))["orders"]}
    assert set(rows) == {cancelled, fired}
    for row in rows.values():
        assert set(row) == TRACK_HISTORY_KEYS
    row = rows[cancelled]
    assert (row["status"], row["is_active"], row["real_volume"]) == (6, 0, 0)
    assert (row["market_limit_price"], row["formula_price"], row["triggered_price"]) == (
        None, None, None,
    )  # fmt: skip
    assert row["relation_order_id"] == "-1"
    row = rows[fired]
    assert (row["status"], row["is_active"], row["real_volume"]) == (4, 1, 1)
    assert (row["market_limit_price"], row["formula_price"]) == (59400, 59994)
    assert row["triggered_price"] == 60000 and row["relation_order_id"] != "-1"
    (child,) = await ok(signed, "swap_order_info",
                        {"contract_code": "BTC-USD", "order_id": row["relation_order_id"]})
    # formula_price places a limit at the formula price
    assert (child["order_source"], child["order_price_type"], child["price"]) == (
        "track", "limit", 59994,
    )  # fmt: skip


async def test_track_history_sorts_by_create_date_as_htx_names_it(
    signed: SignedClient, clock: ManualClock
) -> None:
    first = await placing.track_order(signed)
    clock.advance(10)
    second = await placing.track_order(signed)
    for order_id in (second, first):
        clock.advance(10)
        await ok(signed, "swap_track_cancel", {"contract_code": "BTC-USD", "order_id": order_id})
    for sort_by, expected in (("create_date", [second, first]), ("created_at", [second, first]),
                              ("update_time", [first, second])):  # fmt: skip
        path, body = history("track", sort_by=sort_by)
        assert [r["order_id"] for r in (await ok(signed, path, body))["orders"]] == expected


async def test_another_uid_sees_none_of_them(signed: SignedClient, signed_for: Any) -> None:
    other = signed_for(KEYS.second)
    await placing.tpsl_pair(signed, other, "sell")  # on a long UID 2 sold: UID 2 has the short
    await placing.track_order(signed, offset="close")
    for kind in ("tpsl", "track"):
        assert (await ok(other, f"swap_{kind}_openorders", {"contract_code": "BTC-USD"}))[
            "total_size"
        ] == 0
