"""What /swap-notification pushes, seen by a client written with `websockets`: every topic's
fields and types, both sides of a fill, one `orders` push per order a cancel-all cancels, and
pushes that never lag behind a REST reply. Each runs with the socket relay (which packs the
order pushes in its own process) and without (the server packs them)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import (
    CancelAll,
    CancelAllStrategy,
    CancelStrategyOrders,
    PlaceOrder,
    PlaceTriggerOrder,
    SwitchLeverRate,
)
from htx_sandbox.domain.strategy_orders import StrategyKind, TriggerType
from htx_sandbox.domain.types import Direction, Offset, OrderPriceType
from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock
from tests.batches import one_batch
from tests.http.conftest import KEYS, UID1, UID2, UID3, SignedClient
from tests.ws.conftest import Served, place
from tests.ws.notify import PATH, login, push, sub, unsub, until

pytestmark = pytest.mark.anyio


@pytest.fixture(params=[True, False], ids=["relay", "no-relay"])
def ws_relay(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


ORDER_FIELDS = {
    "op", "topic", "ts", "uid", "symbol", "contract_code", "volume", "price", "order_price_type",
    "direction", "offset", "status", "lever_rate", "order_id", "order_id_str", "client_order_id",
    "order_source", "order_type", "created_at", "trade_volume", "trade_turnover", "fee",
    "trade_avg_price", "margin_frozen", "profit", "liquidation_type", "canceled_at", "fee_asset",
    "is_tpsl", "real_profit", "canceled_source", "trade",
}  # fmt: skip
TRADE_FIELDS = {
    "id", "trade_id", "trade_price", "trade_volume", "trade_turnover", "trade_fee", "fee_asset",
    "role", "created_at", "profit", "real_profit",
}  # fmt: skip
MATCH_FIELDS = {
    "op", "topic", "ts", "uid", "symbol", "contract_code", "status", "order_id", "order_id_str",
    "client_order_id", "order_type", "trade_volume", "volume", "is_tpsl", "direction", "offset",
    "lever_rate", "price", "created_at", "order_source", "order_price_type", "trade",
}  # fmt: skip
ACCOUNT_FIELDS = {
    "symbol", "contract_code", "margin_balance", "margin_static", "margin_position",
    "margin_frozen", "margin_available", "profit_real", "profit_unreal", "risk_rate",
    "liquidation_price", "withdraw_available", "lever_rate", "adjust_factor",
}  # fmt: skip
POSITION_FIELDS = {
    "symbol", "contract_code", "volume", "available", "frozen", "cost_open", "cost_hold",
    "profit_unreal", "profit_rate", "profit", "position_margin", "lever_rate", "direction",
    "last_price", "adl_risk_percent",
}  # fmt: skip


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(snapshot_interval_s=3600, funding_interval_s=0.2)


async def logged_in(connect: Any, clock: ManualClock, *topics: str, key: Any = KEYS.trader) -> Any:
    ws = await connect(PATH)
    await login(ws, clock.now(), key)
    for i, topic in enumerate(topics):
        assert (await sub(ws, topic, cid=str(i)))["err-code"] == 0
    return ws


async def test_a_placed_order_is_pushed_with_every_field(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "orders.btc-usd")
    reply = place(server.engine, UID1, "buy", "49000", 2)
    message = await push(ws, "orders.")
    assert set(message) == ORDER_FIELDS
    assert message["op"] == "notify"
    assert message["topic"] == "orders.btc-usd"
    assert message["uid"] == str(UID1)
    assert isinstance(message["ts"], int)
    assert message["contract_code"] == "BTC-USD" and message["symbol"] == "BTC"
    assert message["order_id"] == reply.order_id
    assert message["order_id_str"] == str(reply.order_id)
    assert message["status"] == 3
    assert (message["volume"], message["price"]) == (2, Decimal(49000))
    assert (message["direction"], message["offset"], message["lever_rate"]) == ("buy", "open", 20)
    assert message["order_price_type"] == "limit" and message["order_type"] == 1
    assert message["trade_volume"] == 0 and message["trade"] == []
    assert message["trade_avg_price"] is None
    assert message["margin_frozen"] > 0
    assert message["liquidation_type"] == "0" and message["is_tpsl"] == 0
    assert message["canceled_at"] == 0 and message["fee_asset"] == "BTC"


async def test_a_fill_pushes_both_sides_orders_accounts_and_positions(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    topics = ("orders.*", "accounts.BTC-USD", "positions.BTC-USD")
    maker = await logged_in(connect, clock, *topics)
    taker = await logged_in(connect, clock, *topics, key=KEYS.second)
    for ws in (maker, taker):  # the subscriptions start with the account and positions
        init = await push(ws, "accounts.")
        assert init["event"] == "init"
        assert set(init["data"][0]) == ACCOUNT_FIELDS
        assert (await push(ws, "positions."))["data"] == []
    sell = place(server.engine, UID1, "sell", "50000", 3)
    opened = await push(maker, "accounts.")
    assert opened["event"] == "order.open"
    buy = place(server.engine, UID2, "buy", "50000", 2)
    for ws, uid, order, role, status, direction in (
        (maker, UID1, sell, "maker", 4, "sell"),
        (taker, UID2, buy, "taker", 6, "buy"),
    ):
        message = await until(
            ws,
            lambda m, order=order: (
                m.get("topic") == "orders.btc-usd"
                and m["order_id"] == order.order_id
                and m["trade"]
            ),
        )
        assert message["uid"] == str(uid)
        assert message["status"] == status and message["trade_volume"] == 2
        [trade] = message["trade"]
        assert set(trade) == TRADE_FIELDS
        assert trade["role"] == role and trade["trade_volume"] == 2
        assert trade["trade_price"] == Decimal(50000)
        assert trade["trade_fee"] < 0 and trade["fee_asset"] == "BTC"
        assert trade["id"].startswith(f"{trade['trade_id']}-{order.order_id}-")
        account = await push(ws, "accounts.")
        assert account["topic"] == "accounts.btc-usd"
        assert account["event"] == "order.match" and account["uid"] == str(uid)
        [row] = account["data"]
        assert set(row) == ACCOUNT_FIELDS and row["margin_position"] > 0
        assert row["lever_rate"] == 20
        position = await push(ws, "positions.")
        assert position["topic"] == "positions.btc-usd"
        assert position["event"] == "order.match"
        [held] = position["data"]
        assert set(held) == POSITION_FIELDS
        assert (held["volume"], held["available"], held["frozen"]) == (2, 2, 0)
        assert held["direction"] == direction and held["cost_open"] == Decimal(50000)


async def test_match_orders_pushes_fills_without_fees(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "matchOrders.*")
    sell = place(server.engine, UID1, "sell", "50000", 1)
    place(server.engine, UID2, "buy", "50000", 1)
    message = await push(ws, "matchOrders.")
    assert set(message) == MATCH_FIELDS
    assert message["topic"] == "matchOrders.btc-usd"
    assert message["order_id"] == sell.order_id and message["status"] == 6
    [trade] = message["trade"]
    assert set(trade) == {
        "id", "trade_id", "trade_price", "trade_volume", "trade_turnover", "created_at", "role",
    }  # fmt: skip
    assert trade["role"] == "maker" and trade["trade_turnover"] == Decimal(100)


async def test_match_orders_pushes_a_post_only_order_when_placed(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "matchOrders.*")
    place(server.engine, UID1, "sell", "50000", 1)  # a limit order: no matchOrders push

    def post_only(price: str) -> int:
        outcome = server.engine.execute(PlaceOrder(
            UID1, "BTC-USD", Direction.BUY, Offset.OPEN, 1, 20, OrderPriceType.POST_ONLY,
            Decimal(price),
        ))  # fmt: skip
        assert outcome.error is None, outcome.error
        return int(outcome.reply.order_id)

    resting, refused = post_only("49000"), post_only("50000")  # the second would take
    on_book, rejected = await push(ws, "matchOrders."), await push(ws, "matchOrders.")
    assert set(on_book) == MATCH_FIELDS
    assert (on_book["order_id"], on_book["status"], on_book["trade"]) == (resting, 3, [])
    assert (rejected["order_id"], rejected["status"], rejected["trade"]) == (refused, 7, [])
    assert on_book["order_price_type"] == "post_only" and on_book["trade_volume"] == 0


async def test_an_order_two_commands_of_one_batch_fill_is_pushed_twice(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "orders.btc-usd", "accounts.btc-usd")
    assert (await push(ws, "accounts."))["event"] == "init"
    sell = place(server.engine, UID1, "sell", "50000", 3)
    assert (await push(ws, "orders."))["status"] == 3
    opened = await push(ws, "accounts.")
    buys = [
        PlaceOrder(uid, "BTC-USD", Direction.BUY, Offset.OPEN, volume, 20, OrderPriceType.LIMIT,
                   Decimal(50000))
        for uid, volume in ((UID2, 1), (UID3, 2))
    ]  # fmt: skip
    commits = server.engine.commits
    assert all(o.error is None for o in one_batch(server.engine, *buys))
    assert server.engine.commits == commits + 1
    # HTX pushes each change: the state after the first taker, then after the second, not
    # one message with the batch's end state.
    first, second = await push(ws, "orders."), await push(ws, "orders.")
    assert {first["order_id"], second["order_id"]} == {sell.order_id}
    assert (first["status"], first["trade_volume"]) == (4, 1)
    assert (second["status"], second["trade_volume"]) == (6, 3)
    assert [t["trade_volume"] for t in first["trade"]] == [1]
    assert [t["trade_volume"] for t in second["trade"]] == [2]
    fills = [await push(ws, "accounts."), await push(ws, "accounts.")]
    assert [m["event"] for m in fills] == ["order.match", "order.match"]
    frozen = [m["data"][0]["margin_frozen"] for m in (opened, *fills)]
    assert frozen[0] > frozen[1] > frozen[2] == 0  # each as its own fill left it


async def test_cancel_all_pushes_one_orders_message_per_cancelled_order(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "orders.BTC-USD", "accounts.BTC-USD")
    ids = [place(server.engine, UID1, "buy", str(45000 + i), 1).order_id for i in range(5)]
    for _ in ids:
        assert (await push(ws, "orders."))["status"] == 3
    outcome = server.engine.execute(CancelAll(UID1, "BTC-USD"))
    assert outcome.error is None
    cancelled = [await push(ws, "orders.") for _ in ids]
    assert sorted(m["order_id"] for m in cancelled) == sorted(ids)
    for message in cancelled:
        assert message["status"] == 7
        assert message["canceled_at"] > 0 and message["trade"] == []
    account = await until(
        ws, lambda m: m.get("topic") == "accounts.btc-usd" and m["event"] == "order.cancel"
    )
    assert account["data"][0]["margin_frozen"] == 0


async def test_a_lever_switch_pushes_the_account(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "accounts.*")
    assert (await push(ws, "accounts."))["event"] == "init"
    assert server.engine.execute(SwitchLeverRate(UID1, "BTC-USD", 10)).error is None
    message = await until(
        ws, lambda m: m.get("topic") == "accounts.btc-usd" and m["event"] != "init"
    )
    assert message["event"] == "switch_lever_rate"
    assert message["data"][0]["lever_rate"] == 10


async def test_accounts_star_starts_with_every_contract(connect: Any, clock: ManualClock) -> None:
    ws = await logged_in(connect, clock, "accounts.*")
    first, second = await push(ws, "accounts."), await push(ws, "accounts.")
    assert {first["topic"], second["topic"]} == {"accounts.btc-usd", "accounts.eth-usd"}
    assert {first["data"][0]["symbol"], second["data"][0]["symbol"]} == {"BTC", "ETH"}


async def test_trigger_orders_push_placed_then_cancelled(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "trigger_order.*")
    outcome = server.engine.execute(
        PlaceTriggerOrder(UID1, "BTC-USD", TriggerType.GE, Decimal(60000), Direction.BUY,
                          Offset.OPEN, 1, order_price=Decimal(60000), lever_rate=20)
    )  # fmt: skip
    assert outcome.error is None, outcome.error
    placed = await push(ws, "trigger_order.")
    assert placed["topic"] == "trigger_order.btc-usd" and placed["event"] == "order"
    assert placed["uid"] == str(UID1)
    [row] = placed["data"]
    assert set(row) == {
        "symbol", "contract_code", "trigger_type", "volume", "order_type", "direction", "offset",
        "lever_rate", "order_id", "order_id_str", "relation_order_id", "order_price_type",
        "status", "order_source", "trigger_price", "triggered_price", "order_price",
        "created_at", "triggered_at", "order_insert_at", "canceled_at", "fail_code",
        "fail_reason",
    }  # fmt: skip
    assert (row["status"], row["trigger_type"], row["relation_order_id"]) == (2, "ge", "-1")
    assert row["triggered_price"] is None and row["trigger_price"] == Decimal(60000)
    assert row["lever_rate"] == 20 and row["order_type"] == 1
    cancel = CancelStrategyOrders(StrategyKind.TRIGGER, UID1, "BTC-USD", [row["order_id_str"]])
    assert server.engine.execute(cancel).error is None
    cancelled = await push(ws, "trigger_order.")
    assert cancelled["event"] == "cancel" and cancelled["data"][0]["status"] == 6
    assert cancelled["data"][0]["canceled_at"] > 0


async def test_a_trigger_order_placed_and_cancelled_in_one_batch_pushes_both(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "trigger_order.*")
    trigger = PlaceTriggerOrder(
        UID1, "BTC-USD", TriggerType.GE, Decimal(60000), Direction.BUY, Offset.OPEN, 1,
        order_price=Decimal(60000), lever_rate=20,
    )  # fmt: skip
    cancel = CancelAllStrategy(StrategyKind.TRIGGER, UID1, "BTC-USD")
    assert all(o.error is None for o in one_batch(server.engine, trigger, cancel))
    placed, cancelled = await push(ws, "trigger_order."), await push(ws, "trigger_order.")
    assert (placed["event"], placed["data"][0]["status"]) == ("order", 2)
    assert (cancelled["event"], cancelled["data"][0]["status"]) == ("cancel", 6)
    assert placed["data"][0]["order_id"] == cancelled["data"][0]["order_id"]


async def test_another_uids_changes_are_not_pushed(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "orders.*")
    place(server.engine, UID2, "buy", "40000", 1)
    mine = place(server.engine, UID1, "buy", "40000", 1)
    assert (await push(ws, "orders."))["order_id"] == mine.order_id


async def test_each_push_arrives_once_whatever_the_connection_holds(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "orders.*", "orders.BTC-USD")
    first = place(server.engine, UID1, "buy", "40000", 1)
    second = place(server.engine, UID1, "buy", "40001", 1)
    assert (await push(ws, "orders."))["order_id"] == first.order_id
    assert (await push(ws, "orders."))["order_id"] == second.order_id


async def test_contract_info_starts_with_init(connect: Any) -> None:
    ws = await connect(PATH)
    assert (await sub(ws, "public.btc-usd.contract_info"))["err-code"] == 0
    message = await push(ws, "public.")
    assert message["topic"] == "public.BTC-USD.contract_info"
    assert message["event"] == "init"
    [row] = message["data"]
    assert set(row) == {
        "symbol", "contract_code", "contract_size", "price_tick", "settlement_date",
        "create_date", "delivery_time", "contract_status",
    }  # fmt: skip
    assert row["contract_size"] == 100 and row["delivery_time"] == ""
    assert isinstance(row["settlement_date"], str) and row["contract_status"] == 1


async def test_funding_rate_is_pushed_on_its_clock(connect: Any) -> None:
    ws = await connect(PATH)
    assert (await sub(ws, "public.*.funding_rate"))["err-code"] == 0
    codes = set()
    while len(codes) < 2:
        message = await push(ws, "public.")
        [row] = message["data"]
        assert message["topic"] == f"public.{row['contract_code']}.funding_rate"
        assert set(row) == {
            "symbol", "contract_code", "fee_asset", "funding_time", "funding_rate",
            "estimated_rate", "settlement_time",
        }  # fmt: skip
        assert isinstance(row["funding_rate"], str) and isinstance(row["funding_time"], str)
        assert int(row["settlement_time"]) > int(row["funding_time"])
        codes.add(row["contract_code"])
    assert codes == {"BTC-USD", "ETH-USD"}


async def test_unsub_stops_the_pushes(connect: Any, server: Served, clock: ManualClock) -> None:
    ws = await logged_in(connect, clock, "orders.*")
    assert (await unsub(ws, "orders.*"))["err-code"] == 0
    place(server.engine, UID1, "buy", "40000", 1)
    await ws.send({"op": "sub", "topic": "matchOrders.*", "cid": "after"})
    frames = []
    while not frames or frames[-1].get("cid") != "after":
        frames.append(await ws.recv())
    # Had the order been pushed it would stand before that reply.
    assert [m for m in frames if m.get("op") == "notify"] == []


async def test_a_rest_reply_never_overtakes_its_push(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    """The push of an order is queued on the connection before the REST reply is written: a
    frame the client asks for after the reply arrives behind the push."""
    ws = await logged_in(connect, clock, "orders.BTC-USD")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        rest = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
        for i in range(5):
            response = await rest.post(
                "/swap-api/v1/swap_order",
                {"contract_code": "BTC-USD", "price": 41000 + i, "volume": 1, "direction": "buy",
                 "offset": "open", "lever_rate": 20, "order_price_type": "limit"},
            )  # fmt: skip
            order_id = SignedClient.json(response)["data"]["order_id"]
            await ws.send({"op": "sub", "topic": "public.BTC-USD.contract_info", "cid": str(i)})
            frames = []
            while True:
                message = await ws.recv()
                if message.get("op") == "sub":
                    break
                frames.append(message)
            pushed = [m["order_id"] for m in frames if m.get("topic") == "orders.btc-usd"]
            assert pushed == [order_id]
            await ws.send({"op": "unsub", "topic": "public.BTC-USD.contract_info", "cid": "u"})


async def test_a_connection_closed_mid_stream_costs_nobody_else(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    leaving = await logged_in(connect, clock, "orders.*")
    staying = await logged_in(connect, clock, "orders.*")
    await leaving.connection.close()
    for i in range(3):
        order = place(server.engine, UID1, "buy", str(40000 + i), 1)
        assert (await push(staying, "orders."))["order_id"] == order.order_id
    await asyncio.sleep(0)


async def test_a_fired_trigger_order_pushes_trigger_success_and_its_order(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "trigger_order.btc-usd", "orders.btc-usd")
    outcome = server.engine.execute(
        PlaceTriggerOrder(UID1, "BTC-USD", TriggerType.GE, Decimal(50000), Direction.BUY,
                          Offset.OPEN, 1, order_price=Decimal(49000), lever_rate=20)
    )  # fmt: skip
    assert outcome.error is None, outcome.error
    assert (await push(ws, "trigger_order."))["event"] == "order"
    place(server.engine, UID2, "sell", "50000", 1)
    place(server.engine, UID3, "buy", "50000", 1)  # the last price reaches the trigger
    fired = await push(ws, "trigger_order.")
    assert fired["event"] == "trigger_success"
    [row] = fired["data"]
    assert row["status"] == 4 and row["triggered_price"] == Decimal(50000)
    assert row["relation_order_id"] != "-1" and row["triggered_at"] > 0
    placed = await push(ws, "orders.")
    assert str(placed["order_id"]) == row["relation_order_id"]
    assert placed["order_source"] == "trigger" and placed["price"] == Decimal(49000)
