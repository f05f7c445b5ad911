"""What a contract gathers over a funding period for its settlement (see funding.py and
settlement.py): its premium index samples, and the fills its settlement price comes from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from .types import EPOCH, ZERO, Millis

RATE_QUANTUM = Decimal("1e-18")
"""Premiums and rates on HTX's 18-decimal grid ("0.000100000000000000")."""
RATE_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)


@dataclass(slots=True)
class PremiumPeriod:
    """One contract's premium index samples in the current funding period."""

    total: Decimal = ZERO
    samples: int = 0
    last: Decimal | None = None
    """The latest sample, of this period or an earlier one (the premium index kline's close)."""
    last_at: Millis = EPOCH

    def add(self, premium: Decimal, at: Millis, count: int = 1) -> None:
        """`count` equal samples, the last of them at `at` (a run of minutes in which nothing
        that the premium depends on could change)."""
        self.total = RATE_CONTEXT.add(self.total, RATE_CONTEXT.multiply(premium, count))
        self.samples += count
        self.last = premium
        self.last_at = at

    @property
    def average(self) -> Decimal | None:
        if not self.samples:
            return None
        return RATE_CONTEXT.quantize(RATE_CONTEXT.divide(self.total, self.samples), RATE_QUANTUM)

    def restart(self) -> None:
        """A settlement ends the period: the next one averages its own samples."""
        self.total = ZERO
        self.samples = 0


@dataclass(slots=True)
class SettlementFills:
    """A contract's fills in the 10 minutes before a settlement, for the settlement price: the
    inverse VWAP, sum(volume) x size / sum(coin value)."""

    volume: int = 0
    value: Decimal = ZERO
