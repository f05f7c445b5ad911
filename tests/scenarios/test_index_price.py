"""Index prices fed to the exchange, and the mark price they anchor: the median of the index,
the last trade and the book's mid price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.events import IndexPriceChanged

from .helpers import ALICE, BOB, BTC, ETH, NOW, buy, make_exchange, sell, snapshot


def test_without_an_index_the_mark_is_the_last_trade_else_the_reference() -> None:
    ex = make_exchange()
    btc = ex.contracts.get(BTC)
    assert ex.state.mark_price(btc) == Decimal(60000)
    sell(ex, BOB, 1, 61000)
    buy(ex, ALICE, 1, 61000)
    assert ex.state.mark_price(btc) == Decimal(61000)


def test_an_index_alone_is_the_mark() -> None:
    ex = make_exchange()
    applied = ex.execute(SetIndexPrices({BTC: Decimal("65000.5")}), NOW)
    assert applied.error is None
    assert applied.events == [IndexPriceChanged(BTC)]
    assert ex.state.mark_price(ex.contracts.get(BTC)) == Decimal("65000.5")
    assert ex.state.index_times[BTC] == NOW
    assert ex.state.mark_price(ex.contracts.get(ETH)) == Decimal(3000)  # no index: unchanged


def test_the_mark_is_the_median_of_index_last_and_mid() -> None:
    ex = make_exchange()
    btc = ex.contracts.get(BTC)
    ex.execute(SetIndexPrices({BTC: Decimal(60000)}), NOW)
    sell(ex, BOB, 1, 63000)
    buy(ex, ALICE, 1, 63000)  # one trade far above the index (inside its 6 % price band)
    assert ex.state.mark_price(btc) == Decimal(60000)  # median(60000, 63000, no mid = index)
    buy(ex, ALICE, 1, 60100)
    sell(ex, BOB, 1, 60300)  # mid 60200
    assert ex.state.mark_price(btc) == Decimal(60200)
    ex.execute(SetIndexPrices({BTC: Decimal(59000)}), NOW)
    assert ex.state.mark_price(btc) == Decimal(60200)  # median(59000, 63000, 60200)


@pytest.mark.parametrize("price", ["0", "-1", "NaN", "Infinity", "1e15", "0.0000000000001"])
def test_a_bad_price_sets_nothing(price: str) -> None:
    ex = make_exchange()
    ex.execute(SetIndexPrices({ETH: Decimal(3100)}), NOW)
    before = snapshot(ex), dict(ex.state.index_prices)
    outcome = ex.execute(SetIndexPrices({BTC: Decimal(61000), ETH: Decimal(price)}), NOW)
    assert outcome.error is not None and outcome.error.code == ErrorCode.ILLEGAL_PARAMETER
    assert (snapshot(ex), dict(ex.state.index_prices)) == before


def test_an_unknown_contract_is_1014_and_sets_nothing() -> None:
    ex = make_exchange()
    outcome = ex.execute(SetIndexPrices({BTC: Decimal(61000), "XYZ-USD": Decimal(1)}), NOW)
    assert outcome.error is not None and outcome.error.code == ErrorCode.CONTRACT_NOT_EXIST
    assert ex.state.index_prices == {}
