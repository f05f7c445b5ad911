"""Faults armed through the admin API (/sandbox-api/v1/faults): the next requests to an HTX
path answer HTX's error in that path's own envelope and wording, an HTTP status, or come late;
they count down, match a UID when given, list what remains and clear. The cancel delay and
per-UID rate limits change at run time. Bad input is refused and changes nothing; every control
needs the admin token and none is reachable on an HTX path."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Tick
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.access_log import ACCESS_LOGGER, AccessLog
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from tests.http.conftest import KEYS, UID1, UID2, SignedClient

pytestmark = pytest.mark.anyio

TOKEN = "t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FAULTS = "/sandbox-api/v1/faults"
ORDER = "/swap-api/v1/swap_order"
CANCEL_AFTER = "/swap-api/v1/swap-cancel-after"
ORDER_BODY = {
    "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
    "lever_rate": 10, "order_price_type": "limit", "price": "50000",
}  # fmt: skip
RATE_LIMITED = "The number of access exceeded the limit."


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return AccessLog(create_app(engine, clock, http_settings, admin_token=TOKEN))


async def arm(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = (await client.post(FAULTS, json=body, headers=AUTH)).json()
    return answer


async def armed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = (await client.get(FAULTS, headers=AUTH)).json()["data"]
    return data


async def test_an_err_code_answers_in_the_paths_envelope_count_times(
    client: httpx.AsyncClient, signed: SignedClient, clock: ManualClock
) -> None:
    made = await arm(client, {"path": ORDER, "count": 2, "err_code": 1032})
    assert made["data"] == {
        "fault_id": 1, "path": ORDER, "uid": None, "remaining": 2, "err_code": 1032,
    }  # fmt: skip
    for _ in range(2):
        refused = SignedClient.json(await signed.post(ORDER, ORDER_BODY))
        assert refused == {
            "status": "error", "err_code": 1032, "err_msg": RATE_LIMITED, "ts": clock.now(),
        }  # fmt: skip
    assert await armed(client) == []
    placed = SignedClient.json(await signed.post(ORDER, ORDER_BODY))
    assert placed["status"] == "ok"


async def test_a_v3_path_answers_in_the_v3_envelope_and_chinese_on_request(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    await arm(client, {"path": CANCEL_AFTER, "err_code": 1032})
    refused = SignedClient.json(await signed.post(
        CANCEL_AFTER, {"on_off": 1, "time_out": 6000}, headers={"Accept-Language": "zh-CN"}
    ))  # fmt: skip
    assert refused["code"] == 1032 and refused["msg"] == "访问次数超出限制"


async def test_a_market_path_answers_in_the_market_envelope(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await arm(client, {"path": "/swap-ex/market/depth", "err_code": 1032})
    refused = await client.get("/swap-ex/market/depth", params={"contract_code": "BTC-USD",
                                                                "type": "step0"})  # fmt: skip
    assert refused.json() == {  # HTX's market rate-limit answer, as the real limit gives it
        "ts": clock.now(), "status": "error", "err-code": "invalid-parameter",
        "err-msg": "request limit",
    }  # fmt: skip


async def test_a_fault_for_a_uid_leaves_the_others_alone(
    client: httpx.AsyncClient, signed_for: Any
) -> None:
    await arm(client, {"path": ORDER, "uid": int(UID2), "err_code": 1048})
    first = SignedClient.json(await signed_for(KEYS.trader).post(ORDER, ORDER_BODY))
    assert first["status"] == "ok"
    second = SignedClient.json(await signed_for(KEYS.second).post(ORDER, ORDER_BODY))
    assert second["err_code"] == 1048


async def test_an_http_status_and_a_delay(
    client: httpx.AsyncClient, signed: SignedClient, caplog: pytest.LogCaptureFixture
) -> None:
    await arm(client, {"path": "/swap-api/v1/swap_contract_info", "http_status": 502})
    await arm(client, {"path": ORDER, "delay_ms": 20})
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        bad = await client.get("/swap-api/v1/swap_contract_info")
        assert bad.status_code == 502 and bad.text == "502 injected by the sandbox"
        late = SignedClient.json(await signed.post(ORDER, ORDER_BODY))
        assert late["status"] == "ok"  # held back, then served
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOGGER]
    assert any("swap_contract_info" in line and line.endswith("injected=http_status=502")
               for line in lines)  # fmt: skip
    assert any("swap_order" in line and line.endswith("injected=delay_ms=20") for line in lines)
    good = await client.get("/swap-api/v1/swap_contract_info")
    assert good.status_code == 200


async def test_faults_list_what_remains_and_clear(client: httpx.AsyncClient) -> None:
    await arm(client, {"path": ORDER, "count": 3, "err_code": 1032})
    await arm(client, {"path": ORDER, "uid": 1, "drop": True})
    assert [(f["path"], f["uid"], f["remaining"]) for f in await armed(client)] == [
        (ORDER, None, 3), (ORDER, 1, 1),
    ]  # fmt: skip
    cleared = (await client.delete(FAULTS, headers=AUTH)).json()
    assert cleared["data"] == {"cleared": 2}
    assert await armed(client) == []


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"err_code": 1032}, 1066, "path"),
        ({"path": "/swap-api/v1/nope", "err_code": 1032}, 1067, "path"),
        ({"path": FAULTS, "err_code": 1032}, 1067, "path"),
        ({"path": ORDER}, 1066, "err_code"),
        ({"path": ORDER, "err_code": 99999}, 1067, "err_code"),
        ({"path": ORDER, "http_status": 200}, 1067, "http_status"),
        ({"path": ORDER, "delay_ms": 0}, 1067, "delay_ms"),
        ({"path": ORDER, "delay_ms": 60_001}, 1067, "delay_ms"),
        ({"path": ORDER, "drop": "yes"}, 1067, "drop"),
        ({"path": ORDER, "err_code": 1032, "drop": True}, 1067, "drop"),
        ({"path": ORDER, "err_code": 1032, "count": 0}, 1067, "count"),
        ({"path": ORDER, "err_code": 1032, "uid": 0}, 1067, "uid"),
        ({"path": ORDER, "err_code": 1032, "when": "now"}, 1067, "when"),
    ],
)
async def test_bad_faults_are_refused_and_arm_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], code: int, field: str
) -> None:
    answer = await arm(client, body)
    assert answer["status"] == "error" and answer["err_code"] == code, answer
    assert field in answer["err_msg"]
    assert await armed(client) == []


async def test_the_controls_need_the_admin_token_and_live_off_htx_paths(
    client: httpx.AsyncClient, signed: SignedClient
) -> None:
    for method, path in (("GET", FAULTS), ("POST", FAULTS), ("DELETE", FAULTS),
                         ("POST", "/sandbox-api/v1/cancel-delay"),
                         ("POST", "/sandbox-api/v1/rate-limits")):  # fmt: skip
        answer = await client.request(method, path, json={"path": ORDER, "err_code": 1032})
        assert answer.status_code == 401
    assert await armed(client) == []
    # An HTX client's signature opens no control either.
    assert (await signed.post(FAULTS, {"path": ORDER, "err_code": 1032})).status_code == 401


async def test_the_cancel_delay_changes_at_run_time(
    client: httpx.AsyncClient, signed: SignedClient, engine: Engine, clock: ManualClock
) -> None:
    answer = await client.post("/sandbox-api/v1/cancel-delay", json={"cancel_delay_ms": 1000},
                               headers=AUTH)  # fmt: skip
    assert answer.json()["data"] == {"cancel_delay_ms": 1000}
    placed = SignedClient.json(await signed.post(ORDER, ORDER_BODY))
    order_id = placed["data"]["order_id_str"]
    cancel = {"order_id": order_id, "contract_code": "BTC-USD"}
    SignedClient.json(await signed.post("/swap-api/v1/swap_cancel", cancel))
    info = SignedClient.json(await signed.post("/swap-api/v1/swap_order_info", cancel))
    assert info["data"][0]["status"] == 11  # cancelling, for a second
    clock.advance(1000)
    assert engine.execute(Tick()).error is None  # what the engine's idle wake-up does
    info = SignedClient.json(await signed.post("/swap-api/v1/swap_order_info", cancel))
    assert info["data"][0]["status"] == 7
    for bad in ({"cancel_delay_ms": -1}, {"cancel_delay_ms": 60_001}, {}, {"delay": 5}):
        refused = await client.post("/sandbox-api/v1/cancel-delay", json=bad, headers=AUTH)
        assert refused.json()["status"] == "error"
    shown = await client.get("/sandbox-api/v1/cancel-delay", headers=AUTH)
    assert shown.json()["data"] == {"cancel_delay_ms": 1000}


async def test_a_uids_rate_limit_changes_at_run_time(
    client: httpx.AsyncClient, signed_for: Any
) -> None:
    limits = "/sandbox-api/v1/rate-limits"
    answer = await client.post(limits, json={"uid": int(UID1), "trade": 2}, headers=AUTH)
    assert answer.json()["data"]["uids"] == [{"uid": 1, "trade": 2, "read": None}]
    trader, other = signed_for(KEYS.trader), signed_for(KEYS.second)
    codes = [SignedClient.json(await trader.post(ORDER, ORDER_BODY)).get("err_code")
             for _ in range(3)]  # fmt: skip
    assert codes == [None, None, 1032]
    last = await trader.post(ORDER, ORDER_BODY)
    assert last.headers["ratelimit-limit"] == "2"
    assert SignedClient.json(await other.post(ORDER, ORDER_BODY))["status"] == "ok"
    for bad in ({"trade": 2}, {"uid": 1}, {"uid": 1, "trade": -1}, {"uid": 1, "swap": 3}):
        refused = await client.post(limits, json=bad, headers=AUTH)
        assert refused.json()["status"] == "error", bad
    cleared = await client.request("DELETE", limits, json={"uid": 1}, headers=AUTH)
    assert cleared.json()["data"]["uids"] == []
    assert cleared.json()["data"]["defaults"]["trade"] == {
        "limit": 72, "interval_ms": 3000, "enabled": True,
    }  # fmt: skip
