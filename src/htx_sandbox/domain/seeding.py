"""A position put straight on an account (the fixtures of a test run): as if an opening order
had filled at `price`, without the order, its trade or its fee, so that no print, last price or
other account comes of it. The sandbox's stand-in for a history it does not replay."""

from __future__ import annotations

from .bounds import MAX_ORDER_VOLUME
from .commands import SeedPosition
from .errors import ErrorCode, HtxError
from .events import LeverRateSwitched
from .money import contract_value
from .positions import opened_side
from .state import ExchangeState
from .types import Millis


def seed_position(state: ExchangeState, cmd: SeedPosition, now: Millis) -> None:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    if cmd.lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    if not 0 < cmd.volume <= MAX_ORDER_VOLUME:
        raise HtxError(ErrorCode.INVALID_AMOUNT)
    contract.ticks(cmd.price)  # 1069 or 1038 for a price off the grid
    code = contract.contract_code
    found = state.holdings.get((cmd.uid, code))
    lever_pinned = found is not None and found.has_exposure  # by what it holds already
    if lever_pinned and found is not None and found.lever_rate not in (None, cmd.lever_rate):
        raise HtxError(ErrorCode.SWITCH_LEVERAGE_WITH_OPEN_ORDERS)
    holding = state.holding(cmd.uid, code)
    if holding.lever_rate != cmd.lever_rate:
        holding.lever_rate = cmd.lever_rate
        state.events.append(LeverRateSwitched(cmd.uid, code, cmd.lever_rate))
    value = contract_value(cmd.volume, contract.contract_size, cmd.price)
    holding.position(opened_side(cmd.direction)).open(cmd.volume, value)
    state.account(cmd.uid, contract.symbol)  # the coin's account, opened if it was not
    state.touch_holding(cmd.uid, code)
    state.touch_account(cmd.uid, contract.symbol)
