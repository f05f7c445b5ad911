"""What the account reference endpoints send and how their answers are read, for both clients:
swap_account_position_info, swap_available_level_rate, swap_order_limit, swap_fee,
swap_transfer_limit, swap_position_limit, swap_balance_valuation, swap_api_trading_status."""

from __future__ import annotations

from ._ops import SWAP
from ._wire import Op, drop_none, parse_as, parse_list
from .models import (
    AccountPositions,
    ApiTradingStatus,
    AvailableLevelRate,
    BalanceValuation,
    Fee,
    OrderLimits,
    PositionLimit,
    TransferLimit,
)


def swap_account_position_info(contract_code: str) -> Op[list[AccountPositions]]:
    body = {"contract_code": contract_code}
    parse = parse_list(AccountPositions)
    return Op("POST", SWAP + "swap_account_position_info", parse, body=body)


def swap_available_level_rate(contract_code: str | None) -> Op[list[AvailableLevelRate]]:
    body = drop_none({"contract_code": contract_code})
    parse = parse_list(AvailableLevelRate)
    return Op("POST", SWAP + "swap_available_level_rate", parse, body=body)


def swap_order_limit(order_price_type: str, contract_code: str | None) -> Op[OrderLimits]:
    body = drop_none({"contract_code": contract_code, "order_price_type": order_price_type})
    return Op("POST", SWAP + "swap_order_limit", parse_as(OrderLimits), body=body)


def swap_fee(contract_code: str | None) -> Op[list[Fee]]:
    body = drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_fee", parse_list(Fee), body=body)


def swap_transfer_limit(contract_code: str | None) -> Op[list[TransferLimit]]:
    body = drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_transfer_limit", parse_list(TransferLimit), body=body)


def swap_position_limit(contract_code: str | None) -> Op[list[PositionLimit]]:
    body = drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_position_limit", parse_list(PositionLimit), body=body)


def swap_balance_valuation(valuation_asset: str | None) -> Op[list[BalanceValuation]]:
    body = drop_none({"valuation_asset": valuation_asset})
    parse = parse_list(BalanceValuation)
    return Op("POST", SWAP + "swap_balance_valuation", parse, body=body)


def swap_api_trading_status() -> Op[ApiTradingStatus]:
    """A signed GET, no parameters."""
    return Op("GET", SWAP + "swap_api_trading_status", parse_as(ApiTradingStatus))
