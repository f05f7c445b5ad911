"""Fixtures of the browser tests: a real `htx-sandbox serve` subprocess (no market maker, an
index that holds still, so the book holds only what a test puts there) and Debian's chromium
driven headless by Playwright's Python package.

Playwright's own browsers are never downloaded (`playwright install` is not run): the tests
launch /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it) with a fresh
profile directory, every network feature that would phone home switched off. The page only
ever talks to the sandbox on 127.0.0.1.

Without /usr/bin/chromium they are skipped with that hint, except under CI=true, where they
must run. Screenshots land in the test's tmp_path; `HTX_SCREENSHOTS=<dir>` keeps them there
too. The ones in docs/ come from scripts/dashboard_screenshots.py (a demo traded against for a
few minutes, so the chart has bars to show).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from htx_sandbox.client import AdminClient, HtxSwapClient  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STARTUP_TIMEOUT_S = 60
CODE = "BTC-USD"



def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Trader:
    uid: int
    client: HtxSwapClient
    access_key: str
    secret_key: str

    def order(self, direction: str, price: str, volume: int = 1, offset: str = "open") -> int:
        placed = self.client.swap_order(
            contract_code=CODE, volume=volume, direction=direction, offset=offset,
            lever_rate=10, order_price_type="limit", price=price,
        )  # fmt: skip
        return int(placed.order_id)


@dataclass
class Server:
    url: str
    token: str
    admin: AdminClient
    log: Path
    """The server's stderr: its access log."""

    def trader(self) -> Trader:
        uid = self.admin.create_account()
        self.admin.deposit(uid, "BTC", 10)
        key = self.admin.create_api_key(uid)
        client = HtxSwapClient(key.access_key, key.secret_key, base_url=self.url)
        return Trader(uid, client, key.access_key, key.secret_key)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("sandbox")
    port = _free_port()
    log = home / "stderr.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "htx_sandbox", "serve", "--port", str(port),
             "--data-dir", str(home / "data"), "--no-rate-limit", "--no-market-maker",
             "--index-step", "0"],
            stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip
        assert process.stdout is not None
        url = f"http://127.0.0.1:{port}"
        line = process.stdout.readline()
        assert f"on {url}" in line, f"serve did not start: {line!r}"
        token_file = home / "data" / "admin-token"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not token_file.exists():
            assert time.monotonic() < deadline, "no admin token file"
            time.sleep(0.05)
        token = token_file.read_text().strip()
        admin = AdminClient(url, token)
        try:
            yield Server(url, token, admin, log)
        finally:
            admin.close()
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=STARTUP_TIMEOUT_S)
    text = log.read_text()
    assert "Traceback" not in text, text
    assert token not in text, "the admin token reached the server's log"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sync_api.BrowserContext]:
    if not CHROMIUM.exists():  # CI installs it (.ci/run): there it must run, never skip
        hint = "the browser tests need Debian's chromium: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(hint)
        pytest.skip(hint)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: sync_api.BrowserContext, server: Server) -> Iterator[sync_api.Page]:
    """A fresh tab on the dashboard's login form (each tab has its own sessionStorage)."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server.url + "/sandbox/")
    try:
        yield tab
    finally:
        tab.close()
    assert not errors, errors


def log_in(page: sync_api.Page, token: str) -> None:
    page.get_by_label("admin token").fill(token)
    page.get_by_role("button", name="Open").click()
    sync_api.expect(page.locator("#nav")).to_be_visible()


def screenshot(page: sync_api.Page, tmp_path: Path, name: str) -> Path:
    """A PNG of the page; also into $HTX_SCREENSHOTS when set."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    keep = os.environ.get("HTX_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / path.name).write_bytes(path.read_bytes())
    assert path.stat().st_size > 0
    return path
