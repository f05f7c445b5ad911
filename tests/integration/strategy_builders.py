"""Trigger orders for the storage tests: PlaceTriggerOrder with the fields they vary."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import PlaceTriggerOrder
from htx_sandbox.domain.strategy_orders import StrategyPriceType, TriggerType
from htx_sandbox.domain.types import UID, Direction, Offset

OPEN = Offset.OPEN
GE, LE = TriggerType.GE, TriggerType.LE
LIMIT = StrategyPriceType.LIMIT


def trigger(
    uid: UID,
    code: str,
    trigger_type: TriggerType,
    trigger_price: str,
    direction: Direction,
    volume: int,
    *,
    offset: Offset = OPEN,
    price: str | None = None,
    kind: StrategyPriceType = LIMIT,
    lever: int | None = 10,
) -> PlaceTriggerOrder:
    """A trigger order; a limit one at `price` (the trigger price when not given)."""
    if kind is LIMIT and price is None:
        price = trigger_price
    return PlaceTriggerOrder(
        uid, code, trigger_type, Decimal(trigger_price), direction, offset, volume,
        kind, Decimal(price) if price is not None else None, lever,
    )  # fmt: skip
