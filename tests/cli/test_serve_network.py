"""`htx-sandbox serve` beyond loopback: the warning, the bound address in the banner, the admin
token from a file, and the per-address connection cap."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import httpx
import pytest

from htx_sandbox.cli.serve import is_loopback, listening_note

from .conftest import Server
from .test_serve import serve_error, settings, write

WARNING = "the trading and admin APIs are plain HTTP (no TLS) and reachable from the network"


# -- listening beyond loopback -----------------------------------------------------------------


def test_all_interfaces_warn_on_stderr_and_the_banner_says_what_is_bound(tmp_path: Path) -> None:
    with Server(tmp_path, args=("--host", "0.0.0.0")) as running:
        # The client URL stays usable on this machine; the banner adds what is bound.
        assert httpx.get(f"{running.url}/api/v1/timestamp").json()["status"] == "ok"
    first = running.banner[0]
    assert f"on {running.url} (listening on 0.0.0.0:{running.port}: all interfaces)" in first
    (warning,) = [line for line in running.stderr.splitlines() if WARNING in line]
    assert warning.startswith(f"htx-sandbox: warning: listening on 0.0.0.0:{running.port}")


def test_loopback_neither_warns_nor_adds_to_the_banner(tmp_path: Path) -> None:
    with Server(tmp_path) as running:
        pass
    assert running.banner[0].rstrip("\n").endswith(f"on {running.url}")
    assert WARNING not in running.stderr


@pytest.mark.parametrize(
    ("host", "loopback", "note"),
    [
        ("127.0.0.1", True, ""),
        ("127.0.0.2", True, ""),  # all of 127.0.0.0/8 is loopback
        ("0.0.0.0", False, " (listening on 0.0.0.0:{port}: all interfaces)"),
    ],
)
def test_which_addresses_are_loopback(host: str, loopback: bool, note: str) -> None:
    with socket.socket() as sock:
        sock.bind((host, 0))
        assert is_loopback(sock) is loopback
        assert listening_note(sock) == note.format(port=sock.getsockname()[1])


# -- the admin token from a file ---------------------------------------------------------------


def test_admin_token_file_is_read_stripped_and_not_copied(tmp_path: Path) -> None:
    token_file = write(tmp_path / "token", "  file-token-123\n\n")
    data = tmp_path / "data"
    with Server(data, env={"HTX_SANDBOX_ADMIN_TOKEN_FILE": str(token_file)}) as running:
        contracts = f"{running.url}/sandbox-api/v1/contracts"
        accepted = httpx.get(contracts, headers={"Authorization": "Bearer file-token-123"})
        refused = httpx.get(contracts, headers={"Authorization": "Bearer other"})
    assert accepted.json()["status"] == "ok"
    assert refused.status_code == 401
    assert running.token_line.strip() == f"admin token (read from {token_file})"
    assert "file-token-123" not in "".join(running.banner)
    assert not (data / "admin-token").exists()


def test_admin_token_file_from_flag_and_config_file(tmp_path: Path) -> None:
    assert settings(["--admin-token-file", str(write(tmp_path / "t", "a\n"))]).admin_token == "a"
    write(tmp_path / "secret", "from-toml\n")
    config = write(tmp_path / "sandbox.toml", 'admin_token_file = "secret"\n')
    resolved = settings(["--config", str(config)])
    assert resolved.admin_token_file == tmp_path / "secret"  # relative to the config file
    assert resolved.admin_token == "from-toml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (" \n", "admin token file {path} is empty"),
        (None, "cannot read admin token file {path}: No such file or directory"),
        (b"\xff\xfe", "admin token file {path}: not UTF-8 text"),
    ],
)
def test_a_bad_admin_token_file_is_a_one_line_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    message: str,
) -> None:
    path = tmp_path / "token"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    err = serve_error(tmp_path, capsys, "--admin-token-file", str(path))
    assert err == f"htx-sandbox: error: {message.format(path=path)}"


def test_a_token_and_a_token_file_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTX_SANDBOX_ADMIN_TOKEN", "env-token")
    path = write(tmp_path / "token", "file-token\n")
    err = serve_error(tmp_path, capsys, "--admin-token-file", str(path))
    assert err == "htx-sandbox: error: give admin_token or admin_token_file, not both"


# -- connections per address -------------------------------------------------------------------


def test_max_connections_per_ip_from_flag_environment_and_config_file(tmp_path: Path) -> None:
    assert settings([]).max_connections_per_ip == 64
    config = write(tmp_path / "sandbox.toml", "max_connections_per_ip = 5\n")
    assert settings(["--config", str(config)]).max_connections_per_ip == 5
    env = {"HTX_SANDBOX_MAX_CONNECTIONS_PER_IP": "6"}
    assert settings(["--config", str(config)], env).max_connections_per_ip == 6
    flags = ["--config", str(config), "--max-connections-per-ip", "7"]
    assert settings(flags, env).max_connections_per_ip == 7


def test_a_bad_connection_cap_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTX_SANDBOX_MAX_CONNECTIONS_PER_IP", "0")
    err = serve_error(tmp_path, capsys)
    assert err == (
        "htx-sandbox: error: HTX_SANDBOX_MAX_CONNECTIONS_PER_IP: expected a positive integer, got 0"
    )


def served(conn: socket.socket) -> bool:
    conn.sendall(b"GET /api/v1/timestamp HTTP/1.1\r\nHost: x\r\n\r\n")
    return conn.recv(65536).startswith(b"HTTP/1.1 200")


def test_serve_closes_connections_over_the_cap(tmp_path: Path) -> None:
    with Server(tmp_path, args=("--max-connections-per-ip", "2")) as running:
        address = ("127.0.0.1", running.port)
        with contextlib.ExitStack() as stack:
            held = [stack.enter_context(socket.create_connection(address, 10)) for _ in "ab"]
            assert all(served(conn) for conn in held)
            with socket.create_connection(address, 10) as extra:
                try:
                    closed = extra.recv(65536) == b""
                except ConnectionResetError:
                    closed = True
            assert closed
