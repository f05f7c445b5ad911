"""Financial records: one per change of an account's balance, with HTX's type codes
(v3 swap_financial_record). They are derived from what a command already records (its trades,
deposits, settlements), when its changes are committed: the trading path computes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

from .orders import Trade
from .settlement_records import UserSettlement
from .types import BUY, LONG, MAKER, OPEN, UID, Millis


class FinancialType(IntEnum):
    CLOSE_LONG = 3
    CLOSE_SHORT = 4
    OPEN_FEE_TAKER = 5
    OPEN_FEE_MAKER = 6
    CLOSE_FEE_TAKER = 7
    CLOSE_FEE_MAKER = 8
    LIQUIDATION_CLOSE_LONG = 12
    LIQUIDATION_CLOSE_SHORT = 13
    TRANSFER_FROM_SPOT = 14
    """What the sandbox's deposits are recorded as: coin coming in from outside the swaps."""
    TRANSFER_TO_SPOT = 15
    SETTLE_PROFIT_LONG = 16
    SETTLE_PROFIT_SHORT = 17
    """A settlement booking a position's unrealized profit (HTX's v1 codes for it)."""
    CLAWBACK = 19
    SYSTEM = 26
    FUNDING_INCOME = 30
    FUNDING_EXPENDITURE = 31


TYPE_CODES = frozenset(int(t) for t in FinancialType) | frozenset(
    {9, 10, 11, 28, 29, 34, 35, 36, 37, 38, 39, 66, 67}
)
"""Every code HTX documents for the type filter (those the sandbox never writes match nothing)."""


@dataclass(frozen=True, slots=True)
class FinancialRecord:
    query_id: int
    uid: UID
    symbol: str
    contract_code: str
    type: int
    amount: Decimal
    ts: Millis


Entry = tuple[UID, str, str, int, Decimal, Millis]
"""A record before its query_id: uid, symbol, contract_code, type, amount, ts."""


def trade_entries(trade: Trade) -> list[Entry]:
    """A fill's fee and, for a close, its realized profit (nothing for a zero amount: no change)."""
    found: list[Entry] = []
    symbol, code, at = trade.fee_asset, trade.contract_code, trade.created_at
    if trade.fee:
        maker = trade.role is MAKER
        if trade.offset is OPEN:
            kind = FinancialType.OPEN_FEE_MAKER if maker else FinancialType.OPEN_FEE_TAKER
        else:
            kind = FinancialType.CLOSE_FEE_MAKER if maker else FinancialType.CLOSE_FEE_TAKER
        found.append((trade.uid, symbol, code, kind, trade.fee, at))
    if trade.offset is not OPEN and trade.profit:
        # Buying closes the short, selling the long.
        kind = FinancialType.CLOSE_SHORT if trade.direction is BUY else FinancialType.CLOSE_LONG
        found.append((trade.uid, symbol, code, kind, trade.profit, at))
    return found


def settlement_entries(user: UserSettlement) -> list[Entry]:
    """A settlement's booked profit per position, then its funding."""
    found: list[Entry] = []
    uid, symbol, code, at = user.uid, user.symbol, user.contract_code, user.settlement_time
    for position in user.positions:
        if position.settlement_profit_unreal:
            kind = (
                FinancialType.SETTLE_PROFIT_LONG if position.direction is LONG
                else FinancialType.SETTLE_PROFIT_SHORT
            )  # fmt: skip
            found.append((uid, symbol, code, kind, position.settlement_profit_unreal, at))
    if user.funding_fee:
        kind = (
            FinancialType.FUNDING_INCOME if user.funding_fee > 0
            else FinancialType.FUNDING_EXPENDITURE
        )  # fmt: skip
        found.append((uid, symbol, code, kind, user.funding_fee, at))
    return found
