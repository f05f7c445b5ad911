"""swap_track_order: a trailing order, placed once the price turns back from its extreme.

It waits, freezing nothing (as a trigger order does), until the last trade price reaches its
active_price: a buy on a fall to it, a sell on a rise. That condition sits in the trigger book
(trigger_type le for a buy, ge for a sell, trigger_price = active_price). Activated, it
follows the lowest (buy) or highest (sell) price and fires when the price turns back by
callback_rate from there (domain/trailing.py, domain/firing.py).
"""

from __future__ import annotations

from decimal import Decimal

from .bounds import COIN_DECIMALS, decimals
from .commands import OrderPlaced, PlaceTrackOrder
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .placement import require_tradable
from .state import ExchangeState
from .strategy_checks import lever_rate_for, require_price_type, require_room, require_volume
from .strategy_orders import TRACK_PRICE_TYPES, StrategyKind, StrategyOrder, TriggerType
from .types import BUY, Direction, Millis

MIN_CALLBACK_RATE = Decimal("0.001")
"""HTX: "no less than 0.001 (0.1 %)"."""
MAX_CALLBACK_RATE = Decimal("0.1")
"""The sandbox's bound (HTX documents none): 10 %, which HTX's own tests place."""
_CALLBACK_RATE_BELOW = ("≥", "0.1%")
_CALLBACK_RATE_ABOVE = ("≤", "10%")


def place_track_order(state: ExchangeState, cmd: PlaceTrackOrder, now: Millis) -> OrderPlaced:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_tradable(contract)
    require_price_type(cmd.order_price_type, TRACK_PRICE_TYPES)
    require_volume(contract, cmd.volume)
    require_callback_rate(cmd.callback_rate)
    active_ticks = contract.ticks(cmd.active_price)
    require_activation_side(state, contract, cmd.direction, active_ticks)
    lever_rate = lever_rate_for(state, cmd.uid, contract, cmd.offset, cmd.lever_rate)
    require_room(state, cmd.uid, contract, StrategyKind.TRACK)
    order = StrategyOrder(
        state.order_ids.next(now),
        StrategyKind.TRACK,
        cmd.uid,
        contract.contract_code,
        contract.symbol,
        cmd.direction,
        cmd.offset,
        cmd.volume,
        lever_rate,
        cmd.order_price_type,
        activation_type(cmd.direction),
        contract.price(active_ticks),
        active_ticks,
        None,
        now,
        callback_rate=cmd.callback_rate,
    )
    state.events.append(state.strategies.accept(order))
    return OrderPlaced(order.order_id, None)


def activation_type(direction: Direction) -> TriggerType:
    """A buy activates on a fall to its active_price (le), a sell on a rise to it (ge)."""
    return TriggerType.LE if direction is BUY else TriggerType.GE


def require_callback_rate(rate: Decimal) -> None:
    """1425 outside 0.1 % to 10 % (HTX's {0}{1}: a comparison and a bound, read the same in
    English and Chinese); 1067 finer than HTX's 18 decimals (the HTTP layer refuses those
    first: the check is for other callers)."""
    if not rate.is_finite() or rate < MIN_CALLBACK_RATE:
        raise HtxError(ErrorCode.CALLBACK_RATE, *_CALLBACK_RATE_BELOW)
    if rate > MAX_CALLBACK_RATE:
        raise HtxError(ErrorCode.CALLBACK_RATE, *_CALLBACK_RATE_ABOVE)
    if decimals(rate) > COIN_DECIMALS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "callback_rate")


def require_activation_side(
    state: ExchangeState, contract: Contract, direction: Direction, active_ticks: int
) -> None:
    """1426 unless a buy's active_price is below the latest price and a sell's above it: at
    the latest price itself, the order would be activated by a trade it never waited for."""
    latest = contract.ticks(state.latest_price(contract))
    if direction is BUY and active_ticks >= latest:
        raise HtxError(ErrorCode.ACTIVATION_PRICE, "<")
    if direction is not BUY and active_ticks <= latest:
        raise HtxError(ErrorCode.ACTIVATION_PRICE, ">")
