"""Rebuild an exchange from stored state, as it stood after its last committed command."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from . import funding_clock
from .accounts import Account
from .contracts import ContractRegistry
from .exchange import Exchange
from .liquidation import rebuild_index
from .orders import Order
from .positions import Holding
from .premium import PremiumPeriod
from .price_limits import refresh_band
from .settlement import SETTLEMENT_PRICE_WINDOW_MS
from .strategy_book import StrategyLimits
from .strategy_orders import StrategyOrder
from .types import EPOCH, UID, Millis, OrderId, OrderStatus


@dataclass(slots=True)
class Snapshot:
    """What storage hands back on start. `orders` holds every open order and the recently
    finished ones, each with its trades; holdings carry positions and lever rates."""

    contracts: ContractRegistry
    users: Iterable[UID] = ()
    accounts: Iterable[Account] = ()
    holdings: Iterable[Holding] = ()
    orders: Iterable[Order] = ()
    strategy_orders: Iterable[StrategyOrder] = ()
    """Every open strategy order and the recently finished ones."""
    client_orders: Iterable[tuple[Millis, UID, int, int]] = ()
    """(created_at, uid, client_order_id, order_id) inside the duplicate window, oldest first."""
    cancel_after: Mapping[UID, Millis] = field(default_factory=dict)
    fee_pool: Mapping[str, Decimal] = field(default_factory=dict)
    last_price: Mapping[str, Decimal] = field(default_factory=dict)
    index_prices: Mapping[str, tuple[Decimal, Millis]] = field(default_factory=dict)
    """Per contract: the last index price and when it was set."""
    premiums: Mapping[str, PremiumPeriod] = field(default_factory=dict)
    """Per contract, the premium index samples of the current funding period."""
    next_sample: Millis | None = None
    """When the funding clock next samples; None: it has not started (it starts on the first
    time step)."""
    next_settlement: Millis | None = None
    window_end: Millis | None = None
    funding_pool: Mapping[str, Decimal] = field(default_factory=dict)
    last_record_id: int = 0
    last_fill_id: int = 0
    last_order_id: int = 0
    last_trade_id: int = 0
    now: Millis = EPOCH


def restore(
    snapshot: Snapshot,
    *,
    cancel_delay_ms: int = 0,
    strategy_limits: StrategyLimits | None = None,
    settlement_window_ms: int = 0,
) -> Exchange:
    exchange = Exchange(
        snapshot.contracts,
        cancel_delay_ms=cancel_delay_ms,
        strategy_limits=strategy_limits,
        settlement_window_ms=settlement_window_ms,
    )
    state = exchange.state
    state.now = snapshot.now
    state.users.update(snapshot.users)
    for account in snapshot.accounts:
        state.accounts[(account.uid, account.symbol)] = account
    for holding in snapshot.holdings:
        state.holdings[(holding.uid, holding.contract_code)] = holding
        state.holdings_by_user.setdefault(holding.uid, {})[holding.contract_code] = holding
    # Resting priority is acceptance order, which is order-id order: re-adding open orders by
    # ascending id rebuilds every price level exactly as it was.
    finished: list[Order] = []
    books = {c.contract_code: state.book(c) for c in state.contracts}
    for order in sorted(snapshot.orders, key=lambda o: o.order_id):
        state.orders[order.order_id] = order
        if order.status.is_open:
            holding = state.holding(order.uid, order.contract_code)
            state.rest(order, books[order.contract_code], holding)
            if order.status is OrderStatus.CANCELLING:
                # The original due time is not kept; the cancel lands on the first advance.
                heapq.heappush(state.pending_cancels, (snapshot.now, order.order_id))
        else:
            finished.append(order)
    finished.sort(key=lambda o: (o.update_time, o.order_id))
    state.finished.extend(order.order_id for order in finished)
    # Waiting strategy orders re-enter their books in id order; a leg's opening order still
    # open keeps the power to activate and resize it.
    strategies = state.strategies
    finished_strategies: list[StrategyOrder] = []
    for strategy in sorted(snapshot.strategy_orders, key=lambda o: o.order_id):
        source = strategy.source_order_id
        opening = state.orders.get(source) if source is not None else None
        strategies.add(strategy, opening_open=opening is not None and opening.is_open)
        if not strategy.is_open:
            finished_strategies.append(strategy)
    finished_strategies.sort(key=lambda o: (o.update_time, o.order_id))
    strategies.finished.extend(order.order_id for order in finished_strategies)
    for created_at, uid, client_order_id, order_id in snapshot.client_orders:
        state.client_orders[(uid, client_order_id)] = OrderId(order_id)
        state.client_order_times.append((created_at, uid, client_order_id))
    for uid, trigger in snapshot.cancel_after.items():
        state.cancel_after[uid] = trigger
        heapq.heappush(state.cancel_after_heap, (trigger, uid))
    state.fee_pool.update(snapshot.fee_pool)
    state.last_price.update(snapshot.last_price)
    for code, (price, at) in snapshot.index_prices.items():
        state.index_prices[code] = price
        state.index_times[code] = at
        if code in state.contracts:
            refresh_band(state, state.contracts.get(code))
    state.premiums.update(snapshot.premiums)
    state.funding_pool.update(snapshot.funding_pool)
    state.last_record_id = snapshot.last_record_id
    state.last_fill_id = snapshot.last_fill_id
    if snapshot.next_sample is not None and snapshot.next_settlement is not None:
        # The fills of a settlement window before the restart are not kept here: the engine
        # counts them again from the store (Exchange.count_settlement_fills).
        state.next_sample = snapshot.next_sample
        state.next_settlement = snapshot.next_settlement
        state.window_end = snapshot.window_end
        state.settlement_fills_from = snapshot.next_settlement - SETTLEMENT_PRICE_WINDOW_MS
        funding_clock.reschedule(state)
    state.order_ids.last = snapshot.last_order_id
    state.trade_ids.last = max(state.trade_ids.last, snapshot.last_trade_id)
    rebuild_index(state)
    return exchange
