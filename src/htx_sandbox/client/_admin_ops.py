"""What each call of the sandbox admin API (/sandbox-api/v1/) sends and how its answer is read,
shared by AdminClient and AsyncAdminClient. The admin token travels as a bearer header of the
httpx client, so these Ops are not signed (`private=False`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

from ._ops import _cancel_result
from ._wire import Op, convert, parse_as
from .models import (
    ApiKey,
    Balance,
    CancelResult,
    Order,
    SandboxContract,
    SandboxIndexPrice,
    SandboxReset,
    SandboxSnapshot,
    SandboxUser,
)

T = TypeVar("T")
PREFIX = "/sandbox-api/v1/"
DEFAULT_ADMIN_URL = "http://127.0.0.1:8080"
Amount = Decimal | int | str


def _get(path: str, kind: type[T], params: dict[str, str] | None = None) -> Op[T]:
    return Op("GET", PREFIX + path, parse_as(kind), private=False, params=params)


def _post(path: str, kind: type[T], body: dict[str, Any]) -> Op[T]:
    return Op("POST", PREFIX + path, parse_as(kind), private=False, body=body)


def _uid(data: Any) -> int:
    return convert(data, dict[str, int])["uid"]


# -- accounts --------------------------------------------------------------------------------


def create_account(uid: int | None) -> Op[int]:
    body = {} if uid is None else {"uid": uid}
    return Op("POST", PREFIX + "accounts", _uid, private=False, body=body)


def list_accounts() -> Op[list[SandboxUser]]:
    return _get("accounts", list[SandboxUser])


def deposit(uid: int, symbol: str, amount: Amount) -> Op[Balance]:
    return _post("deposits", Balance, {"uid": uid, "symbol": symbol, "amount": str(amount)})


# -- API keys --------------------------------------------------------------------------------


def create_api_key(
    uid: int,
    permissions: Iterable[str],
    ip_whitelist: Iterable[str] | None,
    expires_at: int | None,
) -> Op[ApiKey]:
    body: dict[str, Any] = {"uid": uid, "permissions": list(permissions)}
    if ip_whitelist is not None:
        body["ip_whitelist"] = list(ip_whitelist)
    if expires_at is not None:
        body["expires_at"] = expires_at
    return _post("api-keys", ApiKey, body)


def list_api_keys(uid: int | None) -> Op[list[ApiKey]]:
    return _get("api-keys", list[ApiKey], None if uid is None else {"uid": str(uid)})


def disable_api_key(access_key: str) -> Op[ApiKey]:
    return _post(f"api-keys/{quote(access_key, safe='')}/disable", ApiKey, {})


# -- contracts -------------------------------------------------------------------------------


def list_contracts() -> Op[list[SandboxContract]]:
    return _get("contracts", list[SandboxContract])


def add_contract(
    contract_code: str,
    symbol: str,
    contract_size: Amount,
    price_tick: Amount,
    reference_price: Amount,
    settings: dict[str, Any],
) -> Op[SandboxContract]:
    body = {
        "contract_code": contract_code,
        "symbol": symbol,
        "contract_size": str(contract_size),
        "price_tick": str(price_tick),
        "reference_price": str(reference_price),
        **{k: str(v) if isinstance(v, Decimal) else v for k, v in settings.items()},
    }
    return _post("contracts", SandboxContract, body)


def set_contract(
    contract_code: str,
    contract_status: int | None,
    reference_price: Amount | None,
    price_limit_rate: Amount | None = None,
    buy_limit: int | None = None,
    sell_limit: int | None = None,
) -> Op[SandboxContract]:
    """A position limit of 0 lifts it."""
    body: dict[str, Any] = {}
    if contract_status is not None:
        body["contract_status"] = contract_status
    if reference_price is not None:
        body["reference_price"] = str(reference_price)
    if price_limit_rate is not None:
        body["price_limit_rate"] = str(price_limit_rate)
    if buy_limit is not None:
        body["buy_limit"] = buy_limit
    if sell_limit is not None:
        body["sell_limit"] = sell_limit
    return _post(f"contracts/{quote(contract_code, safe='')}", SandboxContract, body)


# -- orders ----------------------------------------------------------------------------------


def list_orders(uid: int, contract_code: str | None) -> Op[list[Order]]:
    params = {"uid": str(uid)}
    if contract_code is not None:
        params["contract_code"] = contract_code
    return _get("orders", list[Order], params)


def cancel(uid: int, contract_code: str, order_ids: Iterable[int | str]) -> Op[CancelResult]:
    """swap_cancel on the UID's behalf."""
    body = {"uid": uid, "contract_code": contract_code, "order_id": ",".join(map(str, order_ids))}
    return Op("POST", PREFIX + "cancel", _cancel_result, private=False, body=body)


def cancel_all(
    uid: int, contract_code: str, direction: str | None, offset: str | None
) -> Op[CancelResult]:
    """swap_cancelall on the UID's behalf."""
    body: dict[str, Any] = {"uid": uid, "contract_code": contract_code}
    if direction is not None:
        body["direction"] = direction
    if offset is not None:
        body["offset"] = offset
    return Op("POST", PREFIX + "cancel-all", _cancel_result, private=False, body=body)


# -- index prices ----------------------------------------------------------------------------


def list_index_prices(contract_code: str | None) -> Op[list[SandboxIndexPrice]]:
    params = None if contract_code is None else {"contract_code": contract_code}
    return _get("index-prices", list[SandboxIndexPrice], params)


def set_index_price(contract_code: str, price: Amount) -> Op[SandboxIndexPrice]:
    body = {"contract_code": contract_code, "price": str(price)}
    return _post("index-prices", SandboxIndexPrice, body)


def set_index_path(
    contract_code: str, points: Iterable[tuple[int, Amount]]
) -> Op[SandboxIndexPrice]:
    path = [[int(at), str(price)] for at, price in points]
    return _post("index-prices", SandboxIndexPrice, {"contract_code": contract_code, "path": path})


def walk_index(contract_code: str) -> Op[SandboxIndexPrice]:
    body = {"contract_code": contract_code, "walk": True}
    return _post("index-prices", SandboxIndexPrice, body)


# -- reset and snapshots ---------------------------------------------------------------------


def reset(*, empty: bool = False, fixtures: str | None = None) -> Op[SandboxReset]:
    body: dict[str, Any] = {"empty": True} if empty else {}
    if fixtures is not None:
        body["fixtures"] = fixtures
    return _post("reset", SandboxReset, body)


def save_snapshot(name: str) -> Op[SandboxSnapshot]:
    return _post("snapshots", SandboxSnapshot, {"name": name})


def list_snapshots() -> Op[list[SandboxSnapshot]]:
    return _get("snapshots", list[SandboxSnapshot])


def restore_snapshot(name: str) -> Op[SandboxSnapshot]:
    return _post(f"snapshots/{quote(name, safe='')}/restore", SandboxSnapshot, {})


def delete_snapshot(name: str) -> Op[None]:
    return Op(
        "DELETE", f"{PREFIX}snapshots/{quote(name, safe='')}", lambda data: None, private=False
    )
