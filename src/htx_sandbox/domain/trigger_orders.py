"""swap_trigger_order: an ordinary order placed once the last trade price reaches a trigger.

Nothing is frozen while it waits (HTX: neither margin nor position); the checks of the order it
will place run when it fires, and their refusal is recorded on it (status 5).
"""

from __future__ import annotations

from .commands import OrderPlaced, PlaceTriggerOrder
from .placement import require_tradable
from .state import ExchangeState
from .strategy_checks import (
    lever_rate_for,
    limit_order_price,
    require_price_type,
    require_room,
    require_volume,
)
from .strategy_orders import TRIGGER_PRICE_TYPES, StrategyKind, StrategyOrder
from .types import Millis


def place_trigger_order(state: ExchangeState, cmd: PlaceTriggerOrder, now: Millis) -> OrderPlaced:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    require_tradable(contract)
    require_price_type(cmd.order_price_type, TRIGGER_PRICE_TYPES)
    require_volume(contract, cmd.volume)
    trigger_ticks = contract.ticks(cmd.trigger_price)
    order_price = limit_order_price(contract, cmd.order_price_type, cmd.order_price)
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
    state.events.append(state.strategies.accept(order))
    return OrderPlaced(order.order_id, None)
