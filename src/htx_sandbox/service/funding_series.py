"""The premium index and the estimated funding rate as kline series (HTX's
swap_premium_index_kline and swap_estimated_rate_kline): samplers of the series book, fed from
the funding clock's minute samples (domain/funding.py).

premium_index is the latest sample of the contract's premium index; estimated_rate is the rate
the running period would settle at (since HTX's 2024 change, its live funding rate). Both are 0
until the contract's first sample (no index, or nothing to compare it with), as the rate is.
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

from ..domain.contracts import Contract
from ..domain.funding import live_rate
from ..domain.state import ExchangeState
from ..domain.types import ZERO
from .series_book import Sampler

PREMIUM_INDEX = "premium_index"
ESTIMATED_RATE = "estimated_rate"


def _period(state: ExchangeState, contract: Contract) -> Hashable:
    """What both values are computed from: the period's samples (a new sample moves them)."""
    period = state.premiums.get(contract.contract_code)
    return None if period is None else (period.samples, period.last_at)


def _premium(state: ExchangeState, contract: Contract) -> Decimal:
    period = state.premiums.get(contract.contract_code)
    return period.last if period is not None and period.last is not None else ZERO


SAMPLERS = (
    Sampler(PREMIUM_INDEX, _premium, inputs=_period),
    Sampler(ESTIMATED_RATE, live_rate, inputs=_period),
)
