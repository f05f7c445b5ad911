"""Price-time matching, planned before anything moves.

Planning first keeps a command atomic: fill-or-kill and post-only decide on the plan, and the
exchange applies a plan only once nothing can fail any more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .book import BookSide
from .orders import Order
from .types import CANCEL_TAKER, UID, SelfMatchPrevent


@dataclass(slots=True)
class FillPlan:
    fills: Sequence[tuple[Order, int]]
    """(maker, volume) in price-time priority."""
    volume: int
    self_match: bool
    """Matching stopped at the taker's own resting order (self_match_prevent = 1)."""


NOTHING_TO_TAKE = FillPlan((), 0, False)


def plan_fills(
    side: BookSide,
    uid: UID,
    limit_ticks: int,
    volume: int,
    self_match_prevent: SelfMatchPrevent,
) -> FillPlan:
    """What an order of `volume` limited at `limit_ticks` would take from the opposite `side`."""
    best = side.best_ticks()
    if best is None or not side.crosses(best, limit_ticks):
        return NOTHING_TO_TAKE  # the common case of a resting order
    fills: list[tuple[Order, int]] = []
    left = volume
    stop_at_own = self_match_prevent is CANCEL_TAKER
    for ticks, level in side.levels():
        if not side.crosses(ticks, limit_ticks):
            break
        for maker in level.values():
            if stop_at_own and maker.uid == uid:
                return FillPlan(fills, volume - left, True)
            take = min(left, maker.remaining)
            fills.append((maker, take))
            left -= take
            if not left:
                return FillPlan(fills, volume, False)
    return FillPlan(fills, volume - left, False)


def would_take(side: BookSide, limit_ticks: int) -> bool:
    """Whether a price would cross the opposite side's best (a post-only order must not)."""
    best = side.best_ticks()
    return best is not None and side.crosses(best, limit_ticks)
