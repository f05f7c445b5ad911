"""How one contract's index price moves on the engine's clock: a seeded random walk, a fixed
value, or a path of (time, price) points. Pure: each feed answers `price_at(now)` from what it
was given and the times it is asked at, so the same seed and the same clock give the same prices.
The price source (service/price_source.py) holds one feed per contract and submits their prices.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Literal

from ..domain.bounds import MAX_PRICE_DIGITS, MAX_TICKS
from ..domain.types import Millis

Mode = Literal["walk", "fixed", "path"]
Point = tuple[Millis, Decimal]
MAX_CATCH_UP_STEPS = 100_000
"""Steps a walk takes at most in one call: after a longer gap (a clock moved by hand, a machine
that slept) it takes the last ones only, so that no call costs more than ~0.1 s."""
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)


def on_grid(price: Decimal, tick: Decimal) -> int:
    """The price in whole ticks, to the nearest (at least one tick)."""
    return max(1, int(_CONTEXT.divide(price, tick).to_integral_value(ROUND_HALF_EVEN)))


def max_ticks(tick: Decimal) -> int:
    """The most ticks a price below 10^15 (the domain's bound) can have."""
    below = _CONTEXT.divide_int(Decimal(10) ** MAX_PRICE_DIGITS, tick) - 1
    return min(MAX_TICKS, int(below))


class Walk:
    """A random walk on the tick grid: at every multiple of `interval_ms` on the clock it moves
    by a whole number of ticks drawn from [-step_ticks, step_ticks], never below one tick."""

    mode: Mode = "walk"

    def __init__(
        self,
        rng: random.Random,
        tick: Decimal,
        step_ticks: int,
        interval_ms: int,
        start: Decimal,
        now: Millis,
    ) -> None:
        self.rng = rng
        self.tick = tick
        self.step_ticks = step_ticks
        self.interval_ms = interval_ms
        self.highest = max_ticks(tick)
        self.ticks = min(self.highest, on_grid(start, tick))
        self.step = now // interval_ms
        """The last step taken: the walk stands at `ticks` from then until the next one."""

    def price_at(self, now: Millis) -> Decimal:
        due = now // self.interval_ms
        steps = due - self.step
        if steps > 0:
            k, rng, ticks, highest = self.step_ticks, self.rng, self.ticks, self.highest
            for _ in range(min(steps, MAX_CATCH_UP_STEPS)):
                ticks = min(highest, max(1, ticks + rng.randint(-k, k)))
            self.ticks, self.step = ticks, due
        return self.ticks * self.tick

    def points(self, now: Millis) -> list[Point]:
        return []


@dataclass(slots=True)
class Fixed:
    """One value until told otherwise."""

    price: Decimal
    mode: Mode = "fixed"

    def price_at(self, now: Millis) -> Decimal:
        return self.price

    def points(self, now: Millis) -> list[Point]:
        return []


class Path:
    """Linear between (time, price) points, rounded to the tick except at the points themselves;
    from the moment it is set to its first point it moves from `start` (the index then), and
    after its last point it stays at the last price."""

    mode: Mode = "path"

    def __init__(
        self, points: Sequence[Point], tick: Decimal, start: Decimal | None, now: Millis
    ) -> None:
        if not points:
            raise ValueError("a path needs at least one point")
        knots = list(points)
        if knots[0][0] > now:  # begins where the index stands now (or at its first price)
            knots.insert(0, (now, start if start is not None else knots[0][1]))
        self.knots = knots
        self.times = [t for t, _ in knots]
        self.tick = tick

    def price_at(self, now: Millis) -> Decimal:
        knots = self.knots
        after = bisect_right(self.times, now)  # knots[after] is the first one later than now
        if after == 0:
            return knots[0][1]
        if after == len(knots):
            return knots[-1][1]
        (t0, p0), (t1, p1) = knots[after - 1], knots[after]
        if now == t0:
            return p0
        c = _CONTEXT
        moved = c.divide(c.multiply(c.subtract(p1, p0), Decimal(now - t0)), Decimal(t1 - t0))
        return on_grid(c.add(p0, moved), self.tick) * self.tick

    def points(self, now: Millis) -> list[Point]:
        """The points still ahead."""
        return [(t, p) for t, p in self.knots if t > now]


Feed = Walk | Fixed | Path
