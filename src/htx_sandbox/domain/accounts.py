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
    """Balance: deposits, plus realized profit, less fees."""
    margin_frozen: Decimal = ZERO
    """Initial margin held by open opening orders."""
    profit_real: Decimal = ZERO
    fees_paid: Decimal = ZERO
    deposited: Decimal = ZERO
