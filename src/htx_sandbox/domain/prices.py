"""The prices every figure rests on: the index price a price source feeds, and the mark price.

The index price comes from outside the exchange (the sandbox's price source in the service
layer, or the admin API), as a command, so that it is as deterministic and as durable as an
order. Until a contract has one, the exchange runs on its own trades alone, as it always did.

The mark price (`ExchangeState.mark_price`), what margins, unrealized profit, risk and
liquidation are measured at, is the median of the index, the last trade and the book's mid
price: one trade or one quote far from the index cannot move it alone.
"""

from __future__ import annotations

from decimal import Decimal

from . import bounds
from .commands import SetIndexPrices
from .contracts import Contract
from .errors import ErrorCode, HtxError
from .events import IndexPriceChanged
from .price_limits import refresh_band
from .state import ExchangeState
from .types import Millis


def set_index_prices(state: ExchangeState, cmd: SetIndexPrices, now: Millis) -> None:
    """Every price is checked before the first is set: a command sets all or none."""
    checked: list[tuple[Contract, Decimal]] = []
    for code, price in cmd.prices.items():
        contract = state.contracts.get(code)
        if not (
            price.is_finite()
            and price > 0
            and bounds.within(
                price, digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
            )
        ):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "index_price")
        checked.append((contract, price))
    for contract, price in checked:
        code = contract.contract_code
        state.index_prices[code] = price
        state.index_times[code] = now
        refresh_band(state, contract)  # the band follows the index
        state.events.append(IndexPriceChanged(code))
