"""`htx-sandbox serve`: settings precedence, the admin token, config contracts, the access log."""

from __future__ import annotations

import argparse
import json
import stat
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from htx_sandbox.cli import main
from htx_sandbox.cli.config import ServeConfig, add_arguments, resolve
from htx_sandbox.protocol.signature import signed_params
from htx_sandbox.service.market_maker import MakerSettings

from .conftest import Server, free_port, run_cli


def settings(argv: list[str], env: dict[str, str] | None = None) -> ServeConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return resolve(parser.parse_args(argv), env or {})


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# -- precedence --------------------------------------------------------------------------------


def test_flag_beats_environment_beats_config_file_beats_default(tmp_path: Path) -> None:
    text = (
        'port = 1111\nhost = "0.0.0.0"\nlog_format = "json"\nno_rate_limit = true\n'
        "[market_maker]\nenabled = true\nspread = 7\nseed = 3\n"
    )
    config = write(tmp_path / "sandbox.toml", text)
    env = {"HTX_SANDBOX_PORT": "2222", "HTX_SANDBOX_MAKER_SEED": "4"}

    only_file = settings(["--config", str(config)])
    assert (only_file.port, only_file.host, only_file.log_format) == (1111, "0.0.0.0", "json")
    assert only_file.no_rate_limit is True
    assert only_file.market_maker.enabled is True
    assert (only_file.market_maker.spread, only_file.market_maker.seed) == (7, 3)

    env_too = settings(["--config", str(config)], env)
    assert (env_too.port, env_too.host, env_too.market_maker.seed) == (2222, "0.0.0.0", 4)

    flags_too = settings(["--config", str(config), "--port", "3333", "--maker-seed", "5"], env)
    assert (flags_too.port, flags_too.market_maker.seed) == (3333, 5)

    defaults = settings([])
    assert (defaults.host, defaults.port, defaults.log_format) == ("127.0.0.1", 8080, "text")
    assert defaults.no_rate_limit is False and defaults.market_maker.enabled is False


def test_config_file_from_the_environment_and_relative_data_dir(tmp_path: Path) -> None:
    config = write(tmp_path / "sandbox.toml", 'data_dir = "state"\nadmin_token = "from-file"\n')
    resolved = settings([], {"HTX_SANDBOX_CONFIG": str(config)})
    assert resolved.data_dir == tmp_path / "state"
    assert resolved.admin_token == "from-file"
    assert settings([], {"HTX_SANDBOX_CONFIG": str(config), "HTX_SANDBOX_ADMIN_TOKEN": "env"}
                    ).admin_token == "env"  # fmt: skip


def test_environment_booleans(tmp_path: Path) -> None:
    assert settings([], {"HTX_SANDBOX_NO_RATE_LIMIT": "true"}).no_rate_limit is True
    assert settings([], {"HTX_SANDBOX_DEMO": "0"}).demo is False
    assert settings([], {"HTX_SANDBOX_MARKET_MAKER": "yes"}).market_maker.enabled is True


# -- bad settings: one line, non-zero, nothing written ------------------------------------------


def serve_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    data = tmp_path / "data"
    status = main(["serve", "--port", str(free_port()), "--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert not data.exists()
    return err.rstrip("\n")


CONTRACT = (
    '[[contracts]]\ncontract_code = "XRP-USD"\nsymbol = "XRP"\ncontract_size = 10\n'
    "price_tick = 0.0001\nreference_price = 0.5\n"
)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[contracts]]\ncontract_code = "DOGE-USD"\n', "contract DOGE-USD: unknown contract"),
        (CONTRACT.replace("price_tick = 0.0001\n", ""),
         "contract XRP-USD: The price_tick field cannot be empty. Please re-enter."),
        (CONTRACT + "colour = 1\n", "contract XRP-USD: unknown field 'colour'"),
        (CONTRACT.replace("0.5", "0.00005"),
         "contract XRP-USD: The reference_price field is invalid. Please re-enter."),
        (CONTRACT.replace("10\n", '"ten"\n'),
         "contract XRP-USD: The contract_size field is invalid. Please re-enter."),
        (CONTRACT.replace('"XRP-USD"', '"XRP-USDT"'),
         "contract XRP-USDT: The contract_code field is invalid. Please re-enter."),
        (CONTRACT + "taker_fee_rate = 5\n",
         "contract XRP-USD: The taker_fee_rate field is invalid. Please re-enter."),
        (CONTRACT + "price_limit_rate = 1\n",
         "contract XRP-USD: The price_limit_rate field is invalid. Please re-enter."),
        (CONTRACT + CONTRACT, "contract XRP-USD: listed twice"),
        ("[[contracts]]\nsymbol = 'XRP'\n", "contracts entry 1: missing contract_code"),
        ("prot = 8080\n", "unknown setting 'prot'"),
        ('port = "x"\n', "port: expected an integer"),
        ('log_format = "xml"\n', "log_format: expected one of text, json"),
        ("[market_maker]\nspread = 0\n", "market_maker.spread: expected a positive integer"),
        ("port = \n", "config file"),
    ],
)  # fmt: skip
def test_bad_config_file_is_one_line_naming_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    config = write(tmp_path / "sandbox.toml", toml)
    err = serve_error(tmp_path, capsys, "--config", str(config))
    assert err.startswith(f"htx-sandbox: error: config file {config}")
    assert message in err


def test_missing_config_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.toml"
    err = serve_error(tmp_path, capsys, "--config", str(missing))
    assert (
        err == f"htx-sandbox: error: cannot read config file {missing}: No such file or directory"
    )


def test_bad_environment_variable_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTX_SANDBOX_LOG_FORMAT", "xml")
    err = serve_error(tmp_path, capsys)
    assert err.startswith("htx-sandbox: error: HTX_SANDBOX_LOG_FORMAT: expected one of text, json")


def test_bad_flag_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    _, err = capsys.readouterr()
    assert err.splitlines()[-1].startswith("htx-sandbox serve: error: argument --port: ")


# -- the admin token ---------------------------------------------------------------------------


def test_admin_token_is_generated_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    with Server(tmp_path) as first:
        token_file = tmp_path / "admin-token"
        token = token_file.read_text().strip()
        assert len(token) >= 32
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert (
            first.token_line.startswith("admin token (generated in ") and token in first.token_line
        )
        answer = httpx.get(f"{first.url}/sandbox-api/v1/contracts",
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert answer.json()["status"] == "ok"
    assert first.process is not None and first.process.returncode == 0, first.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-token", "htx-sandbox.db"]

    with Server(tmp_path) as second:
        assert token_file.read_text().strip() == token
        # Printed once, when made; afterwards only the file is named.
        assert second.token_line.startswith("admin token (kept in ")
        assert token not in second.token_line


def test_given_admin_token_is_used_and_not_written(tmp_path: Path) -> None:
    with Server(tmp_path, env={"HTX_SANDBOX_ADMIN_TOKEN": "s3cret-token"}) as running:
        refused = httpx.get(f"{running.url}/sandbox-api/v1/contracts",
                            headers={"Authorization": "Bearer other"})  # fmt: skip
        accepted = httpx.get(f"{running.url}/sandbox-api/v1/contracts",
                             headers={"Authorization": "Bearer s3cret-token"})  # fmt: skip
    assert refused.status_code == 401
    assert accepted.json()["status"] == "ok"
    assert not (tmp_path / "admin-token").exists()
    assert "s3cret-token" not in "".join(running.banner)


# -- config contracts and the access log -------------------------------------------------------


def test_config_contracts_are_listed_at_start_and_kept(tmp_path: Path) -> None:
    config = write(tmp_path / "sandbox.toml", CONTRACT + "price_limit_rate = 0.03\n"
                   '[[contracts]]\ncontract_code = "BTC-USD"\n')  # fmt: skip
    data = tmp_path / "data"
    for _ in range(2):  # the second start finds XRP-USD already listed
        with Server(data, args=("--config", str(config))) as running:
            result = run_cli("contracts", "list", "--json", "--url", running.url,
                             "--data-dir", str(data))  # fmt: skip
        assert result.returncode == 0, result.stderr
        listed = json.loads(result.stdout, parse_float=Decimal)
        assert [c["contract_code"] for c in listed] == ["BTC-USD", "ETH-USD", "XRP-USD"]
        assert [c["price_limit_rate"] for c in listed] == [Decimal("0.06")] * 2 + [
            Decimal("0.03")
        ]
        assert running.process is not None and running.process.returncode == 0, running.stderr


def test_access_log_has_uid_and_err_code_of_a_signed_request(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Server(data, args=("--log-format", "json")) as running:
        common = ("--url", running.url, "--data-dir", str(data), "--json")
        assert run_cli("accounts", "create", "--uid", "4242", *common).returncode == 0
        key = json.loads(run_cli("keys", "create", "--uid", "4242", *common).stdout)
        path = "/swap-api/v1/swap_order"
        query = signed_params(key["access_key"], key["secret_key"], "POST",
                              f"127.0.0.1:{running.port}", path, datetime.now(UTC))  # fmt: skip
        answer = httpx.post(f"{running.url}{path}", params=query,
                            json={"contract_code": "NOPE-USD", "direction": "buy",
                                  "offset": "open", "volume": 1, "lever_rate": 5,
                                  "order_price_type": "opponent"})  # fmt: skip
        assert answer.json()["err_code"] == 1014
    lines = [json.loads(line) for line in running.stderr.splitlines()]
    (order,) = [line for line in lines if line.get("path") == path]
    assert order["logger"] == "htx_sandbox.access"
    assert order["method"] == "POST"
    assert order["uid"] == 4242
    assert order["err_code"] == 1014
    assert order["status"] == 200
    assert isinstance(order["latency_ms"], int | float)


def test_access_log_text_format(tmp_path: Path) -> None:
    with Server(tmp_path) as running:
        httpx.get(f"{running.url}/api/v1/timestamp")
    (line,) = [line for line in running.stderr.splitlines() if "/api/v1/timestamp" in line]
    assert " GET /api/v1/timestamp uid=- err_code=- status=200 latency_ms=" in line


# -- --demo and --market-maker -----------------------------------------------------------------


Orders = list[dict[str, object]]


def quoting_everywhere(orders: Orders) -> bool:
    sides = {(o["contract_code"], o["direction"]) for o in orders}
    return sides == {(c, d) for c in ("BTC-USD", "ETH-USD") for d in ("buy", "sell")}


def maker_orders(running: Server, data: Path) -> Orders:
    """The maker's open orders once it quotes both sides of both contracts (it quotes on a
    thread of its own, and a snapshot may fall between a re-quote's cancels and places)."""
    deadline = time.monotonic() + 30
    while True:
        result = run_cli("orders", "list", "--uid", str(MakerSettings().uid), "--json",
                         "--url", running.url, "--data-dir", str(data))  # fmt: skip
        assert result.returncode == 0, result.stderr
        orders: Orders = json.loads(result.stdout)
        if quoting_everywhere(orders) or time.monotonic() > deadline:
            return orders
        time.sleep(0.1)


def test_demo_prints_credentials_writes_them_and_starts_the_maker(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Server(data, args=("--demo",)) as running:
        orders = maker_orders(running, data)
    assert running.process is not None and running.process.returncode == 0, running.stderr
    saved = json.loads((data / "demo-credentials.json").read_text())
    assert saved["base_url"] == running.url
    printed = "".join(running.banner)
    assert saved["access_key"] in printed and saved["secret_key"] in printed
    assert "import ccxt" in printed and "curl" in printed
    assert quoting_everywhere(orders)


def test_market_maker_uses_its_depth_and_size(tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ("--market-maker", "--maker-depth", "2", "--maker-size", "3", "--maker-seed", "7")
    with Server(data, args=args) as running:
        orders = maker_orders(running, data)
    assert not (data / "demo-credentials.json").exists()
    assert quoting_everywhere(orders)
    for code in ("BTC-USD", "ETH-USD"):
        for direction in ("buy", "sell"):
            side = [o for o in orders if (o["contract_code"], o["direction"]) == (code, direction)]
            assert 1 <= len(side) <= 2  # cancels go before places: never more than the depth
    assert {o["volume"] for o in orders} == {3}


def test_an_empty_admin_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--admin-token", ""]) == 2
    _, err = capsys.readouterr()
    assert "argument --admin-token" in err.splitlines()[-1]


def test_a_bad_token_file_refuses_the_start_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "admin-token").write_text("")
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    path = tmp_path / "admin-token"
    expected = f"admin token file {path} is empty: delete it to make a new one"
    assert err == f"htx-sandbox: error: {expected}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-token"]


def test_a_token_file_others_can_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "admin-token"
    token_file.write_text("some-token\n")
    token_file.chmod(0o644)
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert "is readable by others: chmod 600 it" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-token"]
