"""Contracts in HTX's wire shape (swap_contract_info)."""

from __future__ import annotations

from typing import Any

from ...domain.contracts import Contract
from ...domain.types import Millis
from ..core.wire import num


def contract(c: Contract, now: Millis) -> dict[str, Any]:
    """A contract as swap_contract_info lists it; never with business_type, which ccxt reads
    as the mark of a USDT-margined contract."""
    return {
        "symbol": c.symbol,
        "contract_code": c.contract_code,
        "contract_size": num(c.contract_size),
        "price_tick": num(c.price_tick),
        "delivery_time": "",
        "create_date": c.create_date,
        "contract_status": int(c.contract_status),
        "settlement_date": str(c.settlement_date(now)),
    }
