"""Price-time matching, planned before anything moves.

Planning first keeps a command atomic: fill-or-kill and post-only decide on the plan, and the
exchange applies a plan only once nothing can fail any more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .book import BookSide
from .orders import Order
from .types import UID, SelfMatchPrevent


@dataclass(slots=True)
class FillPlan:
    fills: list[tuple[Order, int]] = field(default_factory=list)
    """(maker, volume) in price-time priority."""
    volume: int = 0
    self_match: bool = False
    """Matching stopped at the taker's own resting order (self_match_prevent = 1)."""


def plan_fills(
    side: BookSide,
    uid: UID,
    limit_ticks: int,
    volume: int,
    self_match_prevent: SelfMatchPrevent,
) -> FillPlan:
    """What an order of `volume` limited at `limit_ticks` would take from the opposite `side`."""
    plan = FillPlan()
    left = volume
    stop_at_own = self_match_prevent is SelfMatchPrevent.CANCEL_TAKER
    for ticks, level in side.levels():
        if not side.crosses(ticks, limit_ticks):
            break
        for maker in level.values():
            if stop_at_own and maker.uid == uid:
                plan.self_match = True
                plan.volume = volume - left
                return plan
            take = min(left, maker.remaining)
            plan.fills.append((maker, take))
            left -= take
            if not left:
                plan.volume = volume
                return plan
    plan.volume = volume - left
    return plan


def would_take(side: BookSide, limit_ticks: int) -> bool:
    """Whether a price would cross the opposite side's best (a post-only order must not)."""
    best = side.best_ticks()
    return best is not None and side.crosses(best, limit_ticks)
