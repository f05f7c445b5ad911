"""Which function applies which command: the one table `Exchange.execute` dispatches through.

A handler validates, changes the state, appends its events to `state.events` and returns the
reply; an HtxError means nothing changed. Looked up by exact type: as cheap as the `match` it
replaces, and a command type without a row fails the test that checks the Command union.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .batch import place_batch
from .cancel_after import set_cancel_after
from .cancellation import cancel_all, cancel_orders
from .commands import (
    CancelAfter,
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelStrategyOrders,
    Deposit,
    LightningClose,
    ListContract,
    OpenUser,
    PlaceBatch,
    PlaceOrder,
    PlaceTpsl,
    PlaceTrackOrder,
    PlaceTriggerOrder,
    Reply,
    SeedPosition,
    SetContract,
    SetIndexPrices,
    SetPositionLimits,
    SwitchLeverRate,
    Tick,
)
from .leverage import switch_lever_rate
from .lightning import lightning_close
from .listing import list_contract, set_contract
from .placement import place_order
from .position_limits import set_position_limits
from .prices import set_index_prices
from .seeding import seed_position
from .state import ExchangeState
from .strategy_cancel import cancel_all_strategy, cancel_strategy_orders
from .tpsl import place_tpsl
from .track_orders import place_track_order
from .trigger_orders import place_trigger_order
from .types import Millis
from .users import deposit, open_user

C = TypeVar("C")
Handler = Callable[[ExchangeState, C, Millis], Reply]


def tick(state: ExchangeState, cmd: Tick, now: Millis) -> None:
    """No change of its own: the timers that fell due ran before it."""


def _row(kind: type[C], handler: Handler[C]) -> tuple[type[Any], Handler[Any]]:
    """One row of the table, its handler type-checked against its command type."""
    return kind, handler


HANDLERS: Mapping[type[Any], Handler[Any]] = dict(
    [
        _row(OpenUser, open_user),
        _row(Deposit, deposit),
        _row(PlaceOrder, place_order),
        _row(LightningClose, lightning_close),
        _row(PlaceBatch, place_batch),
        _row(CancelOrders, cancel_orders),
        _row(CancelAll, cancel_all),
        _row(PlaceTriggerOrder, place_trigger_order),
        _row(CancelStrategyOrders, cancel_strategy_orders),
        _row(CancelAllStrategy, cancel_all_strategy),
        _row(PlaceTpsl, place_tpsl),
        _row(PlaceTrackOrder, place_track_order),
        _row(SwitchLeverRate, switch_lever_rate),
        _row(CancelAfter, set_cancel_after),
        _row(ListContract, list_contract),
        _row(SetContract, set_contract),
        _row(SetIndexPrices, set_index_prices),
        _row(Tick, tick),
        _row(SetPositionLimits, set_position_limits),
        _row(SeedPosition, seed_position),
    ]
)
