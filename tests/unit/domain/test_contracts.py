"""Contracts: defaults, validation, the price grid, the registry and the funding schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from htx_sandbox.domain.contracts import (
    DEFAULT_LEVER_RATES,
    FUNDING_INTERVAL_MS,
    Contract,
    ContractRegistry,
    default_contracts,
)
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.types import ContractStatus, Millis

HOUR = 3_600_000


def _ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> Millis:
    return Millis(int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp() * 1000))


def _btc() -> Contract:
    return ContractRegistry.with_defaults().get("BTC-USD")


def test_default_btc_contract() -> None:
    btc = _btc()
    assert btc.contract_code == "BTC-USD"
    assert btc.symbol == "BTC"
    assert btc.contract_size == Decimal(100)
    assert btc.price_tick == Decimal("0.1")
    assert btc.reference_price == Decimal(60000)
    assert btc.contract_status is ContractStatus.LISTING
    assert btc.maker_fee_rate == Decimal("0.0002")
    assert btc.taker_fee_rate == Decimal("0.0005")
    assert btc.lever_rates == DEFAULT_LEVER_RATES
    assert btc.create_date == "20200325"


def test_default_eth_contract() -> None:
    eth = ContractRegistry.with_defaults().get("ETH-USD")
    assert eth.symbol == "ETH"
    assert eth.contract_size == Decimal(10)
    assert eth.price_tick == Decimal("0.01")
    assert eth.reference_price == Decimal(3000)


def test_default_contracts_are_fresh_each_call() -> None:
    first, second = default_contracts(), default_contracts()
    assert [c.contract_code for c in first] == ["BTC-USD", "ETH-USD"]
    first[0].max_order_volume = 1
    assert second[0].max_order_volume == 1_000_000


def test_default_lever_rates() -> None:
    assert DEFAULT_LEVER_RATES == (1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 125)


def test_codes_and_symbols_are_upper_cased() -> None:
    contract = Contract("xrp-usd", "xrp", Decimal(10), Decimal("0.0001"), Decimal("0.5"))
    assert contract.contract_code == "XRP-USD"
    assert contract.symbol == "XRP"


@pytest.mark.parametrize(
    ("size", "tick", "reference"),
    [
        (Decimal(0), Decimal("0.1"), Decimal(100)),
        (Decimal(-10), Decimal("0.1"), Decimal(100)),
        (Decimal(10), Decimal(0), Decimal(100)),
        (Decimal(10), Decimal("-0.1"), Decimal(100)),
        (Decimal(10), Decimal("0.1"), Decimal(0)),
        (Decimal(10), Decimal("0.1"), Decimal("100.05")),
    ],
)
def test_invalid_contract_settings_are_refused(
    size: Decimal, tick: Decimal, reference: Decimal
) -> None:
    with pytest.raises(ValueError):
        Contract("X-USD", "X", size, tick, reference)


@pytest.mark.parametrize(
    ("price", "ticks"),
    [
        (Decimal("60000"), 600000),
        (Decimal("60000.1"), 600001),
        (Decimal("0.1"), 1),
        (Decimal("12345.60"), 123456),
    ],
)
def test_ticks_on_the_grid(price: Decimal, ticks: int) -> None:
    btc = _btc()
    assert btc.ticks(price) == ticks
    assert btc.price(ticks) == price


@pytest.mark.parametrize("price", ["60000.05", "0.01", "1.123", "60000.11"])
def test_ticks_off_the_grid_is_1038(price: str) -> None:
    with pytest.raises(HtxError) as caught:
        _btc().ticks(Decimal(price))
    assert caught.value.code == ErrorCode.PRICE_PRECISION
    assert caught.value.code == 1038


@pytest.mark.parametrize("price", ["0", "-0.1", "-60000", "NaN", "Infinity", "-Infinity"])
def test_ticks_not_positive_or_not_finite_is_1069(price: str) -> None:
    with pytest.raises(HtxError) as caught:
        _btc().ticks(Decimal(price))
    assert caught.value.code == ErrorCode.PRICE_NOT_REASONABLE
    assert caught.value.code == 1069


def test_price_of_ticks_is_exact() -> None:
    eth = ContractRegistry.with_defaults().get("eth-usd")
    assert eth.price(300001) == Decimal("3000.01")
    assert eth.price(1) == Decimal("0.01")


def test_registry_lookup_is_case_insensitive() -> None:
    registry = ContractRegistry.with_defaults()
    assert registry.get("btc-usd") is registry.get("BTC-USD")
    assert registry.get("Eth-Usd").contract_code == "ETH-USD"
    assert "btc-usd" in registry
    assert "BTC-USD" in registry
    assert "LTC-USD" not in registry


def test_registry_unknown_code_is_1014() -> None:
    with pytest.raises(HtxError) as caught:
        ContractRegistry.with_defaults().get("LTC-USD")
    assert caught.value.code == ErrorCode.CONTRACT_NOT_EXIST
    assert caught.value.code == 1014


def test_registry_iterates_in_listing_order_and_counts() -> None:
    registry = ContractRegistry.with_defaults()
    assert [c.contract_code for c in registry] == ["BTC-USD", "ETH-USD"]
    assert len(registry) == 2
    registry.add(Contract("ltc-usd", "ltc", Decimal(10), Decimal("0.01"), Decimal(80)))
    assert len(registry) == 3
    assert registry.get("LTC-USD").symbol == "LTC"


def test_registry_refuses_a_duplicate_code() -> None:
    registry = ContractRegistry.with_defaults()
    with pytest.raises(ValueError):
        registry.add(Contract("btc-usd", "BTC", Decimal(100), Decimal("0.1"), Decimal(1)))
    assert len(registry) == 2


def test_empty_registry() -> None:
    registry = ContractRegistry()
    assert len(registry) == 0
    assert list(registry) == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Funding settles every 8 hours from 00:00 UTC (HTX's contract_info example: a reply at
        # 02:23 UTC carries settlement_date 08:00 UTC).
        (_ms(2020, 10, 28, 2, 23), _ms(2020, 10, 28, 8)),
        (_ms(2024, 5, 1, 0, 0), _ms(2024, 5, 1, 8)),
        (_ms(2024, 5, 1, 7, 59), _ms(2024, 5, 1, 8)),
        (_ms(2024, 5, 1, 8, 1), _ms(2024, 5, 1, 16)),
        (_ms(2024, 5, 1, 21, 0), _ms(2024, 5, 2, 0)),
    ],
)
def test_settlement_date_is_the_next_funding_time(now: Millis, expected: Millis) -> None:
    assert _btc().settlement_date(now) == expected


def test_settlement_date_at_a_settlement_is_the_following_one() -> None:
    at = _ms(2024, 5, 1, 16)
    assert _btc().settlement_date(at) == at + FUNDING_INTERVAL_MS
    assert FUNDING_INTERVAL_MS == 8 * HOUR
