"""swap_switch_lever_rate: the lever rate belongs to a UID's holding on one contract."""

from __future__ import annotations

from .commands import LeverRateReply, SwitchLeverRate
from .errors import ErrorCode, HtxError
from .events import LeverRateSwitched
from .margin import account_figures
from .money import initial_margin
from .state import ExchangeState
from .strategy_orders import StrategyKind
from .types import ContractStatus, Millis


def switch_lever_rate(state: ExchangeState, cmd: SwitchLeverRate, now: Millis) -> LeverRateReply:
    state.require_user(cmd.uid)
    contract = state.contracts.get(cmd.contract_code)
    if contract.contract_status is not ContractStatus.LISTING:
        raise HtxError(ErrorCode.SWITCH_LEVERAGE_NON_TRADING)
    if cmd.lever_rate not in contract.lever_rates:
        raise HtxError(ErrorCode.INVALID_LEVERAGE)
    # Looked up, not created: a refused switch must not leave an empty holding behind.
    holding = state.holdings.get((cmd.uid, contract.contract_code))
    # Waiting trigger and trailing orders will place at their lever rate: they count as open
    # orders (HTX's own tests see 1045 with a trigger order open). TP/SL legs carry none.
    strategies, code = state.strategies, contract.contract_code
    if (
        (holding is not None and holding.open_orders)
        or strategies.open_count(cmd.uid, code, StrategyKind.TRIGGER)
        or strategies.open_count(cmd.uid, code, StrategyKind.TRACK)
    ):
        raise HtxError(ErrorCode.SWITCH_LEVERAGE_WITH_OPEN_ORDERS)
    # The position margin is the larger side's (margin.py: the locked-margin rule).
    volume = max(holding.long.volume, holding.short.volume) if holding is not None else 0
    if volume and holding is not None and holding.lever_rate is not None:
        # A lower lever rate needs more position margin; refuse what the account lacks.
        mark, size = state.mark_price(contract), contract.contract_size
        more = initial_margin(volume, size, mark, cmd.lever_rate) - initial_margin(
            volume, size, mark, holding.lever_rate
        )
        account = state.account(cmd.uid, contract.symbol)
        if more > account_figures(state, account).margin_available:
            raise HtxError(ErrorCode.INSUFFICIENT_MARGIN)
    if holding is None:
        holding = state.holding(cmd.uid, contract.contract_code)
    holding.lever_rate = cmd.lever_rate
    state.events.append(LeverRateSwitched(cmd.uid, contract.contract_code, cmd.lever_rate))
    state.touch_holding(cmd.uid, contract.contract_code)
    # Position margin follows the lever rate, so the account's figures change; a UID without
    # an account in this coin (no deposit yet) has none to change.
    if (cmd.uid, contract.symbol) in state.accounts:
        state.touch_account(cmd.uid, contract.symbol)
    return LeverRateReply(contract.contract_code, cmd.lever_rate)
