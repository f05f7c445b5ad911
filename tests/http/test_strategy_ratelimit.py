"""HTX's 5 requests per second per UID on every strategy place, cancel and cancel-all endpoint:
counted per endpoint and per UID, on top of the 3-second trade bucket; 1032 past it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.http.core.ratelimit import Quota
from htx_sandbox.service.clock import ManualClock

from .conftest import KEYS, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
LIMITED = "The number of access exceeded the limit."
TRIGGER: dict[str, Any] = {
    "contract_code": "BTC-USD", "trigger_type": "le", "trigger_price": "50000",
    "order_price_type": "optimal_5", "volume": 1, "direction": "buy", "offset": "open",
    "lever_rate": 5,
}  # fmt: skip
TPSL: dict[str, Any] = {
    "contract_code": "BTC-USD", "direction": "sell", "volume": 1,
    "tp_trigger_price": "70000", "tp_order_price": "70000",
}  # fmt: skip
"""Refused with 1048 (no position): a request that counts all the same."""
TRACK: dict[str, Any] = {
    "contract_code": "BTC-USD", "direction": "buy", "offset": "open", "lever_rate": 5,
    "volume": 1, "callback_rate": "0.01", "active_price": "50000",
    "order_price_type": "formula_price",
}  # fmt: skip
CODE = {"contract_code": "BTC-USD"}
CANCEL = {"contract_code": "BTC-USD", "order_id": "1"}
LIMITED_PATHS = [
    ("swap_trigger_order", TRIGGER),
    *((f"swap_{kind}_cancel", CANCEL) for kind in ("trigger", "tpsl", "track")),
    *((f"swap_{kind}_cancelall", CODE) for kind in ("trigger", "tpsl", "track")),
    ("swap_tpsl_order", TPSL),
    ("swap_track_order", TRACK),
]


def code_of(response: httpx.Response) -> int | None:
    body = SignedClient.json(response)
    return None if body["status"] == "ok" else int(body["err_code"])


@pytest.mark.parametrize(("path", "body"), LIMITED_PATHS)
async def test_the_sixth_call_in_a_second_is_refused(
    signed: SignedClient, clock: ManualClock, path: str, body: dict[str, Any]
) -> None:
    first = [code_of(await signed.post(V1 + path, body)) for _ in range(5)]
    assert 1032 not in first
    clock.advance(999)
    refused = await signed.post(V1 + path, body)
    answer = SignedClient.json(refused)
    assert answer == {"status": "error", "err_code": 1032, "err_msg": LIMITED,
                      "ts": answer["ts"]}  # fmt: skip
    # The trade bucket counted it too: 6 of its 72 are gone, and its headers are sent.
    assert refused.headers["ratelimit-remaining"] == "66"
    clock.advance(1)  # the next second
    assert code_of(await signed.post(V1 + path, body)) != 1032


async def test_a_refused_placement_places_nothing(signed: SignedClient) -> None:
    for _ in range(5):
        assert code_of(await signed.post(V1 + "swap_trigger_order", TRIGGER)) is None
    assert code_of(await signed.post(V1 + "swap_trigger_order", TRIGGER)) == 1032
    open_orders = SignedClient.json(await signed.post(V1 + "swap_trigger_openorders", CODE))
    assert open_orders["data"]["total_size"] == 5


async def test_refused_requests_count_too(signed: SignedClient) -> None:
    for _ in range(5):
        bad = await signed.post(V1 + "swap_trigger_order", {**TRIGGER, "trigger_type": "x"})
        assert code_of(bad) == 1082
    assert code_of(await signed.post(V1 + "swap_trigger_order", TRIGGER)) == 1032


async def test_each_endpoint_and_each_uid_has_its_own_count(
    signed: SignedClient, signed_for: Any
) -> None:
    for _ in range(5):
        await signed.post(V1 + "swap_trigger_cancelall", CODE)
    assert code_of(await signed.post(V1 + "swap_trigger_cancelall", CODE)) == 1032
    # another endpoint of the same UID, and the same endpoint of another UID, still pass
    assert code_of(await signed.post(V1 + "swap_tpsl_cancelall", CODE)) == 1051
    assert code_of(await signed.post(V1 + "swap_trigger_cancel", CANCEL)) is None
    assert code_of(await signed_for(KEYS.second).post(V1 + "swap_trigger_cancelall", CODE)) == 1051
    # another key of the same UID shares the UID's count
    trade_only = signed_for(KEYS.trade_only)
    assert code_of(await trade_only.post(V1 + "swap_trigger_cancelall", CODE)) == 1032


async def test_queries_are_not_in_the_strategy_limit(signed: SignedClient) -> None:
    history = {"contract_code": "BTC-USD", "status": "0", "create_date": 1, "trade_type": 0}
    for _ in range(10):
        assert code_of(await signed.post(V1 + "swap_trigger_openorders", CODE)) is None
        assert code_of(await signed.post(V1 + "swap_trigger_hisorders", history)) is None


async def test_limited_in_chinese(signed: SignedClient) -> None:
    for _ in range(5):
        await signed.post(V1 + "swap_track_cancelall", CODE)
    response = await signed.post(V1 + "swap_track_cancelall", CODE,
                                 headers={"Accept-Language": "zh-CN"})  # fmt: skip
    body = SignedClient.json(response)
    assert (body["err_code"], body["err_msg"]) == (1032, "访问次数超出限制")


class TestConfigured:
    @pytest.fixture
    def http_settings(self) -> HttpSettings:
        return HttpSettings(strategy_quota=Quota(2, 500))

    async def test_the_quota_is_a_setting(self, signed: SignedClient, clock: ManualClock) -> None:
        codes = [code_of(await signed.post(V1 + "swap_trigger_cancelall", CODE)) for _ in range(3)]
        assert codes == [1051, 1051, 1032]
        clock.advance(500)
        assert code_of(await signed.post(V1 + "swap_trigger_cancelall", CODE)) == 1051


class TestDisabled:
    @pytest.fixture
    def http_settings(self) -> HttpSettings:
        return HttpSettings(rate_limit=False)

    async def test_no_strategy_limit_when_rate_limits_are_off(self, signed: SignedClient) -> None:
        for _ in range(20):
            assert code_of(await signed.post(V1 + "swap_trigger_cancelall", CODE)) == 1051
