"""Sandbox operations on contracts: listing a new one, changing a status, reference price or
price limit rate."""

from __future__ import annotations

from .commands import ListContract, SetContract
from .contracts import valid_price_limit_rate
from .errors import ErrorCode, HtxError
from .events import ContractChanged
from .price_limits import refresh_band
from .state import ExchangeState
from .types import Millis


def list_contract(state: ExchangeState, cmd: ListContract, now: Millis) -> None:
    contract = cmd.contract
    if contract.contract_code in state.contracts:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "contract_code")
    state.contracts.add(contract)
    state.book(contract)  # from the listing on, as for the contracts a state starts with
    state.events.append(ContractChanged(contract.contract_code))


def set_contract(state: ExchangeState, cmd: SetContract, now: Millis) -> None:
    contract = state.contracts.get(cmd.contract_code)
    rate = cmd.price_limit_rate
    if rate is not None and not valid_price_limit_rate(rate):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "price_limit_rate")
    if cmd.reference_price is not None:
        contract.ticks(cmd.reference_price)  # 1069 / 1038 before anything changes
        contract.reference_price = cmd.reference_price
    if rate is not None:
        contract.price_limit_rate = rate
        refresh_band(state, contract)
    if cmd.contract_status is not None:
        contract.contract_status = cmd.contract_status
    state.events.append(ContractChanged(contract.contract_code))
