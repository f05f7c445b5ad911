"""The price band (HTX's price limits): a buy may not be priced above `high_limit`, a sell not
below `low_limit`, whether it opens or closes.

The band follows the index: `index x (1 + rate)` floored to the tick and `index x (1 - rate)`
ceiled to it, with the contract's `price_limit_rate` (HTX's hard limit; its basis limit needs a
basis history the sandbox does not keep, see docs/compatibility.md). A contract without an index
has no band. Each band is computed once, when its index or its rate changes, and kept in ticks
in `ExchangeState.price_bands`, so that an order pays one dict lookup and an integer comparison
for it (placement.py compares inline), and an exchange without an index only the lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal
from typing import TYPE_CHECKING

from .bounds import MAX_TICKS
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .types import BUY, Direction

if TYPE_CHECKING:
    from .state import ExchangeState

UNIT = "USD"
"""What 1039's text names after each limit: a coin-margined swap is priced in USD."""
# Exact whatever the caller's context: an index (< 10^15, 12 decimals) times 1 +- a rate of 6
# decimals has at most 34 digits.
_EXACT = Context(prec=60, rounding=ROUND_FLOOR)


@dataclass(frozen=True, slots=True)
class PriceBand:
    low_ticks: int
    high_ticks: int
    low_limit: Decimal
    high_limit: Decimal

    def beyond(self, direction: Direction, *, off_book: bool) -> int:
        """For an order priced beyond the band (a buy above high_limit, a sell below
        low_limit): the limit itself if the order is priced off the book (opponent,
        optimal_N, lightning: its client named no price to refuse, docs/compatibility.md),
        else 1039."""
        if not off_book:
            raise self.error()
        return self.high_ticks if direction is BUY else self.low_ticks

    def error(self) -> HtxError:
        """1039 names both limits, whichever side failed, as HTX's captured answer does."""
        return HtxError(
            ErrorCode.PRICE_OUT_OF_BAND, _plain(self.high_limit), UNIT, _plain(self.low_limit), UNIT
        )


def band_for(contract: Contract, index: Decimal) -> PriceBand:
    """The band around `index` on the contract's tick grid, at least one tick above zero."""
    tick, rate = contract.price_tick, contract.price_limit_rate
    high = int(_EXACT.divide_int(_EXACT.multiply(index, 1 + rate), tick))
    low, rest = _EXACT.divmod(_EXACT.multiply(index, 1 - rate), tick)
    low_ticks = max(1, int(low) + (1 if rest else 0))
    high_ticks = min(MAX_TICKS, max(1, high))
    return PriceBand(low_ticks, high_ticks, contract.price(low_ticks), contract.price(high_ticks))


def refresh_band(state: ExchangeState, contract: Contract) -> None:
    """Recompute the contract's band from its index and rate (none without an index)."""
    code = contract.contract_code
    index = state.index_prices.get(code)
    if index is None:
        state.price_bands.pop(code, None)
    else:
        state.price_bands[code] = band_for(contract, index)


def _plain(price: Decimal) -> str:
    """As HTX prints a limit in 1039's text: 37731, 39270.9 (no trailing zeros, no exponent)."""
    return format(_EXACT.normalize(price), "f")
