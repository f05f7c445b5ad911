"""The test controls through AdminClient and AsyncAdminClient (what the pytest plugin exposes):
clock(), set_clock(), advance_clock(), arm_fault(), faults(), clear_faults(), the cancel delay
and per-UID rate limits, against the app in-process over an exchange clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AdminClient,
    AsyncAdminClient,
    HtxApiError,
    HtxSwapClient,
    SandboxClock,
    SandboxFault,
    SandboxQuota,
    SandboxRateLimits,
    SandboxUidLimit,
)
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ExchangeClock, ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS

from .conftest import ADMIN_TOKEN, SANDBOX_URL, ClientFactory, clock_now

pytestmark = pytest.mark.anyio

HOUR = 3_600_000


@pytest.fixture
def wall() -> ManualClock:
    return ManualClock(1_764_572_400_000)


@pytest.fixture
def clock(wall: ManualClock) -> ExchangeClock:
    return ExchangeClock(wall)


@pytest.fixture
def app(engine: Engine, clock: ExchangeClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings, admin_token=ADMIN_TOKEN)


@pytest.fixture
def trader(make_client: ClientFactory, wall: ManualClock) -> HtxSwapClient:
    """Signs with the wall clock, as every client does."""
    return make_client(KEYS.trader, now=clock_now(wall))


def test_the_clock(admin: AdminClient, wall: ManualClock) -> None:
    start = wall.now()
    assert admin.clock() == SandboxClock(now=start, mode="live", speed=1)
    assert admin.set_clock("frozen") == SandboxClock(now=start, mode="frozen", speed=0)
    assert admin.advance_clock(8 * HOUR) == SandboxClock(now=start + 8 * HOUR, mode="frozen",
                                                         speed=0)  # fmt: skip
    assert admin.set_clock("scaled", 60).speed == 60
    with pytest.raises(HtxApiError) as refused:
        admin.set_clock("scaled", 0)
    assert refused.value.err_code == 1067
    assert admin.clock().mode == "scaled"


def test_play_index_path_moves_the_points_to_now(admin: AdminClient) -> None:
    now = admin.set_clock("frozen").now
    played = admin.play_index_path("BTC-USD", [(1_700_000_060_000, "61000"),
                                               (1_700_000_000_000, "60000")])  # fmt: skip
    assert played.index_price == 60000
    assert played.path == [(now + 60_000, 61000)]
    with pytest.raises(ValueError, match="no points"):
        admin.play_index_path("BTC-USD", [])


def test_faults(admin: AdminClient, trader: HtxSwapClient) -> None:
    armed = admin.arm_fault("/swap-api/v1/swap_account_info", uid=1, count=2, err_code=1032)
    assert armed == SandboxFault(fault_id=1, path="/swap-api/v1/swap_account_info", uid=1,
                                 remaining=2, err_code=1032)  # fmt: skip
    with pytest.raises(HtxApiError) as refused:
        trader.swap_account_info()
    assert refused.value.err_code == 1032
    assert [f.remaining for f in admin.faults()] == [1]
    admin.arm_fault("/swap-api/v1/swap_position_info", http_status=503)
    assert admin.clear_faults() == 2
    assert admin.faults() == []
    assert trader.swap_account_info()


def test_cancel_delay_and_rate_limits(admin: AdminClient, trader: HtxSwapClient) -> None:
    assert admin.cancel_delay() == 0
    assert admin.set_cancel_delay(1500) == 1500
    limits = admin.set_rate_limit(1, read=1)
    assert limits == SandboxRateLimits(
        defaults={
            "trade": SandboxQuota(limit=72, interval_ms=3000, enabled=True),
            "read": SandboxQuota(limit=72, interval_ms=3000, enabled=True),
        },
        uids=[SandboxUidLimit(uid=1, read=1)],
    )
    trader.swap_account_info()
    with pytest.raises(HtxApiError) as limited:
        trader.swap_account_info()
    assert limited.value.err_code == 1032
    assert admin.clear_rate_limits().uids == []


async def test_the_async_admin_client_has_the_same_calls(app: Any, wall: ManualClock) -> None:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 123))
    async with AsyncAdminClient(SANDBOX_URL, ADMIN_TOKEN, transport=transport) as admin:
        assert (await admin.set_clock("frozen")).mode == "frozen"
        assert (await admin.advance_clock(HOUR)).now == wall.now() + HOUR
        assert (await admin.clock()).now == wall.now() + HOUR
        fault = await admin.arm_fault("/swap-api/v1/swap_order", delay_ms=10, count=3)
        assert (fault.delay_ms, fault.remaining) == (10, 3)
        assert [f.fault_id for f in await admin.faults()] == [fault.fault_id]
        assert await admin.clear_faults() == 1
        assert await admin.set_cancel_delay(0) == 0
        assert await admin.cancel_delay() == 0
        assert (await admin.set_rate_limit(2, trade=5)).uids == [SandboxUidLimit(uid=2, trade=5)]
        assert (await admin.rate_limits()).uids == [SandboxUidLimit(uid=2, trade=5)]
        assert (await admin.clear_rate_limits(2)).uids == []

