"""/swap-notification around the events that are not an order of the UID's own: funding
settlement, liquidation, the periodic snapshot, positions closed to nothing, ccxt's
positions_cross alias, and a client reconnecting after the server restarted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from htx_sandbox.domain.commands import Deposit, PlaceOrder, SetContract, SetIndexPrices, Tick
from htx_sandbox.domain.types import UID, ContractStatus, Direction, Offset, OrderPriceType
from htx_sandbox.http.ws import WsSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID1, UID2, UID_UNFUNDED
from tests.ws.conftest import HtxSocket, Served, place
from tests.ws.notify import PATH, listening, login, push, serve, sub, until

pytestmark = pytest.mark.anyio


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(snapshot_interval_s=0.5)


def ok(outcome: Any) -> Any:
    assert outcome.error is None, outcome.error
    return outcome.reply


async def logged_in(connect: Any, clock: ManualClock, *topics: str, key: Any = KEYS.trader) -> Any:
    ws = await connect(PATH)
    await login(ws, clock.now(), key)
    for i, topic in enumerate(topics):
        assert (await sub(ws, topic, cid=str(i)))["err-code"] == 0
    return ws


def event(ws: HtxSocket, prefix: str, name: str) -> Any:
    return until(ws, lambda m: m.get("topic", "").startswith(prefix) and m.get("event") == name)


async def test_a_funding_settlement_pushes_accounts_and_positions(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    engine = server.engine
    ok(engine.execute(SetIndexPrices({"BTC-USD": Decimal(60000)})))
    place(engine, UID2, "sell", "60120", 10)
    place(engine, UID1, "buy", "60120", 10)
    ws = await logged_in(connect, clock, "accounts.BTC-USD", "positions.BTC-USD")
    due = engine.query(lambda ex: ex.state.next_settlement).result(5)
    clock.advance(due - clock.now())
    ok(engine.execute(Tick()))
    account = await event(ws, "accounts.", "settlement")
    [row] = account["data"]
    assert row["profit_unreal"] == 0  # booked into the static margin by the settlement
    assert row["margin_static"] < 10
    position = await event(ws, "positions.", "settlement")
    [held] = position["data"]
    assert held["volume"] == 10 and held["direction"] == "buy"


async def test_a_liquidation_pushes_the_feed_and_the_liquidated_account(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    engine = server.engine
    public = await connect(PATH)
    assert (await sub(public, "public.*.liquidation_orders"))["err-code"] == 0
    poor = await logged_in(
        connect, clock, "orders.BTC-USD", "accounts.BTC-USD", "positions.BTC-USD",
        key=KEYS.unfunded,
    )  # fmt: skip
    ok(engine.execute(Deposit(UID_UNFUNDED, "BTC", Decimal("0.001"))))
    sell = PlaceOrder(UID2, "BTC-USD", Direction.SELL, Offset.OPEN, 10, 10,
                      OrderPriceType.LIMIT, Decimal(60000))  # fmt: skip
    buy = PlaceOrder(UID_UNFUNDED, "BTC-USD", Direction.BUY, Offset.OPEN, 10, 20,
                     OrderPriceType.LIMIT, Decimal(60000))  # fmt: skip
    ok(engine.execute(sell))
    ok(engine.execute(buy))
    clock.advance(1000)
    ok(engine.execute(SetIndexPrices({"BTC-USD": Decimal(50000)})))
    feed = await push(public, "public.")
    assert feed["topic"] == "public.BTC-USD.liquidation_orders"
    assert set(feed) == {"op", "topic", "ts", "data"}
    [row] = feed["data"]
    assert set(row) == {
        "contract_code", "symbol", "direction", "offset", "volume", "price", "created_at",
        "amount",
    }  # fmt: skip
    assert (row["direction"], row["offset"], row["volume"]) == ("sell", "close", 10)
    assert Decimal(55000) < row["price"] < Decimal(60000)  # the bankruptcy price
    assert row["amount"] == (Decimal(1000) / row["price"]).quantize(Decimal("1e-18"))
    liquidation = await until(
        poor, lambda m: m.get("topic") == "orders.btc-usd" and m["order_type"] == 3
    )
    assert liquidation["status"] == 6 and liquidation["order_source"] == "risk"
    assert liquidation["uid"] == str(UID_UNFUNDED)
    account = await event(poor, "accounts.", "order.liquidation")
    assert account["uid"] == str(UID_UNFUNDED)
    position = await event(poor, "positions.", "order.liquidation")
    assert position["data"] == []


async def test_a_quiet_subscription_gets_snapshots(connect: Any, clock: ManualClock) -> None:
    ws = await logged_in(connect, clock, "accounts.BTC-USD", "positions.*")
    assert (await event(ws, "accounts.", "init"))["data"][0]["contract_code"] == "BTC-USD"
    snapshot = await event(ws, "accounts.", "snapshot")
    assert snapshot["topic"] == "accounts.btc-usd" and snapshot["uid"] == str(UID1)
    assert set(snapshot["data"][0]) >= {"margin_balance", "margin_available", "risk_rate"}
    positions = await event(ws, "positions.", "snapshot")
    assert positions["data"] == []


async def test_closing_a_position_pushes_it_empty(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    engine = server.engine
    place(engine, UID2, "sell", "50000", 2)
    place(engine, UID1, "buy", "50000", 2)
    ws = await logged_in(connect, clock, "positions.btc-usd")
    [held] = (await event(ws, "positions.", "init"))["data"]
    assert held["volume"] == 2
    place(engine, UID2, "buy", "50000", 2)  # UID2 opens a long: UID1 closes against it
    ok(engine.execute(PlaceOrder(UID1, "BTC-USD", Direction.SELL, Offset.CLOSE, 2, 20,
                                 OrderPriceType.LIMIT, Decimal(50000))))  # fmt: skip
    closed = await event(ws, "positions.", "order.match")
    assert closed["data"] == []


async def test_close_orders_push_the_frozen_volume(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    engine = server.engine
    place(engine, UID2, "sell", "50000", 3)
    place(engine, UID1, "buy", "50000", 3)
    ws = await logged_in(connect, clock, "positions.BTC-USD")
    await event(ws, "positions.", "init")
    ok(engine.execute(PlaceOrder(UID1, "BTC-USD", Direction.SELL, Offset.CLOSE, 1, 20,
                                 OrderPriceType.LIMIT, Decimal(70000))))  # fmt: skip
    [held] = (await event(ws, "positions.", "order.close"))["data"]
    assert (held["volume"], held["available"], held["frozen"]) == (3, 2, 1)


async def test_positions_cross_is_an_alias_of_positions(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "positions_cross.*")
    place(server.engine, UID2, "sell", "50000", 1)
    place(server.engine, UID1, "buy", "50000", 1)
    message = await event(ws, "positions_cross.", "order.match")
    assert message["topic"] == "positions_cross.btc-usd"
    assert message["data"][0]["volume"] == 1


# -- a restart ---------------------------------------------------------------------------------


async def test_a_client_reconnects_after_a_server_restart(
    engine: Engine, clock: ManualClock
) -> None:
    first = listening(0)
    port = first.getsockname()[1]
    uv = serve(engine, clock, first)
    url = f"ws://127.0.0.1:{port}{PATH}"
    try:
        async with ws_connect(url, compression=None) as connection:
            ws = HtxSocket(connection)
            await login(ws, clock.now())
            assert (await sub(ws, "orders.*"))["err-code"] == 0
            uv.stop()
            with pytest.raises(ConnectionClosed):
                while True:
                    await ws.recv()
        first.close()
        uv = serve(engine, clock, listening(port))  # the same port, the same exchange
        async with ws_connect(url, compression=None) as connection:
            ws = HtxSocket(connection)
            await login(ws, clock.now())
            assert (await sub(ws, "orders.*"))["err-code"] == 0
            order = place(engine, UID1, "buy", "40000", 1)
            message = await push(ws, "orders.")
            assert message["order_id"] == order.order_id and message["uid"] == str(UID(1))
    finally:
        uv.stop()


async def test_a_contract_change_pushes_contract_info_update(connect: Any, server: Served) -> None:
    ws = await connect(PATH)
    assert (await sub(ws, "public.*.contract_info"))["err-code"] == 0
    inits = [await event(ws, "public.", "init") for _ in range(2)]
    assert {m["topic"] for m in inits} == {
        "public.BTC-USD.contract_info", "public.ETH-USD.contract_info",
    }  # fmt: skip
    ok(server.engine.execute(SetContract("ETH-USD", ContractStatus.SUSPENSION)))
    update = await event(ws, "public.", "update")
    assert update["topic"] == "public.ETH-USD.contract_info"
    assert update["data"][0]["contract_status"] == 3


async def test_a_deposit_pushes_the_account_as_a_transfer(
    connect: Any, server: Served, clock: ManualClock
) -> None:
    ws = await logged_in(connect, clock, "accounts.ETH-USD")
    before = (await event(ws, "accounts.", "init"))["data"][0]["margin_balance"]
    ok(server.engine.execute(Deposit(UID1, "ETH", Decimal(5))))
    message = await event(ws, "accounts.", "contract.transfer")
    assert message["topic"] == "accounts.eth-usd"
    assert message["data"][0]["margin_balance"] == before + 5
