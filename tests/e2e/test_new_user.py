"""A new user's first minutes, as the README tells them: install the package into a fresh virtual
environment, run `htx-sandbox serve --demo` on a free port with a fresh data directory, trade and
cancel-all with the bundled Python client using the demo credentials, then stop the server.

Slow by nature (it installs the package from its source tree into a new venv): it runs in CI, and
locally when HTX_E2E=1 or CI is set."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("HTX_E2E")),
    reason="installs the package into a fresh venv; set HTX_E2E=1 to run it locally",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install .` into a new virtual environment, as the README's users do."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    subprocess.run(
        [str(home / "bin" / "pip"), "install", "--quiet", str(ROOT)],
        check=True,
        timeout=900,
    )
    return home


@pytest.fixture
def server(venv: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    data = tmp_path / "data"
    process = subprocess.Popen(
        [str(venv / "bin" / "htx-sandbox"), "serve", "--port", str(port),
         "--data-dir", str(data), "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    credentials = data / "demo-credentials.json"
    deadline = time.monotonic() + 60
    while not credentials.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the demo credentials never appeared"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}", credentials
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert "Traceback" not in err


def test_a_new_user_trades_and_cancels_all_with_the_client(
    venv: Path, server: tuple[str, Path]
) -> None:
    base_url, credentials = server
    script = textwrap.dedent(
        """
        import json, sys, time
        from htx_sandbox.client import HtxSwapClient, NoOrdersToCancel

        creds = json.load(open(sys.argv[1]))
        with HtxSwapClient(creds["access_key"], creds["secret_key"],
                           base_url=creds["base_url"]) as client:
            # The demo market maker quotes within a second of start.
            for _ in range(100):
                if client.market_depth("BTC-USD", type="step0").asks:
                    break
                time.sleep(0.1)
            taken = client.swap_order(contract_code="BTC-USD", volume=2, direction="buy",
                                      offset="open", lever_rate=5,
                                      order_price_type="opponent_ioc")
            resting = [
                client.swap_order(contract_code="BTC-USD", volume=1, direction="buy",
                                  offset="open", lever_rate=5, order_price_type="post_only",
                                  price=price)
                for price in ("30000", "30000.5")
            ]
            cancelled = client.swap_cancelall(contract_code="BTC-USD", direction="buy")
            try:
                client.swap_cancelall(contract_code="BTC-USD")
                nothing_left = False
            except NoOrdersToCancel:
                nothing_left = True
            filled = client.swap_order_info(contract_code="BTC-USD", order_id=taken.order_id)
            positions = client.swap_position_info(contract_code="BTC-USD")
            print(json.dumps({
                "filled": filled[0].trade_volume,
                "cancelled": sorted(cancelled.successes),
                "resting": sorted(r.order_id for r in resting),
                "nothing_left": nothing_left,
                "long": sum(p.volume for p in positions if p.direction == "buy"),
            }))
        """
    )
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(credentials)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["filled"] == 2
    assert report["long"] == 2
    assert report["cancelled"] == report["resting"]
    assert report["nothing_left"] is True
    assert json.loads(credentials.read_text())["base_url"] == base_url


def test_the_installed_package_serves_the_dashboard(
    venv: Path, server: tuple[str, Path]
) -> None:
    """The static files are in the wheel: the login shell and its modules answer from it."""
    base_url, _ = server
    with httpx.Client(base_url=base_url) as client:
        page = client.get("/sandbox/")
        assert page.status_code == 200 and 'id="login"' in page.text
        for path in ("js/app.js", "js/api.js", "js/views/market.js", "style.css"):
            assert client.get(f"/sandbox/{path}").status_code == 200, path
