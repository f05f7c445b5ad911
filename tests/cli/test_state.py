"""`serve --fixtures`, `htx-sandbox reset` and `htx-sandbox snapshots` against a real serve:
the state a test run starts from, and how it comes back."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import Server, run_cli

FIXTURES = """
[[accounts]]
uid = 10000001
balances = { BTC = "4" }

[[accounts.api_keys]]
access_key = "cli-access"
secret_key = "cli-secret"
permissions = ["read"]

[[accounts.orders]]
contract_code = "BTC-USD"
direction = "buy"
offset = "open"
volume = 2
price = "50000"
lever_rate = 5
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("fixtures")
    (folder / "fixtures.toml").write_text(FIXTURES, encoding="utf-8")
    args = ("--fixtures", str(folder / "fixtures.toml"))
    with Server(tmp_path_factory.mktemp("data"), args=args) as running:
        assert running.process is not None and running.process.stdout is not None
        for _ in range(2):  # the dashboard's line, then the fixtures'
            running.banner.append(running.process.stdout.readline())
        yield running


def admin(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--url", server.url, "--data-dir", str(server.data_dir))


def ok_json(server: Server, *args: str) -> Any:
    result = admin(server, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout, parse_float=Decimal)


def btc(server: Server) -> dict[int, Decimal]:
    return {
        row["uid"]: next(a["margin_balance"] for a in row["accounts"] if a["symbol"] == "BTC")
        for row in ok_json(server, "accounts", "list")
    }


def test_serve_starts_from_its_fixtures_and_reset_brings_them_back(server: Server) -> None:
    assert any("fixtures applied from" in line for line in server.banner)
    assert btc(server) == {10000001: 4}
    [key] = ok_json(server, "keys", "list")
    assert (key["access_key"], key["permissions"]) == ("cli-access", ["read"])
    [order] = ok_json(server, "orders", "list", "--uid", "10000001")
    assert (order["price"], order["volume"]) == (50000, 2)
    ok_json(server, "accounts", "deposit", "--uid", "10000001", "--symbol", "BTC",
            "--amount", "1")  # fmt: skip
    assert btc(server) == {10000001: 5}
    reset = ok_json(server, "reset")
    assert reset["fixtures"].endswith("fixtures.toml")
    assert btc(server) == {10000001: 4}
    assert ok_json(server, "reset", "--empty") == {"fixtures": None}
    assert btc(server) == {}
    ok_json(server, "reset")


def test_snapshots_save_list_restore_delete(server: Server) -> None:
    ok_json(server, "reset")
    saved = ok_json(server, "snapshots", "save", "cli-one")
    assert saved["name"] == "cli-one"
    ok_json(server, "accounts", "create", "--uid", "10000005")
    assert 10000005 in btc(server)
    table = admin(server, "snapshots", "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "CREATED_AT", "EXCHANGE_TIME"]
    assert table[1].split()[0] == "cli-one"
    assert ok_json(server, "snapshots", "restore", "cli-one") == saved
    assert 10000005 not in btc(server)
    assert ok_json(server, "snapshots", "delete", "cli-one") == {"deleted": "cli-one"}
    missing = admin(server, "snapshots", "restore", "cli-one")
    assert missing.returncode == 1
    assert missing.stderr == (
        'htx-sandbox: error: 1067 The name (no snapshot named "cli-one") field is invalid. '
        "Please re-enter.\n"
    )


def test_bad_fixtures_refuse_the_reset_and_the_start(server: Server, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[accounts]]\nuid = 10000001\nbalances = { BTC = 1.5 }\n", encoding="utf-8")
    before = btc(server)
    refused = admin(server, "reset", "--fixtures", str(bad))
    assert refused.returncode == 1
    assert "The fixtures (" in refused.stderr and "as a string" in refused.stderr
    assert btc(server) == before
    start = run_cli("serve", "--data-dir", str(tmp_path / "data"), "--fixtures", str(bad))
    assert start.returncode == 1
    assert start.stderr.splitlines() == [
        f'htx-sandbox: error: {bad}: accounts[1] (uid 10000001): balances.BTC: write the '
        'amount as a string ("0.5") or a whole number'
    ]
    assert not (tmp_path / "data").exists()
