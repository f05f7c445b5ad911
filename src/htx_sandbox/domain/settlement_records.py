"""What one funding settlement leaves behind, as HTX reports it: a platform record per contract
(swap_settlement_records, with the period's funding rate for swap_historical_funding_rate) and
a user record per account (swap_user_settlement_records). Plain values: the settlement computes
them once and storage keeps them as they were (plain slotted dataclasses, not frozen: a
settlement makes one or two per position, and a frozen constructor costs three times as much)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .types import UID, Millis, PositionSide


@dataclass(frozen=True, slots=True)
class ContractSettlement:
    contract_code: str
    symbol: str
    settlement_time: Millis
    settlement_price: Decimal
    funding_rate: Decimal
    avg_premium_index: Decimal | None
    """None for a period without a premium index sample (its rate is then 0)."""


@dataclass(slots=True)
class SettledPosition:
    direction: PositionSide
    volume: int
    """Before the settlement (a settlement changes no volume)."""
    cost_open: Decimal
    cost_hold_pre: Decimal
    cost_hold: Decimal
    """After the settlement: the settlement price."""
    settlement_profit_unreal: Decimal


@dataclass(slots=True)
class UserSettlement:
    uid: UID
    symbol: str
    contract_code: str
    settlement_time: Millis
    margin_balance_init: Decimal
    """Equity right after the previous settlement (0 for an account funded since)."""
    margin_balance: Decimal
    settlement_profit_real: Decimal
    """offset_profitloss + fee + funding_fee + the positions' settlement_profit_unreal."""
    funding_fee: Decimal
    """Received (positive) or paid (negative)."""
    offset_profitloss: Decimal
    """Profit realized by closing during the period."""
    fee: Decimal
    """Fees of the period, negative when paid (as HTX signs every fee it reports)."""
    settlement_price: Decimal
    positions: tuple[SettledPosition, ...] = ()
    clawback: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Settlement:
    settlement_time: Millis
    contracts: tuple[ContractSettlement, ...]
    users: tuple[UserSettlement, ...]
