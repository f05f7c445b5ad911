"""What the API lets a UID do, per contract: available lever rates, per-order volume caps,
fee rates, transfer and position limits, and whether its API access is disabled. Signed with
the read permission; `contract_code` optional (every listed contract without it, 1014 for one
that is not listed)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain.contracts import Contract
from ...domain.errors import ErrorCode
from ...domain.types import OrderPriceType
from ...service.queries import Reads
from ..core.endpoint import Call, private
from ..core.wire import num
from ..shapes import contract_limits as shapes
from . import fields

ORDER_LIMIT_PRICE_TYPES = frozenset(OrderPriceType) - {OrderPriceType.POST_ONLY}
"""The values HTX lists for swap_order_limit's order_price_type: every one of swap_order's and
the lightning close's but post_only."""


async def _per_contract(call: Call, shape: Callable[[Contract], dict[str, Any]]) -> Any:
    code = fields.contract_code(call.body, required=False)
    return await call.read(lambda reads: [shape(c) for c in reads.contracts(code)])


@private("read")
async def swap_available_level_rate(call: Call) -> Any:
    return await _per_contract(call, shapes.level_rate)


@private("read")
async def swap_order_limit(call: Call) -> Any:
    code = fields.contract_code(call.body, required=False)
    price_type = call.body.choice(
        "order_price_type",
        OrderPriceType,
        ErrorCode.INCORRECT_ORDER_PRICE_TYPE,
        required=True,
        allowed=ORDER_LIMIT_PRICE_TYPES,
    )
    assert price_type is not None

    def read(reads: Reads) -> dict[str, Any]:
        rows = [shapes.order_limit(c) for c in reads.contracts(code)]
        return {"order_price_type": price_type.value, "list": rows}

    return await call.read(read)


@private("read")
async def swap_fee(call: Call) -> Any:
    return await _per_contract(call, shapes.fee)


@private("read")
async def swap_transfer_limit(call: Call) -> Any:
    return await _per_contract(call, shapes.transfer_limit)


@private("read")
async def swap_position_limit(call: Call) -> Any:
    return await _per_contract(call, shapes.position_limit)


ORDERS_THRESHOLD = 3000
CANCEL_RATIO_THRESHOLD = Decimal("0.99")
DISABLES_THRESHOLD = 3
TRADING_STATUS = {
    "is_disable": 0,
    "order_price_types": "",
    "disable_reason": "",
    "disable_interval": 0,
    "recovery_time": 0,
    "COR": {
        "orders_threshold": ORDERS_THRESHOLD,
        "orders": 0,
        "invalid_cancel_orders": 0,
        "cancel_ratio_threshold": num(CANCEL_RATIO_THRESHOLD),
        "cancel_ratio": 0,
        "is_trigger": 0,
        "is_active": 0,
    },
    "TDN": {
        "disables_threshold": DISABLES_THRESHOLD,
        "disables": 0,
        "is_trigger": 0,
        "is_active": 0,
    },
}
"""HTX's thresholds (3,000 orders in 10 minutes, a 99 % cancel ratio, 3 bans an hour), neither
indicator active: the sandbox never disables an API key for its cancel ratio. `data` is one
object, as HTX answers it (its docs print an array)."""


@private("read")
async def swap_api_trading_status(call: Call) -> Any:
    return TRADING_STATUS


routes = [
    Route(fields.V1 + "swap_available_level_rate", swap_available_level_rate, methods=["POST"]),
    Route(fields.V1 + "swap_order_limit", swap_order_limit, methods=["POST"]),
    Route(fields.V1 + "swap_fee", swap_fee, methods=["POST"]),
    Route(fields.V1 + "swap_transfer_limit", swap_transfer_limit, methods=["POST"]),
    Route(fields.V1 + "swap_position_limit", swap_position_limit, methods=["POST"]),
    Route(fields.V1 + "swap_api_trading_status", swap_api_trading_status, methods=["GET"]),
]
