"""The clients' index and price band calls: swap_index and swap_price_limit (HtxSwapClient), and
the admin API's index prices and price limit rate (AdminClient), against the app in-process."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AdminClient,
    AsyncAdminClient,
    AsyncHtxSwapClient,
    ContractNotFound,
    HtxApiError,
    HtxSwapClient,
    IndexPrice,
    PriceLimit,
    SandboxIndexPrice,
)
from htx_sandbox.service.clock import ManualClock
from tests.texts import invalid

from .conftest import ADMIN_TOKEN, SANDBOX_URL

D = Decimal


def test_an_index_set_through_the_admin_client_shows_in_swap_index_and_the_band(
    admin: AdminClient, public: HtxSwapClient, clock: ManualClock
) -> None:
    assert public.swap_index() == []
    assert public.swap_price_limit() == []
    answer = admin.set_index_price("BTC-USD", "60000.5")
    assert answer == SandboxIndexPrice(
        contract_code="BTC-USD", index_price=D("60000.5"), index_ts=clock.now(), mode="fixed"
    )
    assert public.swap_index("BTC-USD") == [
        IndexPrice(contract_code="BTC-USD", index_price=D("60000.5"), index_ts=clock.now())
    ]
    # 60000.5 x 1.06 = 63600.53 -> 63600.5; x 0.94 = 56400.47 -> 56400.5
    assert public.swap_price_limit() == [
        PriceLimit(
            symbol="BTC", contract_code="BTC-USD", high_limit=D("63600.5"), low_limit=D("56400.5")
        )
    ]
    changed = admin.set_contract("BTC-USD", price_limit_rate="0.01")
    assert changed.price_limit_rate == D("0.01")
    [band] = public.swap_price_limit("BTC-USD")
    assert (band.high_limit, band.low_limit) == (D("60600.5"), D("59400.5"))


def test_a_path_and_the_walk_through_the_admin_client(
    admin: AdminClient, clock: ManualClock
) -> None:
    t0 = clock.now()
    admin.set_index_price("ETH-USD", 3000)
    followed = admin.set_index_path("ETH-USD", [(t0 + 60_000, "3100"), (t0 + 120_000, 2900)])
    assert (followed.mode, followed.index_price) == ("path", D(3000))
    assert followed.path == [(t0 + 60_000, D(3100)), (t0 + 120_000, D(2900))]
    [listed] = admin.list_index_prices("ETH-USD")
    assert listed == followed
    walking = admin.walk_index("ETH-USD")
    assert (walking.mode, walking.path, walking.index_price) == ("walk", [], D(3000))
    assert [row.contract_code for row in admin.list_index_prices()] == ["BTC-USD", "ETH-USD"]


def test_refusals_raise_the_typed_errors(admin: AdminClient, public: HtxSwapClient) -> None:
    with pytest.raises(ContractNotFound):
        admin.set_index_price("NOPE-USD", 1)
    with pytest.raises(ContractNotFound):
        public.swap_index("NOPE-USD")
    with pytest.raises(HtxApiError) as caught:
        admin.set_index_path("BTC-USD", [(2, "1"), (1, "1")])
    assert (caught.value.err_code, caught.value.err_msg) == (
        1067,
        invalid("path"),
    )


@pytest.mark.anyio
async def test_the_async_clients_have_the_same_calls(app: Any, clock: ManualClock) -> None:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 123))
    async with (
        AsyncAdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=transport) as admin,
        AsyncHtxSwapClient(base_url=SANDBOX_URL, transport=transport) as public,
    ):
        await admin.set_index_price("BTC-USD", "61000")
        [index] = await public.swap_index()
        assert (index.contract_code, index.index_price) == ("BTC-USD", D(61000))
        [band] = await public.swap_price_limit("btc-usd")
        assert (band.high_limit, band.low_limit) == (D(64660), D(57340))
