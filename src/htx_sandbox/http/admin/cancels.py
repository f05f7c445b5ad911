"""Cancels on a UID's behalf (the dashboard's Cancel buttons): `POST /cancel`, `POST /cancel-all`
and `POST /strategy-cancel`, `POST /strategy-cancel-all`.

Thin wrappers: each takes the fields of the HTX endpoint it stands in for (swap_cancel,
swap_cancelall, swap_{trigger,tpsl,track}_cancel and _cancelall), checked the same way, plus
`uid` (and `kind` for strategy orders), and submits the same domain command, so the answer is
HTX's `{"errors": [...], "successes": "..."}` and the engine cannot tell it from the API's.
Not counted in the UID's rate limits: the operator acts, not the UID's bot.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.commands import (
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelReply,
    CancelStrategyOrders,
)
from ...domain.errors import ErrorCode, HtxError
from ...domain.strategy_orders import StrategyKind
from ...domain.types import Direction, Offset
from ..core.body import Body
from ..core.endpoint import Call, admin
from ..swap.trade import cancel_reply
from . import fields


def _code(body: Body) -> str:
    return fields.required_text(body, "contract_code")


def _kind(body: Body) -> StrategyKind:
    value = fields.required_text(body, "kind")
    try:
        return StrategyKind(value)
    except ValueError:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "kind") from None


def _filters(body: Body) -> tuple[Direction | None, Offset | None]:
    direction = body.choice("direction", Direction, ErrorCode.INCORRECT_DIRECTION, required=False)
    offset = body.choice("offset", Offset, ErrorCode.INCORRECT_OFFSET, required=False)
    return direction, offset


async def _cancel(call: Call, command: Any) -> Any:
    reply = await call.execute(command)
    assert isinstance(reply, CancelReply)
    return cancel_reply(reply, call.lang)


@admin
async def cancel(call: Call) -> Any:
    body = call.body
    uid = fields.required_uid(body)
    code = _code(body)
    await fields.require_user(call, uid)
    command = CancelOrders(
        uid,
        code,
        order_ids=body.id_list("order_id"),
        client_order_ids=body.id_list("client_order_id"),
    )
    return await _cancel(call, command)


@admin
async def cancel_all(call: Call) -> Any:
    body = call.body
    uid = fields.required_uid(body)
    code = _code(body)
    direction, offset = _filters(body)
    await fields.require_user(call, uid)
    return await _cancel(call, CancelAll(uid, code, direction, offset))


@admin
async def strategy_cancel(call: Call) -> Any:
    body = call.body
    uid = fields.required_uid(body)
    kind = _kind(body)
    code = _code(body)
    await fields.require_user(call, uid)
    return await _cancel(call, CancelStrategyOrders(kind, uid, code, body.id_list("order_id")))


@admin
async def strategy_cancel_all(call: Call) -> Any:
    body = call.body
    uid = fields.required_uid(body)
    kind = _kind(body)
    code = _code(body)
    direction, offset = _filters(body)
    if kind is StrategyKind.TPSL and offset is not None:  # every TP/SL closes: no such filter
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "offset")
    await fields.require_user(call, uid)
    return await _cancel(call, CancelAllStrategy(kind, uid, code, direction, offset))


routes = [
    Route(f"{fields.PREFIX}/cancel", cancel, methods=["POST"]),
    Route(f"{fields.PREFIX}/cancel-all", cancel_all, methods=["POST"]),
    Route(f"{fields.PREFIX}/strategy-cancel", strategy_cancel, methods=["POST"]),
    Route(f"{fields.PREFIX}/strategy-cancel-all", strategy_cancel_all, methods=["POST"]),
]
