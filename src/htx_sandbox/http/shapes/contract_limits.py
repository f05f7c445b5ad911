"""What a UID may do on a contract, in HTX's wire shapes: swap_available_level_rate,
swap_order_limit, swap_fee, swap_transfer_limit and swap_position_limit (one row per contract).

Every figure is the contract's own setting: the sandbox has no per-UID tiers, so every UID
sees the same rows (docs/compatibility.md, "Account reference endpoints")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain import bounds
from ...domain.contracts import Contract
from ..core.wire import num, text

MIN_TRANSFER = Decimal(10) ** -bounds.COIN_DECIMALS
"""The smallest deposit the admin API takes: one unit of the 1e-18 coin grid."""
NO_DAILY_CAP = Decimal(10) ** 15
"""The daily transfer fields print this: the sandbox counts no daily total (HTX prints a
number, never null)."""
NO_DELIVERY_FEE = "0"
"""A perpetual swap is never delivered."""


def level_rate(c: Contract) -> dict[str, Any]:
    return {
        "contract_code": c.contract_code,
        "available_level_rate": ",".join(str(rate) for rate in c.lever_rates),
    }


def order_limit(c: Contract) -> dict[str, Any]:
    """The per-order volume cap (1041 above it), the same for opening and closing orders and
    for every order price type."""
    return {
        "symbol": c.symbol,
        "contract_code": c.contract_code,
        "open_limit": c.max_order_volume,
        "close_limit": c.max_order_volume,
    }


def fee(c: Contract) -> dict[str, Any]:
    """Rates as strings, as HTX prints them; opening and closing pay the same."""
    maker, taker = text(c.maker_fee_rate), text(c.taker_fee_rate)
    return {
        "symbol": c.symbol,
        "contract_code": c.contract_code,
        "open_maker_fee": maker,
        "open_taker_fee": taker,
        "close_maker_fee": maker,
        "close_taker_fee": taker,
        "delivery_fee": NO_DELIVERY_FEE,
        "fee_asset": c.symbol,
    }


def transfer_limit(c: Contract) -> dict[str, Any]:
    """The admin API's deposit bounds, each way: the sandbox's only transfers."""
    each_max, each_min, daily = (
        num(bounds.MAX_DEPOSIT), num(MIN_TRANSFER), num(NO_DAILY_CAP)
    )  # fmt: skip
    return {
        "symbol": c.symbol,
        "contract_code": c.contract_code,
        "transfer_in_max_each": each_max,
        "transfer_in_min_each": each_min,
        "transfer_out_max_each": each_max,
        "transfer_out_min_each": each_min,
        "transfer_in_max_daily": daily,
        "transfer_out_max_daily": daily,
        "net_transfer_in_max_daily": daily,
        "net_transfer_out_max_daily": daily,
    }


def position_limit(c: Contract) -> dict[str, Any]:
    """A contract without a limit prints the highest limit one may set."""
    unlimited = bounds.MAX_POSITION_LIMIT
    return {
        "symbol": c.symbol,
        "contract_code": c.contract_code,
        "buy_limit": unlimited if c.buy_limit is None else c.buy_limit,
        "sell_limit": unlimited if c.sell_limit is None else c.sell_limit,
    }
