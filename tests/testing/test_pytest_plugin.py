"""The pytest plugin, as a user's suite meets it: run with pytest's `pytester` in a subprocess
(a fresh interpreter, as `pytest` on a user's machine), against a real sandbox server."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "htx_sandbox.testing.plugin"


def plugin_args() -> list[str]:
    """-p for the plugin unless the installed package registers it already (its entry point):
    a development install made before the entry point existed does not."""
    if importlib.metadata.entry_points(group="pytest11", name="htx_sandbox"):
        return []
    return ["-p", PLUGIN]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in a fresh interpreter that imports this checkout's package (the code under
    test) whatever the current directory."""
    import htx_sandbox

    source = str(Path(htx_sandbox.__file__).resolve().parents[1])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", source)
        return pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider", *args)


def test_the_package_declares_the_plugin_as_a_pytest11_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pytest11"] == {"htx_sandbox": PLUGIN}


def test_a_suite_trades_on_a_real_sandbox_and_each_test_starts_from_a_reset(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from decimal import Decimal

        import httpx
        import pytest


        def test_an_order_rests(htx_sandbox, htx_account, htx_client):
            assert htx_sandbox.base_url.startswith("http://127.0.0.1:")
            placed = htx_client.swap_order(
                "BTC-USD", volume=1, direction="buy", offset="open", lever_rate=5,
                order_price_type="limit", price=Decimal(50000),
            )
            [open_order] = htx_client.swap_openorders("BTC-USD").orders
            assert open_order.order_id == placed.order_id
            [balance] = htx_client.swap_account_info("BTC-USD")
            assert balance.margin_balance == 10
            htx_sandbox.snapshot("one-order")


        def test_the_next_test_starts_from_an_empty_exchange(htx_sandbox):
            assert htx_sandbox.admin.list_accounts() == []
            # Snapshots outlive the reset: this one holds the first test's account and order.
            htx_sandbox.restore("one-order")
            [user] = htx_sandbox.admin.list_accounts()
            assert len(htx_sandbox.admin.list_orders(user.uid)) == 1


        @pytest.mark.htx_keep_state
        def test_a_marked_test_keeps_the_state(htx_sandbox):
            assert len(htx_sandbox.admin.list_accounts()) == 1


        def test_accounts_keys_and_prices(htx_sandbox):
            account = htx_sandbox.new_account(btc="2", eth=None, permissions=["read"])
            [key] = htx_sandbox.admin.list_api_keys(account.uid)
            assert (key.access_key, key.permissions) == (account.access_key, ["read"])
            [user] = htx_sandbox.admin.list_accounts()
            assert {a.symbol: a.margin_balance for a in user.accounts} == {"BTC": 2, "ETH": 0}
            assert htx_sandbox.prices.set("BTC-USD", "61000.5").mode == "fixed"
            [index] = htx_sandbox.prices.show("BTC-USD")
            assert index.index_price == Decimal("61000.5")


        def test_no_sandbox_no_server(request):
            assert "htx_sandbox" not in request.fixturenames
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=5)


def test_the_async_client_and_ccxt(pytester: pytest.Pytester) -> None:
    pytest.importorskip("ccxt")
    pytester.makepyfile(
        """
        import asyncio


        def test_async_client(htx_async_client):
            async def main():
                [balance] = await htx_async_client.swap_account_info("BTC-USD")
                return balance.margin_balance

            assert asyncio.run(main()) == 10


        def test_ccxt(htx_ccxt):
            assert set(htx_ccxt.load_markets()) == {"BTC/USD:BTC", "ETH/USD:ETH"}
            assert htx_ccxt.fetch_balance()["BTC"]["total"] == 10


        def test_ccxt_async(htx_ccxt_async):
            async def main():
                markets = await htx_ccxt_async.load_markets()
                balance = await htx_ccxt_async.fetch_balance()
                await htx_ccxt_async.close()
                return set(markets), balance["ETH"]["total"]

            assert asyncio.run(main()) == ({"BTC/USD:BTC", "ETH/USD:ETH"}, 100)


        def test_the_websocket_feeds(htx_sandbox, htx_account, htx_client):
            from decimal import Decimal

            from htx_sandbox.client import AsyncNotificationFeed

            async def main():
                async with AsyncNotificationFeed(
                    htx_account.access_key, htx_account.secret_key,
                    base_url=htx_sandbox.base_url,
                ) as feed:
                    await feed.subscribe("orders.BTC-USD")
                    placed = await asyncio.to_thread(
                        htx_client.swap_order, "BTC-USD", volume=1, direction="buy",
                        offset="open", lever_rate=5, order_price_type="limit",
                        price=Decimal(50000),
                    )
                    return placed.order_id, await asyncio.wait_for(feed.recv(), 10)

            order_id, pushed = asyncio.run(main())
            assert pushed.order_id == order_id and pushed.status == 3
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=4)


def test_the_suite_starts_from_the_fixtures_file_of_its_ini(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        fixtures="""
        [[accounts]]
        uid = 10000077
        balances = { BTC = "1.5" }

        [[accounts.api_keys]]
        access_key = "plugin-access"
        secret_key = "plugin-secret"
        """,
    )
    pytester.makeini("[pytest]\nhtx_sandbox_fixtures = fixtures.toml\n")
    pytester.makepyfile(
        """
        from htx_sandbox.client import HtxSwapClient


        def test_fixture_account(htx_sandbox):
            with HtxSwapClient("plugin-access", "plugin-secret",
                               base_url=htx_sandbox.base_url) as client:
                [balance] = client.swap_account_info("BTC-USD")
            assert str(balance.margin_balance) == "1.5"
            htx_sandbox.admin.deposit(10000077, "BTC", 1)


        def test_again_from_the_fixtures(htx_sandbox):
            [user] = htx_sandbox.admin.list_accounts()
            assert user.uid == 10000077
            assert {a.symbol: a.margin_balance for a in user.accounts}["BTC"] == 1.5
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)


def test_one_server_per_xdist_worker(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        **{
            f"test_worker_{n}": f"""
            def test_{n}(htx_sandbox, htx_account, worker_id):
                print("SERVER", worker_id, htx_sandbox.base_url)
                [user] = htx_sandbox.admin.list_accounts()
                assert user.uid == htx_account.uid
            """
            for n in range(4)
        }
    )
    result = run(pytester, "-n", "2", "-s")
    result.assert_outcomes(passed=4)


def test_the_documented_example_runs(pytester: pytest.Pytester) -> None:
    text = (ROOT / "docs" / "test-controls.md").read_text(encoding="utf-8")
    section = text.split("## The pytest plugin", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(example)
    result = run(pytester)
    result.assert_outcomes(passed=2)


def test_bad_fixtures_fail_the_session_with_the_reason(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", fixtures="[[accounts]]\nuid = 10000001\nbalances = { DOGE = '1' }\n")
    pytester.makeini("[pytest]\nhtx_sandbox_fixtures = fixtures.toml\n")
    pytester.makepyfile("def test_it(htx_sandbox):\n    pass\n")
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*FixturesError*uid 10000001: Deposit: refused with 1013*"])


def test_the_clock_and_faults_and_their_reset_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from htx_sandbox.client import HtxApiError


        def test_moves_the_clock_and_arms_a_fault(htx_sandbox, htx_client):
            before = htx_sandbox.clock.now()
            assert htx_sandbox.clock.freeze().mode == "frozen"
            assert htx_sandbox.clock.advance(8 * 3_600_000).now >= before + 8 * 3_600_000
            htx_sandbox.faults.arm("/swap-api/v1/swap_account_info", err_code=1032)
            with pytest.raises(HtxApiError) as refused:
                htx_client.swap_account_info("BTC-USD")
            assert refused.value.err_code == 1032
            htx_sandbox.faults.arm("/swap-api/v1/swap_account_info", err_code=1032, count=5)
            htx_sandbox.admin.set_cancel_delay(1500)


        def test_starts_with_no_fault_and_a_live_clock(htx_sandbox, htx_client):
            assert htx_sandbox.faults.list() == []
            assert htx_sandbox.clock.show().mode == "live"
            assert htx_sandbox.admin.cancel_delay() == 0
            [balance] = htx_client.swap_account_info("BTC-USD")
            assert balance.margin_balance == 10
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)
