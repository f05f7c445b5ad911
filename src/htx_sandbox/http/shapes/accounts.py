"""Margin accounts and positions in HTX's wire shapes (swap_account_info, swap_position_info)."""

from __future__ import annotations

from typing import Any

from ...domain.margin import AccountFigures, PositionFigures
from ..core.wire import num


def account(a: AccountFigures, contract_code: str) -> dict[str, Any]:
    """A contract's row: the coin account's figures, with that contract's lever rate, adjust
    factor and estimated liquidation price (domain/risk.py)."""
    risk = a.risk
    assert risk is not None, "the account endpoints read figures with their risk"
    row = risk.contracts.get(contract_code)
    risk_rate = None if risk.risk_rate is None else num(risk.risk_rate)
    liquidation_price = (
        None if row is None or row.liquidation_price is None else num(row.liquidation_price)
    )
    return {
        "symbol": a.symbol,
        "contract_code": contract_code,
        "margin_balance": num(a.margin_balance),
        "margin_position": num(a.margin_position),
        "margin_frozen": num(a.margin_frozen),
        "margin_available": num(a.margin_available),
        "profit_real": num(a.profit_real),
        "profit_unreal": num(a.profit_unreal),
        "risk_rate": risk_rate,
        "liquidation_price": liquidation_price,
        "withdraw_available": num(a.withdraw_available),
        "lever_rate": row.lever_rate if row is not None else a.lever_rates.get(contract_code),
        "adjust_factor": num(row.adjust_factor) if row is not None else None,
        "margin_static": num(a.margin_static),
    }


def position(p: PositionFigures) -> dict[str, Any]:
    return {
        "symbol": p.symbol,
        "contract_code": p.contract_code,
        "volume": p.volume,
        "available": p.available,
        "frozen": p.frozen,
        "cost_open": num(p.cost_open),
        "cost_hold": num(p.cost_hold),
        "profit_unreal": num(p.profit_unreal),
        "profit_rate": num(p.profit_rate),
        "profit": num(p.profit),
        "position_margin": num(p.position_margin),
        "lever_rate": p.lever_rate,
        "direction": p.direction,
        "last_price": num(p.last_price),
    }
