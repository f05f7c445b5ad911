"""The option table: every setting by flag, variable and TOML key alike; switches both ways;
maker settings under their flag names and in [market_maker]."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from htx_sandbox.cli.config import ConfigError, ServeConfig, add_arguments, resolve
from htx_sandbox.cli.options import OPTIONS

# A value every setting accepts as text, and what it reads as.
SAMPLES: dict[str, tuple[str, Any]] = {
    "host": ("0.0.0.0", "0.0.0.0"),
    "port": ("9999", 9999),
    "data_dir": ("/srv/sandbox", Path("/srv/sandbox")),
    "database_url": ("postgresql://db/x", "postgresql://db/x"),
    "durability": ("full", "full"),
    "admin_token": ("t0ken", "t0ken"),
    "max_connections_per_ip": ("7", 7),
    "rate_limit": ("false", False),
    "demo": ("true", True),
    "log_format": ("json", "json"),
    "access_log": ("false", False),
    "ws_relay": ("false", False),
    "order_retention": ("90s", 90_000),
    "max_strategy_orders": ("8", 8),
    "max_strategy_orders_total": ("9", 9),
    "settlement_window": ("5s", 5_000),
    "market_maker": ("true", True),
    "maker_spread": ("3", 3),
    "maker_depth": ("4", 4),
    "maker_size": ("5", 5),
    "maker_seed": ("6", 6),
    "index_seed": ("7", 7),
    "index_step": ("0", 0),
    "index_interval": ("250ms", 250),
    "fixtures": ("/srv/fixtures.toml", Path("/srv/fixtures.toml")),
}
MAKER_FIELDS = {"market_maker": "enabled", "maker_spread": "spread", "maker_depth": "depth",
                "maker_size": "size", "maker_seed": "seed"}  # fmt: skip


def settings(argv: list[str], env: dict[str, str] | None = None) -> ServeConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return resolve(parser.parse_args(argv), env or {})


def read(config: ServeConfig, name: str) -> Any:
    if name in MAKER_FIELDS:
        return getattr(config.market_maker, MAKER_FIELDS[name])
    return getattr(config, name)


def test_every_setting_has_a_sample() -> None:
    assert {o.name for o in OPTIONS} - {"admin_token_file"} == set(SAMPLES)


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.name in SAMPLES], ids=lambda o: o.name)
def test_each_setting_by_flag_variable_and_toml_key(option: Any, tmp_path: Path) -> None:
    text, expected = SAMPLES[option.name]
    if option.kind == "switch":
        argv = [option.flag if expected else "--no-" + option.flag[2:]]
    else:
        argv = [option.flag, text]
    assert read(settings(argv), option.name) == expected
    assert read(settings([], {option.env: text}), option.name) == expected
    config = tmp_path / "sandbox.toml"
    config.write_text(f'{option.name} = "{text}"\n')
    assert read(settings(["--config", str(config)]), option.name) == expected
    assert read(settings([]), option.name) != expected  # the sample is not the default


def test_switch_flags_turn_off_what_the_file_and_the_environment_turned_on(
    tmp_path: Path,
) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("demo = true\naccess_log = true\n[market_maker]\nenabled = true\n")
    env = {"HTX_SANDBOX_RATE_LIMIT": "true", "HTX_SANDBOX_ACCESS_LOG": "1"}
    on = settings(["--config", str(config)], env)
    assert (on.demo, on.rate_limit, on.access_log, on.market_maker.enabled) == (True,) * 4
    off = settings(["--config", str(config), "--no-demo", "--no-rate-limit", "--no-access-log",
                    "--no-market-maker"], env)  # fmt: skip
    assert (off.demo, off.rate_limit, off.access_log, off.market_maker.enabled) == (False,) * 4


def test_rate_limit_flag_beats_the_older_negated_names(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("no_rate_limit = true\n")
    assert settings(["--config", str(config)]).rate_limit is False
    assert settings(["--config", str(config), "--rate-limit"]).rate_limit is True
    assert settings(["--rate-limit"], {"HTX_SANDBOX_NO_RATE_LIMIT": "1"}).no_rate_limit is False
    with pytest.raises(ConfigError, match="HTX_SANDBOX_RATE_LIMIT or HTX_SANDBOX_NO_RATE_LIMIT"):
        settings([], {"HTX_SANDBOX_RATE_LIMIT": "1", "HTX_SANDBOX_NO_RATE_LIMIT": "1"})


def test_maker_settings_top_level_or_in_the_table_but_not_both(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("maker_spread = 9\nmarket_maker = true\n")
    maker = settings(["--config", str(config)]).market_maker
    assert (maker.enabled, maker.spread) == (True, 9)
    config.write_text("maker_spread = 9\n[market_maker]\nspread = 8\n")
    with pytest.raises(ConfigError, match=r"give maker_spread or market_maker\.spread, not both"):
        settings(["--config", str(config)])


def test_help_lists_both_flags_of_a_switch(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.print_help()
    out = capsys.readouterr().out
    switches = ("demo", "rate-limit", "access-log", "market-maker")
    for name in switches:
        assert f"--{name}, --no-{name}" in out


def test_a_config_contract_may_carry_its_own_adjust_factors(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text(
        '[[contracts]]\ncontract_code = "XRP-USD"\nsymbol = "XRP"\ncontract_size = 10\n'
        "price_tick = 0.0001\nreference_price = 0.5\n"
        "adjust_factors = [{lever_rate = 20, ladders = [\n"
        "  {min_size = 0, max_size = 99, adjust_factor = 0.4},\n"
        "  {min_size = 100, adjust_factor = 0.45},\n"  # TOML has no null: the top tier
        "]}]\n"
    )
    [contract] = settings(["--config", str(config)]).contracts
    assert [(t.min_size, t.max_size, t.adjust_factor) for t in contract.ladders(20)] == [
        (0, 99, Decimal("0.4")), (100, None, Decimal("0.45"))
    ]  # fmt: skip
    config.write_text(config.read_text().replace("0.45", "0.3"))  # lower than the tier below
    with pytest.raises(ConfigError, match="adjust_factors"):
        settings(["--config", str(config)])
