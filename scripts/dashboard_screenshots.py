"""Takes the README's dashboard screenshots (docs/dashboard-*.png) from a live demo.

    python scripts/dashboard_screenshots.py [--minutes 7] [--out docs] [--views controls ...]

Starts `htx-sandbox serve --demo` (its market maker quotes around a walking index) on a free
port with a fresh data directory, trades against it with two accounts for a few minutes so the
chart has bars, leaves a few resting orders on the demo account, arms faults, sets a UID's rate
limit and saves a snapshot so the controls view shows them, then photographs each view (or
those named) in Debian's chromium (headless, through Playwright, /usr/bin/chromium; never
`playwright install`). Needs the dev extra (playwright).
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import sync_playwright

from htx_sandbox.client import AdminClient, HtxSwapClient

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 760}
CODE = "BTC-USD"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def trade(url: str, admin: AdminClient, demo: HtxSwapClient, minutes: float) -> None:
    """Market orders from the demo account and another one against the maker's quotes."""
    uid = admin.create_account()
    admin.deposit(uid, "BTC", 5)
    key = admin.create_api_key(uid)
    other = HtxSwapClient(key.access_key, key.secret_key, base_url=url)
    rng = random.Random(7)
    end = time.monotonic() + minutes * 60
    while time.monotonic() < end:
        client = rng.choice([demo, other, other])
        client.swap_order(
            contract_code=CODE, volume=rng.randint(1, 6), direction=rng.choice(["buy", "sell"]),
            offset="open", lever_rate=10, order_price_type="opponent",
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.5))
    bids = demo.market_depth(CODE, type="step0").bids
    bid = Decimal(str(bids[0][0])) if bids else Decimal(60000)
    for volume, below in ((1, 50), (2, 80), (3, 120)):
        demo.swap_order(
            contract_code=CODE, volume=volume, direction="buy", offset="open", lever_rate=10,
            order_price_type="limit", price=str(bid - below),
        )  # fmt: skip


VIEWS = ("market", "accounts", "orders", "controls")


def arm_controls(admin: AdminClient, uid: int) -> None:
    """Something in each control panel: armed faults, a UID's own limits, a snapshot."""
    admin.arm_fault("/swap-api/v1/swap_order", uid=uid, count=2, err_code=1032)
    admin.arm_fault("/swap-api/v1/swap_cancel", http_status=502)
    admin.set_rate_limit(uid, trade=10, read=20)
    admin.save_snapshot("after-the-demo-trades")


def photograph(url: str, token: str, uid: int, out: Path, views: list[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url + "/sandbox/")
        page.get_by_label("admin token").fill(token)
        page.get_by_role("button", name="Open").click()
        for name, fragment in (
            ("market", f"market/{CODE}"),
            ("accounts", "accounts"),
            ("orders", f"orders/{uid}/{CODE}"),
            ("controls", "controls"),
        ):
            if name not in views:
                continue
            page.goto(f"{url}/sandbox/#{fragment}")
            time.sleep(3)  # a few polls: every panel has drawn
            # The controls' panels are taller than the window: the whole page.
            page.screenshot(path=str(out / f"dashboard-{name}.png"), full_page=name == "controls")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--views", nargs="+", choices=VIEWS, default=list(VIEWS))
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp())
    url = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [sys.executable, "-m", "htx_sandbox", "serve", "--port", url.rsplit(":", 1)[1],
         "--data-dir", str(data), "--demo", "--no-rate-limit", "--no-access-log"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        credentials = data / "demo-credentials.json"
        while not credentials.exists():
            if server.poll() is not None:
                sys.exit("serve stopped")
            time.sleep(0.2)
        creds = json.loads(credentials.read_text())
        token = (data / "admin-token").read_text().strip()
        with AdminClient(url, token) as admin:
            demo = HtxSwapClient(creds["access_key"], creds["secret_key"], base_url=url)
            trade(url, admin, demo, args.minutes)
            arm_controls(admin, creds["uid"])
        args.out.mkdir(parents=True, exist_ok=True)
        photograph(url, token, creds["uid"], args.out, args.views)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
