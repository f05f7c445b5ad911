"""A store in memory for fast tests: rows are copied out at commit, as a database would, so a
restart from it shows exactly what was committed and nothing the engine changed afterwards.
They are the SQL stores' rows (storage/rows.py), read back through the same readers and the
same checks, so that the three stores agree down to what they refuse."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, TypeVar

from ..domain.contracts import ContractRegistry
from ..domain.orders import ORDER_TYPE_LIQUIDATION, Order, Trade
from ..domain.records import FinancialRecord
from ..domain.restore import Snapshot
from ..domain.settlement_records import ContractSettlement, UserSettlement
from ..domain.strategy_orders import StrategyOrder
from ..domain.types import UID, Millis, Role
from ..service.api_keys import ApiKey
from ..service.bars import Bar, SeriesKey
from ..service.clock import StoredClock
from ..service.ports import (
    BarQuery,
    ChangeSet,
    Fill,
    FinancialRecordQuery,
    FundRecord,
    HistoryQuery,
    JournalEntry,
    LiquidationQuery,
    OrderQuery,
    SettlementQuery,
    SnapshotError,
    SnapshotInfo,
    StrategyOrderQuery,
)
from . import rows
from .columns import Row


class MemoryStore:
    def __init__(self) -> None:
        self._snapshots: dict[str, tuple[SnapshotInfo, dict[str, Any]]] = {}
        self.contracts: dict[str, Row] = {}
        self._empty()

    def _empty(self) -> None:
        """Every table but the contracts (and the snapshots) emptied."""
        self.users: set[UID] = set()
        self.accounts: dict[tuple[int, str], Row] = {}
        self.holdings: dict[tuple[int, str], Row] = {}
        self.orders: dict[int, Row] = {}
        self.trades: dict[int, list[Row]] = {}
        self.strategy_orders: dict[int, Row] = {}
        self.cancel_after: dict[UID, Millis] = {}
        self.api_keys: dict[str, Row] = {}
        self.kv: dict[str, str] = {}
        self.financial_records: dict[int, Row] = {}
        self.settlements: dict[tuple[str, int], Row] = {}
        self.user_settlements: dict[tuple[int, str, int], Row] = {}
        self.klines: dict[SeriesKey, dict[int, Row]] = {}
        self.fund_records: dict[tuple[str, int], str] = {}
        self.journal_entries: list[JournalEntry] = []

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
        for record in c.financial_records:
            self.financial_records[record.query_id] = rows.financial_record_row(record)
        for settled in c.settlements:
            key2 = (settled.contract_code, settled.settlement_time)
            self.settlements[key2] = rows.settlement_row(settled)
        for user in c.user_settlements:
            key3 = (user.uid, user.contract_code, user.settlement_time)
            self.user_settlements[key3] = rows.user_settlement_row(user)
        for b in c.bars:
            self.klines.setdefault(b.key, {})[b.bar.id] = rows.kline_row(b)[3:]
        for point in c.insurance_fund:
            self.fund_records[(point.symbol, point.ts)] = str(point.balance)
        self.journal_entries.extend(c.journal)
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
            premiums=figures.funding.premiums,
            next_sample=figures.funding.next_sample,
            next_settlement=figures.funding.next_settlement,
            window_end=figures.funding.window_end,
            funding_pool=figures.funding.funding_pool,
            last_record_id=max(self.financial_records, default=0),
            last_fill_id=max(
                (rows.trade_from(t).query_id for ts in self.trades.values() for t in ts),
                default=0,
            ),
            last_order_id=figures.last_order_id,
            last_trade_id=figures.last_trade_id,
            now=figures.now,
        )

    def orders_of(self, query: OrderQuery) -> tuple[list[Order], int]:
        return _page(map(self._order, self.orders.values()), query)

    def order_window(self, query: HistoryQuery) -> tuple[list[Order], int]:
        kept = [
            o
            for o in map(rows.order_from, self.orders.values())
            if _in_window(o, o.order_id, query)
            and (not query.statuses or int(o.status) in query.statuses)
            and (not query.price_types or o.order_price_type.value in query.price_types)
            and (not query.order_types or o.order_type in query.order_types)
        ]
        kept.sort(key=lambda o: o.order_id, reverse=query.newest_first)
        return kept[query.skip : query.skip + query.size], len(kept)

    def fill_window(self, query: HistoryQuery) -> tuple[list[Fill], int]:
        kept: list[Fill] = []
        for order_id, stored in self.trades.items():
            order = rows.order_from(self.orders[order_id])
            if query.order_types and order.order_type not in query.order_types:
                continue
            for trade in map(rows.trade_from, stored):
                if _in_window(trade, trade.query_id, query):
                    kept.append(Fill(trade, order.order_source))
        kept.sort(key=lambda f: f.trade.query_id, reverse=query.newest_first)
        return kept[query.skip : query.skip + query.size], len(kept)

    def liquidation_orders(self, query: LiquidationQuery) -> list[Order]:
        since, newest = query.from_id, query.newest_first
        found = [
            o
            for o in map(rows.order_from, self.orders.values())
            if o.contract_code == query.contract_code
            and o.order_type == ORDER_TYPE_LIQUIDATION
            and o.liquidation_type != "1"
            and o.trade_volume > 0
            and query.start <= o.created_at <= query.end
            and (query.direction is None or o.direction.value == query.direction)
            and (since is None or (o.order_id < since if newest else o.order_id > since))
        ]
        found.sort(key=lambda o: o.order_id, reverse=query.newest_first)
        return found[: query.size]

    def insurance_fund_history(self, symbol: str) -> list[FundRecord]:
        return sorted(
            (
                FundRecord(s, Millis(ts), rows.dec(balance))
                for (s, ts), balance in self.fund_records.items()
                if s == symbol
            ),
            key=lambda r: r.ts,
            reverse=True,
        )

    def insurance_fund(
        self, symbol: str, page_index: int, page_size: int
    ) -> tuple[list[FundRecord], int]:
        records = self.insurance_fund_history(symbol)
        first = (page_index - 1) * page_size
        return records[first : first + page_size], len(records)

    def strategy_orders_of(self, query: StrategyOrderQuery) -> tuple[list[StrategyOrder], int]:
        stored = map(rows.strategy_order_from, self.strategy_orders.values())
        return _page((s for s in stored if s.kind is query.kind), query)

    def tpsl_legs_of(self, source_order_id: int) -> list[StrategyOrder]:
        return [
            leg
            for _, row in sorted(self.strategy_orders.items())
            if (leg := rows.strategy_order_from(row)).source_order_id == source_order_id
        ]

    def financial_records_of(self, query: FinancialRecordQuery) -> list[FinancialRecord]:
        newest_first = query.direct == "prev"
        found = [
            r
            for r in map(rows.financial_record_from, self.financial_records.values())
            if r.uid == query.uid
            and r.contract_code == query.contract_code
            and query.start <= r.ts <= query.end
            and (not query.types or r.type in query.types)
            and (
                query.from_id is None
                or (r.query_id < query.from_id if newest_first else r.query_id > query.from_id)
            )
        ]
        found.sort(key=lambda r: r.query_id, reverse=newest_first)
        return found[: query.limit]

    def settlements_of(self, query: SettlementQuery) -> tuple[list[ContractSettlement], int]:
        found = [
            s
            for s in map(rows.settlement_from, self.settlements.values())
            if s.contract_code == query.contract_code
            and query.start <= s.settlement_time <= query.end
        ]
        return _settlement_page(found, query)

    def user_settlements_of(self, query: SettlementQuery) -> tuple[list[UserSettlement], int]:
        found = [
            u
            for u in map(rows.user_settlement_from, self.user_settlements.values())
            if u.contract_code == query.contract_code
            and u.uid == query.uid
            and query.start <= u.settlement_time <= query.end
        ]
        return _settlement_page(found, query)

    def recent_trades(self, since: Millis, limit: int) -> list[Trade]:
        trades = [
            trade
            for per_order in self.trades.values()
            for trade in map(rows.trade_from, per_order)
            if trade.role is Role.TAKER and trade.created_at >= since
        ]
        trades.sort(key=lambda t: t.query_id)
        return trades[-limit:] if limit else []

    def bars(self, query: BarQuery) -> list[Bar]:
        stored = self.klines.get(query.key, {})
        ids = sorted(i for i in stored if query.first <= i <= query.last)
        ids = ids[-query.limit :] if query.newest else ids[: query.limit]
        return [rows.bar_from(stored[i]) for i in ids] if query.limit > 0 else []

    def load_clock(self) -> StoredClock | None:
        return rows.stored_clock(self.kv)

    def load_api_keys(self) -> list[ApiKey]:
        return [rows.api_key_from(r) for r in self.api_keys.values()]

    def order(self, order_id: int) -> Order | None:
        row = self.orders.get(order_id)
        return self._order(row) if row is not None else None

    def last_journal_seq(self) -> int:
        return self.journal_entries[-1].seq if self.journal_entries else 0

    def journal(self, after: int, limit: int) -> list[JournalEntry]:
        return [j for j in self.journal_entries if j.seq > after][:limit]

    # -- reset and snapshots: copies of the tables, as the SQL stores make them -------------

    def _tables(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "_snapshots"}

    def reset(self) -> None:
        self._empty()

    def save_snapshot(self, info: SnapshotInfo) -> None:
        if info.name in self._snapshots:
            raise SnapshotError(f'a snapshot named "{info.name}" exists already')
        self._snapshots[info.name] = (info, copy.deepcopy(self._tables()))

    def restore_snapshot(self, name: str) -> SnapshotInfo:
        found = self._snapshots.get(name)
        if found is None:
            raise SnapshotError(f'no snapshot named "{name}"')
        info, tables = found
        for key, value in copy.deepcopy(tables).items():
            setattr(self, key, value)
        return info

    def snapshots(self) -> list[SnapshotInfo]:
        return [info for info, _ in self._snapshots.values()]

    def delete_snapshot(self, name: str) -> bool:
        return self._snapshots.pop(name, None) is not None

    def close(self) -> None:
        pass


Listed = TypeVar("Listed", Order, StrategyOrder)


def _page(
    found: Iterable[Listed], query: OrderQuery | StrategyOrderQuery
) -> tuple[list[Listed], int]:
    """One page of a history query and how many match, as the SQL stores answer it: the UID's
    on the contract, created at or after `since`, in `statuses`, `sides` and (orders)
    `order_types` if any, newest first by `sort_by`, ties newest id first."""
    order_types = query.order_types if isinstance(query, OrderQuery) else ()
    kept = [
        o
        for o in found
        if o.uid == query.uid
        and o.contract_code == query.contract_code
        and o.created_at >= query.since
        and (not query.statuses or int(o.status) in query.statuses)
        and (not query.sides or (o.direction.value, o.offset.value) in query.sides)
        and (not order_types or getattr(o, "order_type", 1) in order_types)
    ]
    key = "update_time" if query.sort_by == "update_time" else "created_at"
    kept.sort(key=lambda o: (getattr(o, key), o.order_id), reverse=True)
    first = (query.page_index - 1) * query.page_size
    return kept[first : first + query.page_size], len(kept)


def _in_window(row: Order | Trade, query_id: int, query: HistoryQuery) -> bool:
    """The conditions orders and fills share, as the SQL stores' `_window`."""
    if row.uid != query.uid or row.contract_code != query.contract_code:
        return False
    if not query.start <= row.created_at <= query.end:
        return False
    if query.sides and (row.direction.value, row.offset.value) not in query.sides:
        return False
    since = query.from_id
    if since is None or (query.include_from and query_id == since):
        return True
    return query_id < since if query.newest_first else query_id > since


S = TypeVar("S", ContractSettlement, UserSettlement)


def _settlement_page(found: list[S], query: SettlementQuery) -> tuple[list[S], int]:
    found.sort(key=lambda s: s.settlement_time, reverse=True)
    first = (query.page_index - 1) * query.page_size
    return found[first : first + query.page_size], len(found)


__all__ = ["MemoryStore"]
