"""The trade endpoints on the wire: swap_order, swap_batchorder, swap_cancel, swap_cancelall,
swap_switch_lever_rate and swap-cancel-after, each success shape and each error path."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Tick
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderStatus
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.invariants import (
    check_book_uncrossed_and_levels,
    check_coin_conservation,
    check_fill_volumes_agree_with_status,
    check_finished_queue,
    check_frozen_margin_matches_open_orders,
    check_long_equals_short,
    check_open_orders_rest_in_book_and_index,
    check_position_frozen_matches_close_orders,
)
from tests.texts import empty, invalid

from .conftest import FUNDS, KEYS, UID1, UID2, UID3, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
ORDER = V1 + "swap_order"
BATCH = V1 + "swap_batchorder"
CANCEL = V1 + "swap_cancel"
CANCEL_ALL = V1 + "swap_cancelall"
SWITCH = V1 + "swap_switch_lever_rate"
CANCEL_AFTER = V1 + "swap-cancel-after"

SignedFor = Callable[..., SignedClient]


# -- helpers ---------------------------------------------------------------------------------


def order_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_code": "BTC-USD",
        "volume": 1,
        "direction": "buy",
        "offset": "open",
        "lever_rate": 5,
        "order_price_type": "limit",
        "price": "50000",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def ok_data(response: httpx.Response) -> Any:
    body = SignedClient.json(response)
    assert body["status"] == "ok", body
    assert set(body) == {"status", "data", "ts"}, body
    assert isinstance(body["ts"], int)
    return body["data"]


def assert_error(response: httpx.Response, code: int, message: str | None = None) -> None:
    body = SignedClient.json(response)
    assert set(body) == {"status", "err_code", "err_msg", "ts"}, body
    assert body["status"] == "error", body
    assert body["err_code"] == code, body
    assert isinstance(body["ts"], int)
    if message is not None:
        assert body["err_msg"] == message


def get_order(engine: Engine, order_id: int) -> Order | None:
    found: Order | None = engine.query(lambda ex: ex.order(OrderId(order_id))).result()
    return found


def all_orders(engine: Engine) -> dict[int, Order]:
    orders: dict[int, Order] = engine.query(
        lambda ex: {int(k): v for k, v in ex.state.orders.items()}
    ).result()
    return orders


async def place(signed: SignedClient, **changes: Any) -> int:
    data = ok_data(await signed.post(ORDER, order_body(**changes)))
    order_id: int = data["order_id"]
    return order_id


def check_invariants(engine: Engine, deposits: dict[str, Decimal]) -> None:
    def run(ex: Any) -> None:
        state = ex.state
        check_fill_volumes_agree_with_status(state)
        check_open_orders_rest_in_book_and_index(state)
        check_finished_queue(state)
        check_frozen_margin_matches_open_orders(state)
        check_position_frozen_matches_close_orders(state)
        check_long_equals_short(state)
        check_coin_conservation(state, deposits)
        check_book_uncrossed_and_levels(state)

    engine.query(run).result()


def deposits_for(uids: int) -> dict[str, Decimal]:
    return {symbol: amount * uids for symbol, amount in FUNDS.items()}


# -- swap_order: accepted forms --------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        {"volume": 2, "lever_rate": 10, "price": 50000.1, "client_order_id": 77},
        {"volume": "2", "lever_rate": "10", "price": "50000.1", "client_order_id": "77"},
        {"volume": 2.0, "lever_rate": "10", "price": "50000.10", "client_order_id": 77},
        {"volume": "2", "lever_rate": 10, "price": 50000.1, "client_order_id": "77"},
    ],
)
async def test_swap_order_takes_numbers_or_numeric_strings(
    signed: SignedClient, engine: Engine, forms: dict[str, Any]
) -> None:
    data = ok_data(await signed.post(ORDER, order_body(**forms)))
    assert set(data) == {"order_id", "order_id_str", "client_order_id"}
    assert data["client_order_id"] == 77
    order = get_order(engine, data["order_id"])
    assert order is not None
    assert order.volume == 2
    assert order.lever_rate == 10
    assert order.price == Decimal("50000.1")
    assert order.client_order_id == 77
    assert order.status is OrderStatus.SUBMITTED


async def test_swap_order_response_shape(signed: SignedClient, engine: Engine) -> None:
    response = await signed.post(ORDER, order_body())
    # order_id is a JSON integer (not a string, not a float), order_id_str its twin.
    assert '"order_id":' + response.json()["data"]["order_id_str"] in response.text
    data = ok_data(response)
    assert set(data) == {"order_id", "order_id_str"}  # no client_order_id when none was sent
    assert type(data["order_id"]) is int
    assert data["order_id_str"] == str(data["order_id"])
    order = get_order(engine, data["order_id"])
    assert order is not None and order.uid == UID1 and order.client_order_id is None


async def test_swap_order_nulls_are_absent_and_unknown_fields_ignored(
    signed: SignedClient, engine: Engine
) -> None:
    body = order_body(
        client_order_id=None,
        tp_trigger_price=None,
        sl_trigger_price=None,
        self_match_prevent=None,
        reduce_only=None,
        channel_code="AA03022abc",
        something_else={"nested": [1, 2]},
    )
    data = ok_data(await signed.post(ORDER, body))
    assert set(data) == {"order_id", "order_id_str"}
    order = get_order(engine, data["order_id"])
    assert order is not None and order.client_order_id is None


async def test_swap_order_lower_case_contract_code(signed: SignedClient, engine: Engine) -> None:
    data = ok_data(await signed.post(ORDER, order_body(contract_code="btc-usd")))
    order = get_order(engine, data["order_id"])
    assert order is not None and order.contract_code == "BTC-USD"
    data = ok_data(await signed.post(ORDER, order_body(contract_code="Eth-Usd", price="2900.01")))
    order = get_order(engine, data["order_id"])
    assert order is not None and order.contract_code == "ETH-USD"


async def test_swap_order_without_content_type_header(signed: SignedClient, engine: Engine) -> None:
    # Some clients send the JSON with form or no content type: the body is JSON regardless.
    raw = (
        b'{"contract_code":"BTC-USD","volume":1,"direction":"buy","offset":"open",'
        b'"lever_rate":5,"order_price_type":"limit","price":50000}'
    )
    response = await signed.post(ORDER, raw, headers={"content-type": "text/plain"})
    assert ok_data(response)["order_id"] > 0


async def test_swap_order_fills_against_another_uid(
    signed: SignedClient, signed_for: SignedFor, engine: Engine
) -> None:
    maker = await place(signed_for(KEYS.second), direction="sell", price="60000")
    taker = await place(signed, direction="buy", price="60000", volume=1)
    assert (o := get_order(engine, maker)) is not None and o.status is OrderStatus.FILLED
    assert (o := get_order(engine, taker)) is not None and o.status is OrderStatus.FILLED
    check_invariants(engine, deposits_for(3))


# -- swap_order: errors ----------------------------------------------------------------------

ERROR_CASES: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("missing contract_code", order_body(contract_code=...), 1066,
     empty("contract_code")),
    ("empty contract_code", order_body(contract_code=""), 1066, empty("contract_code")),
    ("null contract_code", order_body(contract_code=None), 1066, empty("contract_code")),
    ("unknown contract", order_body(contract_code="DOGE-USD"), 1014,
     "This contract doesnt exist."),
    ("USDT-M contract", order_body(contract_code="BTC-USDT"), 1014, None),
    ("bad direction", order_body(direction="long"), 1035, "Incorrect field of form direction."),
    ("upper-case direction", order_body(direction="BUY"), 1035, None),
    ("bad offset", order_body(offset="both"), 1036, "Incorrect field of open long form."),
    ("bad order_price_type", order_body(order_price_type="limitt"), 1034,
     "Incorrect field of order price type."),
    ("market", order_body(order_price_type="market"), 1034,
     "Incorrect field of order price type."),
    ("lightning", order_body(order_price_type="lightning"), 1034, None),
    ("missing volume", order_body(volume=...), 1040,
     "Invalid amount, please modify and order again."),
    ("null volume", order_body(volume=None), 1040, None),
    ("fractional volume", order_body(volume="1.5"), 1040,
     "Invalid amount, please modify and order again."),
    ("fractional volume number", order_body(volume=1.5), 1040, None),
    ("text volume", order_body(volume="one"), 1040, None),
    ("zero volume", order_body(volume=0), 1040, "Invalid amount, please modify and order again."),
    ("negative volume", order_body(volume="-3"), 1040, None),
    ("missing lever_rate", order_body(lever_rate=...), 1094,
     "The leverage cannot be empty, please switch the leverage or contact customer service"),
    ("invalid lever_rate", order_body(lever_rate=7), 1037,
     "The leverage is invalid. Please contact the customer service."),
    ("text lever_rate", order_body(lever_rate="ten"), 1037, None),
    ("zero lever_rate", order_body(lever_rate=0), 1037, None),
    ("client_order_id not an integer", order_body(client_order_id="abc"), 1065,
     "The form number of client isnt an integer."),
    ("client_order_id fractional", order_body(client_order_id=1.5), 1065, None),
    ("price off the tick", order_body(price="50000.05"), 1038,
     "The order price exceeds the precision limit, please modify and order again."),
    ("limit without price", order_body(price=...), 1066, empty("price")),
    ("tp_trigger_price not a number", order_body(tp_trigger_price="seventy"), 1067,
     invalid("tp_trigger_price")),
    ("tp_order_price off the tick", order_body(tp_trigger_price=70000, tp_order_price="70000.01"),
     1038, None),
    ("tp_order_price_type unknown", order_body(tp_trigger_price=70000, tp_order_price_type="ioc"),
     1034, None),
    ("sl_trigger_price not positive", order_body(sl_trigger_price="-1"), 1069, None),
    ("sl limit without sl_order_price", order_body(sl_trigger_price=40000), 1069, None),
    ("sl above the order price", order_body(sl_trigger_price=50000, sl_order_price=50000), 1407,
     "The stop-loss price shall not be higher than or equal to the order price 50000.0"),
    ("tp on a close order", order_body(offset="close", tp_trigger_price=70000,
     tp_order_price=70000), 1404, None),
    ("price_protect not a boolean", order_body(price_protect="yes"), 1067,
     invalid("price_protect")),
    ("insufficient margin", order_body(volume=1_000_000, lever_rate=1), 1047,
     "Insufficient margin available."),
    ("opponent on an empty book", order_body(order_price_type="opponent", price=...), 1016, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [pytest.param(b, c, m, id=name) for name, b, c, m in ERROR_CASES],
)
async def test_swap_order_errors(
    signed: SignedClient, engine: Engine, body: dict[str, Any], code: int, message: str | None
) -> None:
    assert_error(await signed.post(ORDER, body), code, message)
    assert all_orders(engine) == {}


@pytest.mark.parametrize(
    "raw",
    [b"not json", b'{"contract_code": "BTC-USD",', b"[1, 2]", b"[]", b'"text"', b"42", b"null",
     b"\xff\xfe", b'{"a":1}{"b":2}'],
)  # fmt: skip
async def test_swap_order_malformed_bodies_are_input_errors(
    signed: SignedClient, engine: Engine, raw: bytes
) -> None:
    assert_error(await signed.post(ORDER, raw), 1030, "Abnormal service. Please try again later.")
    assert all_orders(engine) == {}


async def test_swap_order_empty_body(signed: SignedClient) -> None:
    assert_error(
        await signed.post(ORDER, None),
        1066,
        empty("contract_code"),
    )


async def test_swap_order_insufficient_margin_on_an_unfunded_account(
    signed_for: SignedFor, engine: Engine
) -> None:
    response = await signed_for(KEYS.unfunded).post(ORDER, order_body())
    assert_error(response, 1047, "Insufficient margin available.")
    assert all_orders(engine) == {}


async def test_swap_order_duplicate_client_order_id(signed: SignedClient, engine: Engine) -> None:
    first = await place(signed, client_order_id=42)
    response = await signed.post(ORDER, order_body(client_order_id="42", price="49000"))
    assert_error(response, 1050, "Customers order number is repeated. Please try again later.")
    assert set(all_orders(engine)) == {first}


async def test_swap_order_same_client_order_id_on_another_uid(
    signed: SignedClient, signed_for: SignedFor
) -> None:
    await place(signed, client_order_id=42)
    await place(signed_for(KEYS.second), client_order_id=42)


async def test_swap_order_error_messages_in_chinese(signed: SignedClient) -> None:
    response = await signed.post(
        ORDER, order_body(direction="up"), headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert_error(response, 1035, "报单方向字段值错误")


# -- swap_batchorder -------------------------------------------------------------------------


async def test_swap_batchorder_mixed(signed: SignedClient, engine: Engine) -> None:
    orders_data = [
        order_body(price="50000"),  # 1 ok
        order_body(order_price_type="market"),  # 2 parse error 1034
        order_body(volume="abc"),  # 3 parse error 1040
        "not an order",  # 4 not an object: 1030
        order_body(price="49000", client_order_id=9),  # 5 ok with client id
        order_body(contract_code="NOPE-USD"),  # 6 engine error 1014
        order_body(price="48000", client_order_id="9"),  # 7 duplicate of 5: 1050
        order_body(contract_code="eth-usd", price="2900", channel_code="x"),  # 8 ok
    ]
    data = ok_data(await signed.post(BATCH, {"orders_data": orders_data}))
    assert set(data) == {"errors", "success"}
    errors = {e["index"]: (e["err_code"], e["err_msg"]) for e in data["errors"]}
    assert [e["index"] for e in data["errors"]] == [2, 3, 4, 6, 7]
    assert errors == {
        2: (1034, "Incorrect field of order price type."),
        3: (1040, "Invalid amount, please modify and order again."),
        4: (1030, "Abnormal service. Please try again later."),
        6: (1014, "This contract doesnt exist."),
        7: (1050, "Customers order number is repeated. Please try again later."),
    }
    for error in data["errors"]:
        assert set(error) == {"index", "err_code", "err_msg"}
    success = {s["index"]: s for s in data["success"]}
    assert sorted(success) == [1, 5, 8]
    assert set(success[1]) == {"index", "order_id", "order_id_str"}
    assert set(success[5]) == {"index", "order_id", "order_id_str", "client_order_id"}
    assert success[5]["client_order_id"] == 9
    for item in data["success"]:
        assert type(item["order_id"]) is int
        assert item["order_id_str"] == str(item["order_id"])
    placed = all_orders(engine)
    assert set(placed) == {s["order_id"] for s in data["success"]}
    assert placed[success[1]["order_id"]].price == Decimal(50000)
    assert placed[success[8]["order_id"]].contract_code == "ETH-USD"


async def test_swap_batchorder_all_good(signed: SignedClient, engine: Engine) -> None:
    orders_data = [order_body(price=str(50000 - i)) for i in range(25)]
    data = ok_data(await signed.post(BATCH, {"orders_data": orders_data}))
    assert data["errors"] == []
    assert [s["index"] for s in data["success"]] == list(range(1, 26))
    assert len(all_orders(engine)) == 25


async def test_swap_batchorder_more_than_25(signed: SignedClient, engine: Engine) -> None:
    orders_data = [order_body(price=str(50000 - i)) for i in range(26)]
    response = await signed.post(BATCH, {"orders_data": orders_data})
    assert_error(response, 1052, "The number exceeds the batch limit.")
    assert all_orders(engine) == {}


@pytest.mark.parametrize("body", [{"orders_data": []}, {}, {"orders_data": None}])
async def test_swap_batchorder_empty(signed: SignedClient, body: dict[str, Any]) -> None:
    assert_error(
        await signed.post(BATCH, body),
        1066,
        empty("orders_data"),
    )


@pytest.mark.parametrize("raw", [b"[]", b"nope", b'{"orders_data": {"a": 1}}'])
async def test_swap_batchorder_malformed(signed: SignedClient, raw: bytes) -> None:
    body = SignedClient.json(await signed.post(BATCH, raw))
    assert body["status"] == "error"
    assert body["err_code"] in (1030, 1067)


# -- swap_cancel -----------------------------------------------------------------------------


async def test_swap_cancel_by_order_ids(signed: SignedClient, engine: Engine) -> None:
    a = await place(signed, price="50000")
    b = await place(signed, price="49000")
    c = await place(signed, price="48000")
    data = ok_data(await signed.post(CANCEL, {"contract_code": "BTC-USD",
                                              "order_id": f"{a},{b},123456789"}))  # fmt: skip
    assert set(data) == {"errors", "successes"}
    assert isinstance(data["successes"], str)
    assert sorted(data["successes"].split(",")) == sorted([str(a), str(b)])
    assert data["errors"] == [
        {"order_id": "123456789", "err_code": 1061, "err_msg": "The order does not exist."}
    ]
    orders = all_orders(engine)
    assert orders[a].status is OrderStatus.CANCELLED
    assert orders[b].status is OrderStatus.CANCELLED
    assert orders[c].status is OrderStatus.SUBMITTED
    # Again: already cancelled.
    data = ok_data(await signed.post(CANCEL, {"contract_code": "BTC-USD", "order_id": str(a)}))
    assert data["successes"] == ""
    assert data["errors"] == [
        {
            "order_id": str(a),
            "err_code": 1071,
            "err_msg": "Repeated cancellation. Your order has been canceled.",
        }
    ]
    check_invariants(engine, deposits_for(3))


async def test_swap_cancel_a_single_numeric_order_id(signed: SignedClient, engine: Engine) -> None:
    a = await place(signed)
    data = ok_data(await signed.post(CANCEL, {"contract_code": "btc-usd", "order_id": a}))
    assert data == {"errors": [], "successes": str(a)}
    assert all_orders(engine)[a].status is OrderStatus.CANCELLED


async def test_swap_cancel_by_client_order_ids(signed: SignedClient, engine: Engine) -> None:
    a = await place(signed, price="50000", client_order_id=11)
    b = await place(signed, price="49000", client_order_id=12)
    body = {"contract_code": "BTC-USD", "client_order_id": "11,12,13"}
    data = ok_data(await signed.post(CANCEL, body))
    assert sorted(data["successes"].split(",")) == ["11", "12"]
    assert data["errors"] == [
        {"order_id": "13", "err_code": 1061, "err_msg": "The order does not exist."}
    ]
    orders = all_orders(engine)
    assert orders[a].status is OrderStatus.CANCELLED
    assert orders[b].status is OrderStatus.CANCELLED


async def test_swap_cancel_order_id_wins_over_client_order_id(
    signed: SignedClient, engine: Engine
) -> None:
    a = await place(signed, price="50000", client_order_id=11)
    b = await place(signed, price="49000", client_order_id=12)
    body = {"contract_code": "BTC-USD", "order_id": str(a), "client_order_id": "12"}
    assert ok_data(await signed.post(CANCEL, body)) == {"errors": [], "successes": str(a)}
    assert all_orders(engine)[b].status is OrderStatus.SUBMITTED


async def test_swap_cancel_another_uids_order_is_unknown(
    signed: SignedClient, signed_for: SignedFor, engine: Engine
) -> None:
    theirs = await place(signed_for(KEYS.second))
    data = ok_data(await signed.post(CANCEL, {"contract_code": "BTC-USD", "order_id": theirs}))
    assert data["successes"] == ""
    assert data["errors"][0]["order_id"] == str(theirs)
    assert data["errors"][0]["err_code"] == 1061
    assert all_orders(engine)[theirs].status is OrderStatus.SUBMITTED


async def test_swap_cancel_filled_order(
    signed: SignedClient, signed_for: SignedFor, engine: Engine
) -> None:
    maker = await place(signed_for(KEYS.second), direction="sell", price="60000")
    taker = await place(signed, price="60000")
    data = ok_data(await signed.post(CANCEL, {"contract_code": "BTC-USD", "order_id": taker}))
    assert data["errors"] == [
        {"order_id": str(taker), "err_code": 1063, "err_msg": "The order has been executed."}
    ]
    assert all_orders(engine)[maker].status is OrderStatus.FILLED


async def test_swap_cancel_more_than_10_ids(signed: SignedClient, engine: Engine) -> None:
    ids = [await place(signed, price=str(50000 - i)) for i in range(11)]
    body = {"contract_code": "BTC-USD", "order_id": ",".join(map(str, ids))}
    assert_error(await signed.post(CANCEL, body), 1052, "The number exceeds the batch limit.")
    assert all(o.status is OrderStatus.SUBMITTED for o in all_orders(engine).values())
    body = {"contract_code": "BTC-USD", "order_id": ",".join(map(str, ids[:10]))}
    assert len(ok_data(await signed.post(CANCEL, body))["successes"].split(",")) == 10


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"order_id": "1"}, 1066),
        ({"contract_code": "BTC-USD"}, 1066),
        ({"contract_code": "BTC-USD", "order_id": ""}, 1066),
        ({"contract_code": "NOPE-USD", "order_id": "1"}, 1014),
    ],
)
async def test_swap_cancel_errors(signed: SignedClient, body: dict[str, Any], code: int) -> None:
    assert_error(await signed.post(CANCEL, body), code)


async def test_swap_cancel_unparsable_id_is_a_per_order_error(signed: SignedClient) -> None:
    data = ok_data(await signed.post(CANCEL, {"contract_code": "BTC-USD", "order_id": "abc"}))
    assert data == {
        "errors": [{"order_id": "abc", "err_code": 1061, "err_msg": "The order does not exist."}],
        "successes": "",
    }


# -- swap_cancelall --------------------------------------------------------------------------


async def four_kinds(signed: SignedClient, signed_for: SignedFor) -> dict[tuple[str, str], int]:
    """UID 1 with a long and a short position, and one resting order of each kind:
    buy/open, sell/open, buy/close, sell/close."""
    second, third = signed_for(KEYS.second), signed_for(KEYS.third)
    await place(second, direction="sell", price="60000", volume=2)
    await place(signed, direction="buy", price="60000", volume=2)  # UID 1 long 2
    await place(third, direction="buy", price="60000", volume=1)
    await place(signed, direction="sell", price="60000", volume=1)  # UID 1 short 1
    return {
        ("buy", "open"): await place(signed, direction="buy", offset="open", price="50000"),
        ("sell", "open"): await place(signed, direction="sell", offset="open", price="70000"),
        ("buy", "close"): await place(signed, direction="buy", offset="close", price="55000"),
        ("sell", "close"): await place(signed, direction="sell", offset="close", price="65000"),
    }


@pytest.mark.parametrize("direction", [None, "buy", "sell"])
@pytest.mark.parametrize("offset", [None, "open", "close"])
async def test_swap_cancelall_filters(
    signed: SignedClient,
    signed_for: SignedFor,
    engine: Engine,
    direction: str | None,
    offset: str | None,
) -> None:
    kinds = await four_kinds(signed, signed_for)
    theirs = await place(signed_for(KEYS.second), price="40000")
    eth = await place(signed, contract_code="ETH-USD", price="2900")
    body: dict[str, Any] = {"contract_code": "BTC-USD"}
    if direction is not None:
        body["direction"] = direction
    if offset is not None:
        body["offset"] = offset
    data = ok_data(await signed.post(CANCEL_ALL, body))
    assert set(data) == {"errors", "successes"}
    assert data["errors"] == []
    expected = {
        oid for (d, o), oid in kinds.items() if direction in (None, d) and offset in (None, o)
    }
    assert {int(x) for x in data["successes"].split(",")} == expected
    assert " " not in data["successes"]
    orders = all_orders(engine)
    for oid in kinds.values():
        wanted = OrderStatus.CANCELLED if oid in expected else OrderStatus.SUBMITTED
        assert orders[oid].status is wanted, (oid, orders[oid].status)
    assert orders[theirs].status is OrderStatus.SUBMITTED
    assert orders[eth].status is OrderStatus.SUBMITTED
    check_invariants(engine, deposits_for(3))


async def test_swap_cancelall_nothing_to_cancel(
    signed: SignedClient, client: httpx.AsyncClient
) -> None:
    response = await signed.post(CANCEL_ALL, {"contract_code": "BTC-USD"})
    body = SignedClient.json(response)
    assert set(body) == {"status", "err_code", "err_msg", "ts"}
    assert {k: v for k, v in body.items() if k != "ts"} == {
        "status": "error",
        "err_code": 1051,
        "err_msg": "No orders to cancel.",
    }
    assert isinstance(body["ts"], int)
    assert response.text.startswith('{"status":"error","err_code":1051,"err_msg":"No orders')


async def test_swap_cancelall_nothing_matches_the_filter(
    signed: SignedClient, engine: Engine
) -> None:
    a = await place(signed, direction="buy", price="50000")
    body = {"contract_code": "BTC-USD", "direction": "sell"}
    assert_error(await signed.post(CANCEL_ALL, body), 1051, "No orders to cancel.")
    body = {"contract_code": "BTC-USD", "offset": "close"}
    assert_error(await signed.post(CANCEL_ALL, body), 1051, "No orders to cancel.")
    assert all_orders(engine)[a].status is OrderStatus.SUBMITTED


async def test_swap_cancelall_twice(signed: SignedClient, engine: Engine) -> None:
    a = await place(signed)
    data = ok_data(await signed.post(CANCEL_ALL, {"contract_code": "btc-usd"}))
    assert data == {"errors": [], "successes": str(a)}
    assert all_orders(engine)[a].status is OrderStatus.CANCELLED
    assert_error(await signed.post(CANCEL_ALL, {"contract_code": "BTC-USD"}), 1051)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"contract_code": "BTC-USD", "direction": "long"}, 1035,
         "Incorrect field of form direction."),
        ({"contract_code": "BTC-USD", "offset": "x"}, 1036, "Incorrect field of open long form."),
        ({"contract_code": "BTC-USD", "direction": 1}, 1035, None),
        ({}, 1066, empty("contract_code")),
        ({"contract_code": "NOPE-USD"}, 1014, "This contract doesnt exist."),
    ],
)  # fmt: skip
async def test_swap_cancelall_errors(
    signed: SignedClient, engine: Engine, body: dict[str, Any], code: int, message: str | None
) -> None:
    a = await place(signed)
    assert_error(await signed.post(CANCEL_ALL, body), code, message)
    assert all_orders(engine)[a].status is OrderStatus.SUBMITTED


# -- swap_switch_lever_rate ------------------------------------------------------------------


async def test_swap_switch_lever_rate(signed: SignedClient, clock: ManualClock) -> None:
    data = ok_data(await signed.post(SWITCH, {"contract_code": "btc-usd", "lever_rate": "10"}))
    assert data == {"contract_code": "BTC-USD", "lever_rate": 10}
    # The holding now has lever rate 10: orders at 10 are accepted.
    await place(signed, lever_rate=10)


async def test_swap_switch_lever_rate_with_open_orders(signed: SignedClient) -> None:
    await place(signed)
    response = await signed.post(SWITCH, {"contract_code": "BTC-USD", "lever_rate": 10})
    assert_error(response, 1045, "Unable to switch leverage due to open orders.")


async def test_swap_switch_lever_rate_once_per_three_seconds(
    signed: SignedClient, signed_for: SignedFor, clock: ManualClock
) -> None:
    body = {"contract_code": "BTC-USD", "lever_rate": 10}
    ok_data(await signed.post(SWITCH, body))
    clock.advance(1000)
    response = await signed.post(SWITCH, {"contract_code": "BTC-USD", "lever_rate": 20})
    assert_error(response, 1032, "The number of access exceeded the limit.")
    # Another UID has its own allowance.
    ok_data(await signed_for(KEYS.second).post(SWITCH, body))
    # The same UID through another of its keys does not.
    response = await signed_for(KEYS.trade_only).post(SWITCH, body)
    assert_error(response, 1032)
    clock.advance(2000)
    assert ok_data(await signed.post(SWITCH, {"contract_code": "BTC-USD", "lever_rate": 20})) == {
        "contract_code": "BTC-USD",
        "lever_rate": 20,
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"contract_code": "BTC-USD"}, 1094),
        ({"contract_code": "BTC-USD", "lever_rate": 7}, 1037),
        ({"contract_code": "BTC-USD", "lever_rate": "x"}, 1037),
        ({"lever_rate": 10}, 1066),
        ({"contract_code": "NOPE-USD", "lever_rate": 10}, 1014),
    ],
)
async def test_swap_switch_lever_rate_errors(
    signed: SignedClient, body: dict[str, Any], code: int
) -> None:
    assert_error(await signed.post(SWITCH, body), code)


# -- swap-cancel-after -----------------------------------------------------------------------


def v3(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = SignedClient.json(response)
    assert set(body) == {"code", "msg", "data", "ts"}, body
    assert isinstance(body["ts"], int)
    return body


async def test_swap_cancel_after_arms_and_fires(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    a = await place(signed)
    b = await place(signed, contract_code="ETH-USD", price="2900")
    body = v3(await signed.post(CANCEL_AFTER, {"on_off": 1, "time_out": "6000"}))
    assert body["code"] == 200 and body["msg"] == ""
    now = clock.now()
    assert body["data"] == {"current_time": now, "trigger_time": now + 6000}
    clock.advance(5999)
    engine.execute(Tick())
    assert all_orders(engine)[a].status is OrderStatus.SUBMITTED
    clock.advance(1)
    engine.execute(Tick())
    orders = all_orders(engine)
    assert orders[a].status is OrderStatus.CANCELLED
    assert orders[b].status is OrderStatus.CANCELLED


async def test_swap_cancel_after_default_and_off(
    signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    a = await place(signed)
    body = v3(await signed.post(CANCEL_AFTER, {"on_off": 1}))
    assert body["data"]["trigger_time"] == clock.now() + 5000
    body = v3(await signed.post(CANCEL_AFTER, {"on_off": "0"}))
    assert body["code"] == 200
    assert body["data"] == {"current_time": clock.now(), "trigger_time": None}
    clock.advance(60_000)
    engine.execute(Tick())
    assert all_orders(engine)[a].status is OrderStatus.SUBMITTED


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"on_off": 1, "time_out": 4999}, 1067, invalid("time_out")),
        ({"on_off": 1, "time_out": 3000}, 1067, invalid("time_out")),
        ({"on_off": 1, "time_out": "abc"}, 1067, None),
        ({"on_off": 2}, 1067, invalid("on_off")),
        ({"time_out": 6000}, 1066, empty("on_off")),
        (b"not json", 1030, "Abnormal service. Please try again later."),
    ],
)
async def test_swap_cancel_after_errors(
    signed: SignedClient, body: Any, code: int, message: str | None
) -> None:
    answer = v3(await signed.post(CANCEL_AFTER, body))
    assert answer["code"] == code
    assert answer["data"] is None
    if message is not None:
        assert answer["msg"] == message


async def test_swap_cancel_after_auth_error_keeps_the_gateway_envelope(
    signed: SignedClient,
) -> None:
    # The gateway rejects before the endpoint is known to be a v3 one.
    body = SignedClient.json(await signed.post(CANCEL_AFTER, {"on_off": 1}, signature="x"))
    assert body["err_code"] == 403


# -- concurrency -----------------------------------------------------------------------------


async def test_concurrent_orders_from_several_uids(signed_for: SignedFor, engine: Engine) -> None:
    clients = [signed_for(KEYS.trader), signed_for(KEYS.second), signed_for(KEYS.third)]
    bodies = []
    for i in range(50):
        direction = "buy" if i % 2 else "sell"
        # Prices around 60000 so that orders cross and fill between UIDs.
        price = Decimal(60000) + Decimal(i % 7 - 3) * 10
        bodies.append(
            (clients[i % 3], order_body(direction=direction, price=str(price), volume=1 + i % 4))
        )
    responses = await asyncio.gather(*(c.post(ORDER, b) for c, b in bodies))
    acknowledged: dict[int, UID] = {}
    for (c, _), response in zip(bodies, responses, strict=True):
        data = ok_data(response)
        acknowledged[data["order_id"]] = {
            KEYS.trader.access: UID1, KEYS.second.access: UID2, KEYS.third.access: UID3
        }[c.access]  # fmt: skip
    assert len(acknowledged) == 50
    orders = all_orders(engine)
    for order_id, uid in acknowledged.items():
        assert order_id in orders
        assert orders[order_id].uid == uid
    assert any(o.trade_volume for o in orders.values()), "nothing crossed"
    check_invariants(engine, deposits_for(3))
    # And everything can be cancelled through the wire afterwards.
    for c in clients:
        response = await c.post(CANCEL_ALL, {"contract_code": "BTC-USD"})
        body = SignedClient.json(response)
        assert body["status"] == "ok" or body["err_code"] == 1051
    assert all(not o.status.is_open for o in all_orders(engine).values())
    check_invariants(engine, deposits_for(3))


@pytest.mark.parametrize("direction", [Direction.BUY, Direction.SELL])
async def test_concurrent_cancels_and_orders_keep_margin_consistent(
    signed: SignedClient, engine: Engine, direction: Direction
) -> None:
    ids = [await place(signed, direction=direction.value, price=p)
           for p in (["40000", "41000", "42000"] if direction is Direction.BUY
                     else ["80000", "81000", "82000"])]  # fmt: skip
    calls = [signed.post(CANCEL, {"contract_code": "BTC-USD", "order_id": str(i)}) for i in ids]
    calls += [signed.post(CANCEL_ALL, {"contract_code": "BTC-USD", "offset": Offset.OPEN.value})]
    calls += [signed.post(ORDER, order_body(direction=direction.value,
                                            price="45000" if direction is Direction.BUY
                                            else "75000"))]  # fmt: skip
    for response in await asyncio.gather(*calls):
        assert response.status_code == 200
    check_invariants(engine, deposits_for(3))
