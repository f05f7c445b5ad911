"""`serve --demo`: the demo credentials file and the banner a new user pastes from."""

from __future__ import annotations

import asyncio
import json
import re
import stat
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from htx_sandbox.cli.demo import CREDENTIALS_FILE, DemoCredentials, demo_banner, prepare_demo
from htx_sandbox.domain.types import UID
from htx_sandbox.http.app import create_app
from htx_sandbox.service.api_keys import DisableApiKey
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.memory import MemoryStore

BASE_URL = "http://127.0.0.1:18080"


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine(MemoryStore(), SystemClock())
    engine.start()
    yield engine
    engine.stop()


def test_prepare_demo_writes_owner_only_credentials_of_a_funded_trading_uid(
    engine: Engine, tmp_path: Path
) -> None:
    credentials = prepare_demo(engine, tmp_path, BASE_URL)

    path = tmp_path / CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "uid": credentials.uid,
        "access_key": credentials.access_key,
        "secret_key": credentials.secret_key,
        "base_url": BASE_URL,
    }
    assert credentials.uid >= 10_000_001
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{5}", credentials.access_key)
    assert credentials.access_key != credentials.secret_key
    key = engine.api_keys.get(credentials.access_key)
    assert key is not None and key.uid == credentials.uid
    assert key.permissions == frozenset({"read", "trade"})
    uid = UID(credentials.uid)
    balances = engine.query(
        lambda ex: {a.symbol: a.margin_balance for a in ex.accounts(uid)}
    ).result()
    assert balances == {"BTC": Decimal(10), "ETH": Decimal(100)}
    assert [p.name for p in tmp_path.iterdir()] == [CREDENTIALS_FILE]


def test_prepare_demo_reuses_the_credentials_on_the_next_start(
    engine: Engine, tmp_path: Path
) -> None:
    first = prepare_demo(engine, tmp_path, BASE_URL)

    second = prepare_demo(engine, tmp_path, BASE_URL)

    assert second == first
    uid = UID(first.uid)
    btc = engine.query(lambda ex: ex.account(uid, "BTC").margin_balance).result()
    assert btc == Decimal(10)  # not funded twice
    assert engine.query(lambda ex: max(ex.state.users)).result() == first.uid


def test_a_new_port_keeps_the_account_and_updates_the_base_url(
    engine: Engine, tmp_path: Path
) -> None:
    first = prepare_demo(engine, tmp_path, BASE_URL)

    moved = prepare_demo(engine, tmp_path, "http://127.0.0.1:9999")

    assert (moved.uid, moved.access_key, moved.secret_key) == (
        first.uid, first.access_key, first.secret_key,
    )
    saved = json.loads((tmp_path / CREDENTIALS_FILE).read_text())
    assert saved["base_url"] == "http://127.0.0.1:9999"
    assert stat.S_IMODE((tmp_path / CREDENTIALS_FILE).stat().st_mode) == 0o600


def test_a_disabled_key_gets_a_new_demo_account(engine: Engine, tmp_path: Path) -> None:
    first = prepare_demo(engine, tmp_path, BASE_URL)
    assert engine.execute(DisableApiKey(first.access_key)).error is None

    second = prepare_demo(engine, tmp_path, BASE_URL)

    assert second.access_key != first.access_key
    assert second.uid == first.uid + 1
    assert json.loads((tmp_path / CREDENTIALS_FILE).read_text())["access_key"] == second.access_key


def test_a_file_from_another_database_is_replaced(tmp_path: Path) -> None:
    first_engine = Engine(MemoryStore(), SystemClock())
    first_engine.start()
    try:
        stale = prepare_demo(first_engine, tmp_path, BASE_URL)
    finally:
        first_engine.stop()
    fresh_engine = Engine(MemoryStore(), SystemClock())
    fresh_engine.start()
    try:
        fresh = prepare_demo(fresh_engine, tmp_path, BASE_URL)
        assert fresh.access_key != stale.access_key
        assert fresh_engine.api_keys.get(fresh.access_key) is not None
    finally:
        fresh_engine.stop()


def test_an_unreadable_file_is_replaced(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / CREDENTIALS_FILE).write_text("{not json")

    credentials = prepare_demo(engine, tmp_path, BASE_URL)

    assert json.loads((tmp_path / CREDENTIALS_FILE).read_text())["uid"] == credentials.uid


def test_the_banner_shows_the_credentials_and_where_to_connect() -> None:
    credentials = DemoCredentials(
        10_000_001, "aaaa1111-bbbb2222-cccc3333-dddd4", "s3cr3t", BASE_URL
    )

    banner = demo_banner(credentials)

    for text in ("10000001", credentials.access_key, credentials.secret_key, BASE_URL):
        assert text in banner
    assert "ccxt.htx" in banner
    assert f'"api": {{"contract": "{BASE_URL}"}}' in banner
    assert '"hostnames": {"contract": "api.hbdm.com"}' in banner
    assert "fetch_markets_by_type_and_sub_type(\"swap\", \"inverse\"" in banner
    assert f"curl -s '{BASE_URL}/swap-api/v1/swap_contract_info" in banner


def test_the_banners_ccxt_snippet_is_valid_python() -> None:
    banner = demo_banner(DemoCredentials(1, "ak", "sk", BASE_URL))
    snippet = banner[banner.index("import ccxt") : banner.index("curl, public")]

    compile(snippet, "<banner>", "exec")


def test_the_banners_signed_curl_query_is_accepted(engine: Engine, tmp_path: Path) -> None:
    credentials = prepare_demo(engine, tmp_path, BASE_URL)
    banner = demo_banner(credentials)
    signer = next(line for line in banner.splitlines() if line.startswith("Q=$("))
    curl = next(line for line in banner.splitlines() if line.startswith("curl -s -X POST"))
    path = re.search(r"'http://[^/]+(/[^?]+)\?'", curl)
    assert path is not None

    query = subprocess.run(
        ["bash", "-c", f'{signer}\nprintf %s "$Q"'],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    app = create_app(engine, SystemClock())

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            return await client.post(
                f"{path.group(1)}?{query}",
                content=b"{}",
                headers={"Content-Type": "application/json"},
            )

    reply = asyncio.run(call()).json()

    assert reply["status"] == "ok", reply
    balances = {row["symbol"]: row["margin_balance"] for row in reply["data"]}
    assert balances == {"BTC": 10, "ETH": 100}
