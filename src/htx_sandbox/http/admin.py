"""The sandbox's admin API under /sandbox-api/v1/: accounts, deposits, API keys, contracts and a
look at open orders. Not part of HTX's API: it stands in for HTX's web console.

Every request carries ``Authorization: Bearer <admin token>``; a missing or wrong token (or no
token configured at all) is answered HTTP 401 before the body is read, so it changes nothing.
Everything else answers HTTP 200 in HTX's envelopes ({"status":"ok","data",...} or
{"status":"error","err_code","err_msg",...}) with HTX's codes for bad input. Writes go through
the engine like every other change; reads run on the engine thread, after those writes commit.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain import bounds
from ..domain.commands import Command, Deposit, ListContract, OpenUser, SetContract
from ..domain.contracts import Contract
from ..domain.errors import ErrorCode, HtxError, language_for
from ..domain.exchange import Exchange
from ..domain.margin import AccountFigures
from ..domain.types import UID, ContractStatus, Millis
from ..service.api_keys import (
    PERMISSIONS,
    ApiKey,
    ApiKeyCommand,
    CreateApiKey,
    DisableApiKey,
    new_key,
)
from ..service.engine import EngineUnavailableError
from . import views, wire
from .gateway import Gateway, gateway_of, read_body
from .inputs import INT64, Body

log = logging.getLogger(__name__)

PREFIX = "/sandbox-api/v1"
FIRST_UID = 10_000_001
RESERVED_UIDS = range(9_000_000, 10_000_000)
"""The sandbox's own accounts (the market maker is 9000001): never opened for a user."""
"""Accounts opened without a uid get the smallest free uid from here on."""
MAX_IP_WHITELIST = 20
"""HTX binds at most 20 addresses to one API key."""
MAX_FEE_RATE = Decimal(1)
_SYMBOL = re.compile(r"[A-Z0-9]{1,20}")
_CREATE_DATE = re.compile(r"\d{8}")


class Admin:
    """The admin API's per-app state: the token, and a lock that makes "find a free uid, then
    open it" (and "refuse an existing uid, else open it") one step for concurrent requests."""

    def __init__(self, token: str | None) -> None:
        # An empty token would let an empty Authorization through: treat it as no token.
        self._token = token.encode() if token else None
        self.accounts_lock = asyncio.Lock()

    def allows(self, authorization: str | None) -> bool:
        if self._token is None or authorization is None:
            return False
        scheme, _, given = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        # Constant time over the token's bytes: the answer's timing says nothing of its prefix.
        given = given.strip()
        return bool(given) and hmac.compare_digest(given.encode(), self._token)


@dataclass(slots=True)
class AdminCall:
    gateway: Gateway
    admin: Admin
    body: Body
    """A POST's JSON object, or a GET's query parameters."""
    path: dict[str, Any]

    async def execute(self, command: Command | ApiKeyCommand) -> None:
        outcome = await self.gateway.engine.execute_async(command)
        if outcome.error is not None:
            raise outcome.error

    async def read(self, query: Callable[[Exchange], Any]) -> Any:
        return await self.gateway.read(query)

    async def require_user(self, uid: UID) -> None:
        if not await self.read(lambda ex: uid in ex.state.users):
            raise HtxError(ErrorCode.ACCOUNT_NOT_EXIST)


AdminHandler = Callable[[AdminCall], Awaitable[Any]]


def _endpoint(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    """Token first, then the body, the handler and HTX's envelopes."""

    async def endpoint(request: Request) -> Response:
        gateway = gateway_of(request)
        admin: Admin = request.app.state.admin
        if not admin.allows(request.headers.get("authorization")):
            request.scope["htx.err_code"] = 401  # for the access log
            body = {
                "status": "error",
                "err_code": 401,
                "err_msg": "invalid admin token",
                "ts": gateway.now_ms(),
            }
            return wire.json_response(body, {"WWW-Authenticate": "Bearer"}, status=401)
        lang = language_for(request.headers.get("accept-language"))
        try:
            if request.method == "GET":
                decoded = Body(dict(request.query_params))
            else:
                decoded = Body.parse(await read_body(request.receive))
            data = await handler(AdminCall(gateway, admin, decoded, dict(request.path_params)))
        except HtxError as error:
            request.scope["htx.err_code"] = error.code
            return wire.error(error, lang, gateway.now_ms())
        except EngineUnavailableError:
            request.scope["htx.err_code"] = int(ErrorCode.SYSTEM_BUSY)
            return wire.error(HtxError(ErrorCode.SYSTEM_BUSY), lang, gateway.now_ms())
        except Exception:  # a bug of ours: still HTX's envelope, never a bare 500
            log.exception("%s failed", request.url.path)
            request.scope["htx.err_code"] = int(ErrorCode.SYSTEM_ERROR)
            return wire.error(HtxError(ErrorCode.SYSTEM_ERROR), lang, gateway.now_ms())
        return wire.ok(data, gateway.now_ms())

    endpoint.__name__ = handler.__name__
    return endpoint


# -- fields ----------------------------------------------------------------------------------


def _uid(body: Body, *, required: bool) -> UID | None:
    value = body.integer("uid", required=required)
    if value is None:
        return None
    if not 1 <= value < INT64:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    return UID(value)


def _required_uid(body: Body) -> UID:
    uid = _uid(body, required=True)
    assert uid is not None
    return uid


def _required_text(body: Body, name: str) -> str:
    value = body.text(name, required=True)
    assert value is not None
    return value


def _required_decimal(body: Body, name: str, *, digits: int, places: int) -> Decimal:
    if not body.has(name):
        raise HtxError(ErrorCode.FIELD_EMPTY, name)
    value = body.decimal(name, digits=digits, places=places)
    assert value is not None
    return value


def _positive(body: Body, name: str, *, digits: int, places: int) -> Decimal:
    value = _required_decimal(body, name, digits=digits, places=places)
    if value <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def _reference_price(body: Body, tick: Decimal) -> Decimal:
    """A positive price on the contract's tick grid, below 10^15."""
    price = _positive(
        body, "reference_price", digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
    )
    if price % tick:  # exact: both are bounded (domain/bounds.py)
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "reference_price")
    return price


def _string_list(body: Body, name: str) -> list[str] | None:
    value = body.fields.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return list(value)


def _permissions(body: Body) -> frozenset[str]:
    values = _string_list(body, "permissions")
    if values is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, "permissions")
    permissions = frozenset(values)
    if not permissions or not permissions <= PERMISSIONS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "permissions")
    return permissions


def _ip_whitelist(body: Body) -> tuple[str, ...]:
    values = _string_list(body, "ip_whitelist") or []
    if len(values) > MAX_IP_WHITELIST:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "ip_whitelist")
    for value in values:
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "ip_whitelist") from None
    return tuple(value.strip() for value in values)


def _contract_status(body: Body) -> ContractStatus | None:
    value = body.integer("contract_status")
    if value is None:
        return None
    try:
        return ContractStatus(value)
    except ValueError:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "contract_status") from None


def _positive_int(body: Body, name: str, high: int = INT64 - 1) -> int | None:
    value = body.integer(name)
    if value is not None and not 1 <= value <= high:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def _lever_rates(body: Body) -> tuple[int, ...] | None:
    value = body.fields.get("lever_rates")
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "lever_rates")
    rates = set()
    for item in value:
        rate = Body({"lever_rates": item}).integer("lever_rates")
        if rate is None or not 1 <= rate <= bounds.MAX_LEVER_RATE:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "lever_rates")
        rates.add(rate)
    return tuple(sorted(rates))


def _fee_rate(body: Body, name: str) -> Decimal | None:
    value = body.decimal(name, digits=1, places=bounds.MAX_FEE_RATE_DECIMALS)
    if value is not None and not 0 <= value < MAX_FEE_RATE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


# -- shapes ----------------------------------------------------------------------------------


def _account_row(figures: AccountFigures) -> dict[str, Any]:
    row = views.account(figures, "")
    del row["contract_code"]
    return row


def _key_row(key: ApiKey, *, secret: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"access_key": key.access_key}
    if secret:
        row["secret_key"] = key.secret_key
    row.update(
        uid=key.uid,
        permissions=sorted(key.permissions),
        ip_whitelist=list(key.ip_whitelist),
        expires_at=key.expires_at,
        enabled=key.enabled,
        created_at=key.created_at,
    )
    return row


def _contract_row(contract: Contract, now: Millis) -> dict[str, Any]:
    row = views.contract(contract, now)
    row.update(
        reference_price=wire.num(contract.reference_price),
        max_order_volume=contract.max_order_volume,
        max_open_orders=contract.max_open_orders,
        lever_rates=list(contract.lever_rates),
        maker_fee_rate=wire.num(contract.maker_fee_rate),
        taker_fee_rate=wire.num(contract.taker_fee_rate),
    )
    return row


# -- handlers --------------------------------------------------------------------------------


async def create_account(call: AdminCall) -> Any:
    uid = _uid(call.body, required=False)
    if uid is not None and uid in RESERVED_UIDS:  # the market maker's: it would trade them
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    async with call.admin.accounts_lock:
        if uid is None:
            uid = await call.read(free_uid)
        elif await call.read(lambda ex: uid in ex.state.users):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
        await call.execute(OpenUser(uid))
    return {"uid": uid}


def free_uid(exchange: Exchange) -> UID:
    """The smallest uid from FIRST_UID up that no account has: the admin API's and the demo's."""
    users = exchange.state.users
    uid = FIRST_UID
    while uid in users:
        uid += 1
    return UID(uid)


async def list_accounts(call: AdminCall) -> Any:
    def read(exchange: Exchange) -> list[dict[str, Any]]:
        return [
            {"uid": uid, "accounts": [_account_row(a) for a in exchange.accounts(uid)]}
            for uid in sorted(exchange.state.users)
        ]

    return await call.read(read)


async def deposit(call: AdminCall) -> Any:
    uid = _required_uid(call.body)
    symbol = _required_text(call.body, "symbol").upper()
    # The domain refuses amounts off the 1e-18 grid or above MAX_DEPOSIT with 1067 too.
    amount = _required_decimal(
        call.body, "amount", digits=bounds.MAX_PRICE_DIGITS, places=bounds.COIN_DECIMALS
    )
    await call.require_user(uid)
    await call.execute(Deposit(uid, symbol, amount))
    return await call.read(lambda ex: _account_row(ex.account(uid, symbol)))


async def create_api_key(call: AdminCall) -> Any:
    uid = _required_uid(call.body)
    permissions = _permissions(call.body)
    ip_whitelist = _ip_whitelist(call.body)
    expires_at = _positive_int(call.body, "expires_at")
    access_key = new_key()
    command = CreateApiKey(
        access_key,
        new_key(),
        uid,
        permissions,
        ip_whitelist=ip_whitelist,
        expires_at=None if expires_at is None else Millis(expires_at),
    )
    await call.execute(command)  # 1010 for an unknown uid
    return await call.read(lambda ex: _key_row(_key(call, access_key), secret=True))


def _key(call: AdminCall, access_key: str) -> ApiKey:
    key = call.gateway.engine.api_keys.get(access_key)
    if key is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "access_key")
    return key


async def list_api_keys(call: AdminCall) -> Any:
    uid = _uid(call.body, required=False)
    if uid is not None:
        await call.require_user(uid)

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        keys = list(call.gateway.engine.api_keys.keys.values())
        keys.sort(key=lambda k: k.created_at)
        return [_key_row(k) for k in keys if uid is None or k.uid == uid]

    return await call.read(read)


async def disable_api_key(call: AdminCall) -> Any:
    access_key = str(call.path["access_key"])
    await call.execute(DisableApiKey(access_key))  # 1067 access_key when unknown
    return await call.read(lambda ex: _key_row(_key(call, access_key)))


async def list_contracts(call: AdminCall) -> Any:
    now = Millis(call.gateway.now_ms())
    return await call.read(lambda ex: [_contract_row(c, now) for c in ex.contracts])


async def add_contract(call: AdminCall) -> Any:
    today = datetime.fromtimestamp(call.gateway.now_ms() / 1000, UTC).strftime("%Y%m%d")
    contract = contract_from(call.body, today)
    await call.execute(ListContract(contract))  # 1067 contract_code when already listed
    return await _read_contract(call, contract.contract_code)


def contract_from(body: Body, today: str) -> Contract:
    """A contract to list, checked field by field (HTX codes on the wire); the one check for
    the admin API and for the config file's [[contracts]]."""
    code = _required_text(body, "contract_code").upper()
    symbol = _required_text(body, "symbol").upper()
    if not _SYMBOL.fullmatch(symbol):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "symbol")
    if code != f"{symbol}-USD":
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "contract_code")
    contract_size = _positive(
        body,
        "contract_size",
        digits=bounds.MAX_CONTRACT_SIZE_DIGITS,
        places=bounds.MAX_CONTRACT_SIZE_DECIMALS,
    )
    price_tick = _positive(
        body, "price_tick", digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
    )
    reference_price = _reference_price(body, price_tick)
    contract = Contract(code, symbol, contract_size, price_tick, reference_price)
    status = _contract_status(body)
    if status is not None:
        contract.contract_status = status
    create_date = body.text("create_date")
    if create_date is not None:
        if not _CREATE_DATE.fullmatch(create_date):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "create_date")
        contract.create_date = create_date
    else:
        contract.create_date = today
    for name, high in (
        ("max_order_volume", bounds.MAX_ORDER_VOLUME),
        ("max_open_orders", bounds.MAX_OPEN_ORDERS),
    ):
        value = _positive_int(body, name, high)
        if value is not None:
            setattr(contract, name, value)
    lever_rates = _lever_rates(body)
    if lever_rates is not None:
        contract.lever_rates = lever_rates
    for name in ("maker_fee_rate", "taker_fee_rate"):
        rate = _fee_rate(body, name)
        if rate is not None:
            setattr(contract, name, rate)
    return contract


async def set_contract(call: AdminCall) -> Any:
    code = str(call.path["contract_code"]).upper()
    tick: Decimal = await call.read(lambda ex: ex.contracts.get(code).price_tick)  # 1014
    status = _contract_status(call.body)
    reference_price = (
        _reference_price(call.body, tick) if call.body.has("reference_price") else None
    )
    if status is None and reference_price is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, "contract_status")
    await call.execute(SetContract(code, status, reference_price))
    return await _read_contract(call, code)


async def _read_contract(call: AdminCall, code: str) -> Any:
    now = Millis(call.gateway.now_ms())
    return await call.read(lambda ex: _contract_row(ex.contracts.get(code), now))


async def list_orders(call: AdminCall) -> Any:
    uid = _required_uid(call.body)
    code = call.body.text("contract_code")
    await call.require_user(uid)

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        if code is not None:
            exchange.contracts.get(code)  # 1014
        orders = sorted(exchange.open_orders(uid, code), key=lambda o: o.order_id)
        return [views.order(o) for o in orders]

    return await call.read(read)


async def health(call: AdminCall) -> Any:
    """What the exchange can do now: read from the engine's own record, never through its
    queue, so it answers while the store is down too."""
    engine = call.gateway.engine
    state = engine.health
    return {
        "engine": "running" if engine.running else "stopped",
        "store": "available" if state.store_available else "unavailable",
        "writes": "accepted" if engine.running and state.store_available else "refused",
        "reads": "served" if engine.running and state.memory_current else "refused",
        "unavailable_since": state.since,
        "last_error": state.last_error,
        "store_failures": state.store_failures,
        "refused_commands": state.refused_commands,
        "dropped_timers": state.dropped_timers,
        "commits": engine.commits,
    }


routes = [
    Route(f"{PREFIX}/health", _endpoint(health), methods=["GET"]),
    Route(f"{PREFIX}/accounts", _endpoint(create_account), methods=["POST"]),
    Route(f"{PREFIX}/accounts", _endpoint(list_accounts), methods=["GET"]),
    Route(f"{PREFIX}/deposits", _endpoint(deposit), methods=["POST"]),
    Route(f"{PREFIX}/api-keys", _endpoint(create_api_key), methods=["POST"]),
    Route(f"{PREFIX}/api-keys", _endpoint(list_api_keys), methods=["GET"]),
    Route(
        f"{PREFIX}/api-keys/{{access_key}}/disable", _endpoint(disable_api_key), methods=["POST"]
    ),
    Route(f"{PREFIX}/contracts", _endpoint(list_contracts), methods=["GET"]),
    Route(f"{PREFIX}/contracts", _endpoint(add_contract), methods=["POST"]),
    Route(f"{PREFIX}/contracts/{{contract_code}}", _endpoint(set_contract), methods=["POST"]),
    Route(f"{PREFIX}/orders", _endpoint(list_orders), methods=["GET"]),
]
