"""Query parameters of the /swap-ex/market/ endpoints, refused in the market service's words."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...service.market import MarketData
from ...service.periods import Period
from ..core.body import unsigned
from ..core.endpoint import Call
from ..core.envelopes import MarketError
from ..core.wire import num

SIDES = 2
"""HTX's public volumes are the sum of the buy and the sell side of each match."""


CONTRACT_ERROR = "invalid-request"
"""HTX's code for a missing or unknown contract_code, as its QA suite saw it on bbo and
detail/merged (TestSwapNoti_restful_depth_025, _overview_004)."""


def contract(call: Call, market: MarketData) -> str:
    """The contract_code parameter, upper case; case-insensitive as on HTX."""
    code = optional_contract(call, market)
    if code is None:
        raise MarketError("contract_code cannot be empty", CONTRACT_ERROR)
    return code


def optional_contract(call: Call, market: MarketData) -> str | None:
    code = call.param("contract_code")
    if not code:
        return None
    if not market.knows(code):
        raise MarketError("invalid contract code", CONTRACT_ERROR)
    return code.upper()


def level(level: tuple[Decimal, int]) -> list[Any]:
    """[price, volume] as HTX prints a level: numbers, the price without the tick's trailing
    zeros (13707 on a 0.1 tick, not 13707.0)."""
    return [num(level[0]), level[1]]


MAX_SIZE = 2000
"""Bars a kline request answers at most (HTX: size in [1, 2000])."""
INVALID = "bad-request"
"""HTX's code for a kline parameter it cannot read."""
MISSING = "invalid-request"
"""HTX's code for a kline parameter that is missing."""


def period(call: Call, periods: Mapping[str, Period]) -> tuple[str, Period]:
    """The period parameter: its name (as the channel prints it) and the bars it reads."""
    name = call.param("period")
    if not name:
        raise MarketError("period cannot be empty", MISSING)
    found = periods.get(name)
    if found is None:
        raise MarketError("invalid period", INVALID)
    return name, found


def size(call: Call) -> int | None:
    """size in [1, 2000] when given (HTX: "invalid size, valid range: [1,2000]")."""
    text = call.param("size")
    if not text:
        return None
    number = unsigned(text)
    if number is None or not 1 <= number <= MAX_SIZE:
        raise MarketError(f"invalid size, valid range: [1,{MAX_SIZE}]", INVALID)
    return number


def seconds(call: Call, name: str) -> int | None:
    """A time in seconds (HTX's `from` and `to`): an integer, else "invalid <name>"."""
    text = call.param(name)
    if not text:
        return None
    number = unsigned(text.removeprefix("-"))
    if number is None:
        raise MarketError(f"invalid {name}", INVALID)
    return -number if text.startswith("-") else number
