"""ccxt's risk calls against a real server without the market maker and with an index that
holds still (the book holds only what these tests put there): leverage tiers, a liquidation in
fetch_liquidations (sync and async), positions and fetch_position.

A poor account goes long at 60000 and 20x; the admin API then sets the index to 50000, far
below its bankruptcy price (the book has no bid, so the mark follows the index): the long is
taken over by the insurance fund in that command.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from .conftest import CODE, SYMBOL, Account, Sandbox, doc_snippets, fill, run_snippet

ccxt = pytest.importorskip("ccxt")
ccxt_async = pytest.importorskip("ccxt.async_support")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    running = Sandbox(
        tmp_path_factory.mktemp("data"), market_maker=False, args=("--index-step", "0")
    ).start()
    try:
        yield running
    finally:
        running.stop()


def funded(sandbox: Sandbox, btc: str) -> Account:
    assert sandbox.admin is not None
    uid = sandbox.admin.create_account()
    sandbox.admin.deposit(uid, "BTC", Decimal(btc))
    key = sandbox.admin.create_api_key(uid)
    return Account(uid, key.access_key, key.secret_key)


def exchange_for(sandbox: Sandbox, account: Account) -> Any:
    exchange = run_snippet(0, sandbox, account)["exchange"]
    exchange.enableRateLimit = False
    return exchange


@pytest.fixture(scope="module")
def liquidated(sandbox: Sandbox) -> tuple[Account, int]:
    """The poor account, liquidated, and when (ms)."""
    poor, maker = funded(sandbox, "0.001"), funded(sandbox, "10")
    assert sandbox.admin is not None
    with sandbox.client(maker) as m, sandbox.client(poor) as p:
        m.swap_order(CODE, direction="sell", offset="open", volume=10, lever_rate=10,
                     price="60000")  # fmt: skip
        p.swap_order(CODE, direction="buy", offset="open", volume=10, lever_rate=20,
                     price="60000")  # fmt: skip
        before = p.timestamp()
        sandbox.admin.set_index_price(CODE, "50000")
        assert p.swap_position_info(CODE) == []  # taken over in the index move's command
    return poor, before


def test_the_documented_risk_snippet_and_leverage_tiers(
    sandbox: Sandbox, liquidated: tuple[Account, int]
) -> None:
    account = funded(sandbox, "1")
    namespace = run_snippet(0, sandbox, account)
    namespace["exchange"].enableRateLimit = False
    code = fill(doc_snippets()[4])
    exec(compile(code, "docs/ccxt.md[python block 4]", "exec"), namespace)
    tiers = namespace["tiers"][SYMBOL]
    at_125 = [t for t in tiers if t["maxLeverage"] == 125]
    assert [(t["tier"], t["minNotional"], t["maxNotional"]) for t in at_125] == [
        (0, 0, 1999), (1, 2000, 9999), (2, 10000, None)
    ]  # fmt: skip
    assert [t["maintenanceMarginRate"] for t in at_125] == [0.0052, 0.0064, 0.0068]
    assert len(namespace["liquidations"]) == 1


def test_fetch_leverage_tiers_itself_asks_the_usdt_margined_path(sandbox: Sandbox) -> None:
    exchange = exchange_for(sandbox, funded(sandbox, "1"))
    exchange.load_markets()
    with pytest.raises(ccxt.BaseError):  # the sandbox serves no linear-swap-api
        exchange.fetch_leverage_tiers([SYMBOL])


def test_fetch_liquidations(sandbox: Sandbox, liquidated: tuple[Account, int]) -> None:
    poor, since = liquidated
    exchange = exchange_for(sandbox, funded(sandbox, "1"))
    exchange.load_markets()
    [one] = exchange.fetch_liquidations(SYMBOL, since)
    assert (one["symbol"], one["side"], one["contracts"]) == (SYMBOL, "sell", 10)
    assert 55000 < one["price"] < 60000  # the bankruptcy price, not the mark's 50000
    assert one["baseValue"] == pytest.approx(10 * 100 / one["price"])
    assert one["timestamp"] >= since
    assert exchange.fetch_liquidations(SYMBOL, since, params={"trade_type": 6}) == []
    with sandbox.client(poor) as server:
        history = server.swap_hisorders(CODE, trade_type=5, create_date=1).orders
        assert [(o.order_source, o.liquidation_type) for o in history] == [("risk", "3")]


def test_fetch_positions_and_fetch_position(sandbox: Sandbox) -> None:
    assert sandbox.admin is not None
    sandbox.admin.set_index_price(CODE, "60000")  # back where the orders are
    account = funded(sandbox, "0.01")
    maker = funded(sandbox, "10")
    with sandbox.client(maker) as m:
        m.swap_order(CODE, direction="sell", offset="open", volume=10, lever_rate=10,
                     price="60000")  # fmt: skip
    exchange = exchange_for(sandbox, account)
    exchange.create_order(SYMBOL, "limit", "buy", 10, 60000, {"offset": "open", "leverRate": 20})
    [position] = exchange.fetch_positions([SYMBOL])
    assert (position["side"], position["contracts"], position["leverage"]) == ("long", 10, 20)
    assert position["liquidationPrice"] is None  # swap_position_info has none (as HTX's)
    with sandbox.client(account) as server:
        [row] = server.swap_account_info(CODE)
        [mine] = server.swap_position_info(CODE)
    assert row.liquidation_price is not None and 0 < row.liquidation_price < mine.cost_open
    # fetch_position merges swap_account_position_info's account row into its position.
    merged = exchange.fetch_position(SYMBOL, {"marginMode": "isolated"})
    assert (merged["symbol"], merged["side"], merged["contracts"]) == (SYMBOL, "long", 10)
    assert merged["liquidationPrice"] == pytest.approx(float(row.liquidation_price))
    assert merged["maintenanceMarginPercentage"] == pytest.approx(0.2 / 20)  # factor / lever
    assert merged["collateral"] == pytest.approx(float(row.margin_balance))
    assert merged["marginRatio"] is not None and merged["marginRatio"] > 0


def test_async_fetch_liquidations_and_tiers(
    sandbox: Sandbox, liquidated: tuple[Account, int]
) -> None:
    _, since = liquidated
    account = funded(sandbox, "1")
    cls = run_snippet(2, sandbox, account)["AsyncHtxSandbox"]

    async def main() -> tuple[Any, Any]:
        exchange = cls({
            "apiKey": account.access_key, "secret": account.secret_key, "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {"hostnames": {"contract": "api.hbdm.com"},
                     "api": {"contract": sandbox.url}},
        })  # fmt: skip
        try:
            await exchange.load_markets()
            answer = await exchange.contract_public_get_swap_api_v1_swap_adjustfactor()
            tiers = exchange.parse_leverage_tiers(answer["data"], None, "contract_code")
            return await exchange.fetch_liquidations(SYMBOL, since), tiers
        finally:
            await exchange.close()

    liquidations, tiers = asyncio.run(main())
    assert [(x["side"], x["contracts"]) for x in liquidations] == [("sell", 10)]
    assert set(tiers) == {"BTC/USD:BTC", "ETH/USD:ETH"}
