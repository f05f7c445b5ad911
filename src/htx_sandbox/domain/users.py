"""Users and their coin: opening a UID, and the deposit that stands in for a transfer in."""

from __future__ import annotations

from .bounds import MAX_DEPOSIT
from .commands import Deposit, OpenUser
from .errors import ErrorCode, HtxError
from .events import Deposited, UserOpened
from .money import coin
from .state import ExchangeState
from .types import Millis


def open_user(state: ExchangeState, cmd: OpenUser, now: Millis) -> None:
    """Opening a UID twice is no error: the second changes nothing."""
    if cmd.uid <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "uid")
    if cmd.uid not in state.users:
        state.users.add(cmd.uid)
        state.events.append(UserOpened(cmd.uid))


def deposit(state: ExchangeState, cmd: Deposit, now: Millis) -> None:
    """Credit coin to the UID's account in a coin some listed contract is margined in."""
    state.require_user(cmd.uid)
    symbol = cmd.symbol.upper()
    if not any(c.symbol == symbol for c in state.contracts):
        raise HtxError(ErrorCode.CONTRACT_SYMBOL_NOT_EXIST)
    amount = cmd.amount
    if not amount.is_finite() or not 0 < amount <= MAX_DEPOSIT or coin(amount) != amount:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "amount")
    account = state.account(cmd.uid, symbol)
    account.margin_static += amount
    account.deposited += amount
    state.events.append(Deposited(cmd.uid, symbol, amount, now))
    state.touch_account(cmd.uid, symbol)
