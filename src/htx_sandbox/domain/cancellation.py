"""swap_cancel and swap_cancelall, answered as HTX answers them.

Cancel-all walks only the caller's open orders on the contract (the holding's index), never the
book, so its cost is O(own open orders) whatever else rests there.
"""

from __future__ import annotations

from .commands import CancelAll, CancelError, CancelOrders, CancelReply
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .events import OrderCancelling
from .orders import Order
from .positions import Holding
from .state import ExchangeState
from .types import (
    CANCELLED,
    CANCELLING,
    PARTIALLY_FILLED_CANCELLED,
    UID,
    ContractStatus,
    Millis,
    OrderId,
    OrderStatus,
)

MAX_CANCEL_IDS = 10

_CANCEL_BLOCKED = {
    ContractStatus.IN_SETTLEMENT: ErrorCode.IN_SETTLEMENT,
    ContractStatus.SETTLEMENT_COMPLETED: ErrorCode.IN_SETTLEMENT,
    ContractStatus.DELIVERING: ErrorCode.IN_DELIVERY,
    ContractStatus.DELIVERED: ErrorCode.IN_DELIVERY,
}
_NOT_CANCELLABLE = {
    OrderStatus.FILLED: ErrorCode.ORDER_EXECUTED,
    CANCELLED: ErrorCode.REPEATED_CANCELLATION,
    PARTIALLY_FILLED_CANCELLED: ErrorCode.REPEATED_CANCELLATION,
    CANCELLING: ErrorCode.CANCELLING,
}


def cancels_allowed(contract: Contract) -> bool:
    """Whether orders on the contract can be cancelled in its status (swap_api_state's cancel)."""
    return contract.contract_status not in _CANCEL_BLOCKED


def require_cancellable_contract(contract: Contract) -> None:
    """Settlement and delivery freeze cancels as well as orders; a suspended book can be emptied."""
    code = _CANCEL_BLOCKED.get(contract.contract_status)
    if code is not None:
        raise HtxError(code)


def request_cancel(state: ExchangeState, order: Order, now: Millis) -> None:
    """Cancel now, or move to status 11 and land after the exchange's cancel delay."""
    if state.cancel_delay_ms:
        order.mark_cancelling(now)
        state.schedule_cancel(order, now)
        state.events.append(OrderCancelling(order.order_id))
    else:
        state.cancel_now(order, now)


def cancel_orders(state: ExchangeState, cmd: CancelOrders, now: Millis) -> CancelReply:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    # order_id wins when both lists are given, as on HTX.
    by_client = not cmd.order_ids
    ids = cmd.client_order_ids if by_client else cmd.order_ids
    if not ids:
        raise HtxError(ErrorCode.FIELD_EMPTY, "order_id")
    if len(ids) > MAX_CANCEL_IDS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)
    require_cancellable_contract(contract)
    reply = CancelReply()
    for given in ids:
        order = _find(state, cmd.uid, contract.contract_code, given, by_client)
        if order is None:
            reply.errors.append(CancelError(given, HtxError(ErrorCode.CANCEL_ORDER_NOT_EXIST)))
            continue
        refusal = _NOT_CANCELLABLE.get(order.status)
        if refusal is not None:
            reply.errors.append(CancelError(given, HtxError(refusal)))
            continue
        request_cancel(state, order, now)
        reply.successes.append(given)
    return reply


def _find(
    state: ExchangeState, uid: UID, contract_code: str, given: str, by_client: bool
) -> Order | None:
    """The caller's order on this contract; another UID's order is as unknown as a missing one."""
    text = given.strip()
    # Plain ASCII digits of a 64-bit id only: int() would also read "1_0", "+5" or "١٢".
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    if by_client:
        order = state.order_by_client_id(uid, number)
    else:
        order = state.orders.get(OrderId(number))
    if order is None or order.uid != uid or order.contract_code != contract_code:
        return None
    return order


def cancel_all(state: ExchangeState, cmd: CancelAll, now: Millis) -> CancelReply:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_cancellable_contract(contract)
    holding = state.holdings.get((cmd.uid, contract.contract_code))
    if holding is None or not holding.open_orders:
        raise HtxError(ErrorCode.NO_ORDERS_TO_CANCEL)
    direction, offset = cmd.direction, cmd.offset
    matched = [
        order
        for order in holding.open_orders.values()
        if (direction is None or order.direction is direction)
        and (offset is None or order.offset is offset)
    ]
    if not matched:
        raise HtxError(ErrorCode.NO_ORDERS_TO_CANCEL)
    return cancel_matched(state, holding, matched, now)


def cancel_matched(
    state: ExchangeState, holding: Holding, orders: list[Order], now: Millis
) -> CancelReply:
    """Cancel open orders of one holding; those already cancelling are reported with 1062, as
    HTX reports an order it is still cancelling."""
    reply = CancelReply()
    cancellable = []
    for order in orders:
        if order.status is CANCELLING:
            reply.errors.append(CancelError(str(order.order_id), HtxError(ErrorCode.CANCELLING)))
        else:
            cancellable.append(order)
            reply.successes.append(str(order.order_id))
    if state.cancel_delay_ms:
        for order in cancellable:
            request_cancel(state, order, now)
    elif cancellable:
        state.cancel_resting(holding, cancellable, now)
    return reply


def land_cancel(state: ExchangeState, order_id: OrderId, due: Millis) -> None:
    """A delayed cancel falls due; the order may have filled in the meantime."""
    order = state.orders.get(order_id)  # evicted: it filled and ended before the cancel landed
    if order is not None and order.status is CANCELLING:
        state.cancel_now(order, due)
