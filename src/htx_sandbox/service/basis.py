"""The basis of a contract, bar by bar: its trade price against its index (HTX's swap_basis and
/ws_index's `market.$contract_code.basis.$period.$basis_price_type`).

Each bar pairs the trade kline's bar with the index series' bar of the same period:
`basis = contract_price - index_price`, `basis_rate = basis / index_price`, both prices taken
by the basis price type (the bar's open, close, high, low, or `average` = (high + low) / 2, as
HTX defines it). A period before the contract's first trade or first index has no basis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..domain.premium import RATE_CONTEXT, RATE_QUANTUM
from .bars import Bar

TWO = Decimal(2)
PRICE_TYPES: dict[str, Callable[[Bar], Decimal]] = {
    "open": lambda bar: bar.open,
    "close": lambda bar: bar.close,
    "high": lambda bar: bar.high,
    "low": lambda bar: bar.low,
    "average": lambda bar: RATE_CONTEXT.divide(RATE_CONTEXT.add(bar.high, bar.low), TWO),
}
"""HTX's basis_price_type values; `open` when the request names none."""
DEFAULT_PRICE_TYPE = "open"


@dataclass(frozen=True, slots=True)
class BasisBar:
    id: int
    """The period's start, in seconds (the bars' id)."""
    contract_price: Decimal
    index_price: Decimal
    basis: Decimal
    basis_rate: Decimal
    """On the 18-decimal grid of HTX's rates."""


def basis_bars(
    trades: Sequence[Bar], index: Sequence[Bar], price_type: str
) -> list[BasisBar]:
    """The bars both series have, oldest first; `trades` and `index` are ascending by id (as
    Reads.bars answers them, every period filled from each series' first bar)."""
    price = PRICE_TYPES[price_type]
    by_id = {bar.id: bar for bar in index}
    out: list[BasisBar] = []
    for trade in trades:
        found = by_id.get(trade.id)
        if found is None:
            continue
        contract_price, index_price = price(trade), price(found)
        basis = RATE_CONTEXT.subtract(contract_price, index_price)
        rate = RATE_CONTEXT.quantize(RATE_CONTEXT.divide(basis, index_price), RATE_QUANTUM)
        out.append(BasisBar(trade.id, contract_price, index_price, basis, rate))
    return out
