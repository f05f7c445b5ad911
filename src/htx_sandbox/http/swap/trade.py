"""Private trade endpoints: place, cancel, cancel-all, leverage and the dead man's switch."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.batch import MAX_BATCH_ORDERS
from ...domain.commands import (
    BatchItem,
    CancelAfter,
    CancelAfterReply,
    CancelAll,
    CancelOrders,
    CancelReply,
    LeverRateReply,
    OrderPlaced,
    PlaceBatch,
    PlaceOrder,
    SwitchLeverRate,
)
from ...domain.errors import ErrorCode, HtxError
from ...domain.types import (
    SWAP_ORDER_PRICE_TYPES,
    UID,
    ClientOrderId,
    Direction,
    Offset,
    OrderPriceType,
    SelfMatchPrevent,
)
from ..core.body import Body
from ..core.endpoint import Call, private
from ..core.envelopes import V3_ENVELOPE
from . import fields, tpsl


def place_order_command(uid: UID, body: Body) -> PlaceOrder:
    """swap_order's fields, checked in the order HTX reports them."""
    contract_code = body.text("contract_code", required=True)
    assert contract_code is not None
    client_order_id = body.integer(
        "client_order_id", invalid=ErrorCode.CLIENT_ORDER_ID_NOT_INTEGER
    )
    volume = body.integer(
        "volume", required=True, empty=ErrorCode.INVALID_AMOUNT, invalid=ErrorCode.INVALID_AMOUNT
    )
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=True)
    offset = body.choice("offset", Offset, ErrorCode.INCORRECT_OFFSET, required=True)
    lever_rate = body.integer(
        "lever_rate",
        required=True,
        empty=ErrorCode.LEVERAGE_EMPTY,
        invalid=ErrorCode.INVALID_LEVERAGE,
    )
    price_type = body.choice(
        "order_price_type",
        OrderPriceType,
        ErrorCode.INCORRECT_ORDER_PRICE_TYPE,
        required=True,
        allowed=SWAP_ORDER_PRICE_TYPES,
    )
    price = body.price("price")
    smp = body.integer("self_match_prevent")
    if smp is not None and smp not in (0, 1):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "self_match_prevent")
    reduce_only = body.integer("reduce_only")
    if reduce_only not in (None, 0, 1) or (reduce_only == 1 and offset is Offset.OPEN):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "reduce_only")
    attached = tpsl.attached(body)
    assert volume is not None and direction and offset and lever_rate is not None and price_type
    return PlaceOrder(
        uid=uid,
        contract_code=contract_code,
        direction=direction,
        offset=offset,
        volume=volume,
        lever_rate=lever_rate,
        order_price_type=price_type,
        price=price,
        client_order_id=ClientOrderId(client_order_id) if client_order_id is not None else None,
        self_match_prevent=SelfMatchPrevent(smp if smp is not None else 1),
        tpsl=attached,
    )


def placed_reply(placed: OrderPlaced) -> dict[str, Any]:
    out: dict[str, Any] = {"order_id": placed.order_id, "order_id_str": str(placed.order_id)}
    if placed.client_order_id is not None:
        out["client_order_id"] = placed.client_order_id
    return out


@private("trade")
async def swap_order(call: Call) -> Any:
    reply = await call.execute(place_order_command(call.uid, call.body))
    assert isinstance(reply, OrderPlaced)
    return placed_reply(reply)


@private("trade")
async def swap_batchorder(call: Call) -> Any:
    raw = call.body.fields.get("orders_data")
    if raw is None or raw == []:
        raise HtxError(ErrorCode.FIELD_EMPTY, "orders_data")
    if not isinstance(raw, list):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "orders_data")
    if len(raw) > MAX_BATCH_ORDERS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)
    errors: list[dict[str, Any]] = []
    commands: list[tuple[int, PlaceOrder]] = []
    for index, item in enumerate(raw, start=1):
        try:
            if not isinstance(item, dict):
                raise HtxError(ErrorCode.INPUT_ERROR)
            commands.append((index, place_order_command(call.uid, Body(item))))
        except HtxError as error:
            errors.append(_batch_error(index, error, call.lang))
    success: list[dict[str, Any]] = []
    if commands:
        reply = await call.execute(PlaceBatch(call.uid, [cmd for _, cmd in commands]))
        assert isinstance(reply, list)
        for (index, _), item in zip(commands, reply, strict=True):
            _record_batch_item(index, item, success, errors, call.lang)
    errors.sort(key=lambda e: int(e["index"]))
    return {"errors": errors, "success": success}


def _record_batch_item(
    index: int,
    item: BatchItem,
    success: list[dict[str, Any]],
    errors: list[dict[str, Any]],
    lang: str,
) -> None:
    if item.placed is not None:
        success.append({"index": index, **placed_reply(item.placed)})
    elif item.error is not None:
        errors.append(_batch_error(index, item.error, lang))


def _batch_error(index: int, error: HtxError, lang: str) -> dict[str, Any]:
    return {"index": index, "err_code": error.code, "err_msg": error.wire_message(lang)}


def cancel_reply(reply: CancelReply, lang: str) -> dict[str, Any]:
    return {
        "errors": [
            {
                "order_id": e.order_id,
                "err_code": e.error.code,
                "err_msg": e.error.wire_message(lang),
            }
            for e in reply.errors
        ],
        "successes": ",".join(reply.successes),
    }


@private("trade")
async def swap_cancel(call: Call) -> Any:
    body = call.body
    contract_code = body.text("contract_code", required=True)
    assert contract_code is not None
    reply = await call.execute(
        CancelOrders(
            call.uid,
            contract_code,
            order_ids=body.id_list("order_id"),
            client_order_ids=body.id_list("client_order_id"),
        )
    )
    assert isinstance(reply, CancelReply)
    return cancel_reply(reply, call.lang)


@private("trade")
async def swap_cancelall(call: Call) -> Any:
    body = call.body
    contract_code = body.text("contract_code", required=True)
    assert contract_code is not None
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=False)
    offset = body.choice("offset", Offset, ErrorCode.INCORRECT_OFFSET, required=False)
    reply = await call.execute(CancelAll(call.uid, contract_code, direction, offset))
    assert isinstance(reply, CancelReply)
    return cancel_reply(reply, call.lang)


@private("trade")
async def swap_switch_lever_rate(call: Call) -> Any:
    body = call.body
    contract_code = body.text("contract_code", required=True)
    lever_rate = body.integer(
        "lever_rate",
        required=True,
        empty=ErrorCode.LEVERAGE_EMPTY,
        invalid=ErrorCode.INVALID_LEVERAGE,
    )
    assert contract_code is not None and lever_rate is not None
    gateway = call.gateway
    allowed, _ = gateway.switch_limiter.take(call.uid, gateway.wall.now())
    if not allowed:
        raise HtxError(ErrorCode.RATE_LIMITED)
    reply = await call.execute(SwitchLeverRate(call.uid, contract_code, lever_rate))
    assert isinstance(reply, LeverRateReply)
    return {"contract_code": reply.contract_code, "lever_rate": reply.lever_rate}


@private("trade", V3_ENVELOPE)
async def swap_cancel_after(call: Call) -> Any:
    body = call.body
    on_off = body.integer("on_off", required=True)
    if on_off not in (0, 1):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "on_off")
    time_out = body.integer("time_out")
    reply = await call.execute(
        CancelAfter(call.uid, on=on_off == 1, time_out=5000 if time_out is None else time_out)
    )
    assert isinstance(reply, CancelAfterReply)
    return {"current_time": reply.current_time, "trigger_time": reply.trigger_time}


routes = [
    Route(fields.V1 + "swap_order", swap_order, methods=["POST"]),
    Route(fields.V1 + "swap_batchorder", swap_batchorder, methods=["POST"]),
    Route(fields.V1 + "swap_cancel", swap_cancel, methods=["POST"]),
    Route(fields.V1 + "swap_cancelall", swap_cancelall, methods=["POST"]),
    Route(fields.V1 + "swap_switch_lever_rate", swap_switch_lever_rate, methods=["POST"]),
    Route(fields.V1 + "swap-cancel-after", swap_cancel_after, methods=["POST"]),
]
