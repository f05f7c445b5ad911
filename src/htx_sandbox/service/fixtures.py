"""Fixtures: the state a test run starts from, in a TOML file (`serve --fixtures FILE`, and the
reset brings the exchange back to them): accounts with fixed uids and balances, API keys with
fixed access and secret keys, positions and resting orders.

    [[accounts]]
    uid = 10000001
    balances = { BTC = "10", ETH = "100" }

    [[accounts.api_keys]]
    access_key = "ak-1"
    secret_key = "sk-1"
    permissions = ["read", "trade"]

    [[accounts.positions]]
    contract_code = "BTC-USD"
    direction = "buy"          # buy: long, sell: short
    volume = 10
    price = "60000"            # the open price
    lever_rate = 10

    [[accounts.orders]]
    contract_code = "BTC-USD"
    direction = "sell"
    offset = "open"
    volume = 5
    price = "62000"
    lever_rate = 10

A file is read whole and checked whole before anything changes: every field against its bounds,
then every command on a scratch exchange of the same contracts (the domain is deterministic, so
what the scratch exchange accepts the real one accepts after a reset). Any fault is one
FixturesError naming the file, the account and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..domain import bounds
from ..domain.commands import Command, Deposit, OpenUser, PlaceOrder, SeedPosition
from ..domain.contracts import ContractRegistry
from ..domain.exchange import Exchange
from ..domain.types import UID, ClientOrderId, Direction, Millis, Offset, OrderPriceType
from .api_keys import PERMISSIONS, CreateApiKey

RESERVED_UIDS = range(9_000_000, 10_000_000)
"""The sandbox's own accounts (the market maker's): never a fixture's."""
MAX_UID = 2**63 - 1
KEY_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""Access and secret keys: printable, no spaces, at most 64 characters."""
MAX_ACCOUNTS = 10_000
MAX_ITEMS = 1_000
"""Per account: keys, positions, orders each."""
MAX_FILE_BYTES = 4 * 1024 * 1024


class FixturesError(ValueError):
    """A fixtures file that cannot be used, in one line; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Fixtures:
    """The commands that build the fixtures' state on an empty exchange, in order."""

    source: str
    """The file (or "request") they came from, for messages."""
    commands: tuple[Command | CreateApiKey, ...]

    @property
    def exchange_commands(self) -> list[Command]:
        return [c for c in self.commands if not isinstance(c, CreateApiKey)]


def load(path: Path) -> Fixtures:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FixturesError(f"{path}: cannot read: {error.strerror}") from None
    return parse(data, str(path))


def parse(data: bytes, source: str) -> Fixtures:
    """The fixtures of a TOML document, their fields checked (not yet against contracts)."""
    if len(data) > MAX_FILE_BYTES:
        raise FixturesError(f"{source}: larger than {MAX_FILE_BYTES} bytes")
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FixturesError(f"{source}: not a TOML file: {error}") from None
    unknown = set(document) - {"accounts"}
    if unknown:
        raise FixturesError(f'{source}: unknown table "{sorted(unknown)[0]}" (only accounts)')
    accounts = document.get("accounts", [])
    if not isinstance(accounts, list) or len(accounts) > MAX_ACCOUNTS:
        raise FixturesError(f"{source}: accounts must be an array of at most {MAX_ACCOUNTS}")
    commands: list[Command | CreateApiKey] = []
    uids: set[int] = set()
    access_keys: set[str] = set()
    for number, account in enumerate(accounts, 1):
        where = f"{source}: accounts[{number}]"
        commands.extend(_account(account, where, uids, access_keys))
    return Fixtures(source, tuple(commands))


def check(fixtures: Fixtures, contracts: ContractRegistry, now: Millis) -> None:
    """Apply the fixtures' commands to a scratch exchange of `contracts`; FixturesError for
    the first one it refuses."""
    scratch = Exchange(contracts)
    scratch.start_funding_clock(now)
    for command in fixtures.exchange_commands:
        outcome = scratch.execute(command, now)
        if outcome.error is not None:
            raise FixturesError(
                f"{fixtures.source}: {_describe(command)}: refused with "
                f"{outcome.error.code} {outcome.error.message('en')}"
            )


def _describe(command: Command) -> str:
    uid = getattr(command, "uid", "?")
    code = getattr(command, "contract_code", "")
    return f"uid {uid}: {type(command).__name__}{f' on {code}' if code else ''}"


def _account(
    raw: Any, where: str, uids: set[int], access_keys: set[str]
) -> list[Command | CreateApiKey]:
    table = _table(raw, where, {"uid", "balances", "api_keys", "positions", "orders"})
    uid = _integer(table, "uid", where, 1, MAX_UID, required=True)
    if uid in RESERVED_UIDS:
        raise FixturesError(f"{where}: uid {uid} is reserved for the sandbox (its own accounts)")
    if uid in uids:
        raise FixturesError(f"{where}: uid {uid} appears twice")
    uids.add(uid)
    where = f"{where} (uid {uid})"
    user = UID(uid)
    commands: list[Command | CreateApiKey] = [OpenUser(user)]
    balances = table.get("balances", {})
    if not isinstance(balances, dict):
        raise FixturesError(f"{where}: balances must be a table of coin = amount")
    for symbol, amount in balances.items():
        value = _amount(amount, f"{where}: balances.{symbol}")
        if value <= 0 or value > bounds.MAX_DEPOSIT:
            raise FixturesError(f"{where}: balances.{symbol} must be above 0 and at most 10^12")
        commands.append(Deposit(user, str(symbol).upper(), value))
    for n, key in enumerate(_items(table, "api_keys", where), 1):
        commands.append(_api_key(key, user, f"{where}: api_keys[{n}]", access_keys))
    for n, position in enumerate(_items(table, "positions", where), 1):
        commands.append(_position(position, user, f"{where}: positions[{n}]"))
    for n, order in enumerate(_items(table, "orders", where), 1):
        commands.append(_order(order, user, f"{where}: orders[{n}]"))
    return commands


def _api_key(raw: Any, uid: UID, where: str, access_keys: set[str]) -> CreateApiKey:
    table = _table(raw, where, {"access_key", "secret_key", "permissions"})
    access, secret = _key(table, "access_key", where), _key(table, "secret_key", where)
    if access in access_keys:
        raise FixturesError(f'{where}: access_key "{access}" appears twice')
    access_keys.add(access)
    permissions = table.get("permissions", ["read", "trade"])
    if (
        not isinstance(permissions, list)
        or not permissions
        or not set(permissions) <= PERMISSIONS
    ):
        raise FixturesError(f"{where}: permissions must be a list of read and trade")
    return CreateApiKey(access, secret, uid, frozenset(permissions))


def _position(raw: Any, uid: UID, where: str) -> SeedPosition:
    fields = {"contract_code", "direction", "volume", "price", "lever_rate"}
    table = _table(raw, where, fields)
    return SeedPosition(
        uid,
        _text(table, "contract_code", where).upper(),
        _direction(table, where),
        _integer(table, "volume", where, 1, bounds.MAX_ORDER_VOLUME, required=True),
        _price(table, where),
        _integer(table, "lever_rate", where, 1, bounds.MAX_LEVER_RATE, required=True),
    )


def _order(raw: Any, uid: UID, where: str) -> PlaceOrder:
    fields = {"contract_code", "direction", "offset", "volume", "price", "lever_rate"}
    table = _table(raw, where, fields | {"client_order_id"})
    offset = _text(table, "offset", where).lower()
    if offset not in ("open", "close"):
        raise FixturesError(f"{where}: offset must be open or close")
    client_order_id = _integer(table, "client_order_id", where, 1, 9_223_372_036_854_775_807)
    return PlaceOrder(
        uid,
        _text(table, "contract_code", where).upper(),
        _direction(table, where),
        Offset(offset),
        _integer(table, "volume", where, 1, bounds.MAX_ORDER_VOLUME, required=True),
        _integer(table, "lever_rate", where, 1, bounds.MAX_LEVER_RATE, required=True),
        OrderPriceType.LIMIT,
        _price(table, where),
        None if client_order_id is None else ClientOrderId(client_order_id),
    )


# -- fields ----------------------------------------------------------------------------------


def _table(raw: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise FixturesError(f"{where}: must be a table")
    unknown = set(raw) - allowed
    if unknown:
        raise FixturesError(f'{where}: unknown field "{sorted(unknown)[0]}"')
    return raw


def _items(table: Mapping[str, Any], name: str, where: str) -> Sequence[Any]:
    items = table.get(name, [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise FixturesError(f"{where}: {name} must be an array of at most {MAX_ITEMS} tables")
    return items


def _integer(
    table: Mapping[str, Any], name: str, where: str, low: int, high: int, *, required: bool = False
) -> Any:
    value = table.get(name)
    if value is None:
        if required:
            raise FixturesError(f"{where}: {name} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FixturesError(f"{where}: {name} must be a whole number from {low} to {high}")
    return value


def _text(table: Mapping[str, Any], name: str, where: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise FixturesError(f"{where}: {name} must be a string")
    return value.strip()


def _key(table: Mapping[str, Any], name: str, where: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise FixturesError(f'{where}: {name} must be 1 to 64 letters, digits, ".", "_" or "-"')
    return value


def _direction(table: Mapping[str, Any], where: str) -> Direction:
    direction = _text(table, "direction", where).lower()
    if direction not in ("buy", "sell"):
        raise FixturesError(f"{where}: direction must be buy or sell")
    return Direction(direction)


def _amount(value: Any, where: str) -> Decimal:
    """A coin amount written as a string or a whole number: a TOML float is binary, so it
    would not say exactly what it means."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FixturesError(f"{where}: write the amount as a string (\"0.5\") or a whole number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise FixturesError(f'{where}: "{value}" is not a number') from None
    if not bounds.within(amount, digits=bounds.MAX_PRICE_DIGITS, places=bounds.COIN_DECIMALS):
        raise FixturesError(f'{where}: "{value}" has too many digits')
    return amount


def _price(table: Mapping[str, Any], where: str) -> Decimal:
    if "price" not in table:
        raise FixturesError(f"{where}: price is missing")
    price = _amount(table["price"], f"{where}: price")
    if price <= 0:
        raise FixturesError(f"{where}: price must be above 0")
    return price
