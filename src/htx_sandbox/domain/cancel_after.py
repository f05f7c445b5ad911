"""The dead man's switch (HTX's swap-cancel-after).

Armed with a timeout, it must be refreshed before the timeout ends; if not, every open order of
the UID, on every contract, is cancelled. Time comes from the commands, never from a clock.
"""

from __future__ import annotations

import heapq

from .cancellation import cancel_matched
from .commands import CancelAfter, CancelAfterReply
from .errors import ErrorCode, HtxError
from .events import CancelAfterFired, CancelAfterSet
from .orders import TIMEOUT_CANCELED
from .state import ExchangeState
from .types import CANCELLING, UID, Millis

MIN_TIME_OUT_MS = 5000
MAX_TIME_OUT_MS = 7 * 86_400_000
"""HTX states no maximum; a week is beyond any heartbeat a bot would use."""


def set_cancel_after(state: ExchangeState, cmd: CancelAfter, now: Millis) -> CancelAfterReply:
    state.require_user(cmd.uid)
    if not cmd.on:
        state.cancel_after.pop(cmd.uid, None)
        state.events.append(CancelAfterSet(cmd.uid, None))
        return CancelAfterReply(now, None)
    if not MIN_TIME_OUT_MS <= cmd.time_out <= MAX_TIME_OUT_MS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "time_out")
    trigger = Millis(now + cmd.time_out)
    state.cancel_after[cmd.uid] = trigger
    heapq.heappush(state.cancel_after_heap, (trigger, cmd.uid))
    state.events.append(CancelAfterSet(cmd.uid, trigger))
    return CancelAfterReply(now, trigger)


def next_trigger(state: ExchangeState) -> tuple[Millis, UID] | None:
    """The earliest live trigger; refreshed or disarmed entries are dropped from the heap."""
    heap = state.cancel_after_heap
    while heap:
        trigger, uid = heap[0]
        if state.cancel_after.get(uid) == trigger:
            return trigger, uid
        heapq.heappop(heap)
    return None


def next_due(state: ExchangeState) -> Millis | None:
    """When the next timer falls due: a delayed cancel or a switch, whichever is first."""
    trigger = next_trigger(state)
    cancel_due = state.pending_cancels[0][0] if state.pending_cancels else None
    if trigger is None:
        return cancel_due
    return trigger[0] if cancel_due is None else min(trigger[0], cancel_due)


def fire(state: ExchangeState, uid: UID, trigger: Millis) -> None:
    """The switch ran out: cancel every open order of the UID, contract by contract."""
    heapq.heappop(state.cancel_after_heap)
    del state.cancel_after[uid]
    state.events.append(CancelAfterFired(uid, trigger))
    holdings = state.holdings_by_user.get(uid, {})
    for code in sorted(holdings):
        holding = holdings[code]
        if holding.open_orders:
            orders = list(holding.open_orders.values())
            for order in orders:
                if order.status is not CANCELLING:  # one being cancelled keeps its source
                    order.canceled_source = TIMEOUT_CANCELED
            cancel_matched(state, holding, orders, trigger)
