"""Margin accounts and positions in HTX's wire shapes (swap_account_info, swap_position_info)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain.margin import AccountFigures, PositionFigures
from ..core.wire import num, text

# Fields HTX's current pages add to accounts and positions. Its examples print new_risk_rate
# (the margin ratio of HTX's newer liquidation indicators) and trade_partition (a USDT-margined
# notion) as "" for coin-margined accounts: so does the sandbox.
UNUSED_RISK_FIELDS: dict[str, str] = {"new_risk_rate": "", "trade_partition": ""}
ADL_RISK_PERCENT = "1"
"""HTX ranks a position's auto-deleveraging risk 1 (lowest) to 5, printed as a string in its
examples. The sandbox never deleverages (its insurance fund takes over what a liquidation
leaves), so every position is at the lowest level."""
TRANSFER_PROFIT_RATIO = 0
"""swap_account_info's transfer_profit_ratio (seen in HTX's QA answers, undocumented): the share
of unrealized profit that may be transferred out; withdraw_available excludes it all."""


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


def account_info(a: AccountFigures, contract_code: str) -> dict[str, Any]:
    """A contract's row as swap_account_info and swap_account_position_info list it: `account`
    with the fields HTX's current pages add."""
    return {**account(a, contract_code), **UNUSED_RISK_FIELDS}


def liquidation_price(a: AccountFigures, contract_code: str) -> Decimal | None:
    """The contract's estimated liquidation price in the account's risk (None: none)."""
    row = None if a.risk is None else a.risk.contracts.get(contract_code)
    return None if row is None else row.liquidation_price


def position(p: PositionFigures) -> dict[str, Any]:
    """A position as swap_account_position_info lists it (HTX adds adl_risk_percent there)."""
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
        "adl_risk_percent": ADL_RISK_PERCENT,
    }


def position_info(p: PositionFigures, liq_px: Decimal | None) -> dict[str, Any]:
    """A position as swap_position_info lists it: with `liq_px`, the account's estimated
    liquidation price for the contract (a string on HTX; "" when there is none)."""
    return {
        **position(p),
        "liq_px": "" if liq_px is None else text(liq_px),
        **UNUSED_RISK_FIELDS,
    }
