"""HTX's rate limits on the wire: fixed 3-second windows per UID, trade and read counted apart,
72 each; public endpoints 240 per IP; ratelimit-* headers on every private response; 1032 over
the limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine

from .conftest import KEYS, UID1, ClientFactory, SignedClient

pytestmark = pytest.mark.anyio

V1 = "/swap-api/v1/"
ORDER = V1 + "swap_order"
CANCEL_ALL = V1 + "swap_cancelall"
OPEN_ORDERS = V1 + "swap_openorders"
ACCOUNT = V1 + "swap_account_info"
CONTRACT_INFO = V1 + "swap_contract_info"
NOTHING: dict[str, Any] = {"contract_code": "BTC-USD"}
ORDER_BODY: dict[str, Any] = {
    "contract_code": "BTC-USD",
    "volume": 1,
    "direction": "buy",
    "offset": "open",
    "lever_rate": 5,
    "order_price_type": "limit",
    "price": "50000",
}
LIMITED = "The number of access exceeded the limit."
HEADERS = ("ratelimit-limit", "ratelimit-interval", "ratelimit-remaining", "ratelimit-reset")

SignedFor = Callable[..., SignedClient]


def limits(response: httpx.Response) -> tuple[int, int, int, int]:
    values = tuple(int(response.headers[name]) for name in HEADERS)
    assert len(values) == 4
    return values[0], values[1], values[2], values[3]


def code_of(response: httpx.Response) -> int | None:
    body = SignedClient.json(response)
    if body.get("status") == "ok" or body.get("code") == 200:
        return None
    code: int = body["err_code"] if "err_code" in body else body["code"]
    return code


def assert_limited(response: httpx.Response) -> None:
    body = SignedClient.json(response)
    assert set(body) == {"status", "err_code", "err_msg", "ts"}, body
    assert (body["status"], body["err_code"], body["err_msg"]) == ("error", 1032, LIMITED)


@pytest.mark.parametrize(
    ("path", "body", "kind"),
    [
        (ORDER, ORDER_BODY, "trade"),
        (ORDER, {**ORDER_BODY, "direction": "x"}, "trade"),  # a business error
        (ORDER, b"not json", "trade"),  # an input error
        (CANCEL_ALL, NOTHING, "trade"),  # 1051
        (V1 + "swap_batchorder", {"orders_data": [ORDER_BODY]}, "trade"),
        (V1 + "swap_cancel", {"contract_code": "BTC-USD", "order_id": "1"}, "trade"),
        (V1 + "swap_switch_lever_rate", {"contract_code": "BTC-USD", "lever_rate": 10}, "trade"),
        (V1 + "swap-cancel-after", {"on_off": 1, "time_out": 6000}, "trade"),  # v3 envelope
        (V1 + "swap-cancel-after", {"on_off": 1, "time_out": 1}, "trade"),  # v3 error
        (OPEN_ORDERS, NOTHING, "read"),
        (ACCOUNT, {}, "read"),
        (V1 + "swap_position_info", {}, "read"),
        (V1 + "swap_order_info", {"contract_code": "BTC-USD", "order_id": "1"}, "read"),
        (V1 + "swap_order_detail", {"contract_code": "BTC-USD", "order_id": "1"}, "read"),
        (V1 + "swap_hisorders", {"contract_code": "BTC-USD", "trade_type": 0, "type": 1,
                                 "status": "0", "create_date": 7}, "read"),
    ],
)  # fmt: skip
async def test_every_private_response_carries_the_headers(
    signed: SignedClient, clock: ManualClock, path: str, body: Any, kind: str
) -> None:
    start = clock.now()
    response = await signed.post(path, body)
    assert response.status_code == 200
    assert limits(response) == (72, 3000, 71, start + 3000)
    clock.advance(1000)
    again = await signed.post(path, body)
    # Same window: one fewer left, same reset time.
    assert limits(again) == (72, 3000, 70, start + 3000)


async def test_trade_limit_73rd_call_in_a_window(
    signed: SignedClient, clock: ManualClock, engine: Engine
) -> None:
    start = clock.now()
    for i in range(72):
        response = await signed.post(CANCEL_ALL, NOTHING)
        assert code_of(response) == 1051, i
        assert limits(response)[2] == 71 - i
        clock.advance(40)  # 72 x 40 ms = 2.88 s: still the same window
    response = await signed.post(ORDER, ORDER_BODY)
    assert_limited(response)
    assert limits(response) == (72, 3000, 0, start + 3000)
    # The refused order never reached the engine.
    assert engine.query(lambda ex: ex.open_orders(UID1)).result() == []

    # Read calls have their own counter and still pass.
    response = await signed.post(OPEN_ORDERS, NOTHING)
    assert code_of(response) is None
    assert limits(response) == (72, 3000, 71, clock.now() + 3000)

    # The next window opens at the reset time.
    clock.advance(start + 3000 - clock.now())
    response = await signed.post(ORDER, ORDER_BODY)
    assert code_of(response) is None
    assert limits(response) == (72, 3000, 71, start + 6000)


async def test_read_limit_73rd_call_while_trade_passes(
    signed: SignedClient, clock: ManualClock
) -> None:
    for _ in range(72):
        assert code_of(await signed.post(ACCOUNT, {})) is None
    assert_limited(await signed.post(OPEN_ORDERS, NOTHING))
    assert code_of(await signed.post(ORDER, ORDER_BODY)) is None
    clock.advance(3000)
    assert code_of(await signed.post(ACCOUNT, {})) is None


async def test_the_limit_is_per_uid_across_its_keys(
    signed: SignedClient, signed_for: SignedFor
) -> None:
    for _ in range(36):
        await signed.post(CANCEL_ALL, NOTHING)
        await signed_for(KEYS.trade_only).post(CANCEL_ALL, NOTHING)
    # UID 1 has used its 72 through two keys.
    assert_limited(await signed.post(CANCEL_ALL, NOTHING))
    assert_limited(await signed_for(KEYS.trade_only).post(CANCEL_ALL, NOTHING))
    # UID 2 has its own budget.
    response = await signed_for(KEYS.second).post(CANCEL_ALL, NOTHING)
    assert code_of(response) == 1051
    assert limits(response)[2] == 71


async def test_limited_answers_in_chinese(signed: SignedClient) -> None:
    for _ in range(72):
        await signed.post(CANCEL_ALL, NOTHING)
    response = await signed.post(CANCEL_ALL, NOTHING, headers={"Accept-Language": "zh-CN"})
    body = SignedClient.json(response)
    assert (body["err_code"], body["err_msg"]) == (1032, "访问次数超出限制")


async def test_cancel_after_over_the_limit_uses_its_own_envelope(signed: SignedClient) -> None:
    for _ in range(72):
        await signed.post(CANCEL_ALL, NOTHING)
    response = await signed.post(V1 + "swap-cancel-after", {"on_off": 1, "time_out": 6000})
    body = SignedClient.json(response)
    assert set(body) == {"code", "msg", "data", "ts"}
    assert (body["code"], body["msg"], body["data"]) == (1032, LIMITED, None)


async def test_auth_failures_do_not_use_the_uids_budget(signed: SignedClient) -> None:
    for _ in range(100):
        response = await signed.post(CANCEL_ALL, NOTHING, signature="bad")
        assert SignedClient.json(response)["err_code"] == 403
    response = await signed.post(CANCEL_ALL, NOTHING)
    assert code_of(response) == 1051
    assert limits(response)[2] == 71


class TestDisabled:
    @pytest.fixture
    def http_settings(self) -> HttpSettings:
        return HttpSettings(rate_limit=False)

    async def test_no_limit_when_disabled(self, signed: SignedClient, clock: ManualClock) -> None:
        for _ in range(150):
            assert code_of(await signed.post(CANCEL_ALL, NOTHING)) == 1051
            assert code_of(await signed.post(ACCOUNT, {})) is None
        # The leverage switch's once-per-3-seconds rule is a rate limit too.
        body = {"contract_code": "BTC-USD", "lever_rate": 10}
        assert code_of(await signed.post(V1 + "swap_switch_lever_rate", body)) is None
        assert code_of(await signed.post(V1 + "swap_switch_lever_rate", body)) is None

    async def test_public_not_limited_when_disabled(self, client: httpx.AsyncClient) -> None:
        for _ in range(300):
            response = await client.get(CONTRACT_INFO)
            assert response.json()["status"] == "ok"


async def test_public_limit_is_240_per_ip(
    client: httpx.AsyncClient, make_client: ClientFactory, clock: ManualClock
) -> None:
    start = clock.now()
    for i in range(240):
        response = await client.get(CONTRACT_INFO, params={"contract_code": "BTC-USD"})
        assert response.json()["status"] == "ok", i
        assert limits(response) == (240, 3000, 239 - i, start + 3000)
    response = await client.get(CONTRACT_INFO)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "err_code", "err_msg", "ts"}
    assert (body["status"], body["err_code"], body["err_msg"]) == ("error", 1032, LIMITED)
    assert limits(response)[2] == 0
    # Another address has its own budget.
    other = make_client(client_address=("10.9.8.7", 5555))
    assert (await other.get(CONTRACT_INFO)).json()["status"] == "ok"
    # Public calls do not use a UID's private budget, nor the other way round.
    signed = SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)
    assert code_of(await signed.post(OPEN_ORDERS, NOTHING)) is None
    clock.advance(3000)
    assert (await client.get(CONTRACT_INFO)).json()["status"] == "ok"
