"""ccxt's risk calls against a real server without the market maker (the book holds only what
these tests put there, so that their own trades move the price): leverage tiers, a liquidation
in fetch_liquidations (sync and async), positions and what fetch_position parses.

A liquidation is set off by trades: no index is set, so the mark is the last trade price. A
poor account goes long at 60000 and 20x; two others then trade at 50000, far below its
bankruptcy price: the long is taken over by the insurance fund in the same command.
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
    running = Sandbox(tmp_path_factory.mktemp("data"), market_maker=False).start()
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
    poor, maker, taker = funded(sandbox, "0.001"), funded(sandbox, "10"), funded(sandbox, "10")
    with sandbox.client(maker) as m, sandbox.client(poor) as p, sandbox.client(taker) as t:
        m.swap_order(CODE, direction="sell", offset="open", volume=10, lever_rate=10,
                     price="60000")  # fmt: skip
        p.swap_order(CODE, direction="buy", offset="open", volume=10, lever_rate=20,
                     price="60000")  # fmt: skip
        m.swap_order(CODE, direction="buy", offset="open", volume=1, lever_rate=10,
                     price="50000")  # fmt: skip
        before = t.timestamp()
        t.swap_order(CODE, direction="sell", offset="open", volume=1, lever_rate=10,
                     price="50000")  # fmt: skip
        assert p.swap_position_info(CODE) == []  # taken over in that trade's command
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
    assert 55000 < one["price"] < 60000  # the bankruptcy price, not the trade's 50000
    assert one["baseValue"] == pytest.approx(10 * 100 / one["price"])
    assert one["timestamp"] >= since
    assert exchange.fetch_liquidations(SYMBOL, since, params={"trade_type": 6}) == []
    with sandbox.client(poor) as server:
        history = server.swap_hisorders(CODE, trade_type=5, create_date=1).orders
        assert [(o.order_source, o.liquidation_type) for o in history] == [("risk", "3")]


def test_fetch_positions_and_what_fetch_position_parses(sandbox: Sandbox) -> None:
    account = funded(sandbox, "0.01")
    maker = funded(sandbox, "10")
    with sandbox.client(maker) as m:
        m.swap_order(CODE, direction="sell", offset="open", volume=10, lever_rate=10,
                     price="60000")  # fmt: skip
    exchange = exchange_for(sandbox, account)
    exchange.create_order(SYMBOL, "limit", "buy", 10, 60000, {"offset": "open", "leverRate": 20})
    [position] = exchange.fetch_positions([SYMBOL])
    assert (position["side"], position["contracts"], position["leverage"]) == ("long", 10, 20)
    with sandbox.client(account) as server:
        [row] = server.swap_account_info(CODE)
        [mine] = server.swap_position_info(CODE)
    # fetch_position parses swap_account_position_info's position extended by its account
    # fields; the same fields from swap_account_info and swap_position_info:
    raw_account = exchange.contract_private_post_swap_api_v1_swap_account_info(
        {"contract_code": CODE}
    )["data"][0]
    raw_position = exchange.contract_private_post_swap_api_v1_swap_position_info(
        {"contract_code": CODE}
    )["data"][0]
    parsed = exchange.parse_position(exchange.extend(raw_position, raw_account))
    assert parsed["liquidationPrice"] == pytest.approx(float(row.liquidation_price or 0))
    assert row.liquidation_price is not None and 0 < row.liquidation_price < mine.cost_open
    assert parsed["maintenanceMarginPercentage"] == pytest.approx(0.2 / 20)
    assert parsed["collateral"] == pytest.approx(float(row.margin_balance))


@pytest.mark.xfail(
    strict=True,
    reason="swap_account_position_info is the account endpoints' part of issue 13 (not on "
    "this branch): once it is served this passes, and the marker must go",
)
def test_fetch_position(sandbox: Sandbox) -> None:
    account = funded(sandbox, "0.01")
    exchange = exchange_for(sandbox, account)
    exchange.load_markets()
    position = exchange.fetch_position(SYMBOL, {"marginMode": "isolated"})
    assert position["symbol"] == SYMBOL


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
