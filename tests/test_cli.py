from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from htx_sandbox import __version__
from htx_sandbox.cli import main

VERSION_LINE = f"htx-sandbox {__version__}\n"


def test_version_flag_prints_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out, err = capsys.readouterr()
    assert out == VERSION_LINE
    assert err == ""


def test_python_dash_m_prints_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "htx_sandbox", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == VERSION_LINE


def test_unknown_flag_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-flag"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if line.startswith("htx-sandbox: error:")]
    assert error_lines == ["htx-sandbox: error: unrecognized arguments: --no-such-flag"]


def test_unknown_flag_via_python_dash_m_has_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "htx_sandbox", "--no-such-flag"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "htx-sandbox: error: unrecognized arguments: --no-such-flag" in result.stderr


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: htx-sandbox")
    assert err.splitlines()[-1] == "htx-sandbox: error: a command is required"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "htx_sandbox", "serve", "--port", str(port),
         "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        assert f"http://127.0.0.1:{port}" in server.stdout.readline()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/timestamp", timeout=10) as r:
            body = json.load(r)
        assert body["status"] == "ok" and isinstance(body["ts"], int)
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "Traceback" not in err
    # A clean stop checkpoints SQLite's write-ahead log away; the admin token stays.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-token", "htx-sandbox.db"]


def test_serve_on_a_busy_port_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["serve", "--port", str(port), "--data-dir", str(tmp_path / "data")])
    _, err = capsys.readouterr()
    assert status == 1
    assert err == f"htx-sandbox: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert not (tmp_path / "data").exists()


def test_serve_with_an_unusable_data_dir_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status = main(["serve", "--port", str(_free_port()), "--data-dir", str(blocker / "data")])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("htx-sandbox: error: cannot create data directory ")
    assert len(err.splitlines()) == 1
    assert blocker.read_text() == "not a directory"


def test_serve_refuses_a_foreign_database_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "htx-sandbox.db"
    database.write_bytes(b"this is not a database" * 50)
    before = database.read_bytes()
    status = main(["serve", "--port", str(_free_port()), "--data-dir", str(tmp_path)])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith(f"htx-sandbox: error: {database}: ")
    assert len(err.splitlines()) == 1
    assert database.read_bytes() == before
