"""The admin commands (`accounts`, `keys`, `contracts`, `orders`, `prices`) over the sandbox's
admin API.

Each command is one request through htx_sandbox.client.AdminClient (the admin token as a bearer
token). Output
is an aligned table by default, or the answer's data as JSON with --json. Every failure is one
line: the server cannot be reached, the token is refused, or the server's HTX error
("1014 This contract doesnt exist.").
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias

import httpx
import msgspec

from ..client import AdminClient, ApiKey, HtxApiError, HtxHttpError, UnexpectedResponse
from . import tables
from .config import ConfigError, default_data_dir, load_config, pick
from .options import BY_NAME, DEFAULT_HOST, DEFAULT_PORT, add_config_argument, add_flag
from .serve import ADMIN_TOKEN_FILE, CommandError
from .values import argtype, decimal_value, integer, positive_decimal, positive_integer

DEFAULT_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
URL_ENV = "HTX_SANDBOX_URL"
TIMEOUT_S = 10.0
CONNECTION = ("host", "port", "data_dir", "admin_token", "admin_token_file")
"""The settings of `serve` that tell where it listens and which admin token it takes."""


Action = Callable[[AdminClient, argparse.Namespace], Any]
"""One admin command: what it asks the AdminClient, given the parsed arguments."""
Render = Callable[[Any], str]


# -- argument types: one-line usage errors for bad values --------------------------------------


def _permissions_value(value: object) -> list[str]:
    items = [item.strip().lower() for item in str(value).split(",") if item.strip()]
    unknown = [item for item in items if item not in ("read", "trade")]
    if not items or unknown:
        raise ValueError(f"expected read, trade or read,trade, got {value!r}")
    return sorted(set(items))


UID = argtype(positive_integer, "uid")
AMOUNT = argtype(positive_decimal, "amount")
DECIMAL = argtype(decimal_value, "number")
POSITIVE = argtype(positive_decimal, "number")
INTEGER = argtype(integer, "integer")
PERMISSIONS = argtype(_permissions_value, "permissions")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument(
        "--url",
        default=None,
        help=f"the sandbox's address (default ${URL_ENV}, else host and port as serve takes "
        f"them, else {DEFAULT_URL})",
    )
    add_config_argument(group)
    add_flag(
        group,
        BY_NAME["admin_token"],
        help_text=f"(default ${BY_NAME['admin_token'].env}, the config file's admin_token or "
        f"admin_token_file, else the data directory's {ADMIN_TOKEN_FILE} file)",
    )
    add_flag(group, BY_NAME["admin_token_file"])
    add_flag(
        group,
        BY_NAME["data_dir"],
        help_text="where serve keeps its admin-token file (default: the per-user data directory)",
    )
    group.add_argument("--json", action="store_true", help="print the answer's data as JSON")
    return common


SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def command_group(commands: SubParsers, name: str, help_text: str) -> SubParsers:
    """`htx-sandbox NAME COMMAND ...`: NAME alone prints its usage and fails."""
    parser = commands.add_parser(name, help=help_text)
    parser.set_defaults(command=_missing_subcommand(parser))
    return parser.add_subparsers(title="commands", metavar="COMMAND")


def command_leaf(
    parent: SubParsers,
    name: str,
    help_text: str,
    action: Action,
    render: Render,
    common: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """A command that calls the admin API (`action`) and prints its answer (`render`), with
    the options every such command takes (`common`: URL, token, --json ...)."""
    parser = parent.add_parser(name, help=help_text, parents=[common])
    parser.set_defaults(command=_command(action, render))
    return parser


def add_parsers(commands: SubParsers) -> None:
    common = _common()

    def group(name: str, help_text: str) -> SubParsers:
        return command_group(commands, name, help_text)

    def leaf(
        parent: SubParsers, name: str, help_text: str, action: Action, render: Render
    ) -> argparse.ArgumentParser:
        return command_leaf(parent, name, help_text, action, render, common)

    accounts = group("accounts", "open, list and fund accounts")
    p = leaf(accounts, "create", "open an account", _accounts_create, tables.record)
    p.add_argument("--uid", type=UID, default=None, help="default: the next free UID")
    leaf(accounts, "list", "list accounts and their balances", _accounts_list, tables.accounts)
    p = leaf(accounts, "deposit", "credit an account", _deposit, tables.record)
    p.add_argument("--uid", type=UID, required=True)
    p.add_argument("--symbol", required=True, help="the coin, e.g. BTC")
    p.add_argument("--amount", type=AMOUNT, required=True)

    keys = group("keys", "create, list and disable API keys")
    p = leaf(keys, "create", "create an API key for a UID", _keys_create, tables.record)
    p.add_argument("--uid", type=UID, required=True)
    permissions = p.add_mutually_exclusive_group()
    permissions.add_argument(
        "--read-only", action="store_true", help="read permission only (default: read,trade)"
    )
    permissions.add_argument("--permissions", type=PERMISSIONS, default=None, metavar="LIST")
    p.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="allow only this address (repeat for several; default: any)",
    )
    p.add_argument("--expires-at", type=INTEGER, default=None, metavar="MS")
    p = leaf(keys, "list", "list API keys (never their secrets)", _keys_list, tables.keys)
    p.add_argument("--uid", type=UID, default=None)
    p = leaf(keys, "disable", "disable an API key", _keys_disable, tables.record)
    p.add_argument("access_key", metavar="ACCESS_KEY")

    contracts = group("contracts", "list, add and change contracts")
    leaf(contracts, "list", "list contracts", _contracts_list, tables.contracts)
    p = leaf(contracts, "add", "list a new contract", _contracts_add, tables.record)
    p.add_argument("--code", required=True, help="contract code, e.g. XRP-USD")
    p.add_argument("--symbol", required=True, help="the coin, e.g. XRP")
    p.add_argument("--contract-size", type=POSITIVE, required=True, metavar="USD")
    p.add_argument("--price-tick", type=POSITIVE, required=True)
    p.add_argument("--reference-price", type=POSITIVE, required=True)
    p = leaf(contracts, "set",
             "change a contract's status, reference price, price limit rate or position limits",
             _contracts_set, tables.record)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p.add_argument("--status", type=INTEGER, default=None, help="HTX's contract_status")
    p.add_argument("--reference-price", type=DECIMAL, default=None)
    p.add_argument(
        "--price-limit-rate",
        type=DECIMAL,
        default=None,
        metavar="RATE",
        help="the price band's half-width around the index, e.g. 0.06",
    )
    for side, held in (("buy", "long"), ("sell", "short")):
        p.add_argument(f"--{side}-limit", type=INTEGER, default=None, metavar="CONT",
                       help=f"most contracts one UID may hold {held} (0: no limit)")  # fmt: skip

    prices = group("prices", "set and show index prices")
    p = leaf(prices, "set", "hold a contract's index at a price", _prices_set, tables.index_price)
    p.add_argument("code", metavar="CODE")
    p.add_argument("price", type=POSITIVE, metavar="PRICE")
    p = leaf(prices, "path", "follow (ms, price) points from a CSV file", _prices_path,
             tables.index_price)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p.add_argument("file", type=Path, metavar="FILE", help="rows of ms,price (- reads stdin)")
    p = leaf(prices, "walk", "send a contract's index back to the random walk", _prices_walk,
             tables.index_price)  # fmt: skip
    p.add_argument("code", metavar="CODE")
    p = leaf(prices, "show", "show index prices and how they move", _prices_show,
             tables.index_prices)  # fmt: skip
    p.add_argument("code", metavar="CODE", nargs="?", default=None)
    from .controls import add_play  # the test controls' module builds on this one

    add_play(prices, common)

    orders = group("orders", "inspect and cancel orders")
    p = leaf(orders, "list", "list a UID's open orders", _orders_list, tables.orders)
    p.add_argument("--uid", type=UID, required=True)
    p.add_argument("--contract", default=None, metavar="CODE")
    p = leaf(orders, "cancel-all", "cancel a UID's open orders on a contract, as its "
             "swap_cancelall would", _orders_cancel_all, tables.record)  # fmt: skip
    p.add_argument("--uid", type=UID, required=True)
    p.add_argument("--contract", required=True, metavar="CODE")
    p.add_argument("--direction", choices=("buy", "sell"), default=None)
    p.add_argument("--offset", choices=("open", "close"), default=None)

    p = commands.add_parser(
        "reset",
        help="empty the exchange and bring back its fixtures",
        description="Empty the running exchange (its contracts stay) and bring back the "
        "fixtures it was started with (serve --fixtures), or those of --fixtures FILE.",
        parents=[common],
    )
    p.set_defaults(command=_command(_reset, tables.record))
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument("--empty", action="store_true", help="leave out the fixtures")
    chosen.add_argument("--fixtures", type=Path, default=None, metavar="FILE",
                        help="reset to this fixtures file instead (this once)")  # fmt: skip

    snapshots = group("snapshots", "save, list, restore and delete snapshots of the whole state")
    p = leaf(snapshots, "save", "save the whole state under a name", _snapshot_save,
             tables.record)  # fmt: skip
    p.add_argument("name", metavar="NAME")
    leaf(snapshots, "list", "list the snapshots", _snapshot_list, tables.snapshots)
    p = leaf(snapshots, "restore", "bring back a snapshot", _snapshot_restore, tables.record)
    p.add_argument("name", metavar="NAME")
    p = leaf(snapshots, "delete", "forget a snapshot", _snapshot_delete, tables.record)
    p.add_argument("name", metavar="NAME")


def _missing_subcommand(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        parser.error("a command is required")

    return run


# -- the commands ------------------------------------------------------------------------------


def _accounts_create(admin: AdminClient, args: argparse.Namespace) -> Any:
    return {"uid": admin.create_account(args.uid)}


def _accounts_list(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.list_accounts()


def _deposit(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.deposit(args.uid, args.symbol.upper(), args.amount)


def _keys_create(admin: AdminClient, args: argparse.Namespace) -> Any:
    permissions = ["read"] if args.read_only else args.permissions or ["read", "trade"]
    addresses = [a.strip() for item in args.ip for a in item.split(",") if a.strip()]
    return admin.create_api_key(
        args.uid, permissions, ip_whitelist=addresses or None, expires_at=args.expires_at
    )


def _keys_list(admin: AdminClient, args: argparse.Namespace) -> Any:
    return [_without_secret(key) for key in admin.list_api_keys(args.uid)]


def _keys_disable(admin: AdminClient, args: argparse.Namespace) -> Any:
    return _without_secret(admin.disable_api_key(args.access_key))


def _without_secret(key: ApiKey) -> dict[str, Any]:
    """A listed key: the secret is only ever shown once, in the answer to its creation."""
    data: dict[str, Any] = msgspec.to_builtins(key, builtin_types=(Decimal,))
    data.pop("secret_key", None)
    return data


def _contracts_list(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.list_contracts()


def _contracts_add(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.add_contract(
        args.code.upper(),
        symbol=args.symbol.upper(),
        contract_size=args.contract_size,
        price_tick=args.price_tick,
        reference_price=args.reference_price,
    )


def _contracts_set(admin: AdminClient, args: argparse.Namespace) -> Any:
    changes = (
        args.status, args.reference_price, args.price_limit_rate, args.buy_limit, args.sell_limit
    )  # fmt: skip
    if all(change is None for change in changes):
        raise CommandError(
            "contracts set: give --status, --reference-price, --price-limit-rate, --buy-limit"
            " and/or --sell-limit"
        )
    return admin.set_contract(
        args.code.upper(), contract_status=args.status, reference_price=args.reference_price,
        price_limit_rate=args.price_limit_rate, buy_limit=args.buy_limit,
        sell_limit=args.sell_limit,
    )  # fmt: skip


def _prices_set(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.set_index_price(args.code.upper(), args.price)


def _prices_path(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.set_index_path(args.code.upper(), read_path(args.file))


def _prices_walk(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.walk_index(args.code.upper())


def _prices_show(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.list_index_prices(args.code.upper() if args.code else None)


def read_path(file: Path) -> list[tuple[int, Decimal]]:
    """(ms, price) rows of a CSV file: a header row, blank lines and # comments are skipped.
    The server checks the rest (ascending times, bounds, at most 1000 points)."""
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{file}: not UTF-8 text") from None
    points: list[tuple[int, Decimal]] = []
    header = True  # the first row may name the columns
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header and not cells[0].isdigit():
            header = False
            continue
        header = False
        try:
            if len(cells) != 2 or not (cells[0].isascii() and cells[0].isdigit()):
                raise ValueError
            points.append((int(cells[0]), decimal_value(cells[1])))
        except ValueError:
            raise CommandError(f"{file} line {number}: expected ms,price, got {row!r}") from None
    if not points:
        raise CommandError(f"{file}: no ms,price rows")
    return points


def _orders_list(admin: AdminClient, args: argparse.Namespace) -> Any:
    code = args.contract.upper() if args.contract else None
    return admin.list_orders(args.uid, code)


def _orders_cancel_all(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.cancel_all(
        args.uid, args.contract.upper(), direction=args.direction, offset=args.offset
    )


def _reset(admin: AdminClient, args: argparse.Namespace) -> Any:
    text = None
    if args.fixtures is not None:
        try:
            text = args.fixtures.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {args.fixtures}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{args.fixtures}: not UTF-8 text") from None
    answer = admin.reset(empty=args.empty, fixtures=text)
    source = str(args.fixtures) if text is not None else answer.fixtures
    return {"fixtures": source}


def _snapshot_save(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.save_snapshot(args.name)


def _snapshot_list(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.list_snapshots()


def _snapshot_restore(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.restore_snapshot(args.name)


def _snapshot_delete(admin: AdminClient, args: argparse.Namespace) -> Any:
    admin.delete_snapshot(args.name)
    return {"deleted": args.name}


# -- running a command -------------------------------------------------------------------------

_json = msgspec.json.Encoder(decimal_format="number")


def _command(action: Action, render: Render) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        url, token = connection(args, os.environ)
        # Plain data with Decimals kept exact: --json prints them as JSON numbers.
        data = msgspec.to_builtins(call(url, token, action, args), builtin_types=(Decimal,))
        if args.json:
            print(msgspec.json.format(_json.encode(data), indent=2).decode())
        else:
            text = render(data)
            if text:
                print(text)
        return 0

    return run


def connection(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, str]:
    """The URL and the admin token: from the flags, the environment and the config file, as
    serve reads its own (--url and $HTX_SANDBOX_URL first, for a server elsewhere)."""
    try:
        toml = load_config(args.config, env)
        chosen = pick((BY_NAME[name] for name in CONNECTION), args, env, toml.values)
    except ConfigError as error:
        raise CommandError(str(error)) from None
    url = args.url or env.get(URL_ENV) or local_url(
        chosen.get("host", DEFAULT_HOST), chosen.get("port", DEFAULT_PORT)
    )
    token = chosen.get("admin_token") or kept_token(chosen.get("data_dir"))
    return url.rstrip("/"), token


def local_url(host: str, port: int) -> str:
    """Where a serve bound to host:port answers on this machine (a wildcard is loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def kept_token(data_dir: Path | None) -> str:
    """The token serve generated and keeps in the data directory."""
    path = (data_dir or default_data_dir()).expanduser() / ADMIN_TOKEN_FILE
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise CommandError(
            f"no admin token: {path} does not exist (pass --admin-token, or --data-dir "
            "where serve keeps it)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not text"
        raise CommandError(f"cannot read admin token file {path}: {reason}") from None
    if not token:
        raise CommandError(f"no admin token: {path} is empty")
    return token


def call(url: str, token: str, action: Action, args: argparse.Namespace) -> Any:
    """Run the action on an AdminClient; every failure becomes a one-line CommandError."""
    timeout = getattr(args, "timeout_s", TIMEOUT_S)  # a command that waits longer sets it
    try:
        with AdminClient(url, token, timeout=timeout) as admin:
            return action(admin, args)
    except HtxApiError as error:
        raise CommandError(f"{error.err_code} {error.err_msg}") from None
    except (HtxHttpError, UnexpectedResponse) as error:
        raise CommandError(f"unexpected answer from {url}: {_one_line(str(error))}") from None
    except httpx.InvalidURL as error:
        raise CommandError(f"invalid --url {url!r}: {error}") from None
    except httpx.UnsupportedProtocol:
        raise CommandError(f"invalid --url {url!r}: use http:// or https://") from None
    except httpx.TimeoutException:
        raise CommandError(f"no answer from {url} within {timeout:g} s") from None
    except httpx.TransportError as error:
        raise CommandError(f"cannot reach {url}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    # "[Errno 111] Connection refused" -> "Connection refused"
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]
    return _one_line(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())
