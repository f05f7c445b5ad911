"""swap_batchorder: up to 25 orders in one command, each placed or refused on its own."""

from __future__ import annotations

from .commands import BatchItem, PlaceBatch
from .errors import ErrorCode, HtxError
from .placement import place_order
from .state import ExchangeState
from .types import Millis

MAX_BATCH_ORDERS = 25


def place_batch(state: ExchangeState, cmd: PlaceBatch, now: Millis) -> list[BatchItem]:
    """Indexes are 1-based, as HTX's; a refused order leaves the others standing."""
    if not cmd.orders:
        raise HtxError(ErrorCode.FIELD_EMPTY, "orders_data")
    if len(cmd.orders) > MAX_BATCH_ORDERS:
        raise HtxError(ErrorCode.BATCH_LIMIT_EXCEEDED)
    # The HTTP layer builds them so; refuse, never crash, and before the first order is placed:
    # an error means nothing changed.
    if any(order.uid != cmd.uid for order in cmd.orders):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    items = []
    for index, order in enumerate(cmd.orders, start=1):
        try:
            placed = place_order(state, order, now)
        except HtxError as error:
            # Kept as a value without its traceback, which would tie the frame to the reply.
            items.append(BatchItem(index, None, error.with_traceback(None)))
        else:
            items.append(BatchItem(index, placed, None))
    return items
