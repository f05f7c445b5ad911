"""The admin clients' reset and snapshots, against the app in-process: what the pytest plugin
and a user's own test suite call between tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AdminClient,
    AsyncAdminClient,
    HtxApiError,
    SandboxReset,
    SandboxSnapshot,
)
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import UID1

from .conftest import ADMIN_TOKEN, SANDBOX_URL

FIXTURES = '[[accounts]]\nuid = 10000042\nbalances = { BTC = "3" }\n'


def btc(admin: AdminClient, uid: int) -> Decimal | None:
    for user in admin.list_accounts():
        if user.uid == uid:
            return next(a.margin_balance for a in user.accounts if a.symbol == "BTC")
    return None


def test_save_restore_list_and_delete(admin: AdminClient, clock: ManualClock) -> None:
    start = btc(admin, UID1)
    saved = admin.save_snapshot("before")
    assert saved == SandboxSnapshot(
        name="before", created_at=clock.now(), exchange_time=clock.now()
    )
    admin.deposit(UID1, "BTC", 7)
    assert btc(admin, UID1) == start + 7  # type: ignore[operator]
    assert admin.restore_snapshot("before") == saved
    assert btc(admin, UID1) == start
    assert admin.list_snapshots() == [saved]
    admin.delete_snapshot("before")
    assert admin.list_snapshots() == []
    with pytest.raises(HtxApiError) as caught:
        admin.restore_snapshot("before")
    assert (caught.value.err_code, caught.value.err_msg) == (
        1067, 'The name (no snapshot named "before") field is invalid. Please re-enter.',
    )  # fmt: skip


def test_reset_to_nothing_or_to_given_fixtures(admin: AdminClient) -> None:
    assert admin.reset() == SandboxReset(fixtures=None)  # the app has none configured
    assert admin.list_accounts() == []
    assert admin.reset(fixtures=FIXTURES) == SandboxReset(fixtures="fixtures")
    assert btc(admin, 10000042) == 3
    assert admin.reset(empty=True).fixtures is None
    assert admin.list_accounts() == []


@pytest.mark.anyio
async def test_the_async_admin_client_has_the_same_calls(app: Any) -> None:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 123))
    async with AsyncAdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=transport) as admin:
        saved = await admin.save_snapshot("a")
        assert [s.name for s in await admin.list_snapshots()] == ["a"]
        assert (await admin.reset()).fixtures is None
        assert await admin.list_accounts() == []
        assert await admin.restore_snapshot("a") == saved
        assert {u.uid for u in await admin.list_accounts()} >= {UID1}
        await admin.delete_snapshot("a")
        assert await admin.list_snapshots() == []
