"""The insurance fund of each coin: the exchange's own margin account, UID 0.

What a liquidation cannot fill in the book it takes over at the bankruptcy price, so that the
liquidated account ends with nothing and never with less; it then holds that position like
any holder (its long against its short netted at once), and its balance (margin_balance at
the mark, which swap_risk_info and swap_insurance_fund report) carries every loss beyond a
liquidated account's margin and every surplus left above its bankruptcy. Being an ordinary
account and holding, it is stored, restored, counted in open interest and in the coin's
conservation like any other; no one can sign for UID 0, and the liquidation index never
holds it.
"""

from __future__ import annotations

from decimal import Decimal

from .accounts import Account
from .contracts import Contract
from .events import BalanceChanged, InsuranceFundChanged
from .money import contract_value
from .positions import Holding
from .state import ExchangeState
from .types import UID, ZERO, Millis, PositionSide

FUND = UID(0)
SYSTEM_RECORD = 26
"""HTX's financial record type "system": what a fund's cover and its own netting are booked as."""
FUND_LEVER_RATE = 1
"""The fund's positions are marked at 1x: a lever rate is what makes margin.py count them."""


def fund_account(state: ExchangeState, symbol: str) -> Account:
    return state.account(FUND, symbol)


def fund_holding(state: ExchangeState, contract: Contract) -> Holding:
    holding = state.holding(FUND, contract.contract_code)
    holding.lever_rate = FUND_LEVER_RATE
    return holding


def take_over(
    state: ExchangeState,
    contract: Contract,
    side: PositionSide,
    volume: int,
    value: Decimal,
    now: Millis,
) -> None:
    """The fund opens `side` for `volume` contracts at coin value `value` (the same value the
    liquidated account closed at), then nets its own long against its short."""
    holding = fund_holding(state, contract)
    fund_account(state, contract.symbol)
    holding.position(side).open(volume, value)
    _net(holding, contract, state, now)
    _changed(state, contract.symbol, contract.contract_code)


def _net(holding: Holding, contract: Contract, state: ExchangeState, now: Millis) -> None:
    """Close the fund's long and short against each other: the profit of the pair does not
    depend on the price they close at (the long's released cost less the short's)."""
    netted = min(holding.long.volume, holding.short.volume)
    if not netted:
        return
    value = contract_value(netted, contract.contract_size, state.mark_price(contract))
    holding.long.frozen += netted
    holding.short.frozen += netted
    profit = holding.long.close(netted, value) + holding.short.close(netted, value)
    account = fund_account(state, contract.symbol)
    account.margin_static += profit
    account.profit_real += profit
    if profit:
        _recorded(state, FUND, contract.symbol, profit, now)


def cover(state: ExchangeState, account: Account, now: Millis) -> None:
    """Bring a negative balance back to 0 out of the fund (a loss beyond the margin), each side
    with a financial record of HTX's "system" type (26)."""
    deficit = -account.margin_static
    if deficit <= 0:
        return
    account.margin_static = ZERO
    state.touch_account(account.uid, account.symbol)
    fund = fund_account(state, account.symbol)
    fund.margin_static -= deficit
    _recorded(state, account.uid, account.symbol, deficit, now)
    _recorded(state, FUND, account.symbol, -deficit, now)
    _changed(state, account.symbol, None)


def _recorded(
    state: ExchangeState, uid: UID, symbol: str, amount: Decimal, now: Millis
) -> None:
    codes = sorted(c.contract_code for c in state.contracts if c.symbol == symbol)
    code = codes[0] if codes else f"{symbol}-USD"
    state.events.append(BalanceChanged(uid, symbol, code, SYSTEM_RECORD, amount, now))


def _changed(state: ExchangeState, symbol: str, contract_code: str | None) -> None:
    state.touch_account(FUND, symbol)
    if contract_code is not None:
        state.touch_holding(FUND, contract_code)
    state.events.append(InsuranceFundChanged(symbol))


def fund_balance(state: ExchangeState, symbol: str) -> Decimal:
    """The fund's balance in `symbol`: what it holds plus the unrealized profit of the
    positions it took over, at the marks (margin_balance, as for any account)."""
    account = state.accounts.get((FUND, symbol))
    balance = account.margin_static if account is not None else ZERO
    for code, holding in state.holdings_by_user.get(FUND, {}).items():
        contract = state.contracts.get(code)
        if contract.symbol != symbol:
            continue
        mark = state.mark_price(contract)
        size = contract.contract_size
        balance += holding.long.profit_unreal(size, mark)
        balance += holding.short.profit_unreal(size, mark)
    return balance
