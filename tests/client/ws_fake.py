"""A small /swap-notification server speaking HTX's documented frames, for the client's
notification tests while the sandbox's own is being built (helper wt-wsn's branch): gzip binary
frames out, JSON text in, `op: auth` checked by an HMAC computed here with the standard library
(not the project's signing code), `sub`/`unsub` replies with `cid`, then the pushes a test
scripts. It runs on its own thread and loop, so blocking and asyncio clients alike can use it.

Per connection it records every frame the client sent (`received[n]`), so a test can tell what
a reconnection re-sent."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from websockets.asyncio.server import ServerConnection, serve

ACCESS_KEY = "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"
SECRET_KEY = "b0xxxxxx-c6xxxxxx-94xxxxxx-dxxxx"
"""HTX's placeholder key pair (htx-swap-api.md section 1.5)."""
USER_ID = "123456789"
NOT_SIGNED = {"op", "type", "cid", "Signature"}


def expected_signature(frame: dict[str, Any], host: str) -> str:
    params = sorted(
        (quote(k, safe="-_.~"), quote(str(v), safe="-_.~"))
        for k, v in frame.items()
        if k not in NOT_SIGNED
    )
    query = "&".join(f"{k}={v}" for k, v in params)
    text = f"GET\n{host}\n/swap-notification\n{query}"
    digest = hmac.new(SECRET_KEY.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class FakeNotification:
    host: str = "127.0.0.1"
    """What signatures must cover."""
    pushes: list[str] = field(default_factory=list)
    """JSON texts sent (gzipped) after every accepted `sub`, on every connection."""
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    """topic -> (err-code, err-msg) of its `sub` reply."""
    ping_first: bool = False
    """Send `{"op":"ping","ts":"1492420473058"}` when a connection opens."""
    drop_after_sub: int = 0
    """Close this many connections right after their first accepted `sub` and its pushes."""
    error_ops: set[str] = field(default_factory=set)
    """Ops answered `{"op": "error", "ts": ...}`, as HTX answers an op it cannot take."""
    received: list[list[dict[str, Any]]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def _send(self, ws: ServerConnection, message: dict[str, Any]) -> None:
        await ws.send(gzip.compress(json.dumps(message).encode()))

    async def _handler(self, ws: ServerConnection) -> None:
        frames: list[dict[str, Any]] = []
        self.received.append(frames)
        authed = False
        if self.ping_first:
            await self._send(ws, {"op": "ping", "ts": "1492420473058"})
        async for text in ws:
            message = json.loads(text)
            frames.append(message)
            op = message.get("op")
            ts = 1603878749907
            if op in self.error_ops:
                await self._send(ws, {"op": "error", "ts": ts})
            elif op == "auth":
                if message.get("Signature") == expected_signature(message, self.host):
                    authed = True
                    await self._send(ws, {"op": "auth", "type": "api", "ts": ts, "err-code": 0,
                                          "data": {"user-id": USER_ID}})  # fmt: skip
                else:
                    await self._send(ws, {"op": "auth", "type": "api", "ts": ts, "err-code": 2003,
                                          "err-msg": "Authentication failed."})  # fmt: skip
                    await self._send(ws, {"op": "close", "ts": ts})
                    await ws.close()
                    return
            elif op in ("sub", "unsub"):
                topic = message.get("topic")
                reply: dict[str, Any] = {"op": op, "cid": message.get("cid"), "topic": topic}
                if op == "sub" and not authed and not str(topic).startswith("public."):
                    code, text_ = 2002, "Authentication required."
                else:
                    code, text_ = self.refuse.get(topic, (0, ""))
                reply |= {"ts": ts, "err-code": code}
                if code:
                    reply["err-msg"] = text_
                await self._send(ws, reply)
                if code == 0 and op == "sub":
                    for push in self.pushes:
                        await ws.send(gzip.compress(push.strip().encode()))
                    if self.drop_after_sub > 0:
                        self.drop_after_sub -= 1
                        await ws.close(1011, "going away for the test")
                        return


@dataclass
class Running:
    fake: FakeNotification
    loop: asyncio.AbstractEventLoop
    stop: asyncio.Event


def run(fake: FakeNotification) -> Iterator[FakeNotification]:
    """Serve `fake` on a thread until the generator is closed."""
    ready = threading.Event()
    box: list[Running] = []

    async def main() -> None:
        stop = asyncio.Event()
        async with serve(fake._handler, "127.0.0.1", 0, compression=None) as server:
            fake.port = server.sockets[0].getsockname()[1]
            box.append(Running(fake, asyncio.get_running_loop(), stop))
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    assert ready.wait(10), "the fake server did not start"
    try:
        yield fake
    finally:
        running = box[0]
        running.loop.call_soon_threadsafe(running.stop.set)
        thread.join(10)


# HTX's documented push examples (htx-websocket.md section 2, htx-swap-api.md section 6.3).
ORDER_PUSH = """
{"op":"notify","topic":"orders.theta-usd","ts":1603878749907,"symbol":"THETA","contract_code":"THETA-USD",
 "volume":1,"price":0.63191,"order_price_type":"opponent","direction":"sell","offset":"open","status":6,
 "lever_rate":20,"order_id":771068893090799616,"order_id_str":"771068893090799616","client_order_id":null,
 "order_source":"web","order_type":1,"created_at":1603878749878,"trade_volume":1,"trade_turnover":10,
 "fee":-0.00791251918785903,"trade_avg_price":0.63191,"margin_frozen":0,"profit":0,
 "trade":[{"trade_fee":-0.00791251918785903,"fee_asset":"THETA","trade_id":49703426706,
   "id":"49703426706-771068893090799616-1","trade_volume":1,"trade_price":0.63191,"trade_turnover":10,
   "created_at":1603878749883,"profit":0,"real_profit":0,"role":"taker"}],
 "canceled_at":0,"fee_asset":"THETA","uid":"123456789","liquidation_type":"0","is_tpsl":0,"real_profit":0}
"""
MATCH_PUSH = """
{"op":"notify","topic":"matchOrders.theta-usd","ts":1603878749900,"symbol":"THETA","contract_code":"THETA-USD",
 "status":6,"order_id":771068893090799616,"order_id_str":"771068893090799616","client_order_id":null,"order_type":1,
 "created_at":1603878749878,"trade":[{"trade_id":49703426706,"id":"49703426706-771068893090799616-1",
 "trade_volume":1,"trade_price":0.63191,"trade_turnover":10,"created_at":1603878749883,"role":"taker"}],
 "uid":"123456789","volume":1,"trade_volume":1,"direction":"sell","offset":"open","lever_rate":20,
 "price":0.63191,"order_source":"web","order_price_type":"opponent","is_tpsl":0}
"""
ACCOUNTS_PUSH = """
{"op":"notify","topic":"accounts.theta-usd","ts":1603878749908,"event":"order.match","data":[{"symbol":"THETA",
 "contract_code":"THETA-USD","margin_balance":621.187560151491928452,"margin_static":621.879531780612432322,
 "margin_position":15.822534453568772646,"margin_frozen":0.833333333333333333,"margin_available":604.531692364589822473,
 "profit_real":-0.00791251918785903,"profit_unreal":-0.69197162912050387,"withdraw_available":604.531692364589822473,
 "risk_rate":36.895418533520262923,"liquidation_price":0.210454212150800748,"lever_rate":20,"adjust_factor":0.4}],
 "uid":"123456789"}
"""
POSITIONS_PUSH = """
{"op":"notify","topic":"positions.theta-usd","ts":1603878749908,"event":"order.match","data":[{"symbol":"THETA",
 "contract_code":"THETA-USD","volume":1,"available":1,"frozen":0,"cost_open":0.63191,"cost_hold":0.63191,
 "profit_unreal":-0.00250392214928847,"profit_rate":-0.00316450689071376,"profit":-0.00250392214928847,
 "position_margin":0.791126722678438632,"lever_rate":20,"direction":"sell","last_price":0.63201}],"uid":"123456789"}
"""
TRIGGER_PUSH = """
{"op":"notify","topic":"trigger_order.theta-usd","ts":1603880263724,"event":"order","uid":"123456789",
 "data":[{"symbol":"THETA","contract_code":"THETA-USD","trigger_type":"le","volume":20,"order_type":1,
 "direction":"buy","offset":"open","lever_rate":20,"order_id":7002244,"order_id_str":"7002244",
 "relation_order_id":"-1","order_price_type":"limit","status":2,"order_source":"web","trigger_price":0.59,
 "triggered_price":null,"order_price":0.59,"created_at":1603880263721,"triggered_at":0,"order_insert_at":0,
 "canceled_at":0,"fail_code":null,"fail_reason":null}]}
"""
LIQUIDATION_PUSH = """
{"op":"notify","topic":"public.BTC-USD.liquidation_orders","ts":1603879731301,"data":[{"contract_code":"BTC-USD",
 "symbol":"BTC","direction":"buy","offset":"close","volume":173,"price":17102.9,"created_at":1606381842485,
 "amount":1.011524361365616357}]}
"""
FUNDING_PUSH = """
{"op":"notify","topic":"public.BTC-USD.funding_rate","ts":1603879631291,"data":[{"symbol":"BTC","contract_code":"BTC-USD",
 "fee_asset":"BTC","funding_time":"1603879620000","funding_rate":"0.000100000000000000",
 "estimated_rate":"0.000100000000000000","settlement_time":"1603900800000"}]}
"""
CONTRACT_INFO_PUSH = """
{"op":"notify","topic":"public.BTC-USD.contract_info","ts":1603879734428,"event":"snapshot","data":[{"symbol":"BTC",
 "contract_code":"BTC-USD","contract_size":100,"price_tick":0.1,"settlement_date":"1603900800000",
 "create_date":"20200325","delivery_time":"","contract_status":1}]}
"""
