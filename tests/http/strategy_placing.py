"""TP/SL legs and trailing orders for the HTTP tests of the kind-generic strategy endpoints,
placed through their own endpoints (swap_tpsl_order, tp_*/sl_* on swap_order, swap_track_order)
by a trader, with a counterparty to trade against where a position is needed.

Every trade here is at 60000, BTC-USD's reference price: the latest price, which TP/SL and
trailing prices are checked against, stays where the tests expect it, and none of the orders
placed here is crossed by it.
"""

from __future__ import annotations

from typing import Any

from .conftest import SignedClient

V1 = "/swap-api/v1/"
PRICE = "60000"
"""Where the helpers trade, and the latest price before and after."""


async def ok(client: SignedClient, path: str, body: dict[str, Any]) -> Any:
    answer = SignedClient.json(await client.post(V1 + path, body))
    assert answer["status"] == "ok", answer
    return answer["data"]


def limit(direction: str, offset: str, volume: int = 1, price: str = PRICE) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": offset,
        "lever_rate": 5, "order_price_type": "limit", "price": price,
    }  # fmt: skip


async def open_position(
    trader: SignedClient, counterparty: SignedClient, side: str, volume: int = 1
) -> None:
    """The trader opens `volume` of a long (`side` buy) or a short (sell) at 60000, taking the
    counterparty's resting order."""
    other = "sell" if side == "buy" else "buy"
    await ok(counterparty, "swap_order", limit(other, "open", volume))
    await ok(trader, "swap_order", limit(side, "open", volume))


async def tpsl_pair(
    trader: SignedClient, counterparty: SignedClient, closing: str = "sell", volume: int = 1
) -> tuple[int, int]:
    """A TP and an SL set together on a position of `volume` opened for them (a long for a
    `sell`, a short for a `buy`): the TP a limit at its trigger price, 62000 above a long
    and 58000 below a short; the SL optimal_5, on the other side."""
    await open_position(trader, counterparty, "buy" if closing == "sell" else "sell", volume)
    tp, sl = ("62000", "58000") if closing == "sell" else ("58000", "62000")
    data = await ok(trader, "swap_tpsl_order", {
        "contract_code": "BTC-USD", "direction": closing, "volume": volume,
        "tp_trigger_price": tp, "tp_order_price": tp, "tp_order_price_type": "limit",
        "sl_trigger_price": sl, "sl_order_price_type": "optimal_5",
    })  # fmt: skip
    return data["tp_order"]["order_id"], data["sl_order"]["order_id"]


async def attached_pair(trader: SignedClient) -> tuple[int, int, int]:
    """(opening order, TP, SL): an opening buy resting at 50000 with a TP at 52000 (limit) and
    an SL at 48000 (optimal_5), which stay not activated (1) until it fills."""
    placed = await ok(trader, "swap_order", {
        **limit("buy", "open", price="50000"),
        "tp_trigger_price": "52000", "tp_order_price": "52000",
        "sl_trigger_price": "48000", "sl_order_price_type": "optimal_5",
    })  # fmt: skip
    opening: int = placed["order_id"]
    relation = await ok(trader, "swap_relation_tpsl_order",
                        {"contract_code": "BTC-USD", "order_id": opening})  # fmt: skip
    tp, sl = (leg["order_id"] for leg in relation["tpsl_order_info"])
    return opening, tp, sl


async def track_order(
    trader: SignedClient,
    direction: str = "buy",
    offset: str = "open",
    active_price: str | None = None,
    callback_rate: str = "0.003",
) -> int:
    """A formula_price trailing order of 1 at lever 5: a buy activates on a fall to
    `active_price` (59000 unless given), a sell on a rise to it (61000)."""
    if active_price is None:
        active_price = "59000" if direction == "buy" else "61000"
    data = await ok(trader, "swap_track_order", {
        "contract_code": "BTC-USD", "direction": direction, "offset": offset, "lever_rate": 5,
        "volume": 1, "callback_rate": callback_rate, "active_price": active_price,
        "order_price_type": "formula_price",
    })  # fmt: skip
    order_id: int = data["order_id"]
    return order_id
