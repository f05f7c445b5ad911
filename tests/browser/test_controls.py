"""The controls view's test controls in a real browser: the exchange clock, faults, the cancel
delay and rate limits. What a panel does is checked through the admin API and through the HTX
API a bot uses; bad input shows the admin API's error text and changes nothing."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from htx_sandbox.client import HtxApiError

from .conftest import CODE, Server, log_in, screenshot

TIMEOUT_MS = 10_000
"""How long a panel may take to show a change: it polls every second."""
HOUR_MS = 3_600_000


def open_controls(page: Page, server: Server) -> None:
    log_in(page, server.token)
    page.goto(f"{server.url}/sandbox/#controls")
    expect(page.get_by_test_id("clock-mode")).not_to_be_empty(timeout=TIMEOUT_MS)


def shown(ms: int) -> str:
    """A time as the page prints it."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_the_clock_panel_freezes_speeds_up_and_advances_through_a_settlement(
    page: Page, server: Server
) -> None:
    trader = server.trader()
    open_controls(page, server)
    page.get_by_test_id("clock-freeze").click()
    expect(page.get_by_test_id("clock-mode")).to_have_text("frozen", timeout=TIMEOUT_MS)
    frozen = server.admin.clock()
    assert frozen.mode == "frozen" and frozen.speed == 0
    expect(page.get_by_test_id("clock-now")).to_contain_text(shown(frozen.now))

    page.get_by_test_id("clock-speed").fill("60")
    page.get_by_test_id("clock-speed").press("Enter")
    expect(page.get_by_test_id("clock-speed-shown")).to_have_text("60", timeout=TIMEOUT_MS)
    scaled = server.admin.clock()
    assert (scaled.mode, scaled.speed) == ("scaled", 60)
    page.get_by_test_id("clock-freeze").click()
    expect(page.get_by_test_id("clock-mode")).to_have_text("frozen", timeout=TIMEOUT_MS)
    before = server.admin.clock().now

    # Bad input: the API's own text, the clock where it was.
    page.get_by_test_id("clock-advance").fill("soon")
    page.get_by_test_id("clock-advance-set").click()
    outcome = page.get_by_test_id("clock-outcome")
    expect(outcome).to_contain_text("Advanced soon: 1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The advance_ms field")
    page.get_by_test_id("clock-speed").fill("0")
    page.get_by_test_id("clock-speed-set").click()
    expect(outcome).to_contain_text("Speed 0: 1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The speed field")
    assert server.admin.clock().now == before and server.admin.clock().mode == "frozen"

    due = trader.client.swap_funding_rate(CODE).funding_time
    assert before < due <= before + 8 * HOUR_MS
    page.goto(f"{server.url}/sandbox/#market/{CODE}")
    settlement = page.get_by_test_id("next-settlement")
    expect(settlement).to_contain_text(shown(due), timeout=TIMEOUT_MS)

    page.goto(f"{server.url}/sandbox/#controls")
    page.get_by_test_id("clock-advance").fill("8h")
    page.get_by_test_id("clock-advance").press("Enter")
    expect(page.get_by_test_id("clock-outcome")).to_contain_text(
        f"Advanced 8h: now {shown(before + 8 * HOUR_MS)}", timeout=TIMEOUT_MS
    )
    assert server.admin.clock().now == before + 8 * HOUR_MS
    # The settlement at `due` happened: it is in the history, the next one is 8 hours on.
    assert trader.client.swap_historical_funding_rate(CODE).data[0].funding_time == due
    page.goto(f"{server.url}/sandbox/#market/{CODE}")
    expect(settlement).to_contain_text(shown(due + 8 * HOUR_MS), timeout=TIMEOUT_MS)
    # Counted down on the exchange's clock, which stands still, not the browser's.
    left = due + 8 * HOUR_MS - (before + 8 * HOUR_MS)
    hours, rest = divmod(left // 1000, 3600)
    expect(settlement).to_contain_text(f"in {hours}h {rest // 60:02d}m")

    page.goto(f"{server.url}/sandbox/#controls")
    page.get_by_test_id("clock-live").click()
    expect(page.get_by_test_id("clock-mode")).to_have_text("live", timeout=TIMEOUT_MS)
    assert server.admin.clock().mode == "live"


def test_a_1032_fault_armed_in_the_panel_answers_a_signed_swap_order(
    page: Page, server: Server
) -> None:
    trader, other = server.trader(), server.trader()
    open_controls(page, server)
    # The path list offers the HTX paths the sandbox serves, none of its own controls.
    offered = page.locator("#fault-paths option")
    expect(offered.first).to_be_attached(timeout=TIMEOUT_MS)
    values = offered.evaluate_all("options => options.map(o => o.value)")
    assert "/swap-api/v1/swap_order" in values and "/swap-ex/market/depth" in values
    assert not [v for v in values if v.startswith("/sandbox")]

    page.get_by_test_id("fault-path").fill("/swap-api/v1/swap_order")
    page.get_by_test_id("fault-uid").fill(str(trader.uid))
    page.get_by_test_id("fault-value").fill("1032")
    page.get_by_test_id("fault-arm").click()
    table = page.get_by_test_id("faults-table")
    row = table.locator("tr").filter(has_text="/swap-api/v1/swap_order")
    expect(row).to_contain_text("err_code 1032", timeout=TIMEOUT_MS)
    expect(row).to_contain_text(str(trader.uid))
    [fault] = server.admin.faults()
    assert (fault.path, fault.uid, fault.err_code, fault.remaining) == (
        "/swap-api/v1/swap_order", trader.uid, 1032, 1,
    )  # fmt: skip

    other.order("buy", "50000")  # another UID: untouched
    with pytest.raises(HtxApiError) as refused:
        trader.order("buy", "50000")
    assert refused.value.err_code == 1032
    expect(table).to_contain_text("no fault armed", timeout=TIMEOUT_MS)
    trader.order("buy", "50000")  # it answered its one request

    # Bad input: the API's text, nothing armed.
    page.get_by_test_id("fault-value").fill("99999")
    page.get_by_test_id("fault-arm").click()
    outcome = page.get_by_test_id("fault-outcome")
    expect(outcome).to_contain_text("1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The err_code field")
    page.get_by_test_id("fault-path").fill("/sandbox-api/v1/clock")
    page.get_by_test_id("fault-value").fill("1032")
    page.get_by_test_id("fault-arm").click()
    expect(outcome).to_contain_text("/sandbox-api/v1/clock: 1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The path field")
    assert server.admin.faults() == []

    # A dropped connection for anyone, three times; then clear all.
    page.get_by_test_id("fault-path").fill("/swap-api/v1/swap_cancel")
    page.get_by_test_id("fault-uid").fill("")
    page.get_by_test_id("fault-count").fill("3")
    page.get_by_test_id("fault-kind").select_option("drop")
    expect(page.get_by_test_id("fault-value")).to_be_disabled()
    page.get_by_test_id("fault-arm").click()
    row = table.locator("tr").filter(has_text="/swap-api/v1/swap_cancel")
    expect(row).to_contain_text("drop", timeout=TIMEOUT_MS)
    expect(row).to_contain_text("any")
    assert [(f.path, f.uid, f.drop, f.remaining) for f in server.admin.faults()] == [
        ("/swap-api/v1/swap_cancel", None, True, 3)
    ]
    page.get_by_test_id("faults-clear").click()
    expect(outcome).to_contain_text("Cleared: 1 fault", timeout=TIMEOUT_MS)
    expect(table).to_contain_text("no fault armed", timeout=TIMEOUT_MS)
    assert server.admin.faults() == []


def test_the_cancel_delay_and_a_uids_rate_limits_are_set_and_cleared_in_the_panel(
    page: Page, server: Server, tmp_path: Path
) -> None:
    trader = server.trader()
    open_controls(page, server)
    delay = page.get_by_test_id("cancel-delay-input")
    delay.fill("1.5s")
    delay.press("Enter")
    expect(page.get_by_test_id("cancel-delay-shown")).to_have_text("1500 ms", timeout=TIMEOUT_MS)
    assert server.admin.cancel_delay() == 1500
    order_id = trader.order("buy", "51000")
    trader.client.swap_cancel(CODE, order_id=order_id)
    [cancelling] = trader.client.swap_order_info(CODE, order_id=order_id)
    assert cancelling.status == 11  # held in "cancelling" by the delay
    outcome = page.get_by_test_id("runtime-outcome")
    delay.fill("-5")
    delay.press("Enter")
    expect(outcome).to_contain_text("Cancel delay -5: 1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The cancel_delay_ms field")
    assert server.admin.cancel_delay() == 1500
    page.get_by_test_id("cancel-delay-none").click()
    expect(page.get_by_test_id("cancel-delay-shown")).to_have_text("0 ms", timeout=TIMEOUT_MS)
    assert server.admin.cancel_delay() == 0

    defaults = page.get_by_test_id("rate-defaults")
    expect(defaults).to_contain_text("no (--no-rate-limit)", timeout=TIMEOUT_MS)
    page.get_by_test_id("rate-uid").fill(str(trader.uid))
    page.get_by_test_id("rate-trade").fill("-1")
    page.get_by_test_id("rate-limit-set").click()
    expect(outcome).to_contain_text(f"UID {trader.uid}: 1067", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("The trade field")
    assert server.admin.rate_limits().uids == []
    page.get_by_test_id("rate-trade").fill("")
    page.get_by_test_id("rate-read").fill("1")
    page.get_by_test_id("rate-limit-set").click()
    limits = page.get_by_test_id("rate-limits-table")
    row = limits.locator(f"tr[data-id='{trader.uid}']")
    expect(row).to_contain_text("1", timeout=TIMEOUT_MS)
    [own] = server.admin.rate_limits().uids
    assert (own.uid, own.trade, own.read) == (trader.uid, None, 1)
    # The reads above may already fill this 3 s window: the second of two reads in a row is
    # refused whatever the first met.
    with contextlib.suppress(HtxApiError):
        trader.client.swap_account_info()
    with pytest.raises(HtxApiError) as limited:
        trader.client.swap_account_info()
    assert limited.value.err_code == 1032
    screenshot(page, tmp_path, "dashboard-controls-runtime")
    row.get_by_test_id("rate-limit-clear").click()
    expect(limits).to_contain_text("every UID on the defaults", timeout=TIMEOUT_MS)
    assert server.admin.rate_limits().uids == []
