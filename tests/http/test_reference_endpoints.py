"""swap_api_state and /swap-ex/market/bbo: what the API may do on each contract now, and the
best bid and offer, both from what the exchange already knows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import SetContract
from htx_sandbox.domain.types import ContractStatus
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import SignedClient

pytestmark = pytest.mark.anyio

API_STATE = "/swap-api/v1/swap_api_state"
BBO = "/swap-ex/market/bbo"


def order(direction: str, price: str, volume: int = 1) -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD", "volume": volume, "direction": direction, "offset": "open",
        "lever_rate": 5, "order_price_type": "limit", "price": price,
    }  # fmt: skip


def state_row(code: str, symbol: str, trading: int, cancel: int) -> dict[str, Any]:
    return {
        "symbol": symbol, "contract_code": code, "open": trading, "close": trading,
        "cancel": cancel, "transfer_in": 1, "transfer_out": 1, "master_transfer_sub": 1,
        "sub_transfer_master": 1,
    }  # fmt: skip


async def test_api_state_follows_the_contract_status(
    client: httpx.AsyncClient, engine: Engine, clock: ManualClock
) -> None:
    body = (await client.get(API_STATE)).json()
    assert body == {
        "status": "ok",
        "data": [state_row("BTC-USD", "BTC", 1, 1), state_row("ETH-USD", "ETH", 1, 1)],
        "ts": clock.now(),
    }
    assert engine.execute(SetContract("BTC-USD", ContractStatus.SUSPENSION, None)).error is None
    suspended = (await client.get(API_STATE, params={"contract_code": "btc-usd"})).json()
    assert suspended["data"] == [state_row("BTC-USD", "BTC", 0, 1)]  # a book can be emptied
    assert engine.execute(SetContract("BTC-USD", ContractStatus.IN_SETTLEMENT, None)).error is None
    settling = (await client.get(API_STATE, params={"contract_code": "BTC-USD"})).json()
    assert settling["data"] == [state_row("BTC-USD", "BTC", 0, 0)]
    unknown = (await client.get(API_STATE, params={"contract_code": "XRP-USD"})).json()
    assert (unknown["status"], unknown["err_code"]) == ("error", 1014)


async def test_bbo_answers_the_best_levels_and_null_for_an_empty_side(
    client: httpx.AsyncClient, signed: SignedClient, clock: ManualClock
) -> None:
    empty = (await client.get(BBO, params={"contract_code": "BTC-USD"})).json()
    now = clock.now()
    assert empty == {
        "status": "ok",
        "ticks": [{"contract_code": "BTC-USD", "ask": None, "bid": None, "mrid": 0, "ts": now}],
        "ts": now,
    }
    book = (("buy", "59000", 2), ("buy", "59500", 3), ("sell", "61000", 4))
    for direction, price, volume in book:
        sent = await signed.post("/swap-api/v1/swap_order", order(direction, price, volume))
        assert SignedClient.json(sent)["status"] == "ok"
    both = (await client.get(BBO)).json()
    btc, eth = both["ticks"]
    assert (btc["contract_code"], btc["bid"], btc["ask"]) == ("BTC-USD", [59500, 3], [61000, 4])
    assert (eth["contract_code"], eth["bid"], eth["ask"]) == ("ETH-USD", None, None)
    unknown = (await client.get(BBO, params={"contract_code": "XRP-USD"})).json()
    assert unknown == {
        "ts": clock.now(), "status": "error", "err-code": "invalid-request",
        "err-msg": "invalid contract code",
    }  # fmt: skip
