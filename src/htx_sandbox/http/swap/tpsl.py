"""Take-profit / stop-loss: `swap_tpsl_order` (on a position), `swap_relation_tpsl_order` (an
opening order with its legs), and the tp_*/sl_* fields of swap_order and swap_batchorder.

A leg exists when its trigger price is sent: `tp_trigger_price` (and `tp_order_price`,
`tp_order_price_type`: limit by default, optimal_5/10/20), likewise `sl_*`. Sending only an
order price or a price type creates nothing, as HTX documents. The legs' logic is the
domain's (domain/tpsl.py, domain/tpsl_legs.py). swap_tpsl_order counts in HTX's 5-per-second
strategy limit; the cancels and queries of TP/SL orders are strategy.py's.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.commands import PlaceTpsl, Tpsl, TpslLeg, TpslPlaced
from ...domain.errors import ErrorCode, HtxError
from ...domain.strategy_orders import TRIGGER_PRICE_TYPES, StrategyPriceType
from ...domain.tpsl import NO_LEG
from ...domain.types import Direction, OrderId
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, private
from ..core.strategy_quota import strategy_limited
from ..shapes.tpsl_relation import relation
from . import fields


def leg(body: Body, prefix: str) -> TpslLeg | None:
    """One leg's three fields (`tp` or `sl`), each checked when sent; None without a trigger
    price."""
    trigger_price = body.price(f"{prefix}_trigger_price")
    order_price = body.price(f"{prefix}_order_price")
    price_type = body.choice(
        f"{prefix}_order_price_type",
        StrategyPriceType,
        ErrorCode.INCORRECT_ORDER_PRICE_TYPE,
        required=False,
        allowed=TRIGGER_PRICE_TYPES,
    )
    if trigger_price is None:
        return None
    return TpslLeg(trigger_price, order_price, price_type or StrategyPriceType.LIMIT)


def price_protect(body: Body) -> None:
    """HTX's optional `price_protect` (a boolean, default false): accepted and checked. The
    sandbox has no price band for it to protect against."""
    value = body.fields.get("price_protect")
    if value is not None and not isinstance(value, bool) and value not in ("true", "false"):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "price_protect")


def attached(body: Body) -> Tpsl | None:
    """swap_order's tp_*/sl_* fields: the legs to attach, or None for none."""
    tp, sl = leg(body, "tp"), leg(body, "sl")
    price_protect(body)
    return None if tp is None and sl is None else Tpsl(tp, sl)


def _placed(order_id: OrderId | None) -> dict[str, Any] | None:
    if order_id is None:
        return None
    return {"order_id": order_id, "order_id_str": str(order_id)}


@private("trade")
@strategy_limited
async def swap_tpsl_order(call: Call) -> Any:
    body = call.body
    contract_code = fields.contract_code(body, required=True)
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=True)
    volume = body.integer(
        "volume", required=True, empty=ErrorCode.INVALID_AMOUNT, invalid=ErrorCode.INVALID_AMOUNT
    )
    tp, sl = leg(body, "tp"), leg(body, "sl")
    price_protect(body)
    if tp is None and sl is None:
        raise HtxError(ErrorCode.FIELD_EMPTY, NO_LEG)
    assert contract_code is not None and direction is not None and volume is not None
    reply = await call.execute(PlaceTpsl(call.uid, contract_code, direction, volume, tp, sl))
    assert isinstance(reply, TpslPlaced)
    return {"tp_order": _placed(reply.tp_order), "sl_order": _placed(reply.sl_order)}


@private("read")
async def swap_relation_tpsl_order(call: Call) -> Any:
    body, uid = call.body, call.uid
    code = fields.contract_code(body, required=True)
    order_id = body.integer("order_id", required=True)
    assert code is not None and order_id is not None

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        opening = reads.own_order(uid, contract, order_id)
        if opening is None:  # absent, or another UID's: swap_order_info's answer
            raise HtxError(ErrorCode.ORDER_NOT_EXIST)
        return relation(opening, reads.tpsl_legs_of(opening))

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_tpsl_order", swap_tpsl_order, methods=["POST"]),
    Route(fields.V1 + "swap_relation_tpsl_order", swap_relation_tpsl_order, methods=["POST"]),
]
