"""Fixtures of the ccxt acceptance suite: a real `htx-sandbox serve` subprocess per module, driven
only through ccxt's `htx` class, configured by executing the snippets of docs/ccxt.md.

Every test module gets one server on a free port with a fresh data directory, started with
`--market-maker` (so that opponent orders have liquidity) and `--no-rate-limit`. Accounts and
keys are made through the admin API with the token from `<data-dir>/admin-token`. ccxt must
never reach the real HTX: an autouse guard refuses to resolve any host but loopback.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ccxt = pytest.importorskip("ccxt")

from htx_sandbox.client import AdminClient, HtxSwapClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ccxt.md"
SIGN_HOST = "api.hbdm.com"
SYMBOL = "BTC/USD:BTC"
CODE = "BTC-USD"
STARTUP_TIMEOUT_S = 60
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def doc_snippets() -> list[str]:
    """The fenced ```python blocks of docs/ccxt.md, in order."""
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.M | re.S)


def fill(snippet: str, **values: str) -> str:
    """The snippet with its {placeholders} replaced (str.replace: the code has its own braces)."""
    for name, value in values.items():
        snippet = snippet.replace("{" + name + "}", value)
    left = re.findall(r'"\{(base_url|access_key|secret_key|port)\}"', snippet)
    assert not left, f"unfilled placeholders {left}"
    return snippet


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Account:
    uid: int
    access_key: str
    secret_key: str


@dataclass
class Sandbox:
    data_dir: Path
    port: int = field(default_factory=_free_port)
    market_maker: bool = True
    """Off, the book holds only what the tests put there."""
    args: tuple[str, ...] = ()
    """More arguments of `serve` (e.g. ("--index-step", "0"): an index that holds still)."""
    process: subprocess.Popen[str] | None = None
    admin: AdminClient | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Sandbox:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "htx_sandbox", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--no-rate-limit",
             *(["--market-maker"] if self.market_maker else []), *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert f"on {self.url}" in line, f"serve did not start: {line!r}"
        token_file = self.data_dir / "admin-token"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not token_file.exists():
            assert time.monotonic() < deadline, "no admin token file"
            time.sleep(0.05)
        self.admin = AdminClient(self.url, token_file.read_text().strip())
        return self

    def stop(self) -> None:
        if self.admin is not None:
            self.admin.close()
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=STARTUP_TIMEOUT_S)
        assert "Traceback" not in err, err

    def account(self, btc: int = 10) -> Account:
        assert self.admin is not None
        uid = self.admin.create_account()
        self.admin.deposit(uid, "BTC", btc)
        self.admin.deposit(uid, "ETH", 100)
        key = self.admin.create_api_key(uid)
        return Account(uid, key.access_key, key.secret_key)

    def client(self, account: Account) -> HtxSwapClient:
        """The sandbox's own client, signed with the same key: the server's view."""
        return HtxSwapClient(account.access_key, account.secret_key, base_url=self.url)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    running = Sandbox(tmp_path_factory.mktemp("data")).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """ccxt must never reach the real HTX: resolving any other host fails the request."""
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK:
            raise OSError(f"ccxt suite: refusing to resolve {name!r} (loopback only)")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def run_snippet(index: int, sandbox: Sandbox, account: Account, **extra: str) -> dict[str, Any]:
    """Execute docs/ccxt.md's index-th python block for this account; its globals."""
    code = fill(
        doc_snippets()[index],
        base_url=sandbox.url,
        access_key=account.access_key,
        secret_key=account.secret_key,
        port=str(sandbox.port),
        **extra,
    )
    namespace: dict[str, Any] = {"__name__": "ccxt_doc_snippet"}
    exec(compile(code, f"docs/ccxt.md[python block {index}]", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def make_exchange(sandbox: Sandbox) -> Callable[[Account], Any]:
    """A ccxt htx for an account, built by the documented minimal setup (python block 0)."""

    def make(account: Account) -> Any:
        exchange = run_snippet(0, sandbox, account)["exchange"]
        exchange.enableRateLimit = False
        return exchange

    return make
