"""swap_balance_valuation: what a UID's margin accounts are worth together, in USD or in BTC.

Each coin's equity (margin_balance) is valued at the mark price of its coin-margined contract,
the price that equity is itself measured at; USD is then turned into BTC at BTC-USD's mark
price. The sandbox knows no other prices (no fiat rates: it never reads the network).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

from .errors import ErrorCode, HtxError
from .margin import account_figures
from .money import COIN_QUANTUM
from .state import ExchangeState
from .types import UID, ZERO

USD = "USD"
BTC = "BTC"
BTC_CONTRACT = "BTC-USD"
# Wider than the money context: a balance times a price can pass 60 digits before it is
# rounded to the coin grid (bounds.py keeps both below 10^30 and 10^15).
_CONTEXT = Context(prec=100, rounding=ROUND_HALF_EVEN)


def equity_in_usd(state: ExchangeState, uid: UID) -> Decimal:
    """Each coin once, at the mark price of the first contract listed in it."""
    total, seen = ZERO, set()
    for contract in state.contracts:
        if contract.symbol in seen:
            continue
        seen.add(contract.symbol)
        account = state.accounts.get((uid, contract.symbol))
        if account is None:
            continue
        balance = account_figures(state, account).margin_balance
        total = _CONTEXT.add(total, _CONTEXT.multiply(balance, state.mark_price(contract)))
    return total


def balance_valuation(state: ExchangeState, uid: UID, asset: str) -> Decimal:
    """The UID's equity in `asset` (USD or BTC), on the 1e-18 grid; 1067 valuation_asset for
    BTC when no BTC-USD contract is listed to price it."""
    usd = equity_in_usd(state, uid)
    if asset == BTC:
        if BTC_CONTRACT not in state.contracts:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "valuation_asset")
        btc = state.contracts.get(BTC_CONTRACT)
        return _CONTEXT.quantize(_CONTEXT.divide(usd, state.mark_price(btc)), COIN_QUANTUM)
    return _CONTEXT.quantize(usd, COIN_QUANTUM)

