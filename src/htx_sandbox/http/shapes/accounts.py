"""Margin accounts and positions in HTX's wire shapes (swap_account_info, swap_position_info)."""

from __future__ import annotations

from typing import Any

from ...domain.margin import AccountFigures, PositionFigures
from ...domain.money import coin
from ..core.wire import num


def account(a: AccountFigures, contract_code: str) -> dict[str, Any]:
    risk_rate = (
        num(coin((a.margin_balance - a.margin_frozen) / a.margin_position))
        if a.margin_position
        else None
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
        "liquidation_price": None,
        "withdraw_available": num(a.withdraw_available),
        "lever_rate": a.lever_rates.get(contract_code),
        "adjust_factor": None,
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
