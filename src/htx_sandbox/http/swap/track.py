"""`POST /swap-api/v1/swap_track_order`: place a trailing order (domain/track_orders.py); ccxt's
create_order with `trailingPercent` calls it.

Fields, checked in the order HTX's table lists them: `contract_code`, `direction`, `offset`,
`lever_rate` (required to open unless the holding has one: the domain decides), `volume`,
`callback_rate` (0.01 = 1 %), `active_price`, `order_price_type` (optimal_5, optimal_10,
optimal_20, formula_price), all required but `lever_rate`. Numbers may come as JSON numbers or
numeric strings. Answers `{"order_id", "order_id_str"}`. Counted in the trade bucket and in
HTX's 5 per second per UID of strategy endpoints.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain.bounds import COIN_DECIMALS, MAX_PRICE_DIGITS
from ...domain.commands import OrderPlaced, PlaceTrackOrder
from ...domain.errors import ErrorCode, HtxError
from ...domain.strategy_orders import TRACK_PRICE_TYPES, StrategyPriceType
from ...domain.types import Direction, Offset
from ..core.body import Body
from ..core.endpoint import Call, private
from ..core.strategy_quota import strategy_limited
from . import fields
from .trade import placed_reply


def place_track_command(call: Call) -> PlaceTrackOrder:
    body = call.body
    contract_code = fields.contract_code(body, required=True)
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=True)
    offset = body.choice("offset", Offset, ErrorCode.INCORRECT_OFFSET, required=True)
    lever_rate = body.integer("lever_rate", invalid=ErrorCode.INVALID_LEVERAGE)
    volume = body.integer("volume", required=True, invalid=ErrorCode.INVALID_AMOUNT)
    callback_rate = _required_decimal(body, "callback_rate")
    active_price = body.price("active_price")
    if active_price is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, "active_price")
    price_type = body.choice(
        "order_price_type",
        StrategyPriceType,
        ErrorCode.INCORRECT_ORDER_PRICE_TYPE,
        required=True,
        allowed=TRACK_PRICE_TYPES,
    )
    assert contract_code is not None and direction and offset and volume is not None
    assert price_type is not None
    return PlaceTrackOrder(
        call.uid,
        contract_code,
        direction,
        offset,
        volume,
        callback_rate,
        active_price,
        price_type,
        lever_rate,
    )


def _required_decimal(body: Body, name: str) -> Decimal:
    """A number below 10^15 with at most 18 decimals (HTX's own scale): 1066 when absent,
    1067 when not such a number; its range is the domain's (1425)."""
    value = body.decimal(name, digits=MAX_PRICE_DIGITS, places=COIN_DECIMALS)
    if value is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, name)
    return value


@private("trade")
@strategy_limited
async def swap_track_order(call: Call) -> Any:
    reply = await call.execute(place_track_command(call))
    assert isinstance(reply, OrderPlaced)
    return placed_reply(reply)


routes = [
    Route(fields.V1 + "swap_track_order", swap_track_order, methods=["POST"]),
]
