"""swap_lightning_close_position: close a position now at the counterparty's best prices.

It is an ordinary closing order (the same checks, margin and matching as swap_order) priced at
the 30th best opposite level, or the deepest there is: `lightning` rests what those levels do
not fill as a limit order at that price, `lightning_ioc` cancels it, `lightning_fok` fills all
or nothing. The request names no lever rate: the position's is used.
"""

from __future__ import annotations

from .commands import LightningClose, OrderPlaced, PlaceOrder
from .errors import ErrorCode, HtxError
from .placement import place_order, require_tradable
from .positions import closed_side
from .state import ExchangeState
from .types import CLOSE, LIGHTNING_PRICE_TYPES, Millis


def lightning_close(state: ExchangeState, cmd: LightningClose, now: Millis) -> OrderPlaced:
    if cmd.order_price_type not in LIGHTNING_PRICE_TYPES:  # the HTTP layer sends no other
        raise HtxError(ErrorCode.INCORRECT_ORDER_PRICE_TYPE)
    if cmd.uid not in state.users:
        raise HtxError(ErrorCode.CONTRACTS_NOT_OPENED)
    contract = state.contracts.get(cmd.contract_code)
    require_tradable(contract)
    holding = state.holdings.get((cmd.uid, contract.contract_code))
    # Nothing (or not enough) to close is said before the book is looked at: an empty book
    # would otherwise answer 1076 to a UID that has no position at all.
    available = holding.position(closed_side(cmd.direction)).available if holding else 0
    if cmd.volume > available and cmd.volume > 0:
        raise HtxError(ErrorCode.INSUFFICIENT_CLOSE_AMOUNT)
    # A position always has its lever rate; the contract's first only lets place_order refuse
    # a volume of 0 or less (1040) for a UID that holds nothing.
    lever_rate = holding.lever_rate if holding and holding.lever_rate else contract.lever_rates[0]
    order = PlaceOrder(
        cmd.uid,
        contract.contract_code,
        cmd.direction,
        CLOSE,
        cmd.volume,
        lever_rate,
        cmd.order_price_type,
        client_order_id=cmd.client_order_id,
    )
    return place_order(state, order, now)
