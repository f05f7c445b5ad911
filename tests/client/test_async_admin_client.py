"""AsyncAdminClient against the real admin API through httpx.ASGITransport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AsyncAdminClient,
    AsyncHtxSwapClient,
    AuthenticationFailed,
    ContractNotFound,
    HtxApiError,
)

from .conftest import ADMIN_TOKEN, SANDBOX_URL

pytestmark = pytest.mark.anyio


def transport(app: Any) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app, client=("127.0.0.1", 123))


@pytest.fixture
async def admin_async(app: Any) -> AsyncIterator[AsyncAdminClient]:
    async with AsyncAdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=transport(app)) as client:
        yield client


async def test_a_new_user_funded_and_keyed_can_trade(
    admin_async: AsyncAdminClient, app: Any
) -> None:
    admin = admin_async
    uid = await admin.create_account()
    balance = await admin.deposit(uid, "BTC", Decimal("1.5"))
    assert (balance.symbol, balance.margin_balance) == ("BTC", Decimal("1.5"))
    key = await admin.create_api_key(uid, ["read", "trade"], ip_whitelist=["127.0.0.0/8"])
    assert key.uid == uid and key.secret_key and key.ip_whitelist == ["127.0.0.0/8"]

    async with AsyncHtxSwapClient(
        key.access_key, key.secret_key, base_url=SANDBOX_URL, transport=transport(app)
    ) as trader:
        placed = await trader.swap_order(
            "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000"
        )
        [order] = await admin.list_orders(uid)
        assert order.order_id == placed.order_id
        assert await admin.list_orders(uid, "ETH-USD") == []

        [listed] = await admin.list_api_keys(uid)
        assert listed.access_key == key.access_key and listed.secret_key is None
        assert (await admin.disable_api_key(key.access_key)).enabled is False
        with pytest.raises(AuthenticationFailed):
            await trader.swap_account_info()

    users = {u.uid: u for u in await admin.list_accounts()}
    assert {a.symbol for a in users[uid].accounts} >= {"BTC"}


async def test_create_account_with_a_given_uid_and_refuse_it_twice(
    admin_async: AsyncAdminClient,
) -> None:
    assert await admin_async.create_account(20_000_000) == 20_000_000
    with pytest.raises(HtxApiError) as caught:
        await admin_async.create_account(20_000_000)
    assert caught.value.err_code == 1067


async def test_contracts_add_and_set(admin_async: AsyncAdminClient) -> None:
    added = await admin_async.add_contract(
        "LTC-USD", symbol="LTC", contract_size=10, price_tick=Decimal("0.001"),
        reference_price="80", max_order_volume=500,
    )  # fmt: skip
    assert (added.contract_code, added.max_order_volume) == ("LTC-USD", 500)
    assert "LTC-USD" in {c.contract_code for c in await admin_async.list_contracts()}
    changed = await admin_async.set_contract("LTC-USD", contract_status=5)
    assert changed.contract_status == 5
    with pytest.raises(ContractNotFound):
        await admin_async.set_contract("NOPE-USD", reference_price="1")


@pytest.mark.parametrize("token", ["wrong-token", None])
async def test_a_wrong_or_missing_token_is_refused(app: Any, token: str | None) -> None:
    async with AsyncAdminClient(SANDBOX_URL, token, transport=transport(app)) as client:
        with pytest.raises(AuthenticationFailed) as caught:
            await client.create_account()
        assert caught.value.err_code == 401


async def test_leaving_the_block_closes_the_client(app: Any) -> None:
    async with AsyncAdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=transport(app)) as client:
        assert str(client.base_url) == SANDBOX_URL
    with pytest.raises(RuntimeError):
        await client.list_accounts()
