from __future__ import annotations

import subprocess
import sys

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
