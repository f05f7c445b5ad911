"""/swap-notification's protocol, seen by a client written with `websockets`: auth and its
err-codes, sub/unsub with cid and HTX's replies and errors, the per-UID connection limit."""

from __future__ import annotations

from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS, UID1
from tests.ws.notify import PATH, auth_frame, login, reply_to, sub, unsub

pytestmark = pytest.mark.anyio


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(max_connections_per_uid=2)


async def test_auth_answers_the_user_id_and_echoes_cid(connect: Any, clock: ManualClock) -> None:
    ws = await connect(PATH)
    await ws.send(auth_frame(KEYS.trader, clock.now(), cid="c-1"))
    reply = await reply_to(ws, "auth")
    assert reply == {
        "op": "auth",
        "type": "api",
        "cid": "c-1",
        "ts": reply["ts"],
        "err-code": 0,
        "data": {"user-id": str(UID1)},
    }
    assert isinstance(reply["ts"], int)


@pytest.mark.parametrize(
    "host", ["api.hbdm.com", "api.hbdm.vn", "127.0.0.1"], ids=["hbdm.com", "hbdm.vn", "own"]
)
async def test_auth_takes_the_hosts_rest_takes(connect: Any, clock: ManualClock, host: str) -> None:
    ws = await connect(PATH)
    await ws.send(auth_frame(KEYS.trader, clock.now(), host=host))
    assert (await reply_to(ws, "auth"))["err-code"] == 0


async def test_auth_takes_the_whole_url_as_path_as_ccxt_signs_it(
    connect: Any, server: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    url = server.url(PATH)  # ws://127.0.0.1:<port>/swap-notification
    await ws.send(auth_frame(KEYS.trader, clock.now(), host="api.hbdm.vn", path=url))
    assert (await reply_to(ws, "auth"))["err-code"] == 0


async def test_auth_signs_extra_fields_as_hubs_qa_client_does(
    connect: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    frame = auth_frame(KEYS.trader, clock.now(), extra={"Accept-language": "zh-CN"})
    await ws.send(frame)
    assert (await reply_to(ws, "auth"))["err-code"] == 0


async def _refused(ws: Any, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send(frame)
    reply = await reply_to(ws, "auth")
    close = await reply_to(ws, "close")
    assert isinstance(close["ts"], int)
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    result: dict[str, Any] = reply
    return result


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        ({"Signature": "AAAA"}, 2003, "Authentication failed."),
        ({"AccessKeyId": "no-such-key"}, 2003, "Authentication failed."),
        ({"Signature": None}, 2001, "Invalid authentication."),
        ({"SignatureVersion": "1"}, 2001, "Invalid authentication."),
        ({"SignatureMethod": "HmacSHA1"}, 2001, "Invalid authentication."),
        ({"Timestamp": "2017-05-11T15:19:30"}, 2001, "Invalid authentication."),
        ({"Timestamp": 12}, 2001, "Invalid authentication."),
        ({"type": "ticket"}, 2013, "Authentication type doesn't exist."),
        ({"type": None}, 2013, "Authentication type doesn't exist."),
    ],
    ids=[
        "bad-signature", "unknown-key", "no-signature", "version", "method", "old-time",
        "time-not-text", "ticket", "no-type",
    ],
)  # fmt: skip
async def test_a_refused_auth_is_answered_then_closed(
    connect: Any, clock: ManualClock, change: dict[str, Any], code: int, text: str
) -> None:
    ws = await connect(PATH)
    reply = await _refused(ws, auth_frame(KEYS.trader, clock.now(), cid=7, **change))
    assert reply == {
        "op": "auth", "type": "api", "cid": 7, "ts": reply["ts"], "err-code": code,
        "err-msg": text,
    }  # fmt: skip


@pytest.mark.parametrize("key", [KEYS.disabled, KEYS.expired, KEYS.trade_only], ids=str)
async def test_a_key_rest_refuses_is_refused(connect: Any, clock: ManualClock, key: Any) -> None:
    ws = await connect(PATH)
    reply = await _refused(ws, auth_frame(key, clock.now()))
    assert reply["err-code"] == 2003


async def test_a_second_auth_is_refused_with_2005_and_the_connection_stays(
    connect: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    await ws.send(auth_frame(KEYS.second, clock.now(), cid="again"))
    reply = await reply_to(ws, "auth")
    assert reply["err-code"] == 2005
    assert reply["err-msg"] == "Connection has been authenticated."
    assert (await sub(ws, "orders.BTC-USD"))["err-code"] == 0


async def test_at_most_the_limit_of_connections_per_uid(connect: Any, clock: ManualClock) -> None:
    first, second = await connect(PATH), await connect(PATH)
    await login(first, clock.now())
    await login(second, clock.now(), KEYS.reader)  # another key, the same UID
    third = await connect(PATH)
    reply = await _refused(third, auth_frame(KEYS.trader, clock.now()))
    assert reply["err-code"] == 2030
    assert reply["err-msg"] == "Exceeds connection limit of single user."
    other = await connect(PATH)  # another UID is not counted with them
    await login(other, clock.now(), KEYS.second)
    await first.connection.close()
    fourth = await connect(PATH)
    for _ in range(50):  # the server sees the close a moment later
        await fourth.send(auth_frame(KEYS.trader, clock.now()))
        reply = await reply_to(fourth, "auth")
        if reply["err-code"] == 0:
            break
        fourth = await connect(PATH)
    assert reply["err-code"] == 0


async def test_a_private_topic_needs_auth_a_public_one_does_not(connect: Any) -> None:
    ws = await connect(PATH)
    reply = await sub(ws, "orders.BTC-USD", cid="1")
    assert reply == {
        "op": "sub", "cid": "1", "topic": "orders.BTC-USD", "ts": reply["ts"], "err-code": 2002,
        "err-msg": "Authentication required.",
    }  # fmt: skip
    reply = await sub(ws, "public.BTC-USD.funding_rate", cid="2")
    assert reply == {
        "op": "sub", "cid": "2", "topic": "public.BTC-USD.funding_rate", "ts": reply["ts"],
        "err-code": 0,
    }  # fmt: skip


async def test_a_sub_right_behind_its_auth_is_taken(connect: Any, clock: ManualClock) -> None:
    ws = await connect(PATH)
    await ws.send(auth_frame(KEYS.trader, clock.now()))
    await ws.send({"op": "sub", "topic": "orders.*", "cid": "x"})
    assert (await reply_to(ws, "auth"))["err-code"] == 0
    assert (await reply_to(ws, "sub"))["err-code"] == 0


TOPICS = [
    "orders.btc-usd", "matchOrders.BTC-USD", "accounts.Btc-Usd", "positions.*",
    "trigger_order.BTC-USD", "public.btc-usd.liquidation_orders", "public.*.funding_rate",
    "public.BTC-USD.contract_info",
]  # fmt: skip


@pytest.mark.parametrize("topic", TOPICS)
async def test_every_topic_subscribes_and_unsubscribes(
    connect: Any, clock: ManualClock, topic: str
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    reply = await sub(ws, topic, cid="a")
    assert reply == {"op": "sub", "cid": "a", "topic": topic, "ts": reply["ts"], "err-code": 0}
    assert (await sub(ws, topic, cid="b"))["err-code"] == 2014
    reply = await unsub(ws, topic, cid="c")
    assert reply == {"op": "unsub", "cid": "c", "topic": topic, "ts": reply["ts"], "err-code": 0}
    reply = await unsub(ws, topic, cid="d")
    assert (reply["err-code"], reply["err-msg"]) == (2012, "Topic not subscribed.")


@pytest.mark.parametrize(
    ("topic", "code", "text"),
    [
        ("order.BTC-USD", 2010, "Topic error."),
        ("Orders.BTC-USD", 2010, "Topic error."),
        ("orders", 2010, "Topic error."),
        ("orders.BTC-USD.x", 2010, "Topic error."),
        ("public.BTC-USD.kline", 2010, "Topic error."),
        ("orders.DOGE-USD", 2011, "Contract doesn't exist."),
        ("public.XRP-USD.funding_rate", 2011, "Contract doesn't exist."),
        ("orders." + "X" * 200, 2010, "Topic error."),
    ],
)
async def test_a_bad_topic_is_refused(
    connect: Any, clock: ManualClock, topic: str, code: int, text: str
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    reply = await sub(ws, topic)
    assert (reply["err-code"], reply["err-msg"]) == (code, text)


@pytest.mark.parametrize(
    "frame", [{"op": "sub", "cid": "m"}, {"op": "sub", "cid": "m", "topic": ""}], ids=str
)
async def test_a_sub_without_topic_is_refused_with_2040(
    connect: Any, clock: ManualClock, frame: dict[str, Any]
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    await ws.send(frame)
    reply = await reply_to(ws, "sub")
    assert reply == {
        "op": "sub", "cid": "m", "ts": reply["ts"], "err-code": 2040,
        "err-msg": "Missing required parameter.",
    }  # fmt: skip


async def test_unsubscribe_rules(connect: Any, clock: ManualClock) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    assert (await sub(ws, "orders.BTC-USD"))["err-code"] == 0
    assert (await unsub(ws, "orders.ETH-USD"))["err-code"] == 2012  # not code2 for code1
    assert (await sub(ws, "orders.*"))["err-code"] == 0
    assert (await sub(ws, "orders.ETH-USD"))["err-code"] == 0  # orders allows both
    assert (await unsub(ws, "orders.*"))["err-code"] == 0  # takes back every orders topic
    assert (await unsub(ws, "orders.BTC-USD"))["err-code"] == 2012
    assert (await unsub(ws, "orders.ETH-USD"))["err-code"] == 2012
    assert (await sub(ws, "orders.*"))["err-code"] == 0
    assert (await unsub(ws, "orders.BTC-USD"))["err-code"] == 2012  # not * by code


async def test_trigger_order_takes_no_contract_while_star_is_held(
    connect: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    await login(ws, clock.now())
    assert (await sub(ws, "trigger_order.BTC-USD"))["err-code"] == 0
    assert (await sub(ws, "trigger_order.*"))["err-code"] == 0
    assert (await sub(ws, "trigger_order.ETH-USD"))["err-code"] == 2014


@pytest.mark.parametrize(
    "frame", [{"op": "what"}, {"topic": "orders.*"}, {"op": 1}, [1], "text"], ids=str
)
async def test_an_unknown_op_is_answered_error_and_the_connection_stays(
    connect: Any, frame: Any
) -> None:
    ws = await connect(PATH)
    await ws.send(frame)
    reply = await reply_to(ws, "error")
    assert list(reply) == ["op", "ts"]
    assert (await sub(ws, "public.BTC-USD.contract_info"))["err-code"] == 0


async def test_a_frame_that_is_not_json_is_answered_error(connect: Any) -> None:
    ws = await connect(PATH)
    await ws.connection.send("{not json")
    assert (await reply_to(ws, "error"))["op"] == "error"


async def test_more_than_40_subs_in_a_second_are_refused_with_2004(
    connect: Any, clock: ManualClock
) -> None:
    ws = await connect(PATH)
    topic = "public.BTC-USD.contract_info"
    ops = ["sub" if i % 2 == 0 else "unsub" for i in range(41)]
    for i, op in enumerate(ops):  # sent at once: all within the second
        await ws.send({"op": op, "topic": topic, "cid": str(i)})
    codes = [(await reply_to(ws, op))["err-code"] for op in ops]
    assert codes == [0] * 40 + [2004]
    clock.advance(1000)  # the next second: the 40 unsubscribed what they subscribed
    assert (await sub(ws, topic))["err-code"] == 0
