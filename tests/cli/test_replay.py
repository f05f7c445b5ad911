"""`htx-sandbox replay` on the data directory of a real `serve` run: the market maker, the index
walk and a client all trading at once, commands committed in batches as they came; the replay
of its journal is the exchange that run left behind."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from htx_sandbox.client import AdminClient, HtxSwapClient
from htx_sandbox.domain.types import Millis
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.sqlite import SqliteStore
from tests.integration.conftest import state_view

from .conftest import Server, run_cli

DB = "htx-sandbox.db"


def state_of(path: Path, now: int) -> dict[str, object]:
    store = SqliteStore(path)
    try:
        engine = Engine(store, ManualClock(now))
        return state_view(engine.exchange)
    finally:
        store.close()


def last_entry_time(path: Path) -> int:
    store = SqliteStore(path)
    try:
        [entry] = store.journal(store.last_journal_seq() - 1, 1)
        return entry.ts
    finally:
        store.close()


def test_a_replayed_run_is_the_exchange_the_run_left(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Server(data, args=("--market-maker", "--index-interval", "50ms",
                            "--no-rate-limit")) as server:  # fmt: skip
        token = (data / "admin-token").read_text().strip()
        with AdminClient(server.url, token) as admin:
            uid = admin.create_account()
            admin.deposit(uid, "BTC", 5)
            key = admin.create_api_key(uid)
            assert key.secret_key is not None
            with HtxSwapClient(key.access_key, key.secret_key, base_url=server.url) as client:
                for n in range(10):
                    client.swap_order("BTC-USD", volume=1 + n % 3, direction="buy" if n % 2 else
                                      "sell", offset="open", lever_rate=5,
                                      order_price_type="optimal_5")  # fmt: skip
                    client.swap_order("BTC-USD", volume=1, direction="buy", offset="open",
                                      lever_rate=5, order_price_type="limit",
                                      price=Decimal(40000 + n))  # fmt: skip
                    time.sleep(0.05)
                client.swap_cancelall("BTC-USD")
    last = last_entry_time(data / DB)
    result = run_cli("replay", "--data-dir", str(data), "--into", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("replayed ") and str(tmp_path / "again" / DB) in result.stdout
    original = state_of(data / DB, last)
    assert original["users"] == [9000001, uid]  # the maker and the client traded
    assert state_of(tmp_path / "again" / DB, last) == original
    # Up to a moment before any command: the contracts alone.
    early = run_cli("replay", "--data-dir", str(data), "--until", "2000-01-01T00:00:00Z",
                    "--into", str(tmp_path / "early"))  # fmt: skip
    assert early.returncode == 0, early.stderr
    assert early.stdout.startswith("replayed 0 commands")
    assert state_of(tmp_path / "early" / DB, Millis(last))["users"] == []


def test_replay_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    missing = run_cli("replay", "--data-dir", str(tmp_path / "nowhere"), "--into",
                      str(tmp_path / "x"))  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr == f"htx-sandbox: error: {tmp_path / 'nowhere' / DB}: no such database\n"
    bad_time = run_cli("replay", "--data-dir", str(tmp_path), "--until", "soon", "--into",
                       str(tmp_path / "x"))  # fmt: skip
    assert bad_time.returncode == 2
    assert "expected milliseconds or an ISO 8601 time, got 'soon'" in bad_time.stderr


def test_replay_refuses_the_data_of_a_running_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Server(data):
        busy = run_cli("replay", "--data-dir", str(data), "--into", str(tmp_path / "x"))
    assert busy.returncode == 1
    assert busy.stderr == (
        f"htx-sandbox: error: {data / DB}: in use by another running htx-sandbox\n"
    )
