"""The controls view's reset and snapshots in a real browser (a server of their own: a reset
empties it). What a panel does is checked through the admin API and the HTX API; a reset asks
first, and bad input shows the admin API's error text and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import CODE, Server, log_in, screenshot

TIMEOUT_MS = 10_000
"""How long a panel may take to show a change: it polls every second."""


def open_controls(page: Page, server: Server) -> None:
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#controls")
    expect(page.get_by_test_id("snapshots-table")).to_be_visible(timeout=TIMEOUT_MS)


def test_a_snapshot_is_saved_restored_and_deleted_in_the_panel(
    page: Page, server: Server, tmp_path: Path
) -> None:
    trader = server.trader()  # 10 BTC
    open_controls(page, server)
    table = page.get_by_test_id("snapshots-table")
    expect(table).to_contain_text("no snapshot saved", timeout=TIMEOUT_MS)
    name = page.get_by_test_id("snapshot-name")
    name.fill("not a name/..")
    name.press("Enter")
    outcome = page.get_by_test_id("snapshot-outcome")
    expect(outcome).to_contain_text("1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("name")
    assert server.admin.list_snapshots() == []

    name.fill("ten-btc")
    name.press("Enter")
    row = table.locator("tr[data-id='ten-btc']")
    expect(row).to_be_visible(timeout=TIMEOUT_MS)
    assert [s.name for s in server.admin.list_snapshots()] == ["ten-btc"]
    server.admin.deposit(trader.uid, "BTC", 5)
    assert trader.client.swap_account_info(CODE)[0].margin_balance == Decimal(15)
    screenshot(page, tmp_path, "dashboard-controls-snapshots")

    row.get_by_test_id("snapshot-restore").click()
    row.get_by_test_id("snapshot-restore-confirm").click()
    expect(outcome).to_contain_text("Restored: ten-btc", timeout=TIMEOUT_MS)
    assert trader.client.swap_account_info(CODE)[0].margin_balance == Decimal(10)

    row.get_by_test_id("snapshot-delete").click()
    expect(table).to_contain_text("no snapshot saved", timeout=TIMEOUT_MS)
    assert server.admin.list_snapshots() == []


def test_reset_asks_first_then_empties_the_exchange(page: Page, server: Server) -> None:
    trader = server.trader()
    order_id = trader.order("buy", "52000")
    open_controls(page, server)
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("reset-confirm")).to_be_visible()
    page.get_by_test_id("reset-cancel").click()  # thought better of it: nothing happens
    expect(page.get_by_test_id("reset-confirm")).to_be_hidden()
    assert [o.order_id for o in server.admin.list_orders(trader.uid, CODE)] == [order_id]

    page.get_by_test_id("reset-empty").check()
    page.get_by_test_id("reset").click()
    page.get_by_test_id("reset-confirm").click()
    expect(page.get_by_test_id("reset-outcome")).to_contain_text(
        "Reset: empty exchange", timeout=TIMEOUT_MS
    )
    assert trader.uid not in [user.uid for user in server.admin.list_accounts()]
