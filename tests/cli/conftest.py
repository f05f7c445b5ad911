"""Fixtures of the CLI tests: `htx-sandbox serve` as a real subprocess on a free port.

``Server`` runs ``python -m htx_sandbox serve`` with a fresh data directory, waits until it has
printed its URL and admin token, and stops it with SIGTERM. ``run_cli(*args)`` runs the
command line in a subprocess and returns the CompletedProcess (stdout, stderr, returncode).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without any HTX_SANDBOX_* setting of the developer's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_SANDBOX_")}
    env.update(extra or {})
    return env


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "htx_sandbox", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=clean_env(env),
    )


@dataclass
class Server:
    data_dir: Path
    args: tuple[str, ...] = ()
    env: Mapping[str, str] | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    banner: list[str] = field(default_factory=list)
    stderr: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "htx_sandbox", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(self.env),
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.banner.append(line)
        if f"on {self.url}" not in line:
            self.stop()
            raise AssertionError(f"serve did not start: {line!r} {self.stderr!r}")
        if not any(a.startswith("--admin-token") for a in self.args) and not (
            self.env and "HTX_SANDBOX_ADMIN_TOKEN" in self.env
        ):
            self.banner.append(self.process.stdout.readline())
        return self

    @property
    def token_line(self) -> str:
        return self.banner[1] if len(self.banner) > 1 else ""

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, self.stderr = self.process.communicate(timeout=STARTUP_TIMEOUT_S)
        self.banner.append(out)
        return self.process.returncode

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per module, with a fresh data directory and a generated admin token."""
    with Server(tmp_path_factory.mktemp("data")) as running:
        yield running
