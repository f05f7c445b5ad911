"""A store in memory for fast tests: rows are copied out at commit, as a database would, so a
restart from it shows exactly what was committed and nothing the engine changed afterwards.
They are the SQL stores' rows (storage/rows.py), read back through the same readers and the
same checks, so that the three stores agree down to what they refuse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from ..domain.contracts import ContractRegistry
from ..domain.orders import Order, Trade
from ..domain.restore import Snapshot
from ..domain.strategy_orders import StrategyOrder
from ..domain.types import UID, Millis, Role
from ..service.api_keys import ApiKey
from ..service.bars import Bar, SeriesKey
from ..service.ports import BarQuery, ChangeSet, OrderQuery, StrategyOrderQuery
from . import rows
from .columns import Row


class MemoryStore:
    def __init__(self) -> None:
        self.users: set[UID] = set()
        self.contracts: dict[str, Row] = {}
        self.accounts: dict[tuple[int, str], Row] = {}
        self.holdings: dict[tuple[int, str], Row] = {}
        self.orders: dict[int, Row] = {}
        self.trades: dict[int, list[Row]] = {}
        self.strategy_orders: dict[int, Row] = {}
        self.cancel_after: dict[UID, Millis] = {}
        self.api_keys: dict[str, Row] = {}
        self.kv: dict[str, str] = {}
        self.klines: dict[SeriesKey, dict[int, Row]] = {}

    def commit(self, c: ChangeSet) -> None:
        self.users.update(c.users)
        for contract in c.contracts:
            self.contracts[contract.contract_code] = rows.contract_row(contract)
        for account in c.accounts:
            self.accounts[(account.uid, account.symbol)] = rows.account_row(account)
        for holding in c.holdings:
            self.holdings[(holding.uid, holding.contract_code)] = rows.holding_row(holding)
        for order in [*c.orders, *c.order_updates]:
            self.orders[order.order_id] = rows.order_row(order)
        for trade in c.trades:
            self.trades.setdefault(trade.order_id, []).append(rows.trade_row(trade))
        for strategy in c.strategy_orders:
            self.strategy_orders[strategy.order_id] = rows.strategy_order_row(strategy)
        for uid, trigger in c.cancel_after.items():
            if trigger is None:
                self.cancel_after.pop(uid, None)
            else:
                self.cancel_after[uid] = trigger
        for key in c.api_keys:
            self.api_keys[key.access_key] = rows.api_key_row(key)
        for b in c.bars:
            self.klines.setdefault(b.key, {})[b.bar.id] = rows.kline_row(b)[3:]
        self.kv.update(rows.exchange_values(c))

    def recover(self) -> None:
        """Nothing can fail in memory."""

    def _order(self, row: Row) -> Order:
        order = rows.order_from(row)
        order.trades = tuple(rows.trade_from(t) for t in self.trades.get(order.order_id, []))
        return order

    def load(self, now: Millis, *, retention_ms: int, client_id_window_ms: int) -> Snapshot | None:
        if not self.contracts:
            return None
        figures = rows.exchange_figures(self.kv)
        registry = ContractRegistry()
        for code in sorted(self.contracts):
            registry.add(rows.contract_from(self.contracts[code]))
        orders = [self._order(r) for r in self.orders.values()]
        kept = [o for o in orders if o.status.is_open or o.update_time >= now - retention_ms]
        strategies = [rows.strategy_order_from(r, registry) for r in self.strategy_orders.values()]
        client_orders = sorted(
            (o.created_at, o.uid, o.client_order_id, o.order_id)
            for o in orders
            if o.client_order_id is not None and o.created_at >= now - client_id_window_ms
        )
        return Snapshot(
            contracts=registry,
            users=set(self.users),
            accounts=[rows.account_from(r) for r in self.accounts.values()],
            holdings=[rows.holding_from(r) for r in self.holdings.values()],
            orders=kept,
            strategy_orders=[
                s for s in strategies if s.is_open or s.update_time >= now - retention_ms
            ],
            client_orders=[(t, u, int(c), int(i)) for t, u, c, i in client_orders],
            cancel_after=dict(self.cancel_after),
            fee_pool=figures.fee_pool,
            last_price=figures.last_price,
            index_prices=figures.index_prices,
            last_order_id=figures.last_order_id,
            last_trade_id=figures.last_trade_id,
            now=figures.now,
        )

    def orders_of(self, query: OrderQuery) -> tuple[list[Order], int]:
        return _page(map(self._order, self.orders.values()), query)

    def strategy_orders_of(self, query: StrategyOrderQuery) -> tuple[list[StrategyOrder], int]:
        stored = map(rows.strategy_order_from, self.strategy_orders.values())
        return _page((s for s in stored if s.kind is query.kind), query)

    def tpsl_legs_of(self, source_order_id: int) -> list[StrategyOrder]:
        return [
            leg
            for _, row in sorted(self.strategy_orders.items())
            if (leg := rows.strategy_order_from(row)).source_order_id == source_order_id
        ]

    def recent_trades(self, since: Millis, limit: int) -> list[Trade]:
        trades = [
            trade
            for per_order in self.trades.values()
            for trade in map(rows.trade_from, per_order)
            if trade.role is Role.TAKER and trade.created_at >= since
        ]
        trades.sort(key=lambda t: t.trade_id)
        return trades[-limit:] if limit else []

    def bars(self, query: BarQuery) -> list[Bar]:
        stored = self.klines.get(query.key, {})
        ids = sorted(i for i in stored if query.first <= i <= query.last)
        ids = ids[-query.limit :] if query.newest else ids[: query.limit]
        return [rows.bar_from(stored[i]) for i in ids] if query.limit > 0 else []

    def load_api_keys(self) -> list[ApiKey]:
        return [rows.api_key_from(r) for r in self.api_keys.values()]

    def order(self, order_id: int) -> Order | None:
        row = self.orders.get(order_id)
        return self._order(row) if row is not None else None

    def close(self) -> None:
        pass


Listed = TypeVar("Listed", Order, StrategyOrder)


def _page(
    found: Iterable[Listed], query: OrderQuery | StrategyOrderQuery
) -> tuple[list[Listed], int]:
    """One page of a history query and how many match, as the SQL stores answer it: the UID's
    on the contract, created at or after `since`, in `statuses` and `sides` if any, newest
    first by `sort_by`, ties newest id first."""
    kept = [
        o
        for o in found
        if o.uid == query.uid
        and o.contract_code == query.contract_code
        and o.created_at >= query.since
        and (not query.statuses or int(o.status) in query.statuses)
        and (not query.sides or (o.direction.value, o.offset.value) in query.sides)
    ]
    key = "update_time" if query.sort_by == "update_time" else "created_at"
    kept.sort(key=lambda o: (getattr(o, key), o.order_id), reverse=True)
    first = (query.page_index - 1) * query.page_size
    return kept[first : first + query.page_size], len(kept)


__all__ = ["MemoryStore"]
