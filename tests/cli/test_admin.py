"""The admin commands against a real `htx-sandbox serve`: tables, --json, and one-line errors."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import Server, free_port, run_cli


def admin(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    """An admin command pointed at the module's server; the token comes from its data dir."""
    return run_cli(*args, "--url", server.url, "--data-dir", str(server.data_dir))


def ok_json(server: Server, *args: str) -> object:
    result = admin(server, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout, parse_float=Decimal)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def rows(table: str) -> list[list[str]]:
    return [line.split() for line in table.splitlines()]


# -- accounts ----------------------------------------------------------------------------------


def test_accounts_create_without_uid_takes_the_next_free_uid(server: Server) -> None:
    first = ok_json(server, "accounts", "create")
    second = ok_json(server, "accounts", "create")
    assert isinstance(first, dict) and isinstance(second, dict)
    assert second["uid"] == first["uid"] + 1


def test_accounts_create_with_uid_and_table_output(server: Server) -> None:
    result = admin(server, "accounts", "create", "--uid", "777")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == [["FIELD", "VALUE"], ["uid", "777"]]


def test_accounts_create_of_a_taken_uid_is_the_server_error(server: Server) -> None:
    assert admin(server, "accounts", "create", "--uid", "778").returncode == 0
    line = one_line_error(admin(server, "accounts", "create", "--uid", "778"))
    assert line.startswith("htx-sandbox: error: 1067 ")


def test_deposit_then_list_shows_the_balance(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "800")
    account = ok_json(
        server, "accounts", "deposit", "--uid", "800", "--symbol", "btc", "--amount", "1.5"
    )
    assert isinstance(account, dict)
    assert account["symbol"] == "BTC"
    assert account["margin_balance"] == Decimal("1.5")

    listed = ok_json(server, "accounts", "list")
    assert isinstance(listed, list)
    (user,) = [u for u in listed if u["uid"] == 800]
    btc = [a for a in user["accounts"] if a["symbol"] == "BTC"]
    assert btc[0]["margin_available"] == Decimal("1.5")

    table = rows(admin(server, "accounts", "list").stdout)
    assert table[0][:3] == ["UID", "SYMBOL", "MARGIN_BALANCE"]
    assert ["800", "BTC", "1.5"] in [row[:3] for row in table]


def test_deposit_to_an_unknown_uid_is_the_server_error(server: Server) -> None:
    result = admin(server, "accounts", "deposit", "--uid", "424242", "--symbol", "BTC",
                   "--amount", "1")  # fmt: skip
    assert one_line_error(result).startswith("htx-sandbox: error: 1010 ")


@pytest.mark.parametrize("amount", ["abc", "-1", "0"])
def test_deposit_of_a_bad_amount_is_a_usage_error(server: Server, amount: str) -> None:
    result = admin(server, "accounts", "deposit", "--uid", "800", "--symbol", "BTC",
                   "--amount", amount)  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("htx-sandbox accounts deposit: error: ")
    assert "--amount" in result.stderr.splitlines()[-1]


def test_deposit_without_uid_is_a_usage_error(server: Server) -> None:
    result = admin(server, "accounts", "deposit", "--symbol", "BTC", "--amount", "1")
    assert result.returncode == 2
    assert "--uid" in result.stderr.splitlines()[-1]


# -- keys --------------------------------------------------------------------------------------


def test_keys_create_list_and_disable(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "900")
    created = ok_json(server, "keys", "create", "--uid", "900")
    assert isinstance(created, dict)
    assert created["uid"] == 900
    assert sorted(created["permissions"]) == ["read", "trade"]
    assert created["secret_key"]
    access = created["access_key"]

    listed = ok_json(server, "keys", "list", "--uid", "900")
    assert isinstance(listed, list)
    assert [k["access_key"] for k in listed] == [access]
    assert "secret_key" not in listed[0]
    table = admin(server, "keys", "list", "--uid", "900").stdout
    assert rows(table)[0][:3] == ["ACCESS_KEY", "UID", "PERMISSIONS"]
    assert rows(table)[1][:4] == [access, "900", "read,trade", "yes"]

    disabled = ok_json(server, "keys", "disable", access)
    assert isinstance(disabled, dict)
    assert disabled["enabled"] is False
    assert ok_json(server, "keys", "list", "--uid", "900") == [{**listed[0], "enabled": False}]


def test_keys_create_read_only_with_ip_and_expiry(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "901")
    created = ok_json(server, "keys", "create", "--uid", "901", "--read-only", "--ip",
                      "10.0.0.1", "--ip", "127.0.0.1", "--expires-at", "4102444800000")  # fmt: skip
    assert isinstance(created, dict)
    assert created["permissions"] == ["read"]
    assert created["ip_whitelist"] == ["10.0.0.1", "127.0.0.1"]
    assert created["expires_at"] == 4102444800000


def test_keys_create_with_explicit_permissions(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "902")
    created = ok_json(server, "keys", "create", "--uid", "902", "--permissions", "trade")
    assert isinstance(created, dict)
    assert created["permissions"] == ["trade"]


def test_keys_create_with_unknown_permission_is_a_usage_error(server: Server) -> None:
    result = admin(server, "keys", "create", "--uid", "902", "--permissions", "read,withdraw")
    assert result.returncode == 2
    assert "--permissions" in result.stderr.splitlines()[-1]


def test_keys_create_for_an_unknown_uid_is_the_server_error(server: Server) -> None:
    result = admin(server, "keys", "create", "--uid", "434343")
    assert one_line_error(result).startswith("htx-sandbox: error: 1010 ")


def test_keys_disable_of_an_unknown_key_is_a_one_line_error(server: Server) -> None:
    line = one_line_error(admin(server, "keys", "disable", "no-such-key"))
    assert line.startswith("htx-sandbox: error: ")


# -- contracts ---------------------------------------------------------------------------------


def test_contracts_list_shows_the_default_contracts(server: Server) -> None:
    listed = ok_json(server, "contracts", "list")
    assert isinstance(listed, list)
    assert {"BTC-USD", "ETH-USD"} <= {c["contract_code"] for c in listed}
    table = rows(admin(server, "contracts", "list").stdout)
    assert table[0][:2] == ["CONTRACT_CODE", "SYMBOL"]
    assert ["BTC-USD", "BTC", "1", "100", "0.1", "60000"] in [row[:6] for row in table]


def test_contracts_add_then_set(server: Server) -> None:
    added = ok_json(server, "contracts", "add", "--code", "xrp-usd", "--symbol", "xrp",
                    "--contract-size", "10", "--price-tick", "0.0001",
                    "--reference-price", "0.5")  # fmt: skip
    assert isinstance(added, dict)
    assert added["contract_code"] == "XRP-USD"
    assert added["price_tick"] == Decimal("0.0001")

    changed = ok_json(server, "contracts", "set", "XRP-USD", "--status", "3",
                      "--reference-price", "0.6")  # fmt: skip
    assert isinstance(changed, dict)
    assert changed["contract_status"] == 3
    assert changed["reference_price"] == Decimal("0.6")
    listed = ok_json(server, "contracts", "list")
    assert isinstance(listed, list)
    (xrp,) = [c for c in listed if c["contract_code"] == "XRP-USD"]
    assert xrp["contract_status"] == 3


def test_contracts_set_position_limits_one_side_at_a_time(server: Server) -> None:
    changed = ok_json(server, "contracts", "set", "ETH-USD", "--buy-limit", "500")
    assert isinstance(changed, dict)
    assert (changed["buy_limit"], changed["sell_limit"]) == (500, None)
    changed = ok_json(server, "contracts", "set", "ETH-USD", "--sell-limit", "20")
    assert isinstance(changed, dict)
    assert (changed["buy_limit"], changed["sell_limit"]) == (500, 20)
    lifted = ok_json(server, "contracts", "set", "ETH-USD", "--buy-limit", "0", "--sell-limit", "0")
    assert isinstance(lifted, dict)
    assert (lifted["buy_limit"], lifted["sell_limit"]) == (None, None)


def test_contracts_set_of_an_unknown_contract_is_htx_1014(server: Server) -> None:
    line = one_line_error(admin(server, "contracts", "set", "NOPE-USD", "--status", "3"))
    assert line == "htx-sandbox: error: 1014 This contract doesnt exist."


def test_contracts_set_without_a_change_is_a_one_line_error(server: Server) -> None:
    line = one_line_error(admin(server, "contracts", "set", "BTC-USD"))
    assert line.startswith("htx-sandbox: error: contracts set: give --status")


def test_contracts_add_of_an_existing_code_is_the_server_error(server: Server) -> None:
    result = admin(server, "contracts", "add", "--code", "BTC-USD", "--symbol", "BTC",
                   "--contract-size", "100", "--price-tick", "0.1",
                   "--reference-price", "60000")  # fmt: skip
    assert one_line_error(result).startswith("htx-sandbox: error: 1067 ")


def test_contracts_add_with_a_missing_field_is_a_usage_error(server: Server) -> None:
    result = admin(server, "contracts", "add", "--code", "ADA-USD", "--symbol", "ADA")
    assert result.returncode == 2
    assert "--contract-size" in result.stderr.splitlines()[-1]


# -- orders ------------------------------------------------------------------------------------


def test_orders_list_of_a_uid_without_orders(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "950")
    assert ok_json(server, "orders", "list", "--uid", "950") == []
    assert ok_json(server, "orders", "list", "--uid", "950", "--contract", "BTC-USD") == []
    table = admin(server, "orders", "list", "--uid", "950").stdout
    assert rows(table) == [["ORDER_ID", "CONTRACT_CODE", "DIRECTION", "OFFSET", "PRICE",
                            "VOLUME", "FILLED", "TYPE", "LEVER", "STATUS",
                            "CLIENT_ORDER_ID"]]  # fmt: skip


def test_orders_list_needs_a_uid(server: Server) -> None:
    result = admin(server, "orders", "list")
    assert result.returncode == 2
    assert "--uid" in result.stderr.splitlines()[-1]


# -- connection and token ----------------------------------------------------------------------


def test_wrong_admin_token_is_refused(server: Server) -> None:
    result = run_cli("accounts", "list", "--url", server.url, "--admin-token", "wrong")
    assert one_line_error(result) == "htx-sandbox: error: 401 invalid admin token"


def test_admin_token_from_the_environment(server: Server) -> None:
    token = (server.data_dir / "admin-token").read_text().strip()
    result = run_cli(
        "contracts", "list", "--json",
        env={"HTX_SANDBOX_URL": server.url, "HTX_SANDBOX_ADMIN_TOKEN": token},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_missing_admin_token_file_is_a_one_line_error(server: Server, tmp_path: Path) -> None:
    result = run_cli("accounts", "list", "--url", server.url, "--data-dir", str(tmp_path))
    line = one_line_error(result)
    assert line.startswith(f"htx-sandbox: error: no admin token: {tmp_path / 'admin-token'}")


def test_unreachable_server_is_a_one_line_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli("accounts", "list", "--url", url, "--admin-token", "x")
    assert one_line_error(result) == f"htx-sandbox: error: cannot reach {url}: Connection refused"


def test_group_without_a_command_is_a_usage_error() -> None:
    result = run_cli("keys")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "htx-sandbox keys: error: a command is required"


def test_orders_cancel_all_on_a_uids_behalf(server: Server) -> None:
    ok_json(server, "accounts", "create", "--uid", "951")
    result = admin(server, "orders", "cancel-all", "--uid", "951", "--contract", "btc-usd")
    assert "1051" in one_line_error(result)  # nothing to cancel: swap_cancelall's answer
    result = admin(server, "orders", "cancel-all", "--uid", "951", "--contract", "BTC-USD",
                   "--direction", "up")  # fmt: skip
    assert result.returncode == 2 and "--direction" in result.stderr.splitlines()[-1]
