"""The dashboard in a real browser: what a person running bots against the sandbox sees and
does. Orders are placed through the HTX API (the sandbox's own client), as a bot would; what
the page shows must follow by itself, and what its buttons do is checked through the API."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import CODE, Server, log_in, screenshot

TIMEOUT_MS = 10_000
"""How long a view may take to show a change: it polls every second."""


def test_a_wrong_token_is_refused_and_shows_nothing(
    page: Page, server: Server, tmp_path: Path
) -> None:
    page.get_by_label("admin token").fill("not-the-token")
    page.get_by_role("button", name="Open").click()
    expect(page.locator("#login-error")).to_contain_text("Wrong token")
    expect(page.locator("#nav")).to_be_hidden()
    expect(page.locator("#view")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    assert "not-the-token" not in page.url
    screenshot(page, tmp_path, "dashboard-login")


def test_the_book_changes_after_an_order_placed_through_the_api(
    page: Page, server: Server, tmp_path: Path
) -> None:
    trader = server.trader()
    log_in(page, server.token)
    assert server.token not in page.url
    expect(page.get_by_test_id("contract")).to_have_value(CODE)
    bids = page.get_by_test_id("bids")
    expect(bids).not_to_contain_text("58123.4")
    trader.order("buy", "58123.4", volume=7)
    row = bids.locator("tr").filter(has_text="58123.4")
    expect(row).to_contain_text("7", timeout=TIMEOUT_MS)
    trader.order("sell", "61000", volume=4)
    expect(page.get_by_test_id("asks")).to_contain_text("61000", timeout=TIMEOUT_MS)
    trader.order("buy", "58000", volume=3)
    expect(bids.locator("tr")).to_have_count(2, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("mark-line")).to_be_attached()
    screenshot(page, tmp_path, "dashboard-market")


def test_a_fill_appears_in_the_orders_view_and_the_market_view(
    page: Page, server: Server, tmp_path: Path
) -> None:
    maker, taker = server.trader(), server.trader()
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#orders/{taker.uid}/{CODE}")
    fills = page.get_by_test_id("fills-table")
    expect(fills).to_contain_text("no fills", timeout=TIMEOUT_MS)
    maker.order("sell", "60500", volume=3)
    order_id = taker.order("buy", "60500", volume=2)
    row = fills.locator(f"tr:has-text('{order_id}')")
    expect(row).to_contain_text("60500", timeout=TIMEOUT_MS)
    expect(row).to_contain_text("taker")
    page.goto(f"{server.url}/sandbox/#market/{CODE}")
    expect(page.get_by_test_id("trades")).to_contain_text("60500", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("last-price")).to_have_text("60500", timeout=TIMEOUT_MS)
    page.goto(f"{server.url}/sandbox/#accounts")
    card = page.locator(f"[data-uid='{taker.uid}']")
    expect(card).to_contain_text("buy", timeout=TIMEOUT_MS)  # its long position
    expect(card).to_contain_text(taker.access_key)
    assert taker.secret_key not in page.content()  # keys are listed without their secrets
    screenshot(page, tmp_path, "dashboard-accounts")


def test_cancel_all_cancels_the_uids_three_open_orders(
    page: Page, server: Server, tmp_path: Path
) -> None:
    trader, other = server.trader(), server.trader()
    ids = [trader.order("buy", price) for price in ("55000", "55100", "55200")]
    kept = other.order("buy", "55000")
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#orders/{trader.uid}/{CODE}")
    table = page.get_by_test_id("open-orders-table")
    for order_id in ids:
        expect(table.locator(f"tr[data-id='{order_id}']")).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(page, tmp_path, "dashboard-orders")
    page.get_by_test_id("cancel-all").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("3 cancelled", timeout=TIMEOUT_MS)
    expect(table).to_contain_text("no open orders", timeout=TIMEOUT_MS)
    assert trader.client.swap_openorders(contract_code=CODE).orders == []
    assert [o.order_id for o in other.client.swap_openorders(contract_code=CODE).orders] == [kept]


def test_cancel_all_with_a_direction_and_cancel_one(page: Page, server: Server) -> None:
    trader = server.trader()
    buy = trader.order("buy", "54000")
    sells = [trader.order("sell", price) for price in ("66000", "66100")]
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#orders/{trader.uid}/{CODE}")
    table = page.get_by_test_id("open-orders-table")
    expect(table.locator(f"tr[data-id='{buy}']")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_test_id("direction").select_option("sell")
    page.get_by_test_id("cancel-all").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("2 cancelled", timeout=TIMEOUT_MS)
    assert [o.order_id for o in trader.client.swap_openorders(contract_code=CODE).orders] == [buy]
    assert sells  # both sells went
    table.locator(f"tr[data-id='{buy}']").get_by_test_id("cancel").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("1 cancelled", timeout=TIMEOUT_MS)
    assert trader.client.swap_openorders(contract_code=CODE).orders == []


def test_the_index_price_control_holds_the_index(
    page: Page, server: Server, tmp_path: Path
) -> None:
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#controls")
    field = page.get_by_test_id(f"index-input-{CODE}")
    field.fill("61234.5")
    field.press("Enter")
    expect(page.get_by_test_id("index-outcome")).to_contain_text("61234.5", timeout=TIMEOUT_MS)
    row = page.get_by_test_id("index-prices").locator("tr").filter(has_text=CODE)
    expect(row).to_contain_text("fixed", timeout=TIMEOUT_MS)  # the table follows by itself
    held = server.admin.list_index_prices(CODE)[0]
    assert str(held.index_price) == "61234.5" and held.mode == "fixed"
    screenshot(page, tmp_path, "dashboard-controls")


def test_logging_out_forgets_the_token(page: Page, server: Server) -> None:
    log_in(page, server.token)
    assert page.evaluate("sessionStorage.length") == 1
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    expect(page.locator("#nav")).to_be_hidden()
