"""The admin commands find the server and its token from the config file serve uses."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from htx_sandbox.cli import build_parser
from htx_sandbox.cli.admin import connection
from htx_sandbox.cli.serve import CommandError

from .conftest import Server, run_cli


def args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["accounts", "list", *argv])


def test_url_and_token_file_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-file\n")
    config = tmp_path / "sandbox.toml"
    config.write_text('host = "0.0.0.0"\nport = 9001\nadmin_token_file = "token"\n')
    assert connection(args("--config", str(config)), {}) == ("http://127.0.0.1:9001", "from-file")
    assert connection(args(), {"HTX_SANDBOX_CONFIG": str(config)})[0] == "http://127.0.0.1:9001"
    # Flags and variables beat the file, as they do for serve.
    env = {"HTX_SANDBOX_PORT": "9002"}
    assert connection(args("--config", str(config)), env)[0] == "http://127.0.0.1:9002"
    given = args("--config", str(config), "--url", "http://h:1/")
    assert connection(given, env)[0] == "http://h:1"


def test_token_kept_in_the_config_files_data_dir(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "admin-token").write_text("kept\n")
    config = tmp_path / "sandbox.toml"
    config.write_text('data_dir = "state"\nhost = "::"\n')
    assert connection(args("--config", str(config)), {}) == ("http://[::1]:8080", "kept")
    assert connection(args("--config", str(config), "--admin-token", "flag"), {})[1] == "flag"


def test_bad_config_file_is_a_command_error(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("port = 'x'\n")
    with pytest.raises(CommandError, match="port: expected an integer"):
        connection(args("--config", str(config)), {})


def test_accounts_list_with_only_the_servers_config_file(server: Server, tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text(f'port = {server.port}\ndata_dir = "{server.data_dir}"\n')
    result = run_cli("accounts", "list", "--json", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
