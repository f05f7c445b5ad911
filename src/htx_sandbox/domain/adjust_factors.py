"""Tiered adjustment factors (HTX's swap_adjustfactor): for each lever rate of a contract, a
ladder of net-position tiers (|long - short| in contracts), each with the factor the margin
ratio subtracts: risk_rate = margin_balance / (margin_position + margin_frozen) - factor.

A contract may carry its own ladders (a contract setting, stored with it); a lever rate without
one gets the default ladder below. HTX publishes only examples, so the defaults are built
around them (docs/compatibility.md, "Risk and liquidation"): BTC-USD at 125x is HTX's own
ladder to the digit (0-1999 -> 0.65, 2000-9999 -> 0.80, 10000 and up -> 0.85), and 10x puts a
net position of 1800 BTC contracts at 10 %, as HTX's help page does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from . import bounds

MAX_TIERS = 10
MAX_SIZE = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Ladder:
    """One tier: net positions from min_size to max_size contracts (both included; None is no
    upper end) carry adjust_factor."""

    ladder: int
    min_size: int
    max_size: int | None
    adjust_factor: Decimal


Ladders = tuple[Ladder, ...]

_D = Decimal
# Per lever rate: the factors of the three tiers. 125x is HTX's published BTC-USD ladder; the
# lower lever rates keep the maintenance margin rate (factor / lever rate) at 1 % in tier 0 up
# to 20x and let it fall towards 125x's 0.52 %, each tier above adding to it.
DEFAULT_FACTORS: Mapping[int, tuple[Decimal, Decimal, Decimal]] = {
    1: (_D("0.01"), _D("0.015"), _D("0.02")),
    2: (_D("0.02"), _D("0.03"), _D("0.04")),
    3: (_D("0.03"), _D("0.045"), _D("0.06")),
    5: (_D("0.05"), _D("0.075"), _D("0.1")),
    10: (_D("0.1"), _D("0.15"), _D("0.2")),
    20: (_D("0.2"), _D("0.3"), _D("0.4")),
    30: (_D("0.25"), _D("0.35"), _D("0.45")),
    50: (_D("0.35"), _D("0.5"), _D("0.6")),
    75: (_D("0.45"), _D("0.6"), _D("0.7")),
    100: (_D("0.55"), _D("0.7"), _D("0.8")),
    125: (_D("0.65"), _D("0.8"), _D("0.85")),
}
TIER_NOTIONALS_USD = (Decimal(200_000), Decimal(1_000_000))
"""Where tiers 1 and 2 begin, in USD of net position: 2000 and 10000 BTC contracts of 100 USD
(HTX's ladder); a contract of another face value gets the same notionals."""


def _factors(lever_rate: int) -> tuple[Decimal, Decimal, Decimal]:
    """The defaults of the smallest listed lever rate at or above `lever_rate` (a higher lever
    rate never gets a lower factor), 125x's above 125x."""
    for rate in sorted(DEFAULT_FACTORS):
        if rate >= lever_rate:
            return DEFAULT_FACTORS[rate]
    return DEFAULT_FACTORS[max(DEFAULT_FACTORS)]


@functools.lru_cache(maxsize=1024)
def default_ladders(contract_size: Decimal, lever_rate: int) -> Ladders:
    starts = [0]
    for notional in TIER_NOTIONALS_USD:
        starts.append(max(starts[-1] + 1, int((notional / contract_size).to_integral_value(
            rounding=ROUND_CEILING
        ))))  # fmt: skip
    factors = _factors(lever_rate)
    return tuple(
        Ladder(i, start, starts[i + 1] - 1 if i + 1 < len(starts) else None, factors[i])
        for i, start in enumerate(starts)
    )


def tier(ladders: Ladders, net_volume: int) -> Ladder:
    """The tier a net position of `net_volume` contracts is in."""
    for ladder in ladders:
        if ladder.max_size is None or net_volume <= ladder.max_size:
            return ladder
    return ladders[-1]  # unreachable for checked ladders: the last is open-ended


def check_ladders(ladders: Sequence[Ladder]) -> None:
    """A usable ladder: tiers 0, 1, ... from a net position of 0, each starting right after the
    one before, the last open-ended, factors strictly between 0 and 1 (a factor of 1 would
    liquidate a position as soon as it opened) and never lower than the tier's below."""
    if not 1 <= len(ladders) <= MAX_TIERS:
        raise ValueError(f"a ladder has 1 to {MAX_TIERS} tiers")
    expected_min = 0
    previous = Decimal(0)
    for index, ladder in enumerate(ladders):
        last = index == len(ladders) - 1
        if ladder.ladder != index or ladder.min_size != expected_min:
            raise ValueError("tiers are numbered from 0, each starting after the one before")
        if last != (ladder.max_size is None):
            raise ValueError("only the last tier is open-ended")
        if ladder.max_size is not None:
            if not ladder.min_size <= ladder.max_size < MAX_SIZE:
                raise ValueError("a tier's max_size is at least its min_size")
            expected_min = ladder.max_size + 1
        factor = ladder.adjust_factor
        if not (
            bounds.within(factor, digits=1, places=bounds.COIN_DECIMALS) and 0 < factor < 1
        ):
            raise ValueError("an adjust_factor is above 0 and below 1, with 18 decimals at most")
        if factor < previous:
            raise ValueError("a tier's adjust_factor is not below the one before")
        previous = factor


def ladders_text(overrides: Mapping[int, Ladders]) -> str:
    """A contract's own ladders as stored: "lever:min-max=factor|min-=factor;lever:...", ""
    when it has none."""
    return ";".join(
        f"{lever}:"
        + "|".join(
            f"{t.min_size}-{'' if t.max_size is None else t.max_size}={t.adjust_factor}"
            for t in ladders
        )
        for lever, ladders in sorted(overrides.items())
    )


def ladders_from_text(text: str) -> dict[int, Ladders]:
    """The inverse of ladders_text; ValueError for text it did not write."""
    found: dict[int, Ladders] = {}
    for part in filter(None, text.split(";")):
        lever, _, tiers = part.partition(":")
        ladders = []
        for index, item in enumerate(tiers.split("|")):
            sizes, _, factor = item.partition("=")
            low, _, high = sizes.partition("-")
            ladders.append(
                Ladder(index, int(low), int(high) if high else None, Decimal(factor))
            )
        check_ladders(ladders)
        found[int(lever)] = tuple(ladders)
    return found
