"""`htx-sandbox serve` settings: flags, then HTX_SANDBOX_* environment variables, then an optional
TOML file (--config PATH or HTX_SANDBOX_CONFIG), then defaults; cli/options.py lists them.

Everything is read and checked here, before the server binds a port or touches the data
directory: a bad setting is one line naming it, and nothing on disk changes.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ..domain.contracts import Contract, default_contracts
from ..domain.errors import HtxError
from ..http.admin.contracts import contract_from
from ..http.core.body import Body
from .options import (
    BY_NAME,
    CONFIG_ENV,
    DEFAULT_HOST,
    DEFAULT_INDEX,
    DEFAULT_MAX_CONNECTIONS_PER_IP,
    DEFAULT_ORDER_RETENTION_MS,
    DEFAULT_PORT,
    DEFAULT_STRATEGY_LIMITS,
    MAKER_OPTIONS,
    MAKER_TABLE,
    OPTIONS,
    Option,
    add_arguments,
)

__all__ = ["ConfigError", "MakerConfig", "ServeConfig", "add_arguments", "resolve"]
LogFormat = Literal["text", "json"]
Durability = Literal["normal", "full"]


class ConfigError(Exception):
    """A setting that cannot be used; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class MakerConfig:
    """The built-in market maker; None leaves a setting at the maker's own default."""

    enabled: bool = False
    spread: int | None = None
    """Ticks from the reference price to the nearest bid and ask."""
    depth: int | None = None
    """Levels of bids and of asks on each contract."""
    size: int | None = None
    """Contracts per level."""
    seed: int | None = None
    """Seed of the reference prices' random walk."""


@dataclass(frozen=True, slots=True)
class ServeConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path | None = None
    """None: the per-user data directory (see default_data_dir)."""
    database_url: str | None = None
    durability: Durability = "normal"
    admin_token: str | None = None
    """None: generated once and kept in <data-dir>/admin-token. When admin_token_file is given,
    that file's content (resolve() reads it)."""
    admin_token_file: Path | None = None
    max_connections_per_ip: int = DEFAULT_MAX_CONNECTIONS_PER_IP
    rate_limit: bool = True
    demo: bool = False
    log_format: LogFormat = "text"
    access_log: bool = True
    ws_relay: bool = True
    """Hand WebSocket connections to the socket relay (http/relay) where the platform can."""
    order_retention: int = DEFAULT_ORDER_RETENTION_MS
    """Milliseconds a finished order stays in memory (storage keeps it for good)."""
    max_strategy_orders: int = DEFAULT_STRATEGY_LIMITS.per_contract
    max_strategy_orders_total: int = DEFAULT_STRATEGY_LIMITS.platform
    settlement_window: int = 0
    """Milliseconds each funding settlement halts trading (0: none)."""
    index_seed: int | None = None
    """None: the maker's seed, else the price source's default."""
    index_step: int = DEFAULT_INDEX.step_ticks
    index_interval: int = DEFAULT_INDEX.interval_ms
    """Milliseconds between two steps of the index walk."""
    market_maker: MakerConfig = field(default_factory=MakerConfig)
    contracts: tuple[Contract, ...] = ()
    """Contracts to list at start when the exchange does not have them yet."""
    fixtures: Path | None = None
    """A fixtures file (service/fixtures.py): applied to a new exchange, and the reset's."""

    @property
    def no_rate_limit(self) -> bool:
        return not self.rate_limit

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()


def default_data_dir() -> Path:
    """The per-user data directory ($XDG_DATA_HOME/htx-sandbox, else ~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "htx-sandbox"


def resolve(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ServeConfig:
    """The settings from flags, then the environment, then the config file, then defaults."""
    env = os.environ if environ is None else environ
    toml = load_config(args.config, env)
    chosen = pick(OPTIONS, args, env, toml.values)
    maker = {
        option.table_key: chosen.pop(option.name)
        for option in MAKER_OPTIONS
        if option.table_key is not None and option.name in chosen
    }
    return ServeConfig(**chosen, market_maker=MakerConfig(**maker), contracts=toml.contracts)


def pick(
    options: Iterable[Option],
    args: argparse.Namespace,
    env: Mapping[str, str],
    from_toml: Mapping[str, Any],
) -> dict[str, Any]:
    """Each option's value from its flag, else its variable, else the file; options given
    nowhere are left out. admin_token_file, when chosen, also gives admin_token its content."""
    chosen: dict[str, Any] = {}
    for option in options:
        value = getattr(args, option.name, None)
        if value is None:
            value = _from_environment(option, env)
        if value is None:
            value = from_toml.get(option.name)
        if value is not None:
            chosen[option.name] = value
    if chosen.get("admin_token_file") is not None:
        if chosen.get("admin_token") is not None:
            raise ConfigError("give admin_token or admin_token_file, not both")
        chosen["admin_token"] = read_token_file(chosen["admin_token_file"])
    return chosen


def _from_environment(option: Option, env: Mapping[str, str]) -> object:
    given = [name for name in option.env_names if env.get(name) is not None]
    if len(given) > 1:
        raise ConfigError(f"give {' or '.join(given)}, not both")
    if not given:
        return None
    try:
        value = option.parse(env[given[0]])
    except ValueError as error:
        raise ConfigError(f"{given[0]}: {error}") from None
    return value if given[0] == option.env else not value


def read_token_file(path: Path) -> str:
    """The token a file holds, stripped; an unreadable or empty file is a one-line error."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"cannot read admin token file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"admin token file {path}: not UTF-8 text") from None
    if not token:
        raise ConfigError(f"admin token file {path} is empty")
    return token


@dataclass(slots=True)
class TomlConfig:
    values: dict[str, Any] = field(default_factory=dict)
    """Parsed settings by option name."""
    contracts: tuple[Contract, ...] = ()


def load_config(given: Path | None, env: Mapping[str, str]) -> TomlConfig:
    """The TOML file of --config, else of HTX_SANDBOX_CONFIG; nothing when neither names one."""
    path = given
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV]).expanduser()
    return _load_toml(path) if path is not None else TomlConfig()


def _load_toml(path: Path) -> TomlConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path}: not UTF-8 text") from None
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path}: {error}") from None
    where = f"config file {path}"
    inverses = {option.inverse: option for option in OPTIONS if option.inverse is not None}
    parsed = TomlConfig()
    given: dict[str, str] = {}  # option name -> the key that gave it

    def put(option: Option, key: str, value: object, negated: bool = False) -> None:
        if option.name in given:
            raise ConfigError(f"{where}: give {given[option.name]} or {key}, not both")
        try:
            parsed.values[option.name] = option.parse(value)
        except ValueError as error:
            raise ConfigError(f"{where}: {key}: {error}") from None
        if negated:
            parsed.values[option.name] = not parsed.values[option.name]
        given[option.name] = key

    for key, value in document.items():
        if key == "contracts":
            parsed.contracts = _contracts(value, where)
        elif key == MAKER_TABLE and isinstance(value, dict):
            table = {option.table_key: option for option in MAKER_OPTIONS}
            for inner, item in value.items():
                if inner not in table:
                    raise ConfigError(f"{where}: {MAKER_TABLE}: unknown setting {inner!r}")
                put(table[inner], f"{MAKER_TABLE}.{inner}", item)
        elif key in BY_NAME:
            put(BY_NAME[key], key, value)
        elif key in inverses:
            put(inverses[key], key, value, negated=True)
        else:
            raise ConfigError(f"{where}: unknown setting {key!r}")
    for key in ("data_dir", "admin_token_file"):
        relative = parsed.values.get(key)
        if isinstance(relative, Path) and not relative.is_absolute():
            # Relative to the file, so the config means the same from any working directory.
            parsed.values[key] = path.parent / relative
    return parsed


_REQUIRED = ("symbol", "contract_size", "price_tick", "reference_price")
_CONTRACT_FIELDS = frozenset({
    "contract_code", "symbol", "contract_size", "price_tick", "reference_price",
    "contract_status", "create_date", "max_order_volume", "max_open_orders", "lever_rates",
    "maker_fee_rate", "taker_fee_rate", "price_limit_rate", "buy_limit", "sell_limit",
    "adjust_factors",
})  # fmt: skip


def _contracts(value: object, where: str) -> tuple[Contract, ...]:
    """[[contracts]] entries: a full contract to list, or just the contract_code of a
    contract the sandbox lists by default."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: contracts: expected [[contracts]] tables")
    defaults = {contract.contract_code for contract in default_contracts()}
    out: list[Contract] = []
    seen: set[str] = set()
    for number, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: contracts entry {number}: expected a table")
        code = entry.get("contract_code")
        if not isinstance(code, str) or not code.strip():
            raise ConfigError(f"{where}: contracts entry {number}: missing contract_code")
        code = code.strip().upper()
        name = f"{where}: contract {code}"
        if code in seen:
            raise ConfigError(f"{name}: listed twice")
        seen.add(code)
        for key in entry:
            if key not in _CONTRACT_FIELDS:
                raise ConfigError(f"{name}: unknown field {key!r}")
        if entry.keys() == {"contract_code"}:
            if code not in defaults:
                raise ConfigError(
                    f"{name}: unknown contract (give {', '.join(_REQUIRED)} to list it)"
                )
            continue
        # The admin API's own checks, so a config file cannot list what the API would refuse.
        fields = {k: str(v) if isinstance(v, float) else v for k, v in entry.items()}
        try:
            out.append(contract_from(Body(fields), date.today().strftime("%Y%m%d")))
        except HtxError as error:
            raise ConfigError(f"{name}: {error.message('en')}") from None
    return tuple(out)
