"""Query parameters of the /swap-ex/market/ endpoints, refused in the market service's words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...service.market import MarketData
from ..core.endpoint import Call
from ..core.envelopes import MarketError

SIDES = 2
"""HTX's public volumes are the sum of the buy and the sell side of each match."""


def contract(call: Call, market: MarketData) -> str:
    """The contract_code parameter, upper case; case-insensitive as on HTX."""
    code = optional_contract(call, market)
    if code is None:
        raise MarketError("contract_code cannot be empty")
    return code


def optional_contract(call: Call, market: MarketData) -> str | None:
    code = call.param("contract_code")
    if not code:
        return None
    if not market.knows(code):
        raise MarketError("invalid contract code")
    return code.upper()


def level(level: tuple[Decimal, int]) -> list[Any]:
    return [level[0], level[1]]
