"""The settings of `htx-sandbox serve`, one table: each entry gives its flag, its HTX_SANDBOX_*
variable and its TOML key (all from its name), how its value is parsed, and its help.

A setting named `maker_spread` is `--maker-spread`, `HTX_SANDBOX_MAKER_SPREAD` and TOML
`maker_spread`; one with a `table_key` is also accepted in the TOML table of its group
(`[market_maker]` `spread`). A switch is a boolean with both flags (`--demo`, `--no-demo`), so a
flag can turn off what the environment or the file turned on.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..domain.funding_clock import MAX_SETTLEMENT_WINDOW_MS
from ..domain.strategy_book import MAX_STRATEGY_ORDERS, StrategyLimits
from ..http.core.guard import HttpLimits
from ..service.price_source import PriceSourceSettings
from . import values
from .values import DAY_MS, HOUR_MS, MINUTE_MS

ENV_PREFIX = "HTX_SANDBOX_"
CONFIG_ENV = "HTX_SANDBOX_CONFIG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_CONNECTIONS_PER_IP = HttpLimits().max_connections_per_ip
DEFAULT_ORDER_RETENTION_MS = 2 * HOUR_MS
"""HTX keeps cancelled unfilled orders queryable for 2 hours."""
DEFAULT_STRATEGY_LIMITS = StrategyLimits()
MIN_ORDER_RETENTION_MS = MINUTE_MS
MAX_ORDER_RETENTION_MS = 7 * DAY_MS
DEFAULT_INDEX = PriceSourceSettings()
MAX_INDEX_STEP_TICKS = 1_000_000
MAKER_TABLE = "market_maker"
"""The TOML table of the "market maker" group."""
Kind = Literal["value", "switch"]


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    parse: Callable[[object], Any]
    help: str
    metavar: str | None = None
    group: str | None = None
    """The help section; "market maker" settings are also read from [market_maker]."""
    kind: Kind = "value"
    choices: tuple[str, ...] = ()
    table_key: str | None = None
    """The setting's key in its group's TOML table."""
    inverse: str | None = None
    """An older negated name still read from TOML and the environment (no_rate_limit)."""

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def env_names(self) -> tuple[str, ...]:
        """The variable, and the inverse's (its value negated)."""
        inverse = (ENV_PREFIX + self.inverse.upper(),) if self.inverse is not None else ()
        return (self.env, *inverse)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def _choice(name: str, help_text: str, *choices: str) -> Option:
    return Option(name, values.choice(*choices), help_text, choices=choices)


def _switch(name: str, help_text: str, **more: Any) -> Option:
    return Option(name, values.boolean, help_text, kind="switch", **more)


# fmt: off
OPTIONS: tuple[Option, ...] = (
    Option("host", values.text, f"address to listen on (default {DEFAULT_HOST})"),
    Option("port", values.port, f"(default {DEFAULT_PORT})"),
    Option("data_dir", values.path, "where the SQLite file and the admin token live"),
    Option("database_url", values.text, "postgresql://... instead of SQLite"),
    _choice("durability", "normal survives a process crash; full also survives power loss",
            "normal", "full"),
    Option(
        "admin_token",
        values.text,
        "bearer token of the admin API (default: generated); visible in `ps` to other "
        "users: prefer HTX_SANDBOX_ADMIN_TOKEN or --admin-token-file on a shared machine",
    ),
    Option(
        "admin_token_file", values.path, "read the admin API's bearer token from this file", "PATH"
    ),
    Option(
        "max_connections_per_ip",
        values.positive_integer,
        "open connections one client address may hold; more are closed at once "
        f"(default {DEFAULT_MAX_CONNECTIONS_PER_IP})",
        "N",
    ),
    _switch("rate_limit", "HTX's rate limits; --no-rate-limit for load tests (default on)",
            inverse="no_rate_limit"),
    _switch("demo", "create a funded demo account and key, and start the market maker"),
    _choice("log_format", "(default text)", "text", "json"),
    _switch("access_log", "one log line per request (default on)"),
    _switch("ws_relay", "write WebSocket frames from a process of their own, off the server's "
            "GIL (default on where sockets can be handed over: Linux, macOS)"),
    Option(
        "order_retention",
        values.duration_between(MIN_ORDER_RETENTION_MS, MAX_ORDER_RETENTION_MS, "1m", "7d"),
        "how long finished orders stay in memory, 1m to 7d, e.g. 90s, 30m, 2h or "
        "milliseconds (default 2h, as HTX keeps cancelled orders queryable); storage keeps "
        "them for good",
        "DURATION",
    ),
    Option(
        "max_strategy_orders",
        values.integer_between(1, MAX_STRATEGY_ORDERS),
        "open trigger, TP/SL and trailing orders a UID may hold of each kind on one contract "
        f"(1081, 1403, 1427; default {DEFAULT_STRATEGY_LIMITS.per_contract})",
        "N",
    ),
    Option(
        "max_strategy_orders_total",
        values.integer_between(1, MAX_STRATEGY_ORDERS),
        "the same on all contracts together (1453, 1454, 1455; default "
        f"{DEFAULT_STRATEGY_LIMITS.platform})",
        "N",
    ),
    Option(
        "settlement_window",
        values.duration_between(0, MAX_SETTLEMENT_WINDOW_MS, "0", "10m"),
        "how long each funding settlement halts trading (status 5: orders and cancels answer "
        "1056), 0 to 10m (default 0: settlements take no time)",
        "DURATION",
    ),
    _switch("market_maker", "quote bids and asks on every contract", group="market maker",
            table_key="enabled"),
    Option("maker_spread", values.positive_integer,
           "ticks from the reference price to the nearest bid and ask", "TICKS",
           "market maker", table_key="spread"),
    Option("maker_depth", values.positive_integer, "levels of bids and of asks on each contract",
           "LEVELS", "market maker", table_key="depth"),
    Option("maker_size", values.positive_integer, "contracts per level", "CONTRACTS",
           "market maker", table_key="size"),
    Option("maker_seed", values.integer,
           "seed of the maker's own walk, and of the index prices' when --index-seed is not given",
           "N", "market maker", table_key="seed"),
    Option("index_seed", values.integer,
           "seed of the index prices' random walk (default: --maker-seed, else "
           f"{DEFAULT_INDEX.seed})", "N", "index prices"),
    Option("index_step", values.integer_between(0, MAX_INDEX_STEP_TICKS),
           f"ticks the index may move per step, either way (default {DEFAULT_INDEX.step_ticks}; "
           "0 holds it still)", "TICKS", "index prices"),
    Option("index_interval", values.duration_between(10, HOUR_MS, "10ms", "1h"),
           "time between two steps of the index walk on the exchange's clock, 10ms to 1h "
           f"(default {DEFAULT_INDEX.interval_ms // 1000}s)", "DURATION", "index prices"),
    Option("fixtures", values.path,
           "a TOML file of accounts, balances, API keys, positions and orders: applied to a new "
           "exchange, and what POST /sandbox-api/v1/reset brings back", "PATH"),
)
# fmt: on
BY_NAME = {option.name: option for option in OPTIONS}
MAKER_OPTIONS = tuple(option for option in OPTIONS if option.group == "market maker")


def add_config_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"a TOML file of settings (default ${CONFIG_ENV})",
    )


def add_arguments(parser: argparse.ArgumentParser, names: Iterable[str] | None = None) -> None:
    """--config and the flags of the named settings (all by default), in their groups. Every
    default is None so that an absent flag lets the environment and the config file speak;
    values are parsed here so that a bad flag is argparse's usage error."""
    add_config_argument(parser)
    chosen = OPTIONS if names is None else tuple(BY_NAME[name] for name in names)
    groups: dict[str, argparse._ArgumentGroup] = {}
    for option in chosen:
        target: argparse.ArgumentParser | argparse._ArgumentGroup = parser
        if option.group is not None:
            if option.group not in groups:
                groups[option.group] = parser.add_argument_group(option.group)
            target = groups[option.group]
        add_flag(target, option)


def add_flag(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    option: Option,
    help_text: str | None = None,
) -> None:
    """The option's flag (both flags of a switch); help_text replaces the table's help."""
    help_text = option.help if help_text is None else help_text
    if option.kind == "switch":
        parser.add_argument(
            option.flag,
            dest=option.name,
            action=argparse.BooleanOptionalAction,
            default=None,
            help=help_text,
        )
        return
    parser.add_argument(
        option.flag,
        dest=option.name,
        type=values.argtype(option.parse),
        choices=option.choices or None,
        default=None,
        metavar=option.metavar,
        help=help_text,
    )
