"""A store that stops committing (disk full, lost database) as clients and the operator see it:
writes answer 1004 in each endpoint's own envelope and change nothing, reads are served from the
last commit, the admin health endpoint says what is wrong, and everything resumes by itself once
the store commits again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.types import Millis
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import ChangeSet, StorageOutageError
from htx_sandbox.storage.memory import MemoryStore
from tests.http.conftest import KEYS, SignedClient

pytestmark = pytest.mark.anyio

TOKEN = "outage-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEALTH = "/sandbox-api/v1/health"
ORDER = {
    "contract_code": "BTC-USD",
    "volume": 1,
    "direction": "buy",
    "offset": "open",
    "lever_rate": 5,
    "order_price_type": "limit",
    "price": "50000",
}


class FlakyStore(MemoryStore):
    """A MemoryStore whose commits and probes fail while `down` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def commit(self, c: ChangeSet) -> None:
        if self.down:
            raise OSError(28, "No space left on device")
        super().commit(c)

    def recover(self) -> None:
        if self.down:
            raise OSError(28, "No space left on device")

    def order(self, order_id: int) -> Any:
        if self.down:  # a lookup of evicted history that reaches the store
            raise StorageOutageError("database: the connection is lost")
        return super().order(order_id)


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=TOKEN)


async def health(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get(HEALTH, headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    data: dict[str, Any] = body["data"]
    return data


async def wait_until_writable(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 10  # a safety net, not a timing assertion
    while (await health(client))["writes"] != "accepted":
        assert time.monotonic() < deadline, "the engine never resumed"
        await asyncio.sleep(0.02)


async def test_writes_answer_1004_reads_are_served_and_health_says_why(
    client: httpx.AsyncClient,
    signed: SignedClient,
    store: FlakyStore,
    engine: Engine,
    clock: ManualClock,
) -> None:
    placed = SignedClient.json(await signed.post("/swap-api/v1/swap_order", ORDER))
    assert placed["status"] == "ok"
    assert (await health(client))["store"] == "available"

    store.down = True
    refused = SignedClient.json(await signed.post("/swap-api/v1/swap_order", ORDER))
    assert refused["status"] == "error" and refused["err_code"] == 1004
    assert refused["err_msg"] == "System busy. Please try again later."
    cancel_all = SignedClient.json(
        await signed.post("/swap-api/v1/swap_cancelall", {"contract_code": "BTC-USD"})
    )
    assert cancel_all["err_code"] == 1004
    switch = SignedClient.json(
        await signed.post("/swap-api/v1/swap-cancel-after", {"on_off": 1, "time_out": 60000})
    )
    assert switch["code"] == 1004 and switch["data"] is None  # v3's own envelope
    funds = {"uid": 1, "symbol": "BTC", "amount": "1"}
    deposit = (await client.post("/sandbox-api/v1/deposits", json=funds, headers=AUTH)).json()
    assert deposit["status"] == "error" and deposit["err_code"] == 1004

    # Reads are served, from the last commit: the first order is open, nothing else happened.
    opened = SignedClient.json(
        await signed.post("/swap-api/v1/swap_openorders", {"contract_code": "BTC-USD"})
    )
    assert opened["status"] == "ok"
    assert [o["order_id"] for o in opened["data"]["orders"]] == [placed["data"]["order_id"]]
    # A read that must go to the store (an id memory does not hold) hears 1004, not 1000.
    lookup = SignedClient.json(
        await signed.post(
            "/swap-api/v1/swap_order_info", {"contract_code": "BTC-USD", "order_id": "777"}
        )
    )
    assert lookup["err_code"] == 1004
    state = await health(client)
    assert state["store"] == "unavailable" and state["writes"] == "refused"
    assert state["reads"] == "served" and state["engine"] == "running"
    assert state["unavailable_since"] == clock.now()
    assert "No space left on device" in state["last_error"]
    # HTX's own paths keep HTX's answers: nothing but 1004 tells a client.
    public = (await client.get("/api/v1/timestamp")).json()
    assert public["status"] == "ok"

    store.down = False
    await wait_until_writable(client)
    again = SignedClient.json(await signed.post("/swap-api/v1/swap_order", ORDER))
    assert again["status"] == "ok"
    restarted = Engine(store, ManualClock(Millis(clock.now())))
    ids = sorted(o.order_id for o in restarted.exchange.open_orders(KEYS.trader.uid))
    assert ids == sorted([placed["data"]["order_id"], again["data"]["order_id"]])
    assert (await health(client))["store_failures"] >= 1


async def test_health_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    response = await client.get(HEALTH)
    assert response.status_code == 401
