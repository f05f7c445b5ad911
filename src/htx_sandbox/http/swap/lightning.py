"""`POST /swap-api/v1/swap_lightning_close_position`: close a position at once, at the
counterparty's best 30 levels (domain/lightning.py); ccxt's close_position calls it.

Fields: `contract_code`, `volume` and `direction` (sell closes a long, buy a short) required;
`client_order_id` and `order_price_type` (lightning, lightning_ioc, lightning_fok; default
lightning) optional. Answers `{"order_id", "order_id_str"[, "client_order_id"]}`.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.commands import LightningClose, OrderPlaced
from ...domain.errors import ErrorCode
from ...domain.types import LIGHTNING_PRICE_TYPES, ClientOrderId, Direction, OrderPriceType
from ..core.endpoint import Call, private
from . import fields
from .trade import placed_reply


@private("trade")
async def swap_lightning_close_position(call: Call) -> Any:
    body = call.body
    contract_code = body.text("contract_code", required=True)
    volume = body.integer(
        "volume", required=True, empty=ErrorCode.INVALID_AMOUNT, invalid=ErrorCode.INVALID_AMOUNT
    )
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=True)
    client_order_id = body.integer(
        "client_order_id", invalid=ErrorCode.CLIENT_ORDER_ID_NOT_INTEGER
    )
    price_type = body.choice(
        "order_price_type",
        OrderPriceType,
        ErrorCode.INCORRECT_ORDER_PRICE_TYPE,
        required=False,
        allowed=LIGHTNING_PRICE_TYPES,
    )
    assert contract_code is not None and volume is not None and direction is not None
    command = LightningClose(
        call.uid,
        contract_code,
        direction,
        volume,
        price_type or OrderPriceType.LIGHTNING,
        ClientOrderId(client_order_id) if client_order_id is not None else None,
    )
    reply = await call.execute(command)
    assert isinstance(reply, OrderPlaced)
    return placed_reply(reply)


routes = [
    Route(
        fields.V1 + "swap_lightning_close_position", swap_lightning_close_position, methods=["POST"]
    ),
]
