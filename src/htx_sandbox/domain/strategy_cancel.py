"""swap_trigger_cancel / swap_tpsl_cancel / swap_track_cancel and their cancel-alls.

One family, three id spaces: each kind answers only for its own orders, so a TP/SL id sent to
swap_trigger_cancel is as unknown (1061) as a missing one. Cancel-all walks the caller's own
open orders of that kind on that contract (an index), never a book: O(own orders).
"""

from __future__ import annotations

from .cancellation import MAX_CANCEL_IDS, require_cancellable_contract
from .commands import CancelAllStrategy, CancelError, CancelReply, CancelStrategyOrders
from .errors import ErrorCode, HtxError
from .state import ExchangeState
from .strategy_orders import StrategyKind, StrategyOrder, StrategyStatus
from .types import UID, Millis, OrderId


def cancel_strategy_orders(
    state: ExchangeState, cmd: CancelStrategyOrders, now: Millis
) -> CancelReply:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    if not cmd.order_ids:
        raise HtxError(ErrorCode.FIELD_EMPTY, "order_id")
    if len(cmd.order_ids) > MAX_CANCEL_IDS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)
    require_cancellable_contract(contract)
    reply = CancelReply()
    for given in cmd.order_ids:
        order = _find(state, cmd.uid, contract.contract_code, cmd.kind, given)
        if order is None:
            reply.errors.append(CancelError(given, HtxError(ErrorCode.CANCEL_ORDER_NOT_EXIST)))
        elif order.status is StrategyStatus.NOT_ACTIVATED:
            reply.errors.append(CancelError(given, HtxError(ErrorCode.TPSL_NOT_ACTIVE)))
        else:
            state.events.append(state.strategies.finish(order, StrategyStatus.CANCELLED, now))
            reply.successes.append(given)
    return reply


def _find(
    state: ExchangeState, uid: UID, contract_code: str, kind: StrategyKind, given: str
) -> StrategyOrder | None:
    """The caller's open order of this kind on this contract, else None: a finished order can
    no longer be cancelled and answers as unknown, as HTX's strategy engine does."""
    text = given.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    return state.strategies.owned(uid, contract_code, kind).get(OrderId(int(text)))


def cancel_all_strategy(state: ExchangeState, cmd: CancelAllStrategy, now: Millis) -> CancelReply:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_cancellable_contract(contract)
    owned = state.strategies.owned(cmd.uid, contract.contract_code, cmd.kind)
    direction, offset = cmd.direction, cmd.offset
    matched = [
        order
        for order in owned.values()
        if (direction is None or order.direction is direction)
        and (offset is None or order.offset is offset)
    ]
    if not matched:
        raise HtxError(ErrorCode.NO_ORDERS_TO_CANCEL)
    reply = CancelReply()
    cancellable = []
    for order in matched:
        if order.status is StrategyStatus.NOT_ACTIVATED:
            reply.errors.append(
                CancelError(str(order.order_id), HtxError(ErrorCode.TPSL_NOT_ACTIVE))
            )
        else:
            cancellable.append(order)
            reply.successes.append(str(order.order_id))
    state.events.extend(state.strategies.finish_all(cancellable, StrategyStatus.CANCELLED, now))
    return reply
