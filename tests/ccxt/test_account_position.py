"""ccxt's fetch_position against a real server: swap_account_position_info, read back through
ccxt's position structure and checked against the server's own view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import CODE, SYMBOL, Account, Sandbox

ccxt = pytest.importorskip("ccxt")

TAKING_BID = 62000
"""Above the maker's asks (it quotes around 60000), within the price band (63600 around an
index near 60000): a buy there takes."""
ISOLATED = {"marginMode": "isolated"}
"""ccxt's default for fetch_position is cross margin, which for inverse swaps sends
margin_account=USDT and reads `data` as one object (see docs/ccxt.md)."""


@pytest.fixture
def account(sandbox: Sandbox) -> Account:
    return sandbox.account()


@pytest.fixture
def exchange(make_exchange: Callable[[Account], Any], account: Account) -> Any:
    return make_exchange(account)


def test_fetch_position_reads_the_account_and_its_position(
    sandbox: Sandbox, account: Account, exchange: Any
) -> None:
    exchange.create_order(SYMBOL, "limit", "buy", 2, TAKING_BID, {"offset": "open", "leverRate": 5})
    position = exchange.fetch_position(SYMBOL, ISOLATED)
    with sandbox.client(account) as server:
        [row] = server.swap_account_position_info(CODE)
    [held] = row.positions
    assert (position["symbol"], position["side"], position["contracts"]) == (SYMBOL, "long", 2)
    assert position["contractSize"] == 100
    assert position["entryPrice"] == float(held.cost_open)
    assert position["leverage"] == 5
    # Margin figures follow the mark price, which the server's price source moves between two
    # reads: check them against the answer ccxt parsed (kept in `info`), and its shape.
    info = position["info"]
    assert info["contract_code"] == CODE
    assert position["collateral"] == float(info["margin_balance"]) > 0
    assert position["initialMargin"] == float(info["position_margin"]) > 0
    assert abs(position["collateral"] - float(row.margin_balance)) < 0.001


def test_fetch_position_in_ccxts_default_cross_mode_fails_inside_ccxt(exchange: Any) -> None:
    """The sandbox answers (as HTX does) a list of accounts; ccxt's cross branch reads it as
    one object and fails before it returns: pass {"marginMode": "isolated"}."""
    exchange.create_order(SYMBOL, "limit", "buy", 1, TAKING_BID, {"offset": "open", "leverRate": 5})
    with pytest.raises(TypeError):
        exchange.fetch_position(SYMBOL)


def test_fetch_position_without_a_position_fails_inside_ccxt(exchange: Any) -> None:
    """`positions` is [] (as on HTX); ccxt merges its first entry, None, and fails: use
    fetch_positions to learn whether there is one."""
    with pytest.raises(TypeError):
        exchange.fetch_position(SYMBOL, ISOLATED)
    assert exchange.fetch_positions([SYMBOL]) == []


def test_the_other_endpoints_through_ccxts_implicit_methods(exchange: Any) -> None:
    """No unified call reaches them, but ccxt signs them (the GET one too)."""
    fee = exchange.contractPrivatePostSwapApiV1SwapFee({"contract_code": CODE})
    assert fee["status"] == "ok"
    assert (fee["data"][0]["open_taker_fee"], fee["data"][0]["fee_asset"]) == ("0.0005", "BTC")
    limits = exchange.contractPrivatePostSwapApiV1SwapPositionLimit({"contract_code": CODE})
    assert limits["data"][0]["contract_code"] == CODE
    status = exchange.contractPrivateGetSwapApiV1SwapApiTradingStatus()
    assert (status["status"], status["data"]["is_disable"]) == ("ok", 0)
