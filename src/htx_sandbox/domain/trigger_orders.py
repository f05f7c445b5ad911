"""swap_trigger_order: an ordinary order placed once the last trade price reaches a trigger.

Nothing is frozen while it waits (HTX: neither margin nor position); the checks of the order it
will place run when it fires, and their refusal is recorded on it (status 5).
"""

from __future__ import annotations

from .commands import OrderPlaced, PlaceTriggerOrder
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .placement import require_tradable
from .state import ExchangeState
from .strategy_orders import (
    TRIGGER_PRICE_TYPES,
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
)
from .types import OPEN, UID, Millis, Offset


def place_trigger_order(state: ExchangeState, cmd: PlaceTriggerOrder, now: Millis) -> OrderPlaced:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_tradable(contract)
    if cmd.order_price_type not in TRIGGER_PRICE_TYPES:
        raise HtxError(ErrorCode.INCORRECT_ORDER_PRICE_TYPE)
    require_volume(contract, cmd.volume)
    trigger_ticks = contract.ticks(cmd.trigger_price)
    order_price = None
    if cmd.order_price_type is StrategyPriceType.LIMIT:
        if cmd.order_price is None:  # HTX's own tests: "the price is not reasonable"
            raise HtxError(ErrorCode.PRICE_NOT_REASONABLE)
        order_price = contract.price(contract.ticks(cmd.order_price))
    lever_rate = lever_rate_for(state, cmd.uid, contract, cmd.offset, cmd.lever_rate)
    require_room(state, cmd.uid, contract, StrategyKind.TRIGGER)
    order = StrategyOrder(
        state.order_ids.next(now),
        StrategyKind.TRIGGER,
        cmd.uid,
        contract.contract_code,
        contract.symbol,
        cmd.direction,
        cmd.offset,
        cmd.volume,
        lever_rate,
        cmd.order_price_type,
        cmd.trigger_type,
        contract.price(trigger_ticks),
        trigger_ticks,
        order_price,
        now,
    )
    state.strategies.add(order)
    state.events.append(state.strategies.changed(order))
    return OrderPlaced(order.order_id, None)


def require_volume(contract: Contract, volume: int) -> None:
    if volume <= 0:
        raise HtxError(ErrorCode.INVALID_AMOUNT)
    if volume > contract.max_order_volume:
        raise HtxError(ErrorCode.AMOUNT_EXCEEDS_LIMIT, contract.max_order_volume)


def lever_rate_for(
    state: ExchangeState, uid: UID, contract: Contract, offset: Offset, lever_rate: int | None
) -> int | None:
    """The lever rate a strategy order will place with: the one given, which must be the
    holding's while the holding has exposure; else the holding's, which an opening order
    cannot do without (trigger and trailing orders alike)."""
    holding = state.holdings.get((uid, contract.contract_code))
    pinned = holding.lever_rate if holding is not None and holding.has_exposure else None
    if lever_rate is None:
        if pinned is None and offset is OPEN:
            raise HtxError(ErrorCode.LEVERAGE_EMPTY)
        return None
    if lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    if pinned is not None and pinned != lever_rate:
        raise HtxError(ErrorCode.LEVERAGE_MISMATCH)
    return lever_rate


_LIMIT_CODES = {
    StrategyKind.TRIGGER: (ErrorCode.TRIGGER_ORDERS_LIMIT, ErrorCode.PLATFORM_TRIGGER_ORDERS_LIMIT),
    StrategyKind.TPSL: (ErrorCode.TPSL_ORDERS_LIMIT, ErrorCode.PLATFORM_TPSL_ORDERS_LIMIT),
    StrategyKind.TRACK: (ErrorCode.TRAILING_ORDERS_LIMIT, ErrorCode.PLATFORM_TRAILING_ORDERS_LIMIT),
}


def require_room(
    state: ExchangeState, uid: UID, contract: Contract, kind: StrategyKind, adding: int = 1
) -> None:
    """The UID's open orders of `kind` stay within the per-contract and platform limits."""
    strategies, limits = state.strategies, state.strategies.limits
    per_contract, platform = _LIMIT_CODES[kind]
    if strategies.open_count(uid, contract.contract_code, kind) + adding > limits.per_contract:
        raise HtxError(per_contract, contract.contract_code, limits.per_contract)
    if strategies.platform_count(uid, kind) + adding > limits.platform:
        raise HtxError(platform)
