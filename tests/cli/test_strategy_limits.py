"""`serve --max-strategy-orders` / `--max-strategy-orders-total`: from the settings to the
engine's limits, and what the exchange then refuses (1081, 1453)."""

from __future__ import annotations

import argparse
from decimal import Decimal

import pytest

from htx_sandbox.cli.config import ConfigError, ServeConfig, add_arguments, resolve
from htx_sandbox.cli.serve import engine_settings
from htx_sandbox.domain.commands import OpenUser, PlaceTriggerOrder
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyPriceType, TriggerType
from htx_sandbox.domain.types import UID, Direction, Millis, Offset

NOW = Millis(1_700_000_000_000)


def settings(argv: list[str], env: dict[str, str] | None = None) -> ServeConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return resolve(parser.parse_args(argv), env or {})


def test_defaults_are_the_engines() -> None:
    assert engine_settings(settings([])).strategy_limits == StrategyLimits()


def test_both_limits_reach_the_engine() -> None:
    config = settings(["--max-strategy-orders", "3", "--max-strategy-orders-total", "7"])
    assert engine_settings(config).strategy_limits == StrategyLimits(3, 7)


def test_a_per_contract_limit_above_the_platform_default_raises_it() -> None:
    config = settings(["--max-strategy-orders", "5000"])
    assert engine_settings(config).strategy_limits == StrategyLimits(5000, 5000)


@pytest.mark.parametrize("given", ["0", "-1", "1000001", "many"])
def test_out_of_range_is_refused_before_start(
    given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        settings(["--max-strategy-orders", given])
    assert "--max-strategy-orders" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="MAX_STRATEGY_ORDERS"):
        settings([], {"HTX_SANDBOX_MAX_STRATEGY_ORDERS": given})


def test_the_exchange_refuses_beyond_the_limits() -> None:
    limits = engine_settings(
        settings(["--max-strategy-orders", "2", "--max-strategy-orders-total", "3"])
    ).strategy_limits
    exchange = Exchange(strategy_limits=limits)
    uid = UID(1)
    exchange.open_user(OpenUser(uid), NOW)

    def trigger(code: str) -> PlaceTriggerOrder:
        return PlaceTriggerOrder(
            uid, code, TriggerType.GE, Decimal(70000 if code == "BTC-USD" else 4000),
            Direction.BUY, Offset.OPEN, 1, StrategyPriceType.OPTIMAL_5, lever_rate=10,
        )  # fmt: skip

    for _ in range(2):
        exchange.place_trigger_order(trigger("BTC-USD"), NOW)
    error = exchange.execute(trigger("BTC-USD"), NOW).error
    assert error is not None and error.code == ErrorCode.TRIGGER_ORDERS_LIMIT
    assert error.message() == (
        "The number of your BTC-USD contract trigger orders exceeds the limit 2."
    )
    exchange.place_trigger_order(trigger("ETH-USD"), NOW)
    error = exchange.execute(trigger("ETH-USD"), NOW).error
    assert error is not None and error.code == ErrorCode.PLATFORM_TRIGGER_ORDERS_LIMIT
