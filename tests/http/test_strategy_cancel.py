"""swap_{trigger,tpsl,track}_cancel and _cancelall on the wire: HTX's errors/successes shape
(reference 2.4, 2.5, 3.4, 4.2), 1061 per unknown id, 1052 past 10 ids, a top-level 1051 when
cancel-all finds nothing, and each kind answering for its own orders only."""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.ratelimit import Quota
from tests.texts import empty, invalid

from . import strategy_placing as placing
from .conftest import KEYS, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
KINDS = ("trigger", "tpsl", "track")
TRIGGER: dict[str, Any] = {
    "contract_code": "BTC-USD", "trigger_type": "le", "trigger_price": "50000",
    "order_price_type": "optimal_5", "volume": 1, "direction": "buy", "offset": "open",
    "lever_rate": 5,
}  # fmt: skip
NOT_EXIST = "The order does not exist."


@pytest.fixture
def http_settings() -> HttpSettings:
    """HTX's 5 strategy calls per second would stop these tests, whose clock stands still: the
    limit has its own tests (test_strategy_ratelimit.py)."""
    return HttpSettings(strategy_quota=Quota(10_000, 1000))


async def post(client: SignedClient, path: str, body: Any, **kwargs: Any) -> Any:
    return SignedClient.json(await client.post(V1 + path, body, **kwargs))


async def ok(client: SignedClient, path: str, body: Any) -> Any:
    answer = await post(client, path, body)
    assert answer["status"] == "ok", answer
    return answer["data"]


async def place_trigger(client: SignedClient, **changes: Any) -> int:
    order_id: int = (await ok(client, "swap_trigger_order", {**TRIGGER, **changes}))["order_id"]
    return order_id


async def place(kind: str, client: SignedClient, signed_for: Any, direction: str = "buy") -> int:
    """One open order of `kind` for the trader (UID 1); a TP/SL leg on a position opened for
    it against UID 2."""
    if kind == "trigger":
        return await place_trigger(client, direction=direction)
    if kind == "tpsl":
        return (await placing.tpsl_pair(client, signed_for(KEYS.second), direction))[0]
    return await placing.track_order(client, direction)


async def open_ids(client: SignedClient, kind: str) -> set[int]:
    data = await ok(client, f"swap_{kind}_openorders", {"contract_code": "BTC-USD"})
    return {row["order_id"] for row in data["orders"]}


@pytest.mark.parametrize("kind", KINDS)
async def test_cancel_answers_htxs_errors_and_successes(
    signed: SignedClient, signed_for: Any, kind: str
) -> None:
    order_id = await place(kind, signed, signed_for)
    body = await post(signed, f"swap_{kind}_cancel",
                      {"contract_code": "BTC-USD", "order_id": f"7002236,{order_id}"})
    assert body == {
        "status": "ok",
        "data": {
            "errors": [{"order_id": "7002236", "err_code": 1061, "err_msg": NOT_EXIST}],
            "successes": str(order_id),
        },
        "ts": body["ts"],
    }
    assert order_id not in await open_ids(signed, kind)


async def test_cancel_of_up_to_10_ids_and_their_successes_string(signed: SignedClient) -> None:
    ids = [await place_trigger(signed) for _ in range(10)]
    data = await ok(signed, "swap_trigger_cancel",
                    {"contract_code": "btc-usd", "order_id": ",".join(map(str, ids))})
    assert data == {"errors": [], "successes": ",".join(map(str, ids))}
    assert await open_ids(signed, "trigger") == set()


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_answers_for_its_own_orders_only(
    signed: SignedClient, signed_for: Any, kind: str
) -> None:
    mine = {k: await place(k, signed, signed_for) for k in KINDS}
    others = [str(mine[k]) for k in KINDS if k != kind]
    data = await ok(signed, f"swap_{kind}_cancel",
                    {"contract_code": "BTC-USD", "order_id": ",".join(others)})
    assert data["successes"] == ""
    assert [(e["order_id"], e["err_code"]) for e in data["errors"]] == [(i, 1061) for i in others]
    for k in KINDS:
        assert mine[k] in await open_ids(signed, k)


async def test_another_uids_finished_and_malformed_ids_are_unknown(
    signed: SignedClient, signed_for: Any
) -> None:
    theirs = await place_trigger(signed_for(KEYS.second))
    finished = await place_trigger(signed)
    await ok(signed, "swap_trigger_cancel", {"contract_code": "BTC-USD", "order_id": finished})
    names = [str(theirs), str(finished), "abc", "-1", "9" * 30]
    data = await ok(signed, "swap_trigger_cancel",
                    {"contract_code": "BTC-USD", "order_id": ",".join(names)})
    assert data["successes"] == ""
    assert [(e["order_id"], e["err_code"], e["err_msg"]) for e in data["errors"]] == [
        (name, 1061, NOT_EXIST) for name in names
    ]
    assert await open_ids(signed_for(KEYS.second), "trigger") == {theirs}


async def test_an_order_on_another_contract_is_unknown(signed: SignedClient) -> None:
    order_id = await place_trigger(signed, contract_code="ETH-USD", trigger_price="2000")
    data = await ok(signed, "swap_trigger_cancel",
                    {"contract_code": "BTC-USD", "order_id": order_id})
    assert data["errors"][0]["err_code"] == 1061


async def test_a_leg_that_has_not_taken_effect_cannot_be_cancelled(
    signed: SignedClient,
) -> None:
    _, tp, sl = await placing.attached_pair(signed)
    data = await ok(signed, "swap_tpsl_cancel", {"contract_code": "BTC-USD", "order_id": tp})
    assert data == {
        "errors": [{"order_id": str(tp), "err_code": 1408, "err_msg": (
            "Unable to cancel because the take-profit and stop-loss order does not take effect."
        )}],
        "successes": "",
    }  # fmt: skip
    assert await open_ids(signed, "tpsl") == {tp, sl}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"order_id": "1"}, 1066, empty("contract_code")),
        ({"contract_code": "BTC-USD"}, 1066, empty("order_id")),
        ({"contract_code": "BTC-USD", "order_id": ""}, 1066, empty("order_id")),
        ({"contract_code": "BTC-USD", "order_id": " , ,"}, 1066, empty("order_id")),
        ({"contract_code": "BTC-USD", "order_id": ",".join(str(i) for i in range(1, 12))},
         1052, "The number exceeds the batch limit."),
        ({"contract_code": "BTC-USD", "order_id": ["1"]}, 1067, invalid("order_id")),
        ({"contract_code": "DOGE-USD", "order_id": "1"}, 1014, "This contract doesnt exist."),
    ],
)  # fmt: skip
async def test_cancel_refusals(
    signed: SignedClient, kind: str, body: dict[str, Any], code: int, message: str
) -> None:
    answer = await post(signed, f"swap_{kind}_cancel", body)
    assert (answer["status"], answer["err_code"], answer["err_msg"]) == ("error", code, message)


# -- cancel-all --------------------------------------------------------------------------------


async def test_trigger_cancel_all_cancels_the_callers_orders_of_the_contract(
    signed: SignedClient, signed_for: Any
) -> None:
    ids = [await place_trigger(signed) for _ in range(3)]
    other_contract = await place_trigger(signed, contract_code="ETH-USD", trigger_price="2000")
    theirs = await place_trigger(signed_for(KEYS.second))
    data = await ok(signed, "swap_trigger_cancelall", {"contract_code": "BTC-USD"})
    assert data["errors"] == []
    assert sorted(int(i) for i in data["successes"].split(",")) == ids
    assert await open_ids(signed, "trigger") == set()
    eth = await ok(signed, "swap_trigger_openorders", {"contract_code": "ETH-USD"})
    assert [r["order_id"] for r in eth["orders"]] == [other_contract]
    assert await open_ids(signed_for(KEYS.second), "trigger") == {theirs}


@pytest.mark.parametrize(
    ("filters", "cancelled"),
    [
        ({"direction": "buy"}, {("buy", "open"), ("buy", "close")}),
        ({"offset": "close"}, {("buy", "close"), ("sell", "close")}),
        ({"direction": "sell", "offset": "open"}, {("sell", "open")}),
        ({}, {("buy", "open"), ("buy", "close"), ("sell", "open"), ("sell", "close")}),
    ],
)
@pytest.mark.parametrize("kind", ["trigger", "track"])
async def test_cancel_all_filters_by_direction_and_offset_alone_or_together(
    signed: SignedClient,
    kind: str,
    filters: dict[str, str],
    cancelled: set[tuple[str, str]],
) -> None:
    ids = {}
    for direction in ("buy", "sell"):
        for offset in ("open", "close"):
            if kind == "trigger":
                ids[(direction, offset)] = await place_trigger(
                    signed, direction=direction, offset=offset
                )
            else:
                ids[(direction, offset)] = await placing.track_order(signed, direction, offset)
    data = await ok(signed, f"swap_{kind}_cancelall", {"contract_code": "BTC-USD", **filters})
    assert {int(i) for i in data["successes"].split(",")} == {ids[s] for s in cancelled}
    assert await open_ids(signed, kind) == {i for s, i in ids.items() if s not in cancelled}


async def test_tpsl_cancel_all_filters_by_direction_only(
    signed: SignedClient, signed_for: Any
) -> None:
    """Every TP/SL closes: swap_tpsl_cancelall has no offset (one sent is not read)."""
    second = signed_for(KEYS.second)
    long_legs = set(await placing.tpsl_pair(signed, second, "sell"))
    short_legs = set(await placing.tpsl_pair(signed, second, "buy"))
    data = await ok(signed, "swap_tpsl_cancelall",
                    {"contract_code": "BTC-USD", "direction": "sell", "offset": "open"})
    assert {int(i) for i in data["successes"].split(",")} == long_legs
    assert await open_ids(signed, "tpsl") == short_legs
    data = await ok(signed, "swap_tpsl_cancelall", {"contract_code": "BTC-USD"})
    assert {int(i) for i in data["successes"].split(",")} == short_legs


@pytest.mark.parametrize("kind", KINDS)
async def test_nothing_to_cancel_is_a_top_level_1051(
    signed: SignedClient, signed_for: Any, kind: str
) -> None:
    body = await post(signed, f"swap_{kind}_cancelall", {"contract_code": "BTC-USD"})
    assert body == {"status": "error", "err_code": 1051, "err_msg": "No orders to cancel.",
                    "ts": body["ts"]}  # fmt: skip
    # orders of the other kinds (and of another direction) are not this kind's to cancel
    for other in KINDS:
        if other != kind:
            await place(other, signed, signed_for)
    await place(kind, signed, signed_for, direction="sell")
    body = await post(signed, f"swap_{kind}_cancelall",
                      {"contract_code": "BTC-USD", "direction": "buy"})
    assert (body["status"], body["err_code"]) == ("error", 1051)
    zh = await post(signed, f"swap_{kind}_cancelall", {"contract_code": "ETH-USD"},
                    headers={"Accept-Language": "zh-CN"})  # fmt: skip
    assert (zh["err_code"], zh["err_msg"]) == (1051, "没有可撤销的订单")


async def test_strategy_and_ordinary_cancel_alls_leave_each_other_alone(
    signed: SignedClient,
) -> None:
    trigger = await place_trigger(signed)
    await ok(signed, "swap_order", {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 5, "order_price_type": "limit", "price": "50000",
    })  # fmt: skip
    await ok(signed, "swap_cancelall", {"contract_code": "BTC-USD"})
    assert await open_ids(signed, "trigger") == {trigger}
    await ok(signed, "swap_order", {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 5, "order_price_type": "limit", "price": "50000",
    })  # fmt: skip
    await ok(signed, "swap_trigger_cancelall", {"contract_code": "BTC-USD"})
    ordinary = await ok(signed, "swap_openorders", {"contract_code": "BTC-USD"})
    assert ordinary["total_size"] == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({}, 1066, empty("contract_code")),
        ({"contract_code": "DOGE-USD"}, 1014, "This contract doesnt exist."),
        ({"contract_code": "BTC-USD", "direction": "long"}, 1035,
         "Incorrect field of form direction."),
    ],
)  # fmt: skip
async def test_cancel_all_refusals(
    signed: SignedClient, kind: str, body: dict[str, Any], code: int, message: str
) -> None:
    answer = await post(signed, f"swap_{kind}_cancelall", body)
    assert (answer["status"], answer["err_code"], answer["err_msg"]) == ("error", code, message)


@pytest.mark.parametrize("kind", ["trigger", "track"])
async def test_a_bad_offset_is_1036_where_offset_is_read(signed: SignedClient, kind: str) -> None:
    answer = await post(signed, f"swap_{kind}_cancelall",
                        {"contract_code": "BTC-USD", "offset": "both"})  # fmt: skip
    assert (answer["err_code"], answer["err_msg"]) == (1036, "Incorrect field of open long form.")


async def test_a_read_only_key_cannot_cancel(signed_for: Any) -> None:
    for path in ("swap_trigger_cancel", "swap_tpsl_cancelall"):
        answer = await post(signed_for(KEYS.reader), path,
                            {"contract_code": "BTC-USD", "order_id": "1"})  # fmt: skip
        assert answer["err_code"] == 403
