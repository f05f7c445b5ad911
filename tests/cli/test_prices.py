"""`htx-sandbox prices` against a real `htx-sandbox serve`, whose price source feeds every
contract's index from the start: show, set, path (a CSV file), walk, and the price limit rate."""

from __future__ import annotations

import json
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import Server, run_cli

BOUND_S = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # A fast walk, so that a test sees it move without waiting long.
    with Server(tmp_path_factory.mktemp("data"), args=("--index-interval", "50ms")) as running:
        yield running


def admin(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--url", server.url, "--data-dir", str(server.data_dir))


def ok_json(server: Server, *args: str) -> Any:
    result = admin(server, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout, parse_float=Decimal)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_show_lists_every_contract_walking_from_its_start(server: Server) -> None:
    rows = ok_json(server, "prices", "show")
    assert [(r["contract_code"], r["mode"]) for r in rows] == [
        ("BTC-USD", "walk"), ("ETH-USD", "walk")
    ]  # fmt: skip
    assert all(r["index_price"] is not None and r["index_ts"] > 0 for r in rows)
    deadline = time.monotonic() + BOUND_S
    first = rows[0]["index_ts"]
    while ok_json(server, "prices", "show", "BTC-USD")[0]["index_ts"] == first:
        assert time.monotonic() < deadline, "the index was not fed again"
        time.sleep(0.05)
    table = admin(server, "prices", "show").stdout.splitlines()
    assert table[0].split() == ["CONTRACT_CODE", "INDEX_PRICE", "INDEX_TS", "MODE", "PATH"]


def test_set_holds_a_price_and_walk_lets_it_go(server: Server) -> None:
    fixed = ok_json(server, "prices", "set", "eth-usd", "3210.5")
    assert (fixed["contract_code"], fixed["index_price"], fixed["mode"]) == (
        "ETH-USD", Decimal("3210.5"), "fixed"
    )  # fmt: skip
    time.sleep(0.2)  # several steps of the walk: a fixed index does not take them
    assert ok_json(server, "prices", "show", "ETH-USD")[0]["index_price"] == Decimal("3210.5")
    walking = ok_json(server, "prices", "walk", "ETH-USD")
    assert walking["mode"] == "walk"


def test_path_reads_a_csv_file_of_ms_and_price(server: Server, tmp_path: Path) -> None:
    now = int(time.time() * 1000)
    csv = tmp_path / "path.csv"
    csv.write_text(f"ms,price\n# a comment\n{now + 3_600_000},3500\n\n{now + 7_200_000},3400.5\n")
    followed = ok_json(server, "prices", "path", "ETH-USD", str(csv))
    assert followed["mode"] == "path"
    assert followed["path"] == [[now + 3_600_000, 3500], [now + 7_200_000, Decimal("3400.5")]]
    result = admin(server, "prices", "path", "ETH-USD", str(csv))
    assert result.returncode == 0, result.stderr
    assert "2 points, next 3500 at" in result.stdout
    ok_json(server, "prices", "walk", "ETH-USD")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2,3\n", "line 1: expected ms,price"),
        ("ms,price\n-5,100\n", "line 2: expected ms,price"),
        ("1764000000000,abc\n", "line 1: expected ms,price"),
        ("ms,price\n", "no ms,price rows"),
    ],
)
def test_a_bad_csv_file_is_a_one_line_error(
    server: Server, tmp_path: Path, content: str, message: str
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(content)
    line = one_line_error(admin(server, "prices", "path", "ETH-USD", str(csv)))
    assert line.startswith("htx-sandbox: error: ") and message in line


def test_the_servers_refusals_are_one_line_errors(server: Server, tmp_path: Path) -> None:
    csv = tmp_path / "descending.csv"
    csv.write_text("2,100\n1,100\n")
    line = one_line_error(admin(server, "prices", "path", "ETH-USD", str(csv)))
    assert line == "htx-sandbox: error: 1067 The path field is invalid. Please re-enter."
    line = one_line_error(admin(server, "prices", "set", "NOPE-USD", "1"))
    assert line == "htx-sandbox: error: 1014 This contract doesnt exist."
    assert admin(server, "prices", "set", "ETH-USD", "-1").returncode == 2  # a usage error


def test_contracts_set_changes_the_price_limit_rate(server: Server) -> None:
    changed = ok_json(server, "contracts", "set", "BTC-USD", "--price-limit-rate", "0.02")
    assert changed["price_limit_rate"] == Decimal("0.02")
    line = one_line_error(admin(server, "contracts", "set", "BTC-USD", "--price-limit-rate", "2"))
    assert (
        line == "htx-sandbox: error: 1067 The price_limit_rate field is invalid. Please re-enter."
    )
