"""The private read endpoints as a client sees them on the wire: swap_openorders,
swap_order_info, swap_order_detail, swap_hisorders (v1), swap_account_info and
swap_position_info.

Orders are placed through swap_order (and cancelled through swap_cancel) with signed requests;
every read goes through httpx.ASGITransport. Bodies are decoded with Decimals, so a decimal
that arrived as a JSON string would fail the type checks below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, Tick
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import OrderId
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.api_keys import CreateApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.sqlite import SqliteStore
from tests.http.conftest import BASE_URL, KEYS, Key, SignedClient
from tests.texts import empty, invalid

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
OPENORDERS = V1 + "swap_openorders"
ORDER_INFO = V1 + "swap_order_info"
ORDER_DETAIL = V1 + "swap_order_detail"
HISORDERS = V1 + "swap_hisorders"
ACCOUNT_INFO = V1 + "swap_account_info"
POSITION_INFO = V1 + "swap_position_info"
SWAP_ORDER = V1 + "swap_order"
SWAP_CANCEL = V1 + "swap_cancel"
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

# Field sets as HTX documents them (reference section 3; S2 adds self_match_prevent).
ORDER_INFO_FIELDS = {
    "symbol", "contract_code", "volume", "price", "order_price_type", "order_type",
    "direction", "offset", "lever_rate", "order_id", "order_id_str", "client_order_id",
    "created_at", "trade_volume", "trade_turnover", "fee", "trade_avg_price", "margin_frozen",
    "profit", "status", "order_source", "fee_asset", "liquidation_type", "canceled_at",
    "is_tpsl", "real_profit", "self_match_prevent", "canceled_source",
}  # fmt: skip
OPEN_ORDER_FIELDS = ORDER_INFO_FIELDS | {"update_time"}
DETAIL_FIELDS = ORDER_INFO_FIELDS | {
    "instrument_price", "final_interest", "adjust_value", "total_page", "current_page",
    "total_size", "trades",
}  # fmt: skip
TRADE_FIELDS = {
    "id", "trade_id", "trade_price", "trade_volume", "trade_turnover", "trade_fee",
    "fee_asset", "role", "created_at", "profit", "real_profit",
}  # fmt: skip
HISTORY_FIELDS = {
    "order_id", "order_id_str", "symbol", "contract_code", "lever_rate", "direction",
    "offset", "volume", "price", "create_date", "update_time", "order_source",
    "order_price_type", "margin_frozen", "profit", "trade_volume", "trade_turnover", "fee",
    "trade_avg_price", "status", "order_type", "fee_asset", "liquidation_type", "is_tpsl",
    "real_profit",
}  # fmt: skip
ACCOUNT_FIELDS = {
    "symbol", "contract_code", "margin_balance", "margin_position", "margin_frozen",
    "margin_available", "profit_real", "profit_unreal", "risk_rate", "liquidation_price",
    "withdraw_available", "lever_rate", "adjust_factor", "margin_static", "new_risk_rate",
    "trade_partition", "transfer_profit_ratio",
}  # fmt: skip
POSITION_FIELDS = {
    "symbol", "contract_code", "volume", "available", "frozen", "cost_open", "cost_hold",
    "profit_unreal", "profit_rate", "profit", "position_margin", "lever_rate", "direction",
    "last_price", "adl_risk_percent", "liq_px", "new_risk_rate", "trade_partition",
}  # fmt: skip
PAGE_FIELDS = {"total_page", "current_page", "total_size"}


@pytest.fixture
def http_settings() -> HttpSettings:
    """No rate limits: several tests send more than a window's worth of requests."""
    return HttpSettings(rate_limit=False)


@pytest.fixture
def reader(signed_for: Callable[..., SignedClient]) -> SignedClient:
    """UID 1's read-only key."""
    return signed_for(KEYS.reader)


@pytest.fixture
def bob(signed_for: Callable[..., SignedClient]) -> SignedClient:
    """UID 2, read and trade."""
    return signed_for(KEYS.second)


# -- helpers -------------------------------------------------------------------------------


def decode(response: httpx.Response) -> Any:
    """The JSON body, with every JSON number that has a fraction as a Decimal."""
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


async def ok(client: SignedClient, path: str, body: Any = None, **kw: Any) -> Any:
    reply = decode(await client.post(path, body, **kw))
    assert reply["status"] == "ok", reply
    assert set(reply) == {"status", "data", "ts"}
    return reply["data"]


async def error(
    client: SignedClient, path: str, body: Any = None, lang: str | None = None
) -> tuple[int, str]:
    headers = {"Accept-Language": lang} if lang else None
    reply = decode(await client.post(path, body, headers=headers))
    assert reply["status"] == "error", reply
    assert set(reply) == {"status", "err_code", "err_msg", "ts"}
    return reply["err_code"], reply["err_msg"]


async def place(
    client: SignedClient,
    direction: str = "buy",
    price: str = "50000",
    volume: int = 1,
    *,
    code: str = "BTC-USD",
    offset: str = "open",
    **extra: Any,
) -> int:
    data = await ok(
        client,
        SWAP_ORDER,
        {
            "contract_code": code,
            "direction": direction,
            "offset": offset,
            "volume": volume,
            "price": price,
            "lever_rate": 10,
            "order_price_type": "limit",
            **extra,
        },
    )
    order_id = data["order_id"]
    assert isinstance(order_id, int)
    return order_id


async def cancel(client: SignedClient, order_id: int, code: str = "BTC-USD") -> None:
    data = await ok(client, SWAP_CANCEL, {"contract_code": code, "order_id": str(order_id)})
    assert data["successes"] == str(order_id), data


def is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_order_types(row: dict[str, Any], *, open_orders: bool = False) -> None:
    """The JSON types HTX answers an order with, whatever the endpoint (`open_orders`: as
    swap_openorders lists it)."""
    assert is_int(row["order_id"])
    assert row["order_id_str"] == str(row["order_id"])
    assert row["contract_code"] == row["contract_code"].upper()
    assert row["symbol"] == row["contract_code"].split("-")[0]
    assert row["fee_asset"] == row["symbol"]
    for name in ("volume", "lever_rate", "order_type", "trade_volume", "status", "is_tpsl"):
        assert is_int(row[name]), name
    for name in ("price", "trade_turnover", "fee", "margin_frozen", "profit", "real_profit"):
        assert is_number(row[name]), name
    assert row["trade_avg_price"] is None or is_number(row["trade_avg_price"])
    # swap_openorders prints an open order's null, as HTX's examples do; the others "0"
    assert row["liquidation_type"] == (None if open_orders else "0")
    assert row["direction"] in ("buy", "sell")
    assert row["offset"] in ("open", "close")


def check_page(data: dict[str, Any], *, total: int, page: int, pages: int) -> None:
    assert (data["total_size"], data["current_page"], data["total_page"]) == (total, page, pages)
    for name in PAGE_FIELDS:
        assert is_int(data[name])


def evict(engine: Engine, clock: ManualClock, order_ids: list[int]) -> None:
    """Let three hours pass (retention is two), then check the orders left memory."""
    clock.advance(3 * HOUR_MS)
    assert engine.execute(Tick()).error is None

    def in_memory(exchange: Exchange) -> list[bool]:
        return [exchange.order(OrderId(i)) is not None for i in order_ids]

    assert engine.query(in_memory).result() == [False] * len(order_ids)


# -- swap_openorders -----------------------------------------------------------------------


async def test_openorders_lists_the_callers_open_orders_in_htx_shape(
    signed: SignedClient,
) -> None:
    plain = await place(signed, "buy", "50000.5", 2, code="btc-usd")
    tagged = await place(signed, "sell", "70000", 1, client_order_id=42)

    data = await ok(signed, OPENORDERS, {"contract_code": "btc-usd"})

    assert set(data) == {"orders"} | PAGE_FIELDS
    check_page(data, total=2, page=1, pages=1)
    rows = {row["order_id"]: row for row in data["orders"]}
    assert set(rows) == {plain, tagged}
    for row in rows.values():
        assert set(row) == OPEN_ORDER_FIELDS
        check_order_types(row, open_orders=True)
        assert is_int(row["update_time"]) and is_int(row["created_at"])
    first = rows[plain]
    assert first["contract_code"] == "BTC-USD"
    assert first["price"] == Decimal("50000.5")
    assert (first["volume"], first["direction"], first["offset"]) == (2, "buy", "open")
    assert first["order_price_type"] == "limit"
    assert (first["status"], first["order_type"], first["lever_rate"]) == (3, 1, 10)
    assert first["client_order_id"] is None
    assert first["trade_avg_price"] is None
    assert first["margin_frozen"] > 0
    assert first["canceled_at"] is None  # HTX's examples of swap_openorders: null
    assert first["canceled_source"] == ""
    assert first["self_match_prevent"] == 1
    assert first["order_source"] == "api"
    assert rows[tagged]["client_order_id"] == 42


async def test_openorders_without_contract_code_lists_every_contract(
    signed: SignedClient,
) -> None:
    btc = await place(signed, code="BTC-USD")
    eth = await place(signed, "buy", "2500", code="ETH-USD")

    data = await ok(signed, OPENORDERS, {})
    assert {(row["order_id"], row["contract_code"]) for row in data["orders"]} == {
        (btc, "BTC-USD"),
        (eth, "ETH-USD"),
    }
    only_eth = await ok(signed, OPENORDERS, {"contract_code": "ETH-USD"})
    assert [row["order_id"] for row in only_eth["orders"]] == [eth]


async def test_openorders_pages_newest_first(signed: SignedClient, clock: ManualClock) -> None:
    ids = []
    for n in range(5):
        ids.append(await place(signed, price=str(50000 + n)))
        clock.advance(1000)
    newest_first = ids[::-1]

    default = await ok(signed, OPENORDERS, {"contract_code": "BTC-USD"})
    check_page(default, total=5, page=1, pages=1)
    assert [row["order_id"] for row in default["orders"]] == newest_first

    pages = []
    for index in (1, 2, 3):
        body = {"contract_code": "BTC-USD", "page_index": index, "page_size": 2}
        data = await ok(signed, OPENORDERS, body)
        check_page(data, total=5, page=index, pages=3)
        pages.append([row["order_id"] for row in data["orders"]])
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]

    beyond = await ok(signed, OPENORDERS, {"contract_code": "BTC-USD", "page_index": "4"})
    assert beyond["orders"] == []
    check_page(beyond, total=5, page=4, pages=1)


async def test_openorders_sorts_by_update_time_on_request(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    older = await place(signed, "buy", "50000", 2)
    clock.advance(1000)
    newer = await place(signed, "buy", "49000", 1)
    clock.advance(1000)
    await place(bob, "sell", "50000", 1)  # fills half of the older order: it updates last

    by_created = await ok(signed, OPENORDERS, {"contract_code": "BTC-USD"})
    assert [row["order_id"] for row in by_created["orders"]] == [newer, older]
    by_update = await ok(signed, OPENORDERS, {"contract_code": "BTC-USD", "sort_by": "update_time"})
    assert [row["order_id"] for row in by_update["orders"]] == [older, newer]
    partly = by_update["orders"][0]
    assert (partly["status"], partly["trade_volume"]) == (4, 1)
    assert partly["trade_avg_price"] == 50000
    assert partly["update_time"] > partly["created_at"]


async def test_openorders_filters_by_trade_type(signed: SignedClient, bob: SignedClient) -> None:
    await place(bob, "sell", "60000", 2)
    await place(signed, "buy", "60000", 2)  # UID 1 is now long 2
    buy_open = await place(signed, "buy", "50000")
    sell_open = await place(signed, "sell", "70000")
    sell_close = await place(signed, "sell", "71000", offset="close")

    async def listed(trade_type: int) -> list[int]:
        body = {"contract_code": "BTC-USD", "trade_type": trade_type}
        return sorted(row["order_id"] for row in (await ok(signed, OPENORDERS, body))["orders"])

    assert await listed(0) == sorted([buy_open, sell_open, sell_close])
    assert await listed(1) == [buy_open]
    assert await listed(2) == [sell_open]
    assert await listed(3) == []
    assert await listed(4) == [sell_close]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"contract_code": "BTC-USD", "page_size": 51},
            1067,
            invalid("page_size"),
        ),
        (
            {"contract_code": "BTC-USD", "page_size": 0},
            1067,
            invalid("page_size"),
        ),
        (
            {"contract_code": "BTC-USD", "page_size": "x"},
            1067,
            invalid("page_size"),
        ),
        (
            {"contract_code": "BTC-USD", "page_index": 0},
            1067,
            invalid("page_index"),
        ),
        (
            {"contract_code": "BTC-USD", "sort_by": "price"},
            1067,
            invalid("sort_by"),
        ),
        (
            {"contract_code": "BTC-USD", "trade_type": 5},
            1067,
            invalid("trade_type"),
        ),
        ({"contract_code": "XRP-USD"}, 1014, "This contract doesnt exist."),
    ],
)
async def test_openorders_refuses_bad_fields(
    signed: SignedClient, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, OPENORDERS, body) == (code, message)


async def test_small_decimals_print_as_plain_decimals(
    signed: SignedClient, bob: SignedClient
) -> None:
    """HTX prints decimals digit for digit ("fee":-0.000000333333333333), never in exponent
    form: a maker's fee on one BTC-USD contract is below 1e-6 BTC."""
    maker = await place(bob, "sell", "60000", 2)
    await place(signed, "buy", "60000", 1)

    response = await bob.post(OPENORDERS, {"contract_code": "BTC-USD"})
    [row] = decode(response)["data"]["orders"]
    assert row["order_id"] == maker
    assert -Decimal("0.000001") < row["fee"] < 0
    assert re.search(r"\d[eE][+-]?\d", response.text) is None, response.text


# -- swap_order_info -----------------------------------------------------------------------


async def test_order_info_by_order_id_lists_found_orders_without_update_time(
    signed: SignedClient,
) -> None:
    first = await place(signed, price="50000")
    second = await place(signed, price="50001", client_order_id=7)

    data = await ok(
        signed,
        ORDER_INFO,
        {"contract_code": "btc-usd", "order_id": f"{first},123456789,{second},{first}"},
    )
    assert isinstance(data, list)
    assert [row["order_id"] for row in data] == [first, second]
    for row in data:
        assert set(row) == ORDER_INFO_FIELDS
        check_order_types(row)
        assert row["contract_code"] == "BTC-USD"
    assert data[1]["client_order_id"] == 7

    # ccxt sends one id as a string; some clients send a JSON number.
    as_number = await ok(signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": first})
    assert [row["order_id"] for row in as_number] == [first]


async def test_order_info_by_client_order_id_and_order_id_wins(signed: SignedClient) -> None:
    tagged = await place(signed, price="50000", client_order_id=1001)
    other = await place(signed, price="50001", client_order_id=1002)

    by_client = await ok(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "client_order_id": "1002,1001,999"}
    )
    assert [row["order_id"] for row in by_client] == [other, tagged]
    assert [row["client_order_id"] for row in by_client] == [1002, 1001]

    both = await ok(
        signed,
        ORDER_INFO,
        {"contract_code": "BTC-USD", "order_id": str(tagged), "client_order_id": "1002"},
    )
    assert [row["order_id"] for row in both] == [tagged]


async def test_order_info_shows_finished_orders(signed: SignedClient, bob: SignedClient) -> None:
    cancelled = await place(signed, price="50000")
    await cancel(signed, cancelled)
    await place(bob, "sell", "60000", 1)
    filled = await place(signed, "buy", "60000", 1)

    data = await ok(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": f"{cancelled},{filled}"}
    )
    rows = {row["order_id"]: row for row in data}
    assert rows[cancelled]["status"] == 7
    assert rows[cancelled]["canceled_at"] > 0
    assert rows[cancelled]["margin_frozen"] == 0
    assert rows[filled]["status"] == 6
    assert rows[filled]["trade_volume"] == 1
    assert rows[filled]["trade_turnover"] == 100
    assert rows[filled]["trade_avg_price"] == 60000
    assert rows[filled]["fee"] < 0


async def test_order_info_never_shows_another_uids_or_another_contracts_order(
    signed: SignedClient, bob: SignedClient
) -> None:
    bobs = await place(bob, price="50000", client_order_id=5)
    mine_eth = await place(signed, "buy", "2500", code="ETH-USD")

    assert await error(signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": str(bobs)}) == (
        1017,
        "Order doesnt exist.",
    )
    assert await error(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "client_order_id": "5"}
    ) == (1017, "Order doesnt exist.")
    assert await error(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": str(mine_eth)}
    ) == (1017, "Order doesnt exist.")
    # Mixed with one of the caller's own, the other UID's order is simply absent.
    mine = await place(signed, price="50000")
    data = await ok(signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": f"{bobs},{mine}"})
    assert [row["order_id"] for row in data] == [mine]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"order_id": "1"}, 1066, empty("contract_code")),
        (
            {"contract_code": "", "order_id": "1"},
            1066,
            empty("contract_code"),
        ),
        (
            {"contract_code": "BTC-USD"},
            1066,
            empty("order_id"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": ""},
            1066,
            empty("order_id"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": ",".join(str(n) for n in range(1, 52))},
            1052,
            "The number exceeds the batch limit.",
        ),
        (
            {"contract_code": "BTC-USD", "client_order_id": ",".join(map(str, range(1, 52)))},
            1052,
            "The number exceeds the batch limit.",
        ),
        ({"contract_code": "XRP-USD", "order_id": "1"}, 1014, "This contract doesnt exist."),
        ({"contract_code": "BTC-USD", "order_id": "999999"}, 1017, "Order doesnt exist."),
        ({"contract_code": "BTC-USD", "order_id": "abc"}, 1017, "Order doesnt exist."),
        ({"contract_code": "BTC-USD", "client_order_id": "77"}, 1017, "Order doesnt exist."),
    ],
)
async def test_order_info_refuses_bad_requests(
    signed: SignedClient, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, ORDER_INFO, body) == (code, message)


async def test_order_info_accepts_fifty_ids(signed: SignedClient) -> None:
    mine = await place(signed)
    ids = [str(mine), *(str(n) for n in range(10**9, 10**9 + 49))]
    data = await ok(signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": ",".join(ids)})
    assert [row["order_id"] for row in data] == [mine]


# -- swap_order_detail ---------------------------------------------------------------------


async def test_order_detail_shows_the_order_with_its_fills(
    signed: SignedClient, bob: SignedClient
) -> None:
    await place(bob, "sell", "60000", 1)
    await place(bob, "sell", "60000.1", 2)
    taker = await place(signed, "buy", "60000.1", 3, client_order_id=9)

    data = await ok(signed, ORDER_DETAIL, {"contract_code": "btc-usd", "order_id": taker})

    assert set(data) == DETAIL_FIELDS
    check_order_types(data)
    assert data["contract_code"] == "BTC-USD"
    assert (data["order_id"], data["client_order_id"], data["status"]) == (taker, 9, 6)
    assert data["trade_volume"] == 3
    assert data["trade_turnover"] == 300
    assert data["instrument_price"] == 0  # HTX's liquidation price: 0 for an ordinary order
    assert (data["final_interest"], data["adjust_value"]) == (0, 0)
    check_page(data, total=2, page=1, pages=1)
    trades = data["trades"]
    assert [(t["trade_price"], t["trade_volume"]) for t in trades] == [
        (60000, 1),
        (Decimal("60000.1"), 2),
    ]
    for trade in trades:
        assert set(trade) == TRADE_FIELDS
        assert isinstance(trade["id"], str)
        assert trade["id"].startswith(f"{trade['trade_id']}-{taker}-")
        assert is_int(trade["trade_id"]) and is_int(trade["created_at"])
        assert trade["role"] == "taker"
        assert trade["fee_asset"] == "BTC"
        for name in ("trade_price", "trade_turnover", "trade_fee", "profit", "real_profit"):
            assert is_number(trade[name]), name
        assert trade["trade_fee"] < 0
    assert sum(t["trade_fee"] for t in trades) == data["fee"]

    second_page = await ok(
        signed,
        ORDER_DETAIL,
        {"contract_code": "BTC-USD", "order_id": str(taker), "page_index": 2, "page_size": 1},
    )
    check_page(second_page, total=2, page=2, pages=2)
    assert [t["trade_price"] for t in second_page["trades"]] == [Decimal("60000.1")]


async def test_order_detail_of_a_resting_maker_and_of_an_unfilled_order(
    signed: SignedClient, bob: SignedClient
) -> None:
    maker = await place(signed, "sell", "60000", 2)
    await place(bob, "buy", "60000", 1)
    quiet = await place(signed, "buy", "2500", 1, code="ETH-USD")

    data = await ok(
        signed,
        ORDER_DETAIL,
        {"contract_code": "BTC-USD", "order_id": maker, "created_at": 1, "order_type": 1},
    )
    assert (data["status"], data["trade_volume"]) == (4, 1)
    assert [t["role"] for t in data["trades"]] == ["maker"]

    empty = await ok(signed, ORDER_DETAIL, {"contract_code": "ETH-USD", "order_id": quiet})
    assert empty["trades"] == []
    check_page(empty, total=0, page=1, pages=0)
    assert empty["instrument_price"] == 0
    assert empty["trade_avg_price"] is None


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"order_id": "1"}, 1066, empty("contract_code")),
        (
            {"contract_code": "BTC-USD"},
            1066,
            empty("order_id"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": "abc"},
            1067,
            invalid("order_id"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": "1.5"},
            1067,
            invalid("order_id"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": "1", "created_at": 0},
            1067,
            invalid("created_at"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": "1", "order_type": 9},
            1067,
            invalid("order_type"),
        ),
        (
            {"contract_code": "BTC-USD", "order_id": "1", "page_size": 51},
            1067,
            invalid("page_size"),
        ),
        ({"contract_code": "XRP-USD", "order_id": "1"}, 1014, "This contract doesnt exist."),
        ({"contract_code": "BTC-USD", "order_id": "999999"}, 1017, "Order doesnt exist."),
    ],
)
async def test_order_detail_refuses_bad_requests(
    signed: SignedClient, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, ORDER_DETAIL, body) == (code, message)


async def test_order_detail_of_another_uids_order_does_not_exist(
    signed: SignedClient, bob: SignedClient
) -> None:
    bobs = await place(bob)
    mine_eth = await place(signed, "buy", "2500", code="ETH-USD")
    assert await error(signed, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": bobs}) == (
        1017,
        "Order doesnt exist.",
    )
    assert await error(
        signed, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": mine_eth}
    ) == (1017, "Order doesnt exist.")


# -- swap_hisorders ------------------------------------------------------------------------


def history(code: str = "BTC-USD", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_code": code,
        "trade_type": 0,
        "type": 1,
        "status": "0",
        "create_date": 7,
    }
    body.update(fields)
    return body


async def test_hisorders_lists_every_order_in_v1_shape(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    resting = await place(signed, "buy", "50000", 1)
    clock.advance(1000)
    cancelled = await place(signed, "buy", "50001", 1)
    await cancel(signed, cancelled)
    clock.advance(1000)
    await place(bob, "sell", "60000", 1)
    filled = await ok(
        signed,
        SWAP_ORDER,
        {
            "contract_code": "BTC-USD",
            "direction": "buy",
            "offset": "open",
            "volume": 1,
            "lever_rate": 10,
            "order_price_type": "opponent",
        },
    )
    filled_id = filled["order_id"]

    data = await ok(signed, HISORDERS, history("btc-usd"))

    assert set(data) == {"orders"} | PAGE_FIELDS
    check_page(data, total=3, page=1, pages=1)
    assert [row["order_id"] for row in data["orders"]] == [filled_id, cancelled, resting]
    for row in data["orders"]:
        assert set(row) == HISTORY_FIELDS
        check_order_types(row)
        assert row["contract_code"] == "BTC-USD"
        assert is_int(row["create_date"]) and is_int(row["update_time"])
    by_id = {row["order_id"]: row for row in data["orders"]}
    assert by_id[resting]["order_price_type"] == 1  # limit, as HTX's integer code
    assert by_id[filled_id]["order_price_type"] == 3  # opponent
    assert [by_id[i]["status"] for i in (resting, cancelled, filled_id)] == [3, 7, 6]
    assert by_id[filled_id]["trade_avg_price"] == 60000
    assert by_id[resting]["trade_avg_price"] == 0  # HTX's history examples print 0, not null


async def test_hisorders_filters_by_type_status_trade_type_and_window(
    signed: SignedClient, bob: SignedClient, clock: ManualClock
) -> None:
    old = await place(signed, "buy", "40000", 1)
    await cancel(signed, old)
    clock.advance(3 * DAY_MS)
    resting = await place(signed, "buy", "50000", 1)
    cancelled = await place(signed, "buy", "50001", 1)
    await cancel(signed, cancelled)
    await place(bob, "sell", "60000", 3)
    filled = await place(signed, "buy", "60000", 1)
    sell_close = await place(signed, "sell", "61000", 1, offset="close")
    await place(bob, "buy", "50000", 1)  # bob's order: UID 1 sees it nowhere

    async def listed(**fields: Any) -> list[int]:
        data = await ok(signed, HISORDERS, history(**{"create_date": 1, **fields}))
        return sorted(row["order_id"] for row in data["orders"])

    recent = sorted([resting, cancelled, filled, sell_close])
    assert await listed() == recent
    assert await listed(create_date=4) == sorted([*recent, old])
    assert await listed(type=2) == sorted([cancelled, filled])
    assert await listed(type=2, status="3,7") == [cancelled]
    assert await listed(type=2, status="3") == []
    assert await listed(status="3") == sorted([resting, sell_close])
    assert await listed(status="6,7") == sorted([cancelled, filled])
    assert await listed(status="0,3") == recent
    assert await listed(status=7, create_date="90") == sorted([cancelled, old])
    assert await listed(trade_type=1) == sorted([resting, cancelled, filled])
    assert await listed(trade_type=4) == [sell_close]
    assert await listed(trade_type=2) == []
    for liquidation_or_delivery in (5, 6, 7, 8, 11, 12):
        assert await listed(trade_type=liquidation_or_delivery) == []


async def test_hisorders_pages_and_sorts(signed: SignedClient, clock: ManualClock) -> None:
    ids = []
    for n in range(5):
        ids.append(await place(signed, price=str(50000 + n)))
        clock.advance(1000)
    await cancel(signed, ids[0])  # the oldest order is now the last updated

    pages = []
    for index in (1, 2, 3):
        data = await ok(signed, HISORDERS, history(page_index=index, page_size=2))
        check_page(data, total=5, page=index, pages=3)
        pages.append([row["order_id"] for row in data["orders"]])
    assert [i for page in pages for i in page] == ids[::-1]

    by_update = await ok(signed, HISORDERS, history(sort_by="update_time"))
    assert [row["order_id"] for row in by_update["orders"]] == [ids[0], *ids[:0:-1]]
    by_create = await ok(signed, HISORDERS, history(sort_by="create_date"))
    assert [row["order_id"] for row in by_create["orders"]] == ids[::-1]


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {"contract_code": None},
            1066,
            empty("contract_code"),
        ),
        ({"trade_type": None}, 1066, empty("trade_type")),
        ({"trade_type": 9}, 1067, invalid("trade_type")),
        ({"trade_type": "x"}, 1067, invalid("trade_type")),
        ({"type": None}, 1066, empty("type")),
        ({"type": 3}, 1067, invalid("type")),
        ({"status": None}, 1066, empty("status")),
        ({"status": "1"}, 1067, invalid("status")),
        ({"status": "3,11"}, 1067, invalid("status")),
        ({"status": "x"}, 1067, invalid("status")),
        ({"create_date": None}, 1066, empty("create_date")),
        ({"create_date": 0}, 1067, invalid("create_date")),
        ({"create_date": "week"}, 1067, invalid("create_date")),
        ({"page_size": 51}, 1067, invalid("page_size")),
        ({"page_index": -1}, 1067, invalid("page_index")),
        ({"sort_by": "created_at"}, 1067, invalid("sort_by")),
        ({"contract_code": "XRP-USD"}, 1014, "This contract doesnt exist."),
    ],
)
async def test_hisorders_refuses_bad_fields(
    signed: SignedClient, fields: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, HISORDERS, history(**fields)) == (code, message)


# -- swap_account_info ---------------------------------------------------------------------


async def test_account_info_lists_one_row_per_contract(signed: SignedClient) -> None:
    data = await ok(signed, ACCOUNT_INFO, {})
    assert [row["contract_code"] for row in data] == ["BTC-USD", "ETH-USD"]
    for row in data:
        assert set(row) == ACCOUNT_FIELDS
        for name in ACCOUNT_FIELDS - {
            "symbol", "contract_code", "risk_rate", "liquidation_price", "lever_rate",
            "adjust_factor", "new_risk_rate", "trade_partition",
        }:  # fmt: skip
            assert is_number(row[name]), name
        assert (row["new_risk_rate"], row["trade_partition"]) == ("", "")  # HTX's examples
        assert row["transfer_profit_ratio"] == 0
    btc, eth = data
    assert btc["symbol"] == "BTC"
    assert (btc["margin_balance"], btc["margin_static"], btc["margin_available"]) == (10, 10, 10)
    assert (btc["margin_position"], btc["margin_frozen"], btc["profit_unreal"]) == (0, 0, 0)
    assert eth["margin_balance"] == 100

    one = await ok(signed, ACCOUNT_INFO, {"contract_code": "eth-usd"})
    assert [(row["contract_code"], row["symbol"]) for row in one] == [("ETH-USD", "ETH")]


async def test_account_info_reflects_orders_and_positions(
    signed: SignedClient, bob: SignedClient
) -> None:
    await place(signed, "buy", "50000", 1)
    await place(bob, "sell", "60000", 2)
    await place(signed, "buy", "60000", 2)

    [btc] = await ok(signed, ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    assert btc["margin_frozen"] > 0  # the resting bid
    assert btc["margin_position"] > 0  # the long 2
    assert btc["margin_static"] < 10  # the taker fee
    assert btc["lever_rate"] == 10
    assert btc["margin_available"] == (
        btc["margin_balance"] - btc["margin_position"] - btc["margin_frozen"]
    )


async def test_account_info_unknown_contract(signed: SignedClient) -> None:
    assert await error(signed, ACCOUNT_INFO, {"contract_code": "XRP-USD"}) == (
        1014,
        "This contract doesnt exist.",
    )


# -- swap_position_info --------------------------------------------------------------------


async def test_position_info_lists_open_positions(signed: SignedClient, bob: SignedClient) -> None:
    assert await ok(signed, POSITION_INFO, {}) == []
    await place(bob, "sell", "60000", 3)
    await place(signed, "buy", "60000", 3)
    await place(signed, "sell", "65000", 1, offset="close")

    data = await ok(signed, POSITION_INFO, {"contract_code": "btc-usd"})
    [long] = data
    assert set(long) == POSITION_FIELDS
    assert (long["contract_code"], long["symbol"], long["direction"]) == ("BTC-USD", "BTC", "buy")
    assert (long["volume"], long["available"], long["frozen"]) == (3, 2, 1)
    assert long["lever_rate"] == 10
    texts = {"adl_risk_percent", "liq_px", "new_risk_rate", "trade_partition"}
    for name in POSITION_FIELDS - {"symbol", "contract_code", "direction"} - texts:
        assert is_number(long[name]), name
    assert (long["adl_risk_percent"], long["new_risk_rate"], long["trade_partition"]) == (
        "1",
        "",
        "",
    )
    # liq_px is swap_account_info's liquidation_price for the contract, as a string
    [btc] = await ok(signed, ACCOUNT_INFO, {"contract_code": "BTC-USD"})
    assert long["liq_px"] == str(btc["liquidation_price"])
    assert long["cost_open"] == 60000
    assert long["last_price"] == 60000
    assert await ok(signed, POSITION_INFO, {}) == data
    assert await ok(signed, POSITION_INFO, {"contract_code": "ETH-USD"}) == []

    [short] = await ok(bob, POSITION_INFO, {})
    assert (short["direction"], short["volume"]) == ("sell", 3)


async def test_position_info_unknown_contract(signed: SignedClient) -> None:
    assert await error(signed, POSITION_INFO, {"contract_code": "XRP-USD"}) == (
        1014,
        "This contract doesnt exist.",
    )


# -- language, permissions, isolation ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "code", "message"),
    [
        (ORDER_INFO, {"contract_code": "BTC-USD", "order_id": "1"}, 1017, "查询订单不存在"),
        (ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": "1"}, 1017, "查询订单不存在"),
        (OPENORDERS, {"contract_code": "XRP-USD"}, 1014, "合约不存在"),
        (OPENORDERS, {"page_size": 99}, 1067, "page_size字段不合法"),
        (HISORDERS, history(trade_type=None), 1066, "trade_type字段不能为空,请重新输入"),
        (ORDER_INFO, {"contract_code": "BTC-USD", "order_id": ",".join(["1"] * 51)}, 1052,
         "批量撤单、下单的订单数量超过平台限制数量"),
    ],
)  # fmt: skip
async def test_errors_in_chinese_for_zh_cn(
    signed: SignedClient, path: str, body: dict[str, Any], code: int, message: str
) -> None:
    assert await error(signed, path, body, lang="zh-CN") == (code, message)


async def test_a_read_only_key_reads_but_cannot_trade(
    signed: SignedClient, reader: SignedClient, signed_for: Callable[[Key], SignedClient]
) -> None:
    mine = await place(signed)
    for path, body in [
        (OPENORDERS, {"contract_code": "BTC-USD"}),
        (ORDER_INFO, {"contract_code": "BTC-USD", "order_id": str(mine)}),
        (ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": mine}),
        (HISORDERS, history()),
        (ACCOUNT_INFO, {}),
        (POSITION_INFO, {}),
    ]:
        await ok(reader, path, body)
    listed = await ok(reader, OPENORDERS, {"contract_code": "BTC-USD"})
    assert [row["order_id"] for row in listed["orders"]] == [mine]

    refused = {
        "status": "error",
        "err_code": 403,
        "err_msg": "No permission for this operation [无此操作权限]",
    }
    for path, body in [
        (SWAP_ORDER, {"contract_code": "BTC-USD", "direction": "buy", "offset": "open",
                      "volume": 1, "price": "50000", "lever_rate": 10,
                      "order_price_type": "limit"}),
        (SWAP_CANCEL, {"contract_code": "BTC-USD", "order_id": str(mine)}),
    ]:  # fmt: skip
        reply = decode(await reader.post(path, body))
        assert {k: v for k, v in reply.items() if k != "ts"} == refused
    still = await ok(reader, OPENORDERS, {"contract_code": "BTC-USD"})
    assert [row["order_id"] for row in still["orders"]] == [mine]

    # A key with trade permission only cannot read.
    trade_only = signed_for(KEYS.trade_only)
    reply = decode(await trade_only.post(OPENORDERS, {}))
    assert {k: v for k, v in reply.items() if k != "ts"} == refused


async def test_reads_never_show_another_uids_data(
    signed: SignedClient, bob: SignedClient, signed_for: Callable[[Key], SignedClient]
) -> None:
    await place(bob, "sell", "60000", 2, client_order_id=1)
    mine = await place(signed, "buy", "60000", 1, client_order_id=1)  # takes 1 of bob's 2
    await place(signed, "buy", "2500", code="ETH-USD")
    carol = signed_for(KEYS.third)

    assert (await ok(carol, OPENORDERS, {}))["orders"] == []
    assert (await ok(carol, OPENORDERS, {"contract_code": "BTC-USD"}))["total_size"] == 0
    assert (await ok(carol, HISORDERS, history()))["orders"] == []
    assert await ok(carol, POSITION_INFO, {}) == []
    for row in await ok(carol, ACCOUNT_INFO, {}):
        assert row["margin_frozen"] == 0 and row["margin_position"] == 0
    assert await error(carol, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": mine}) == (
        1017,
        "Order doesnt exist.",
    )
    assert await error(carol, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": mine}) == (
        1017,
        "Order doesnt exist.",
    )

    # Both UIDs used client_order_id 1: each sees its own.
    [bobs] = await ok(bob, ORDER_INFO, {"contract_code": "BTC-USD", "client_order_id": "1"})
    [alices] = await ok(signed, ORDER_INFO, {"contract_code": "BTC-USD", "client_order_id": "1"})
    assert (bobs["direction"], alices["order_id"]) == ("sell", mine)
    bob_open = await ok(bob, OPENORDERS, {})
    assert [row["direction"] for row in bob_open["orders"]] == ["sell"]
    bob_history = await ok(bob, HISORDERS, history())
    assert [row["direction"] for row in bob_history["orders"]] == ["sell"]
    [bob_short] = await ok(bob, POSITION_INFO, {})
    assert (bob_short["direction"], bob_short["volume"]) == ("sell", 1)


# -- history beyond the engine's memory ----------------------------------------------------


async def test_evicted_orders_are_read_back_from_the_store(
    signed: SignedClient, bob: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    cancelled = await place(signed, "buy", "50000", 1, client_order_id=11)
    await cancel(signed, cancelled)
    await place(bob, "sell", "60000", 1)
    filled = await place(signed, "buy", "60000", 1)
    before = await ok(signed, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": filled})

    evict(engine, clock, [cancelled, filled])

    info = await ok(
        signed, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": f"{cancelled},{filled}"}
    )
    assert [(row["order_id"], row["status"]) for row in info] == [(cancelled, 7), (filled, 6)]
    by_client = await ok(signed, ORDER_INFO, {"contract_code": "BTC-USD", "client_order_id": "11"})
    assert [row["order_id"] for row in by_client] == [cancelled]
    after = await ok(signed, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": filled})
    assert after == before
    listed = await ok(signed, HISORDERS, history())
    assert [row["order_id"] for row in listed["orders"]] == [filled, cancelled]
    assert (await ok(signed, OPENORDERS, {}))["orders"] == []
    # Still only the owner's.
    assert await error(bob, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": filled}) == (
        1017,
        "Order doesnt exist.",
    )


async def test_sqlite_history_is_read_from_disk_after_eviction_and_restart(
    clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "sandbox.db"
    settings = HttpSettings(rate_limit=False)

    def clients(engine: Engine) -> tuple[httpx.AsyncClient, SignedClient, SignedClient]:
        transport = httpx.ASGITransport(app=create_app(engine, clock, settings))
        http = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        alice = SignedClient(http, KEYS.trader.access, KEYS.trader.secret, clock=clock)
        bob = SignedClient(http, KEYS.second.access, KEYS.second.secret, clock=clock)
        return http, alice, bob

    first = Engine(SqliteStore(path), clock)
    first.start()
    try:
        for key in (KEYS.trader, KEYS.second):
            assert first.execute(OpenUser(key.uid)).error is None
            assert first.execute(Deposit(key.uid, "BTC", Decimal(10))).error is None
            create = CreateApiKey(key.access, key.secret, key.uid, frozenset({"read", "trade"}))
            assert first.execute(create).error is None
        http, alice, bob = clients(first)
        async with http:
            cancelled = await place(alice, "buy", "50000", 1)
            await cancel(alice, cancelled)
            await place(bob, "sell", "60000", 2)
            filled = await place(alice, "buy", "60000", 2)
            detail = await ok(alice, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": filled})
            assert len(detail["trades"]) == 1

            evict(first, clock, [cancelled, filled])

            info = await ok(
                alice,
                ORDER_INFO,
                {"contract_code": "BTC-USD", "order_id": f"{filled},{cancelled}"},
            )
            assert [(r["order_id"], r["status"]) for r in info] == [(filled, 6), (cancelled, 7)]
            from_disk = await ok(
                alice, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": filled}
            )
            assert from_disk == detail
            listed = await ok(alice, HISORDERS, history(type=2))
            assert [row["order_id"] for row in listed["orders"]] == [filled, cancelled]
    finally:
        first.stop()
        first.store.close()

    # A restart loads only what is open or recent: the history comes from the file alone.
    clock.advance(1000)
    restarted = Engine(SqliteStore(path), clock)
    restarted.start()
    try:
        assert restarted.query(lambda ex: ex.order(OrderId(filled))).result() is None
        http, alice, _ = clients(restarted)
        async with http:
            [row] = await ok(alice, ORDER_INFO, {"contract_code": "BTC-USD", "order_id": filled})
            assert (row["status"], row["trade_volume"]) == (6, 2)
            again = await ok(alice, ORDER_DETAIL, {"contract_code": "BTC-USD", "order_id": filled})
            assert again == detail
            listed = await ok(alice, HISORDERS, history(sort_by="update_time"))
            assert {row["order_id"] for row in listed["orders"]} == {filled, cancelled}
            [position] = await ok(alice, POSITION_INFO, {})
            assert position["volume"] == 2
    finally:
        restarted.stop()
        restarted.store.close()
