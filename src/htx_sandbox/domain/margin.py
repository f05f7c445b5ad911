"""Figures that depend on the mark price, derived when asked rather than stored.

margin_balance = margin_static + profit_unreal
margin_available = margin_balance - margin_position - margin_frozen
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .accounts import Account
from .money import contract_value, initial_margin
from .positions import Position
from .state import ExchangeState
from .types import LONG, UID, ZERO


@dataclass(frozen=True, slots=True)
class AccountFigures:
    uid: UID
    symbol: str
    margin_static: Decimal
    margin_balance: Decimal
    margin_position: Decimal
    margin_frozen: Decimal
    margin_available: Decimal
    profit_real: Decimal
    profit_unreal: Decimal
    withdraw_available: Decimal
    lever_rates: Mapping[str, int] = field(default_factory=dict)
    """The lever rate of each of the coin's contracts that has one: HTX reports it per contract
    (swap_account_info has a row per contract_code)."""

    @property
    def lever_rate(self) -> int | None:
        """The coin's lever rate when its contracts agree on one (the admin API's view)."""
        rates = set(self.lever_rates.values())
        return rates.pop() if len(rates) == 1 else None


@dataclass(frozen=True, slots=True)
class PositionFigures:
    uid: UID
    contract_code: str
    symbol: str
    direction: str
    volume: int
    available: int
    frozen: int
    cost_open: Decimal
    cost_hold: Decimal
    profit_unreal: Decimal
    """Since the position price (cost_hold): what the next settlement books."""
    profit_rate: Decimal
    """profit over the position's initial margin at the open price, as HTX computes it."""
    position_margin: Decimal
    lever_rate: int
    last_price: Decimal
    profit: Decimal = ZERO
    """Since the open price (cost_open): the position's whole profit, settlements included."""


def account_figures(state: ExchangeState, account: Account) -> AccountFigures:
    position_margin = ZERO
    profit_unreal = ZERO
    lever_rates: dict[str, int] = {}
    for holding in state.holdings_by_user.get(account.uid, {}).values():
        contract = state.contracts.get(holding.contract_code)
        if contract.symbol != account.symbol:
            continue
        if holding.lever_rate is not None:
            lever_rates[holding.contract_code] = holding.lever_rate
        volume = holding.long.volume + holding.short.volume
        if not volume or holding.lever_rate is None:
            continue
        mark = state.mark_price(contract)
        size = contract.contract_size
        position_margin += initial_margin(volume, size, mark, holding.lever_rate)
        profit_unreal += holding.long.profit_unreal(size, mark)
        profit_unreal += holding.short.profit_unreal(size, mark)
    balance = account.margin_static + profit_unreal
    available = balance - position_margin - account.margin_frozen
    return AccountFigures(
        uid=account.uid,
        symbol=account.symbol,
        margin_static=account.margin_static,
        margin_balance=balance,
        margin_position=position_margin,
        margin_frozen=account.margin_frozen,
        margin_available=available,
        profit_real=account.profit_real,
        profit_unreal=profit_unreal,
        # Unrealized gains cannot be withdrawn; losses reduce what can.
        withdraw_available=max(ZERO, available - max(ZERO, profit_unreal)),
        lever_rates=lever_rates,
    )


def margin_available(state: ExchangeState, account: Account) -> Decimal:
    """The same figure as account_figures', without its cost when the UID holds no position."""
    holdings = state.holdings_by_user.get(account.uid)
    if holdings:
        for holding in holdings.values():
            if holding.long.volume or holding.short.volume:
                return account_figures(state, account).margin_available
    return account.margin_static - account.margin_frozen


def position_figures(state: ExchangeState, position: Position, lever_rate: int) -> PositionFigures:
    contract = state.contracts.get(position.contract_code)
    size = contract.contract_size
    mark = state.mark_price(contract)
    cost_open = position.cost_open(size) or ZERO
    profit_unreal = position.profit_unreal(size, mark)
    at_mark = contract_value(position.volume, size, mark)
    open_value = position.open_value
    profit = open_value - at_mark if position.side is LONG else at_mark - open_value
    position_margin = initial_margin(position.volume, size, mark, lever_rate)
    # HTX: profit / (volume x size / (cost_open x lever)), the open value over the lever rate.
    profit_rate = profit * lever_rate / open_value if open_value else ZERO
    return PositionFigures(
        uid=position.uid,
        contract_code=position.contract_code,
        symbol=contract.symbol,
        direction=position.side.value,
        volume=position.volume,
        available=position.available,
        frozen=position.frozen,
        cost_open=cost_open,
        cost_hold=position.cost_hold(size) or ZERO,
        profit_unreal=profit_unreal,
        profit_rate=profit_rate,
        position_margin=position_margin,
        lever_rate=lever_rate,
        last_price=mark,
        profit=profit,
    )
