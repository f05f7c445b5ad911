"""One exchange with something in every list an endpoint answers, for the schema test.

It starts from the fuzzer's harness (tests/fuzz/harness.py: UIDs 1-3 funded, a book on BTC-USD,
ETH-USD and XRP-USD with UID 1's long and short positions on BTC-USD, four waiting trigger
orders, the admin API open with ``TOKEN``) and adds, through the API as a client would:
index prices, a cancelled order, an opening order with TP/SL attached, TP/SL and trailing orders
(one cancelled each), a cancelled trigger order, a liquidation of UID 4, an order of UID 2
cancelled by self-trade prevention and a funding settlement. ``ids`` names what the schema
table's requests refer to ("{filled}", ...).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from htx_sandbox.domain.commands import Deposit, SetIndexPrices, Tick
from tests.fuzz.harness import START_MS, TOKEN, Harness
from tests.http.conftest import KEYS, UID2, UID_UNFUNDED, Key, SignedClient

V1 = "/swap-api/v1/"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
HOUR_MS = 3_600_000


class World:
    def __init__(self) -> None:
        self.harness = Harness()
        self.client: httpx.AsyncClient = self.harness.client
        self.clock = self.harness.clock
        self.engine = self.harness.engine
        self.ids: dict[str, str] = {
            "filled": str(self.harness.created[4]),  # UID 1's buy that took 3 at 60000
            "resting": str(self.harness.created[6]),  # UID 1's bid at 59000
            "trigger": str(self.harness.strategies[0]),
        }
        self.last_text = ""
        """The text of the last answer `send` read."""

    def signed(self, key: Key = KEYS.trader) -> SignedClient:
        return SignedClient(self.client, key.access, key.secret, clock=self.clock)

    async def post(self, path: str, body: dict[str, Any], key: Key = KEYS.trader) -> Any:
        reply = SignedClient.json(await self.signed(key).post(path, body))
        assert reply.get("status", "ok") == "ok" and reply.get("code", 200) == 200, (path, reply)
        return reply["data"]

    async def build(self) -> None:
        index = {"contract_code": "BTC-USD", "price": "60000"}
        response = await self.client.post("/sandbox-api/v1/index-prices", json=index, headers=ADMIN)
        assert response.json()["status"] == "ok", response.text
        await self._orders()
        await self._strategies()
        await self._liquidation()
        await self._self_dealing()
        self._settlement()

    async def _orders(self) -> None:
        cancelled = await self.post(V1 + "swap_order", _order("buy", "58000"))
        await self.post(
            V1 + "swap_cancel", {"contract_code": "BTC-USD", "order_id": cancelled["order_id_str"]}
        )
        self.ids["cancelled"] = cancelled["order_id_str"]
        legs = {
            "tp_trigger_price": "61000", "tp_order_price_type": "optimal_5",
            "sl_trigger_price": "55000", "sl_order_price_type": "optimal_5",
        }  # fmt: skip
        attached = {**_order("buy", "59500"), **legs}
        self.ids["attached"] = (await self.post(V1 + "swap_order", attached))["order_id_str"]

    async def _strategies(self) -> None:
        tpsl = {
            "contract_code": "BTC-USD", "direction": "sell", "volume": 1,
            "tp_trigger_price": "65000", "tp_order_price_type": "optimal_5",
            "sl_trigger_price": "52000", "sl_order_price_type": "optimal_5",
        }  # fmt: skip
        placed = await self.post(V1 + "swap_tpsl_order", tpsl)
        cancel = {"contract_code": "BTC-USD", "order_id": placed["tp_order"]["order_id_str"]}
        await self.post(V1 + "swap_tpsl_cancel", cancel)
        self.ids["tpsl"] = placed["sl_order"]["order_id_str"]
        track = {
            "contract_code": "BTC-USD", "direction": "buy", "offset": "open", "lever_rate": 10,
            "volume": 1, "callback_rate": "0.01", "active_price": "59000",
            "order_price_type": "formula_price",
        }  # fmt: skip
        self.ids["track"] = (await self.post(V1 + "swap_track_order", track))["order_id_str"]
        dropped = await self.post(V1 + "swap_track_order", track)
        cancel = {"contract_code": "BTC-USD", "order_id": dropped["order_id_str"]}
        await self.post(V1 + "swap_track_cancel", cancel)
        cancel = {"contract_code": "BTC-USD", "order_id": str(self.harness.strategies[1])}
        await self.post(V1 + "swap_trigger_cancel", cancel)

    async def _liquidation(self) -> None:
        """On a contract of its own (LTC-USD, listed here, so that no other quote holds its mark
        up): UID 4 with 0.1 LTC goes long 5 at 20x from UID 2, and the index falls to 80 from
        100. The book is empty: the insurance fund takes the position over."""
        contract = {
            "contract_code": "LTC-USD", "symbol": "LTC", "contract_size": 10,
            "price_tick": "0.01", "reference_price": "100",
        }  # fmt: skip
        response = await self.client.post("/sandbox-api/v1/contracts", json=contract, headers=ADMIN)
        assert response.json()["status"] == "ok", response.text
        for uid, amount in ((UID_UNFUNDED, "0.1"), (UID2, "10")):
            assert self.engine.execute(Deposit(uid, "LTC", Decimal(amount))).error is None
        ltc = {"contract_code": "LTC-USD", "price": "100"}
        await self.post(V1 + "swap_order", {**_order("sell", "100", 5), **ltc}, KEYS.second)
        await self.post(
            V1 + "swap_order", {**_order("buy", "100", 5, lever_rate=20), **ltc}, KEYS.unfunded
        )
        self.clock.advance(1000)
        prices = SetIndexPrices({"LTC-USD": Decimal(80)})
        assert self.engine.execute(prices).error is None

    async def _self_dealing(self) -> None:
        """UID 2 on LTC-USD, after the liquidation: a sell that meets UID 2's own bid is
        cancelled by self-trade prevention (canceled_source "prevent-self-dealing"), and the
        bid after it, so that nothing rests there."""
        ltc = {"contract_code": "LTC-USD", "price": "80"}
        bid = await self.post(V1 + "swap_order", {**_order("buy", "80"), **ltc}, KEYS.second)
        await self.post(V1 + "swap_order", {**_order("sell", "80"), **ltc}, KEYS.second)
        cancel = {"contract_code": "LTC-USD", "order_id": bid["order_id_str"]}
        await self.post(V1 + "swap_cancel", cancel, KEYS.second)

    def _settlement(self) -> None:
        """Past the next funding settlement (every 8 hours from 00:00 UTC)."""
        self.clock.advance(8 * HOUR_MS)
        assert self.engine.execute(Tick()).error is None

    # -- the schema test's requests ----------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """A request value with its "$name" placeholders replaced by the exchange's ids."""
        if isinstance(value, str) and "$" in value:
            names = {**self.ids, "start": str(START_MS - 60_000), "now": str(self.clock.now())}
            return ",".join(names[part[1:]] if part.startswith("$") else part
                            for part in value.split(","))  # fmt: skip
        return value

    async def send(self, method: str, path: str, auth: str, request: dict[str, Any],
                   key: Key) -> Any:  # fmt: skip
        """The decoded answer to one request (numbers with a fraction as Decimal)."""
        fields = {name: self.resolve(value) for name, value in request.items()}
        for name in ("access_key", "contract_code", "name"):  # path parameters
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", str(fields.pop(name)))
        if auth in ("read", "trade"):
            signed = self.signed(key)
            if method == "GET":
                response = await signed.get(path, {k: str(v) for k, v in fields.items()})
            else:
                response = await signed.post(path, fields)
        elif auth == "admin":
            if method == "GET":
                response = await self.client.get(path, params=fields, headers=ADMIN)
            elif method == "DELETE":
                response = await self.client.delete(path, headers=ADMIN)
            else:
                response = await self.client.post(path, json=fields, headers=ADMIN)
        else:
            response = await self.client.get(path, params={k: str(v) for k, v in fields.items()})
        assert response.status_code == 200, response.text
        self.last_text = response.text
        reply = json.loads(response.text, parse_float=Decimal)
        self._remember(path, reply)
        return reply

    def _remember(self, path: str, reply: Any) -> None:
        answer = reply.get("data") if isinstance(reply, dict) else None
        if not isinstance(answer, dict):
            return
        if path.endswith("/swap_order"):
            self.ids["placed"] = str(answer["order_id"])
        elif path.endswith("/api-keys"):
            self.ids["key"] = str(answer["access_key"])

    async def aclose(self) -> None:
        await self.harness.aclose()


def _order(direction: str, price: str, volume: int = 1, **extra: object) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": price, **extra,
    }  # fmt: skip
