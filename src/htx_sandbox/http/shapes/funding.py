"""Funding and settlement records in HTX's wire shapes: funding rates (strings of 18 decimals,
as HTX prints them, times as strings of ms), platform and user settlement records and financial
records (numbers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain.contracts import Contract
from ...domain.premium import RATE_CONTEXT, RATE_QUANTUM
from ...domain.records import FinancialRecord
from ...domain.settlement_records import ContractSettlement, UserSettlement
from ..core.wire import num

SETTLEMENT = "settlement"
"""settlement_type: a swap only settles (futures deliver)."""


def rate_text(value: Decimal) -> str:
    """A rate as HTX's funding endpoints print it: "0.000100000000000000"."""
    return format(RATE_CONTEXT.quantize(value, RATE_QUANTUM), "f")


def funding_rate(contract: Contract, rate: Decimal, funding_time: int) -> dict[str, Any]:
    """swap_funding_rate's object. Since HTX's 2024 change funding_rate is the live rate of the
    period ending at funding_time; estimated_rate and next_funding_time are deprecated and null."""
    return {
        "symbol": contract.symbol,
        "contract_code": contract.contract_code,
        "fee_asset": contract.symbol,
        "funding_time": str(funding_time),
        "funding_rate": rate_text(rate),
        "estimated_rate": None,
        "next_funding_time": None,
    }


def historical_funding_rate(s: ContractSettlement) -> dict[str, Any]:
    average = s.avg_premium_index
    return {
        "symbol": s.symbol,
        "contract_code": s.contract_code,
        "fee_asset": s.symbol,
        "funding_time": str(s.settlement_time),
        "funding_rate": rate_text(s.funding_rate),
        # The rate applied: HTX's FAQ says it equals funding_rate unless HTX charged less to
        # spare an account liquidation, which the sandbox never does (it charges in full).
        "realized_rate": rate_text(s.funding_rate),
        "avg_premium_index": rate_text(average) if average is not None else None,
    }


def settlement_record(s: ContractSettlement) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "contract_code": s.contract_code,
        "settlement_time": s.settlement_time,
        "clawback_ratio": 0,
        "settlement_price": num(s.settlement_price),
        "settlement_type": SETTLEMENT,
    }


def user_settlement_record(u: UserSettlement) -> dict[str, Any]:
    return {
        "symbol": u.symbol,
        "contract_code": u.contract_code,
        "margin_balance_init": num(u.margin_balance_init),
        "margin_balance": num(u.margin_balance),
        "settlement_profit_real": num(u.settlement_profit_real),
        "settlement_time": u.settlement_time,
        "clawback": num(u.clawback),
        "funding_fee": num(u.funding_fee),
        "offset_profitloss": num(u.offset_profitloss),
        "fee": num(u.fee),
        "fee_asset": u.symbol,
        "positions": [
            {
                "symbol": u.symbol,
                "contract_code": u.contract_code,
                "direction": p.direction.value,
                "volume": p.volume,
                "cost_open": num(p.cost_open),
                "cost_hold_pre": num(p.cost_hold_pre),
                "cost_hold": num(p.cost_hold),
                "settlement_profit_unreal": num(p.settlement_profit_unreal),
                "settlement_price": num(u.settlement_price),
                "settlement_type": SETTLEMENT,
            }
            for p in u.positions
        ],
    }


def financial_record(r: FinancialRecord) -> dict[str, Any]:
    return {
        "query_id": r.query_id,
        "id": r.query_id,
        "symbol": r.symbol,
        "type": r.type,
        "amount": num(r.amount),
        "ts": r.ts,
        "contract_code": r.contract_code,
    }
