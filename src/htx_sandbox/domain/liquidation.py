"""Forced liquidation, in the command that brought an account's margin ratio to 0.

After every command (and every advance of time that ran a timer) `settle_risk` brings the
liquidation index up to date for the accounts the command touched, then asks it which accounts
the contracts' marks have reached: O(log n) for each one found, nothing when none is, however
many positions are open. Each is checked exactly (risk_rate <= 0 at the mark) and liquidated
as HTX's partial-liquidation rules describe:

1. its open orders on the coin are cancelled by the system (canceled_source "risk"), and its
   strategy orders there with them;
2. its long and short positions on a contract are netted against each other (liquidation
   type "1");
3. while the ratio is still at or below 0 and its net position is above the first tier of
   adjust factors, the position is reduced to the top of the tier below, by a liquidation
   order sent into the book at the bankruptcy price, filling what it can (type "2");
4. if the ratio is still at or below 0, a liquidation order for the whole position goes into
   the book at the bankruptcy price, and what the book does not fill the insurance fund takes
   over at the (recomputed) bankruptcy price (type "3").

Liquidation orders are order_type 3, order_source "risk", free of charge for the account
liquidated. A balance still below 0 after it (or after an account's own close beyond its
bankruptcy) is brought back to 0 by the fund: no account is left owing. Trades of liquidation
orders fire strategy orders and move marks like any other, so the check runs again until it
finds no one: a cascade is as atomic as the command that began it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal

from . import bounds
from .accounts import Account
from .adjust_factors import tier
from .contracts import Contract
from .events import OrderAccepted
from .firing import settle_strategies
from .insurance_fund import FUND, cover, take_over
from .matching import plan_fills
from .money import contract_value
from .orders import ORDER_TYPE_LIQUIDATION, Order
from .placement import orders_allowed
from .positions import Holding, closed_side, opened_side
from .risk import at_risk, bankruptcy_price, trigger
from .state import ExchangeState
from .strategy_orders import StrategyKind, StrategyStatus
from .types import (
    BUY,
    CLOSE,
    SELL,
    UID,
    ZERO,
    Direction,
    Millis,
    OrderPriceType,
    SelfMatchPrevent,
)

RISK = "risk"
"""order_source of liquidation orders (HTX's), and canceled_source of the orders it cancels."""
NETTING, PARTIAL, FULL = "1", "2", "3"
"""HTX's liquidation_type values."""

Key = tuple[UID, str]
_WIDE = Context(prec=90)


def settle_risk(state: ExchangeState, now: Millis) -> None:
    """Index what the command touched, then liquidate every account the marks reach."""
    index = state.liquidations
    if not index and not index.unreachable and not state.touched()[1]:
        return  # no position anywhere, no holding changed: nothing to look at (the common case)
    touched = _touched(state)
    safe: set[Key] = set()
    """Reported a hair early (risk.WIDEN) but not at risk: left out while no mark moves."""
    while True:
        for key in touched:
            _index(state, key, now)
        due = _due(state, safe)
        if not due:
            break
        liquidated = False
        for key in due:
            account = state.accounts.get(key)
            if account is None or not at_risk(state, account):
                safe.add(key)
                continue
            liquidate(state, account, now)
            _index(state, key, now)  # what is left of it (the index gave it out)
            liquidated = True
        if state.traded:
            settle_strategies(state, now)
        if liquidated:  # marks may have moved: what was safe a moment ago is looked at again
            for key in safe:
                _index(state, key, now)
            safe.clear()
        touched = _touched(state)
    for key in safe:
        _index(state, key, now)


def rebuild_index(state: ExchangeState) -> None:
    """The index from the accounts and holdings alone (after a restore)."""
    for uid, holdings in state.holdings_by_user.items():
        if uid == FUND:
            continue
        for code, holding in holdings.items():
            if holding.long.volume or holding.short.volume:
                _index(state, (uid, state.contracts.get(code).symbol), state.now)


def _touched(state: ExchangeState) -> set[Key]:
    """The accounts whose place in the index the command may have changed: those indexed (or
    aside) whose account or holding it touched, and those whose touched holding holds a
    position now. An account touched without a position before or after (a resting order,
    a cancel) is not looked at."""
    index = state.liquidations
    keys: set[Key] = set()
    touched_accounts, touched_holdings = state.touched()
    if index or index.unreachable:
        for key in touched_accounts:
            if index.knows(key):
                keys.add(key)
    holdings, contracts = state.holdings, state.contracts
    for uid, code in touched_holdings:
        if uid == FUND:
            continue
        holding = holdings[(uid, code)]
        key = (uid, contracts.get(code).symbol)
        if holding.long.volume or holding.short.volume or index.knows(key):
            keys.add(key)
        else:  # closed out now: a loss beyond its balance is covered in _index
            account = state.accounts.get(key)
            if account is not None and account.margin_static < 0:
                keys.add(key)
    return keys


def _index(state: ExchangeState, key: Key, now: Millis) -> None:
    """Put the account where the index needs it: at its trigger price if it holds a position
    on one contract, aside if on several, nowhere without one (a balance left below 0 by the
    account's own closing is covered then)."""
    uid, symbol = key
    index = state.liquidations
    held: Holding | None = None
    count = 0
    holdings = state.holdings_by_user.get(uid)
    if holdings:
        for code, holding in holdings.items():
            if (holding.long.volume or holding.short.volume) and state.contracts.get(
                code
            ).symbol == symbol:
                held = holding
                count += 1
    account = state.accounts.get(key)
    if count == 0 or account is None:
        index.remove(key)
        if account is not None and account.margin_static < 0:
            cover(state, account, now)
        return
    if count > 1:
        index.set_multi(key)
        return
    assert held is not None
    found = trigger(state, account, held)
    if found is None:
        index.set_unreachable(key)
    else:
        index.set(key, found.contract_code, found.side, found.price)


def _due(state: ExchangeState, safe: set[Key]) -> list[Key]:
    """The accounts the marks reach (and every account on several contracts), in a fixed
    order: by coin, then UID."""
    index = state.liquidations
    due: set[Key] = set()
    if not index:
        return []
    for code in index.contracts():
        contract = state.contracts.get(code)
        symbol = contract.symbol
        for uid in index.crossed(code, symbol, state.mark_price(contract)):
            due.add((uid, symbol))
    for symbol, uids in index.multi.items():
        due.update((uid, symbol) for uid in uids)
    return sorted(due - safe, key=lambda key: (key[1], key[0]))


# -- the procedure ---------------------------------------------------------------------------


def liquidate(state: ExchangeState, account: Account, now: Millis) -> None:
    uid, symbol = account.uid, account.symbol
    holdings = state.holdings_by_user.get(uid, {})
    mine = [
        (state.contracts.get(code), holdings[code])
        for code in sorted(holdings)
        if state.contracts.get(code).symbol == symbol
    ]
    for contract, holding in mine:
        _system_cancel(state, contract, holding, now)
    for contract, holding in mine:
        netted = min(holding.long.volume, holding.short.volume)
        if netted:
            _net(state, contract, holding, netted, now)
    for contract, holding in mine:
        while at_risk(state, account) and _reduce(state, account, contract, holding, now):
            pass
    if at_risk(state, account):
        for contract, holding in mine:
            if holding.long.volume or holding.short.volume:
                _close_all(state, account, contract, holding, now)
    cover(state, account, now)


def _system_cancel(
    state: ExchangeState, contract: Contract, holding: Holding, now: Millis
) -> None:
    """Step 1: the account's open orders on the contract end now, whatever the cancel delay
    (margin and volume they hold are what the liquidation needs), and its strategy orders
    there with them: none may place an order into what is being liquidated."""
    if holding.open_orders:
        orders = list(holding.open_orders.values())
        for order in orders:
            order.canceled_source = RISK
        state.cancel_resting(holding, orders, now)
    strategies = state.strategies
    for kind in StrategyKind:
        owned = strategies.owned(holding.uid, contract.contract_code, kind)
        for strategy in list(owned.values()):
            state.events.append(strategies.finish(strategy, StrategyStatus.CANCELLED, now))


def _net(
    state: ExchangeState, contract: Contract, holding: Holding, volume: int, now: Millis
) -> None:
    """Step 2: a sell closing the long and a buy closing the short fill each other off the
    book at the mark (the pair's profit does not depend on the price)."""
    ticks = _ticks(contract, state.mark_price(contract), ROUND_HALF_EVEN)
    sell = _order(state, contract, holding, SELL, volume, ticks, NETTING, now)
    buy = _order(state, contract, holding, BUY, volume, ticks, NETTING, now)
    trade_id = state.trade_ids.next()
    price = contract.price(ticks)
    state.fill_off_book(contract, sell, volume, price, trade_id, now)
    state.fill_off_book(contract, buy, volume, price, trade_id, now)


def _reduce(
    state: ExchangeState, account: Account, contract: Contract, holding: Holding, now: Millis
) -> bool:
    """Step 3: bring the net position down to the top of the tier below; whether anything
    filled (nothing does in tier 0, in an empty book, or when trading is halted)."""
    net = holding.long.volume - holding.short.volume
    lever_rate = holding.lever_rate
    if not net or lever_rate is None or not orders_allowed(contract):
        return False
    ladders = contract.ladders(lever_rate)
    current = tier(ladders, abs(net))
    below = ladders[current.ladder - 1].max_size if current.ladder else None
    if below is None:
        return False
    direction = SELL if net > 0 else BUY
    volume = abs(net) - below
    ticks = _bankruptcy_ticks(state, account, contract, direction)
    book = state.book(contract)
    plan = plan_fills(book.opposite(direction), holding.uid, ticks, volume, _ALLOW)
    if not plan.volume:
        return False
    order = _order(state, contract, holding, direction, volume, ticks, PARTIAL, now)
    state.match(contract, order, plan.fills, book, now)
    if order.remaining:
        state.cancel_now(order, now)
    return True


def _close_all(
    state: ExchangeState, account: Account, contract: Contract, holding: Holding, now: Millis
) -> None:
    """Step 4: the whole position into the book at the bankruptcy price; the rest taken over
    by the insurance fund at the bankruptcy price of what is left."""
    net = holding.long.volume - holding.short.volume
    direction = SELL if net > 0 else BUY
    volume = abs(net)
    ticks = _bankruptcy_ticks(state, account, contract, direction)
    order = _order(state, contract, holding, direction, volume, ticks, FULL, now)
    if orders_allowed(contract):
        book = state.book(contract)
        plan = plan_fills(book.opposite(direction), holding.uid, ticks, volume, _ALLOW)
        state.match(contract, order, plan.fills, book, now)
    rest = order.remaining
    if rest:
        price = contract.price(_bankruptcy_ticks(state, account, contract, direction))
        state.fill_off_book(contract, order, rest, price, state.trade_ids.next(), now)
        value = contract_value(rest, contract.contract_size, price)
        take_over(state, contract, opened_side(direction.opposite), rest, value, now)


_ALLOW = SelfMatchPrevent.ALLOW
"""The account's own orders are cancelled before any liquidation order is sent."""


def _order(
    state: ExchangeState,
    contract: Contract,
    holding: Holding,
    direction: Direction,
    volume: int,
    ticks: int,
    liquidation_type: str,
    now: Millis,
) -> Order:
    """A liquidation order closing `volume` of the position `direction` closes; it holds that
    volume, as any close order does, until it fills or ends."""
    lever_rate = holding.lever_rate
    assert lever_rate is not None, "a position has a lever rate"
    order = Order(
        state.order_ids.next(now),
        holding.uid,
        contract.contract_code,
        contract.symbol,
        direction,
        CLOSE,
        volume,
        contract.price(ticks),
        ticks,
        OrderPriceType.LIMIT,
        lever_rate,
        None,
        _ALLOW,
        ZERO,
        now,
        RISK,
    )
    order.order_type = ORDER_TYPE_LIQUIDATION
    order.liquidation_type = liquidation_type
    state.orders[order.order_id] = order
    holding.position(closed_side(direction)).frozen += volume
    state.touch_holding(holding.uid, contract.contract_code)
    state.events.append(OrderAccepted(order.order_id))
    return order


def _bankruptcy_ticks(
    state: ExchangeState, account: Account, contract: Contract, direction: Direction
) -> int:
    """The bankruptcy price on the tick grid, rounded the account's way (a sell up, a buy
    down: a fill there never leaves it below 0); the mark where there is none."""
    price = bankruptcy_price(state, account, contract)
    if price is None:
        return _ticks(contract, state.mark_price(contract), ROUND_HALF_EVEN)
    return _ticks(contract, price, ROUND_CEILING if direction is SELL else ROUND_FLOOR)


def _ticks(contract: Contract, price: Decimal, rounding: str) -> int:
    exact = _WIDE.divide(price, contract.price_tick)
    ticks = int(exact.to_integral_value(rounding=rounding, context=_WIDE))
    return min(max(ticks, 1), bounds.MAX_TICKS)
