"""The test controls from the command line against a real `htx-sandbox serve`: `clock`,
`faults` (a dropped connection and an injected error seen by the sandbox's own client, each
named in the access log), `cancel-delay`, `rate-limits` and `prices play`; bad values are
one-line usage errors that send nothing; the clock survives a restart without going back."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from htx_sandbox.client import AdminClient, HtxApiError, HtxSwapClient
from tests.texts import invalid

from .conftest import Server, run_cli

HOUR = 3_600_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Server(tmp_path_factory.mktemp("data"), args=("--no-rate-limit",)) as running:
        yield running


def cli(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--url", server.url, "--data-dir", str(server.data_dir))


def ok_json(server: Server, *args: str) -> Any:
    result = cli(server, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout, parse_float=Decimal)


def admin_client(server: Server) -> AdminClient:
    return AdminClient(server.url, (server.data_dir / "admin-token").read_text().strip())


def trader(server: Server) -> tuple[int, HtxSwapClient]:
    with admin_client(server) as admin:
        uid = admin.create_account()
        admin.deposit(uid, "BTC", 10)
        key = admin.create_api_key(uid)
    return uid, HtxSwapClient(key.access_key, key.secret_key, base_url=server.url)


def test_clock_show_freeze_advance_speed_live(server: Server) -> None:
    shown = ok_json(server, "clock", "show")
    assert shown["mode"] == "live" and shown["speed"] == 1
    frozen = ok_json(server, "clock", "freeze")
    assert frozen["mode"] == "frozen" and frozen["now"] >= shown["now"]
    advanced = ok_json(server, "clock", "advance", "8h")
    assert advanced == {"now": frozen["now"] + 8 * HOUR, "mode": "frozen", "speed": 0}
    with httpx.Client(base_url=server.url) as plain:
        assert plain.get("/api/v1/timestamp").json()["ts"] == advanced["now"]
    scaled = ok_json(server, "clock", "speed", "60")
    assert scaled["mode"] == "scaled" and scaled["speed"] == 60
    live = ok_json(server, "clock", "live")
    assert live["mode"] == "live" and live["now"] >= advanced["now"]
    table = cli(server, "clock", "show").stdout.split()
    assert table[:2] == ["FIELD", "VALUE"] and "live" in table


@pytest.mark.parametrize(
    "args",
    [("clock", "advance", "-1h"), ("clock", "advance", "400d"), ("clock", "speed", "0"),
     ("clock", "speed", "fast"), ("clock", "rewind"), ("faults", "arm", "/swap-api/v1/swap_order"),
     ("faults", "arm", "/x", "--err-code", "1032", "--drop"), ("cancel-delay", "set", "2m")],
)  # fmt: skip
def test_bad_values_are_usage_errors(server: Server, args: tuple[str, ...]) -> None:
    before = ok_json(server, "clock", "show")["mode"]
    result = cli(server, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert ok_json(server, "clock", "show")["mode"] == before


def test_a_server_refusal_is_one_line(server: Server) -> None:
    result = cli(server, "faults", "arm", "/sandbox-api/v1/clock", "--err-code", "1032")
    assert result.returncode == 1
    assert result.stderr == f"htx-sandbox: error: 1067 {invalid('path')}\n"


def test_faults_through_the_cli_reach_a_real_client(server: Server) -> None:
    uid, client = trader(server)
    with client:
        armed = ok_json(server, "faults", "arm", "/swap-api/v1/swap_account_info",
                        "--uid", str(uid), "--err-code", "1032", "--count", "2")  # fmt: skip
        assert armed["remaining"] == 2 and armed["err_code"] == 1032
        with pytest.raises(HtxApiError) as refused:
            client.swap_account_info()
        assert refused.value.err_code == 1032
        listed = ok_json(server, "faults", "list")
        assert [(f["uid"], f["remaining"]) for f in listed] == [(uid, 1)]
        ok_json(server, "faults", "arm", "/swap-api/v1/swap_position_info", "--drop")
        with pytest.raises(httpx.TransportError):
            client.swap_position_info()
        cleared = ok_json(server, "faults", "clear")
        assert cleared == {"cleared": 1}
        assert client.swap_account_info()  # served again
    server.stop()
    try:
        log = server.stderr
        assert "/swap-api/v1/swap_account_info" in log and "injected=err_code=1032" in log
        assert "injected=drop" in log
        assert "ERROR" not in log  # a dropped connection is no error of the server's
    finally:
        server.start()


def test_cancel_delay_and_rate_limits(server: Server) -> None:
    assert ok_json(server, "cancel-delay", "set", "1500ms") == {"cancel_delay_ms": 1500}
    assert ok_json(server, "cancel-delay", "show") == {"cancel_delay_ms": 1500}
    assert ok_json(server, "cancel-delay", "set", "0") == {"cancel_delay_ms": 0}
    uid, client = trader(server)
    limits = ok_json(server, "rate-limits", "set", "--uid", str(uid), "--read", "1")
    assert limits["uids"] == [{"uid": uid, "trade": None, "read": 1}]
    with client:
        client.swap_account_info()
        with pytest.raises(HtxApiError) as limited:  # even though the server runs unlimited
            client.swap_account_info()
        assert limited.value.err_code == 1032
    assert ok_json(server, "rate-limits", "clear")["uids"] == []


def test_prices_play_a_kline_file_on_the_exchange_clock(server: Server, tmp_path: Path) -> None:
    file = tmp_path / "klines.csv"
    file.write_text(
        "id,open,close,low,high,amount\n"  # HTX's kline fields, newest first, in seconds
        "1700000120,61000,61500,60900,61600,3\n"
        "1700000060,60500,61000,60400,61100,2\n"
        "1700000000,60000,60500,59900,60600,1\n"
    )
    now = ok_json(server, "clock", "freeze")["now"]
    played = ok_json(server, "prices", "play", "btc-usd", str(file))
    assert played["mode"] == "path"
    assert played["path"] == [[now + 60_000, Decimal(61000)], [now + 120_000, Decimal(61500)]]
    assert played["index_price"] == Decimal("60500")
    ok_json(server, "clock", "advance", "60s")
    shown = ok_json(server, "prices", "show", "BTC-USD")[0]
    assert shown["index_price"] == Decimal("61000")
    ok_json(server, "clock", "live")
    bad = tmp_path / "bad.csv"
    bad.write_text("time,price\n1700000000,60000\n1700000000,60001\n")
    result = cli(server, "prices", "play", "BTC-USD", str(bad))
    assert result.returncode == 1 and "line 3" in result.stderr


def test_the_clock_never_goes_back_across_a_restart(server: Server) -> None:
    before = ok_json(server, "clock", "advance", "2d")
    server.stop()
    server.start()
    after = ok_json(server, "clock", "show")
    assert after["mode"] == "live" and after["now"] >= before["now"]
