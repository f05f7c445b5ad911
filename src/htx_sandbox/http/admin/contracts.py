"""Contracts: list them with the sandbox's own settings, list a new one, change one's status,
reference price, price limit rate or position limits. The one check of a contract to list, for
this API and for the config file's [[contracts]], is `contract_from`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain import bounds
from ...domain.commands import NO_POSITION_LIMIT, ListContract, SetContract, SetPositionLimits
from ...domain.contracts import Contract, valid_price_limit_rate
from ...domain.errors import ErrorCode, HtxError
from ...domain.types import ContractStatus, Millis
from ..core.body import Body
from ..core.endpoint import Call, admin
from ..core.wire import num
from ..shapes.contracts import contract as contract_shape
from . import fields

MAX_FEE_RATE = Decimal(1)
_SYMBOL = re.compile(r"[A-Z0-9]{1,20}")
_CREATE_DATE = re.compile(r"\d{8}")


def _reference_price(body: Body, tick: Decimal) -> Decimal:
    """A positive price on the contract's tick grid, below 10^15."""
    price = fields.positive(
        body, "reference_price", digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
    )
    # Exact: both are bounded (domain/bounds.py); a price is stored as a 64-bit count of ticks.
    if price % tick or price / tick > bounds.MAX_TICKS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "reference_price")
    return price


def _contract_status(body: Body) -> ContractStatus | None:
    value = body.integer("contract_status")
    if value is None:
        return None
    try:
        return ContractStatus(value)
    except ValueError:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "contract_status") from None


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


def _price_limit_rate(body: Body) -> Decimal | None:
    """Above 0 and below 1, at most 6 decimals (the band's half-width around the index)."""
    name = "price_limit_rate"
    value = body.decimal(name, digits=1, places=bounds.MAX_PRICE_LIMIT_RATE_DECIMALS)
    if value is not None and not valid_price_limit_rate(value):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def _position_limit(body: Body, name: str) -> int | None:
    """A position limit in contracts, 1 to 10^12, or 0 to lift it (JSON null means absent,
    and TOML has no null); None when absent."""
    value = body.integer(name)
    if value is not None and not NO_POSITION_LIMIT <= value <= bounds.MAX_POSITION_LIMIT:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, name)
    return value


def contract_from(body: Body, today: str) -> Contract:
    """A contract to list, checked field by field (HTX codes on the wire); the one check for
    the admin API and for the config file's [[contracts]]."""
    code = fields.required_text(body, "contract_code").upper()
    symbol = fields.required_text(body, "symbol").upper()
    if not _SYMBOL.fullmatch(symbol):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "symbol")
    if code != f"{symbol}-USD":
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "contract_code")
    contract_size = fields.positive(
        body,
        "contract_size",
        digits=bounds.MAX_CONTRACT_SIZE_DIGITS,
        places=bounds.MAX_CONTRACT_SIZE_DECIMALS,
    )
    price_tick = fields.positive(
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
        value = fields.positive_int(body, name, high)
        if value is not None:
            setattr(contract, name, value)
    lever_rates = _lever_rates(body)
    if lever_rates is not None:
        contract.lever_rates = lever_rates
    for name in ("maker_fee_rate", "taker_fee_rate"):
        rate = _fee_rate(body, name)
        if rate is not None:
            setattr(contract, name, rate)
    limit_rate = _price_limit_rate(body)
    if limit_rate is not None:
        contract.price_limit_rate = limit_rate
    contract.buy_limit = _position_limit(body, "buy_limit") or None
    contract.sell_limit = _position_limit(body, "sell_limit") or None
    return contract


def contract_row(contract: Contract, now: Millis) -> dict[str, Any]:
    row = contract_shape(contract, now)
    row.update(
        reference_price=num(contract.reference_price),
        max_order_volume=contract.max_order_volume,
        max_open_orders=contract.max_open_orders,
        lever_rates=list(contract.lever_rates),
        maker_fee_rate=num(contract.maker_fee_rate),
        taker_fee_rate=num(contract.taker_fee_rate),
        price_limit_rate=num(contract.price_limit_rate),
        buy_limit=contract.buy_limit,  # null: no position limit
        sell_limit=contract.sell_limit,
    )
    return row


async def _read_contract(call: Call, code: str) -> Any:
    now = Millis(call.gateway.now_ms())
    return await call.read(lambda reads: contract_row(reads.contract(code), now))


@admin
async def list_contracts(call: Call) -> Any:
    now = Millis(call.gateway.now_ms())
    return await call.read(lambda reads: [contract_row(c, now) for c in reads.contracts()])


@admin
async def add_contract(call: Call) -> Any:
    today = datetime.fromtimestamp(call.gateway.now_ms() / 1000, UTC).strftime("%Y%m%d")
    contract = contract_from(call.body, today)
    await call.execute(ListContract(contract))  # 1067 contract_code when already listed
    return await _read_contract(call, contract.contract_code)


@admin
async def set_contract(call: Call) -> Any:
    code = str(call.path["contract_code"]).upper()
    tick: Decimal = await call.read(lambda reads: reads.contract(code).price_tick)  # 1014
    status = _contract_status(call.body)
    reference_price = (
        _reference_price(call.body, tick) if call.body.has("reference_price") else None
    )
    limit_rate = _price_limit_rate(call.body)
    buy_limit = _position_limit(call.body, "buy_limit")
    sell_limit = _position_limit(call.body, "sell_limit")
    changes_contract = status is not None or reference_price is not None or limit_rate is not None
    changes_limits = buy_limit is not None or sell_limit is not None
    if not changes_contract and not changes_limits:
        raise HtxError(ErrorCode.FIELD_EMPTY, "contract_status")
    if changes_contract:
        await call.execute(SetContract(code, status, reference_price, limit_rate))
    if changes_limits:  # a limit not given stays as it is
        await call.execute(SetPositionLimits(code, buy_limit, sell_limit))
    return await _read_contract(call, code)


routes = [
    Route(f"{fields.PREFIX}/contracts", list_contracts, methods=["GET"]),
    Route(f"{fields.PREFIX}/contracts", add_contract, methods=["POST"]),
    Route(f"{fields.PREFIX}/contracts/{{contract_code}}", set_contract, methods=["POST"]),
]
