"""Coin-margined accounts: one per UID and margin coin (the contract's symbol)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .types import UID, ZERO


@dataclass(slots=True)
class Account:
    """Stored balances; margin_position and profit_unreal depend on the mark price and are derived
    by the exchange when asked (see `margin.py`)."""

    uid: UID
    symbol: str
    margin_static: Decimal = ZERO
    """Balance: deposits, plus realized profit, less fees, plus funding."""
    margin_frozen: Decimal = ZERO
    """Initial margin held by open opening orders."""
    profit_real: Decimal = ZERO
    """Profit realized by closing since the last funding settlement, which moves it into the
    period's settlement record and starts it again from 0 (as HTX's profit_real)."""
    fees_paid: Decimal = ZERO
    deposited: Decimal = ZERO
    settled_balance: Decimal = ZERO
    """margin_balance right after the last settlement: the next period's margin_balance_init."""
    settled_fees: Decimal = ZERO
    """fees_paid at the last settlement: what the period's fees are counted from."""
