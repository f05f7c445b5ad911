"""`htx-sandbox serve` settings: flags, then HTX_SANDBOX_* environment variables, then an optional
TOML file (--config PATH or HTX_SANDBOX_CONFIG), then defaults.

Everything is read and checked here, before the server binds a port or touches the data
directory: a bad setting is one line naming it, and nothing on disk changes.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from ..domain.contracts import Contract, default_contracts
from ..domain.errors import HtxError
from ..http.admin.contracts import contract_from
from ..http.core.body import Body
from ..http.core.guard import HttpLimits

ENV_PREFIX = "HTX_SANDBOX_"
CONFIG_ENV = "HTX_SANDBOX_CONFIG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_CONNECTIONS_PER_IP = HttpLimits().max_connections_per_ip
SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
DEFAULT_ORDER_RETENTION_MS = 2 * HOUR_MS
"""HTX keeps cancelled unfilled orders queryable for 2 hours."""
MIN_ORDER_RETENTION_MS = MINUTE_MS
MAX_ORDER_RETENTION_MS = 7 * DAY_MS
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
    no_rate_limit: bool = False
    demo: bool = False
    log_format: LogFormat = "text"
    order_retention: int = DEFAULT_ORDER_RETENTION_MS
    """Milliseconds a finished order stays in memory (storage keeps it for good)."""
    market_maker: MakerConfig = field(default_factory=MakerConfig)
    contracts: tuple[Contract, ...] = ()
    """Contracts to list at start when the exchange does not have them yet."""

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()


def default_data_dir() -> Path:
    """The per-user data directory ($XDG_DATA_HOME/htx-sandbox, else ~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "htx-sandbox"


# -- value parsers: each takes what a source gave and returns the typed value or raises ValueError


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _port(value: object) -> int:
    number = integer(value)
    if not 0 <= number <= 65535:
        raise ValueError(f"expected a port number 0-65535, got {number}")
    return number


def integer(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected an integer, got {value!r}")


def positive_integer(value: object) -> int:
    number = integer(value)
    if number <= 0:
        raise ValueError(f"expected a positive integer, got {number}")
    return number


def decimal_value(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    else:
        raise ValueError(f"expected a number, got {value!r}")
    if not number.is_finite():
        raise ValueError(f"expected a number, got {value!r}")
    return number


def positive_decimal(value: object) -> Decimal:
    number = decimal_value(value)
    if number <= 0:
        raise ValueError(f"expected a positive number, got {value}")
    return number


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise ValueError(f"expected true or false, got {value!r}")


_DURATION_UNITS = {"ms": 1, "s": SECOND_MS, "m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS}


def duration_ms(value: object) -> int:
    """A duration: an integer of milliseconds, or a number with a unit (90s, 30m, 2h, 1.5d)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = _DURATION_UNITS.get(text[len(digits) :] or "ms")
        try:
            amount = Decimal(digits.strip())
        except InvalidOperation:
            amount = None
        # adjusted(): a huge exponent (1e999999999) must not become a billion-digit int.
        if unit is not None and amount is not None and amount.is_finite() and (
            amount.adjusted() < 18
        ):
            milliseconds = amount * unit
            if milliseconds == milliseconds.to_integral_value():
                return int(milliseconds)
    raise ValueError(f"expected a duration such as 90s, 30m, 2h or milliseconds, got {value!r}")


def _order_retention(value: object) -> int:
    milliseconds = duration_ms(value)
    if not MIN_ORDER_RETENTION_MS <= milliseconds <= MAX_ORDER_RETENTION_MS:
        raise ValueError(
            f"expected a duration from 1m to 7d, got {value!r} ({milliseconds} ms)"
        )
    return milliseconds


def _choice(*choices: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")

    return parse


def _path(value: object) -> Path:
    return Path(_text(value)).expanduser()


@dataclass(frozen=True, slots=True)
class _Option:
    name: str
    parse: Callable[[object], Any]

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


_OPTIONS = (
    _Option("host", _text),
    _Option("port", _port),
    _Option("data_dir", _path),
    _Option("database_url", _text),
    _Option("durability", _choice("normal", "full")),
    _Option("admin_token", _text),
    _Option("admin_token_file", _path),
    _Option("max_connections_per_ip", positive_integer),
    _Option("no_rate_limit", _boolean),
    _Option("demo", _boolean),
    _Option("log_format", _choice("text", "json")),
    _Option("order_retention", _order_retention),
)
_MAKER_OPTIONS = (
    _Option("enabled", _boolean),
    _Option("spread", positive_integer),
    _Option("depth", positive_integer),
    _Option("size", positive_integer),
    _Option("seed", integer),
)
_MAKER_ENV = {
    "enabled": "HTX_SANDBOX_MARKET_MAKER",
    "spread": "HTX_SANDBOX_MAKER_SPREAD",
    "depth": "HTX_SANDBOX_MAKER_DEPTH",
    "size": "HTX_SANDBOX_MAKER_SIZE",
    "seed": "HTX_SANDBOX_MAKER_SEED",
}
_MAKER_FLAGS = {
    "enabled": "market_maker",
    "spread": "maker_spread",
    "depth": "maker_depth",
    "size": "maker_size",
    "seed": "maker_seed",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serve flags. Every default is None so that an absent flag lets the environment and
    the config file speak; types are checked here so a bad flag is argparse's usage error."""
    add = parser.add_argument
    add("--config", type=Path, default=None, metavar="PATH", help="a TOML file of settings")
    add(
        "--host",
        type=argtype(_text),
        default=None,
        help=f"address to listen on (default {DEFAULT_HOST})",
    )
    add("--port", type=argtype(_port), default=None, help=f"(default {DEFAULT_PORT})")
    add("--data-dir", type=argtype(_path), default=None, help="where the SQLite file lives")
    add(
        "--database-url",
        type=argtype(_text),
        default=None,
        help="postgresql://... instead of SQLite",
    )
    add(
        "--durability",
        choices=("normal", "full"),
        default=None,
        help="normal survives a process crash; full also survives power loss",
    )
    add(
        "--admin-token",
        type=argtype(_text),
        default=None,
        help="bearer token of the admin API (default: generated); visible in `ps` to other "
        "users: prefer HTX_SANDBOX_ADMIN_TOKEN or --admin-token-file on a shared machine",
    )
    add(
        "--admin-token-file",
        type=argtype(_path),
        default=None,
        metavar="PATH",
        help="read the admin API's bearer token from this file",
    )
    add(
        "--max-connections-per-ip",
        type=argtype(positive_integer),
        default=None,
        metavar="N",
        help="open connections one client address may hold; more are closed at once "
        f"(default {DEFAULT_MAX_CONNECTIONS_PER_IP})",
    )
    add(
        "--no-rate-limit",
        action="store_const",
        const=True,
        default=None,
        help="switch HTX's rate limits off (load tests)",
    )
    add(
        "--demo",
        action="store_const",
        const=True,
        default=None,
        help="create a funded demo account and key, and start the market maker",
    )
    add("--log-format", choices=("text", "json"), default=None, help="(default text)")
    add(
        "--order-retention",
        type=argtype(_order_retention, "duration"),
        default=None,
        metavar="DURATION",
        help="how long finished orders stay in memory, 1m to 7d, e.g. 90s, 30m, 2h or "
        "milliseconds (default 2h, as HTX keeps cancelled orders queryable); storage keeps "
        "them for good",
    )
    maker = parser.add_argument_group("market maker")
    maker.add_argument(
        "--market-maker",
        action="store_const",
        const=True,
        default=None,
        help="quote bids and asks on every contract",
    )
    maker.add_argument(
        "--maker-spread",
        type=argtype(positive_integer),
        default=None,
        metavar="TICKS",
        help="ticks from the reference price to the nearest bid and ask",
    )
    maker.add_argument(
        "--maker-depth",
        type=argtype(positive_integer),
        default=None,
        metavar="LEVELS",
        help="levels of bids and of asks on each contract",
    )
    maker.add_argument(
        "--maker-size",
        type=argtype(positive_integer),
        default=None,
        metavar="CONTRACTS",
        help="contracts per level",
    )
    maker.add_argument(
        "--maker-seed",
        type=argtype(integer),
        default=None,
        metavar="N",
        help="seed of the reference prices' random walk",
    )


def argtype(parse: Callable[[object], Any], name: str | None = None) -> Callable[[str], Any]:
    """A value parser as an argparse type: a ValueError becomes a one-line usage error."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = name or parse.__name__.strip("_")
    return convert


def resolve(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ServeConfig:
    """The settings from flags, then the environment, then the config file, then defaults."""
    env = os.environ if environ is None else environ
    config_path: Path | None = args.config
    if config_path is None and env.get(CONFIG_ENV):
        config_path = Path(env[CONFIG_ENV]).expanduser()
    toml = _load_toml(config_path) if config_path is not None else _TomlConfig()

    values: dict[str, Any] = {}
    for option in _OPTIONS:
        value = _pick(
            getattr(args, option.name),
            option,
            option.env,
            env,
            toml.values.get(option.name),
        )
        if value is not None:
            values[option.name] = value
    if values.get("admin_token_file") is not None:
        if values.get("admin_token") is not None:
            raise ConfigError("give admin_token or admin_token_file, not both")
        values["admin_token"] = read_token_file(values["admin_token_file"])
    maker: dict[str, Any] = {}
    for option in _MAKER_OPTIONS:
        value = _pick(
            getattr(args, _MAKER_FLAGS[option.name]),
            option,
            _MAKER_ENV[option.name],
            env,
            toml.maker.get(option.name),
        )
        if value is not None:
            maker[option.name] = value
    return ServeConfig(**values, market_maker=MakerConfig(**maker), contracts=toml.contracts)


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


def _pick(
    flag: object, option: _Option, env_name: str, env: Mapping[str, str], from_toml: object
) -> object:
    if flag is not None:
        return flag
    raw = env.get(env_name)
    if raw is not None:
        try:
            return option.parse(raw)
        except ValueError as error:
            raise ConfigError(f"{env_name}: {error}") from None
    return from_toml


@dataclass(slots=True)
class _TomlConfig:
    values: dict[str, Any] = field(default_factory=dict)
    maker: dict[str, Any] = field(default_factory=dict)
    contracts: tuple[Contract, ...] = ()


def _load_toml(path: Path) -> _TomlConfig:
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
    known = {option.name: option for option in _OPTIONS}
    parsed = _TomlConfig()
    for key, value in document.items():
        if key == "contracts":
            parsed.contracts = _contracts(value, where)
        elif key == "market_maker":
            parsed.maker = _maker_table(value, where)
        elif key in known:
            try:
                parsed.values[key] = known[key].parse(value)
            except ValueError as error:
                raise ConfigError(f"{where}: {key}: {error}") from None
        else:
            raise ConfigError(f"{where}: unknown setting {key!r}")
    for key in ("data_dir", "admin_token_file"):
        relative = parsed.values.get(key)
        if isinstance(relative, Path) and not relative.is_absolute():
            # Relative to the file, so the config means the same from any working directory.
            parsed.values[key] = path.parent / relative
    return parsed


def _maker_table(value: object, where: str) -> dict[str, Any]:
    """`market_maker = true`, or a [market_maker] table of enabled, spread, depth, size, seed."""
    if isinstance(value, bool):
        return {"enabled": value}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: market_maker: expected true, false or a table")
    known = {option.name: option for option in _MAKER_OPTIONS}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in known:
            raise ConfigError(f"{where}: market_maker: unknown setting {key!r}")
        try:
            out[key] = known[key].parse(item)
        except ValueError as error:
            raise ConfigError(f"{where}: market_maker.{key}: {error}") from None
    return out


_REQUIRED = ("symbol", "contract_size", "price_tick", "reference_price")
_CONTRACT_FIELDS = frozenset({
    "contract_code", "symbol", "contract_size", "price_tick", "reference_price",
    "contract_status", "create_date", "max_order_volume", "max_open_orders", "lever_rates",
    "maker_fee_rate", "taker_fee_rate",
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
