"""What the SQLite and PostgreSQL stores share: schema migrations, the commit of a ChangeSet in
one transaction, and the load of a Snapshot. Subclasses supply the connection and the dialect."""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..domain.contracts import ContractRegistry
from ..domain.orders import Order, Trade
from ..domain.records import FinancialRecord
from ..domain.restore import Snapshot
from ..domain.settlement_records import ContractSettlement, UserSettlement
from ..domain.strategy_orders import StrategyOrder
from ..domain.types import UID, Millis
from ..service.api_keys import ApiKey
from ..service.bars import Bar
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
    StorageError,
    StorageOutageError,
    StrategyOrderQuery,
)
from . import rows

P = ParamSpec("P")
R = TypeVar("R")
SqlStoreT = TypeVar("SqlStoreT", bound="SqlStore")
APPLICATION = "htx-swap-sandbox"
OPEN_STATUSES = "(3, 4, 11)"
FINISHED_STATUSES = "(5, 6, 7)"
STRATEGY_OPEN = "status IN (1, 2)"
STRATEGY_FINISHED = "status NOT IN (1, 2)"
"""Not activated and waiting; the partial indexes of 0004 carry the same predicates."""


def migrations(dialect: str) -> list[tuple[int, str]]:
    """(version, sql) of the packaged migrations, ascending: files named NNNN_name.sql."""
    folder = resources.files(__package__).joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Insert:
    """INSERT of whole rows; with `keys`, ON CONFLICT (the first `keys` columns) DO UPDATE the
    rest, or DO NOTHING when no column is left. The same text in both dialects."""

    table: str
    columns: Sequence[str]
    keys: int = 0

    def sql(self, mark: str, rows: int = 1) -> str:
        group = f"({', '.join([mark] * len(self.columns))})"
        text = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES " + ", ".join(
            [group] * rows
        )
        if not self.keys:
            return text
        conflict = ", ".join(self.columns[: self.keys])
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns[self.keys :])
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        return f"{text} ON CONFLICT ({conflict}) {action}"


@dataclass(frozen=True, slots=True)
class Update:
    """UPDATE of some columns of rows found by their key; a row is (*columns, key)."""

    table: str
    columns: Sequence[str]
    key: str

    def sql(self, mark: str, rows: int = 1) -> str:
        if rows == 1:
            assigned = ", ".join(f"{c} = {mark}" for c in self.columns)
            return f"UPDATE {self.table} SET {assigned} WHERE {self.key} = {mark}"
        # Many rows in one statement (SQLite's dialect: VALUES columns are column1, column2...).
        group = f"({', '.join([mark] * (len(self.columns) + 1))})"
        assigned = ", ".join(f"{c} = v.column{i}" for i, c in enumerate(self.columns, 1))
        return (
            f"UPDATE {self.table} SET {assigned} FROM (VALUES {', '.join([group] * rows)}) AS v "
            f"WHERE {self.table}.{self.key} = v.column{len(self.columns) + 1}"
        )


RowWrite = Insert | Update


@functools.lru_cache(maxsize=4096)
def statement(write: RowWrite, mark: str, rows: int = 1) -> str:
    """The text of a write (cached: a commit's row counts recur)."""
    return write.sql(mark, rows)


# What a commit writes.
USERS = Insert("users", ("uid",), keys=1)
CONTRACTS = Insert("contracts", rows.CONTRACT_COLUMNS, keys=1)
ACCOUNTS = Insert("accounts", rows.ACCOUNT_COLUMNS, keys=2)
HOLDINGS = Insert("holdings", rows.HOLDING_COLUMNS, keys=2)
ORDERS = Insert("orders", rows.ORDER_COLUMNS, keys=1)
# Only the state columns: an upsert of the whole row would rewrite every index entry of the
# order, where a cancel or a fill moves it in the two status indexes alone.
ORDER_STATES = Update("orders", rows.ORDER_STATE_COLUMNS, "order_id")
TRADES = Insert("trades", rows.TRADE_COLUMNS)
API_KEYS = Insert("api_keys", rows.API_KEY_COLUMNS, keys=1)
EXCHANGE = Insert("exchange", ("key", "value"), keys=1)
CANCEL_AFTER = Insert("cancel_after", ("uid", "trigger_time"), keys=1)
# Whole rows: a strategy order changes few times (placed, armed, fired or cancelled), except a
# trailing order's extreme, which is one column anyway.
STRATEGY_ORDERS = Insert("strategy_orders", rows.STRATEGY_ORDER_COLUMNS, keys=1)
# Appended once each, never changed.
FINANCIAL_RECORDS = Insert("financial_records", rows.FINANCIAL_RECORD_COLUMNS)
SETTLEMENTS = Insert("settlements", rows.SETTLEMENT_COLUMNS)
USER_SETTLEMENTS = Insert("user_settlements", rows.USER_SETTLEMENT_COLUMNS)
# A bar changes with every trade of its period: upserted whole, by its series and id.
KLINES = Insert("klines", rows.KLINE_COLUMNS, keys=4)
INSURANCE_FUND = Insert("insurance_fund", ("symbol", "ts", "balance"), keys=2)
JOURNAL = Insert("journal", ("seq", "ts", "kind", "body"))
SNAPSHOTS = Insert(
    "snapshots",
    ("name", "id", "created_at", "exchange_time", "schema_version", "tables", "extra"),
)
KEPT_TABLES = frozenset({"meta", "snapshots"})
"""Tables that are no part of the exchange's state: neither reset nor copied."""
SNAPSHOT_TABLE_PREFIX = "snapshot_"
LIQUIDATED = "order_type = 3 AND liquidation_type <> '1' AND trade_volume > 0"
"""The public feed's orders: partial and full liquidations that filled (the partial index of
the risk migration carries the first two predicates)."""


def outages(
    method: Callable[Concatenate[SqlStoreT, P], R],
) -> Callable[Concatenate[SqlStoreT, P], R]:
    """The driver's operational errors (a full disk, a lost connection) raised as
    StorageOutageError, which the engine tells apart from data a store refuses."""

    @functools.wraps(method)
    def guarded(self: SqlStoreT, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except self.outage_errors as error:
            raise StorageOutageError(f"{self.name}: {error}") from error

    return guarded


class SqlStore(abc.ABC):
    dialect: str
    mark: str
    """The driver's placeholder."""
    outage_errors: tuple[type[BaseException], ...] = (OSError,)
    """The driver's errors that mean the database cannot be used now, not bad data."""

    def __init__(self, name: str) -> None:
        self.name = name
        """The file or database, as error messages name it."""

    # -- dialect hooks ---------------------------------------------------------------------

    @abc.abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A query outside a commit (dialects that open a transaction for it end it here)."""
        return self._execute(sql, params)

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterable[tuple[Any, ...]]:
        """Rows one at a time, for reads too large to hold twice (restart's open orders)."""
        return self._read(sql, params)

    @abc.abstractmethod
    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None: ...

    def _write_rows(self, write: RowWrite, rows: Sequence[Sequence[Any]]) -> None:
        """Write rows of one kind (a dialect may do it in fewer statements)."""
        self._executemany(statement(write, self.mark), rows)

    @abc.abstractmethod
    def _begin(self) -> None: ...

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def _rollback(self) -> None: ...

    @abc.abstractmethod
    def _has_table(self, name: str) -> bool: ...

    @abc.abstractmethod
    def _run_script(self, sql: str) -> None:
        """Run a migration's statements inside the current transaction."""

    @abc.abstractmethod
    def _tables(self) -> list[str]:
        """The names of every table of the database (of the current schema)."""

    # -- schema ----------------------------------------------------------------------------

    def _check_version(self) -> int:
        """The stored schema version; an error, before anything is written, for a database
        that is not ours or is newer than this code."""
        latest = migrations(self.dialect)[-1][0]
        version = self._schema_version()
        if version > latest:
            raise StorageError(
                f"{self.name}: schema version {version} is newer than this htx-sandbox "
                f"understands ({latest}); upgrade htx-sandbox"
            )
        return version

    def _migrate(self) -> None:
        """Bring the schema up to date, refusing a database that is not ours or is newer."""
        known = migrations(self.dialect)
        latest = known[-1][0]
        self._begin()
        try:
            version = self._check_version()
            for number, sql in known:
                if number > version:
                    self._run_script(sql)
            if version == 0:
                self._execute(
                    f"INSERT INTO meta (key, value) VALUES ('application', {self.mark})",
                    (APPLICATION,),
                )
                self._execute(
                    f"INSERT INTO meta (key, value) VALUES ('schema_version', {self.mark})",
                    (str(latest),),
                )
            elif version < latest:
                self._execute(
                    f"UPDATE meta SET value = {self.mark} WHERE key = 'schema_version'",
                    (str(latest),),
                )
            self._commit()
        except BaseException:
            self._rollback()
            raise

    def _schema_version(self) -> int:
        """0 for an empty database; an error for one that holds someone else's tables."""
        if not self._has_table("meta"):
            if self._has_foreign_tables():
                raise StorageError(f"{self.name}: not an htx-sandbox database")
            return 0
        found = dict(self._execute("SELECT key, value FROM meta"))
        if found.get("application") != APPLICATION:
            raise StorageError(f"{self.name}: not an htx-sandbox database")
        return int(found["schema_version"])

    @abc.abstractmethod
    def _has_foreign_tables(self) -> bool: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    # -- write -----------------------------------------------------------------------------

    @outages
    def commit(self, changes: ChangeSet) -> None:
        self._begin()
        try:
            self._write(changes)
            self._commit()
        except BaseException:
            self._rollback()
            raise

    @outages
    def recover(self) -> None:
        self._rollback()
        self._begin()
        try:
            # A row of meta is rewritten: the write needs the same space and locks a commit does.
            self._execute(
                f"UPDATE meta SET value = value WHERE key = 'application' AND value = {self.mark}",
                (APPLICATION,),
            )
            self._commit()
        except BaseException:
            self._rollback()
            raise

    def _write(self, c: ChangeSet) -> None:
        write = self._write_rows
        if c.users:
            write(USERS, [(uid,) for uid in c.users])
        if c.contracts:
            write(CONTRACTS, [rows.contract_row(x) for x in c.contracts])
        if c.accounts:
            write(ACCOUNTS, [rows.account_row(x) for x in c.accounts])
        if c.holdings:
            write(HOLDINGS, [rows.holding_row(x) for x in c.holdings])
        if c.orders:
            write(ORDERS, [rows.order_row(x) for x in c.orders])
        if c.order_updates:
            write(ORDER_STATES, [rows.order_state_row(x) for x in c.order_updates])
        if c.trades:
            write(TRADES, [rows.trade_row(x) for x in c.trades])
        if c.strategy_orders:
            write(STRATEGY_ORDERS, [rows.strategy_order_row(x) for x in c.strategy_orders])
        if c.cancel_after:
            armed = [(uid, t) for uid, t in c.cancel_after.items() if t is not None]
            disarmed = [(uid,) for uid, t in c.cancel_after.items() if t is None]
            if armed:
                write(CANCEL_AFTER, armed)
            if disarmed:
                self._executemany(f"DELETE FROM cancel_after WHERE uid = {self.mark}", disarmed)
        if c.api_keys:
            write(API_KEYS, [rows.api_key_row(k) for k in c.api_keys])
        if c.financial_records:
            write(FINANCIAL_RECORDS, [rows.financial_record_row(r) for r in c.financial_records])
        if c.settlements:
            write(SETTLEMENTS, [rows.settlement_row(x) for x in c.settlements])
        if c.user_settlements:
            write(USER_SETTLEMENTS, [rows.user_settlement_row(x) for x in c.user_settlements])
        if c.bars:
            write(KLINES, [rows.kline_row(b) for b in c.bars])
        if c.insurance_fund:
            write(INSURANCE_FUND, [(f.symbol, f.ts, str(f.balance)) for f in c.insurance_fund])
        if c.journal:
            write(JOURNAL, [(j.seq, j.ts, j.kind, j.body) for j in c.journal])
        write(EXCHANGE, rows.exchange_values(c))

    # -- read ------------------------------------------------------------------------------

    @outages
    def load(self, now: Millis, *, retention_ms: int, client_id_window_ms: int) -> Snapshot | None:
        try:
            return self._load(
                now, retention_ms=retention_ms, client_id_window_ms=client_id_window_ms
            )
        except StorageOutageError:
            raise
        except StorageError as error:  # a row it refused: say in which file or database
            raise StorageError(f"{self.name}: {error}") from None

    def _load(self, now: Millis, *, retention_ms: int, client_id_window_ms: int) -> Snapshot | None:
        contract_rows = self._read(
            f"SELECT {', '.join(rows.CONTRACT_COLUMNS)} FROM contracts ORDER BY contract_code"
        )
        if not contract_rows:
            return None
        registry = ContractRegistry()
        for row in contract_rows:
            registry.add(rows.contract_from(row))
        figures = rows.exchange_figures(dict(self._read("SELECT key, value FROM exchange")))
        order_columns = ", ".join(rows.ORDER_COLUMNS)
        m = self.mark
        orders = [
            rows.order_from(r)
            for r in self._stream(
                f"SELECT {order_columns} FROM orders WHERE status IN {OPEN_STATUSES} "
                "ORDER BY order_id"
            )
        ]
        orders += [
            rows.order_from(r)
            for r in self._read(
                f"SELECT {order_columns} FROM orders "
                f"WHERE status IN {FINISHED_STATUSES} AND update_time >= {m}",
                (now - retention_ms,),
            )
        ]
        self._attach_trades(o for o in orders if o.trade_volume)
        client_orders = [
            (Millis(created_at), UID(uid), int(client_order_id), int(order_id))
            for created_at, uid, client_order_id, order_id in self._read(
                "SELECT created_at, uid, client_order_id, order_id FROM orders "
                f"WHERE client_order_id IS NOT NULL AND created_at >= {m} "
                "ORDER BY created_at, order_id",
                (now - client_id_window_ms,),
            )
        ]
        return Snapshot(
            contracts=registry,
            users=[UID(uid) for (uid,) in self._read("SELECT uid FROM users")],
            accounts=[
                rows.account_from(r)
                for r in self._read(f"SELECT {', '.join(rows.ACCOUNT_COLUMNS)} FROM accounts")
            ],
            holdings=[
                rows.holding_from(r)
                for r in self._read(f"SELECT {', '.join(rows.HOLDING_COLUMNS)} FROM holdings")
            ],
            orders=orders,
            strategy_orders=self._load_strategy_orders(registry, now - retention_ms),
            client_orders=client_orders,
            cancel_after={
                UID(uid): Millis(trigger_time)
                for uid, trigger_time in self._read("SELECT uid, trigger_time FROM cancel_after")
            },
            fee_pool=figures.fee_pool,
            last_price=figures.last_price,
            index_prices=figures.index_prices,
            premiums=figures.funding.premiums,
            next_sample=figures.funding.next_sample,
            next_settlement=figures.funding.next_settlement,
            window_end=figures.funding.window_end,
            funding_pool=figures.funding.funding_pool,
            last_record_id=int(
                self._read("SELECT max(query_id) FROM financial_records")[0][0] or 0
            ),
            last_fill_id=int(self._read("SELECT max(query_id) FROM trades")[0][0] or 0),
            last_order_id=figures.last_order_id,
            last_trade_id=figures.last_trade_id,
            now=figures.now,
        )

    def _load_strategy_orders(
        self, registry: ContractRegistry, finished_since: int
    ) -> list[StrategyOrder]:
        """Every open strategy order, and those finished at or after `finished_since`."""
        columns = ", ".join(rows.STRATEGY_ORDER_COLUMNS)
        found = [
            rows.strategy_order_from(r, registry)
            for r in self._stream(
                f"SELECT {columns} FROM strategy_orders WHERE {STRATEGY_OPEN} ORDER BY order_id"
            )
        ]
        found += [
            rows.strategy_order_from(r, registry)
            for r in self._read(
                f"SELECT {columns} FROM strategy_orders "
                f"WHERE {STRATEGY_FINISHED} AND update_time >= {self.mark}",
                (finished_since,),
            )
        ]
        return found

    def _attach_trades(self, orders: Iterable[Order]) -> None:
        by_id = {o.order_id: o for o in orders}
        if not by_id:
            return
        columns = ", ".join(rows.TRADE_COLUMNS)
        ids = list(by_id)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join([self.mark] * len(chunk))
            for r in self._read(
                f"SELECT {columns} FROM trades WHERE order_id IN ({marks}) ORDER BY query_id",
                chunk,
            ):
                trade = rows.trade_from(r)
                order = by_id[trade.order_id]
                order.trades += (trade,)

    @outages
    def orders_of(self, query: OrderQuery) -> tuple[list[Order], int]:
        found, total = self._page(
            "orders",
            rows.ORDER_COLUMNS,
            query,
            {"uid": query.uid, "contract_code": query.contract_code},
        )
        return [rows.order_from(r) for r in found], total

    @outages
    def order_window(self, query: HistoryQuery) -> tuple[list[Order], int]:
        m = self.mark
        where, params = self._window("", "order_id", query)
        if query.statuses:
            where.append(f"status IN ({', '.join([m] * len(query.statuses))})")
            params += query.statuses
        if query.price_types:
            where.append(f"order_price_type IN ({', '.join([m] * len(query.price_types))})")
            params += query.price_types
        if query.order_types:
            where.append(f"order_type IN ({', '.join([m] * len(query.order_types))})")
            params += query.order_types
        clause = " AND ".join(where)
        (total,) = self._read(f"SELECT count(*) FROM orders WHERE {clause}", params)[0]
        found = self._read(
            f"SELECT {', '.join(rows.ORDER_COLUMNS)} FROM orders WHERE {clause} "
            f"ORDER BY order_id {'DESC' if query.newest_first else 'ASC'} LIMIT {m} OFFSET {m}",
            [*params, query.size, query.skip],
        )
        return [rows.order_from(r) for r in found], int(total)

    @outages
    def fill_window(self, query: HistoryQuery) -> tuple[list[Fill], int]:
        m = self.mark
        where, params = self._window("t.", "t.query_id", query)
        if query.order_types:
            where.append(f"o.order_type IN ({', '.join([m] * len(query.order_types))})")
            params += query.order_types
        tables = "trades t JOIN orders o ON o.order_id = t.order_id"
        clause = " AND ".join(where)
        (total,) = self._read(f"SELECT count(*) FROM {tables} WHERE {clause}", params)[0]
        columns = ", ".join(f"t.{c}" for c in rows.TRADE_COLUMNS)
        found = self._read(
            f"SELECT {columns}, o.order_source FROM {tables} WHERE {clause} "
            f"ORDER BY t.query_id {'DESC' if query.newest_first else 'ASC'} "
            f"LIMIT {m} OFFSET {m}",
            [*params, query.size, query.skip],
        )
        return [Fill(rows.trade_from(r[:-1]), str(r[-1])) for r in found], int(total)

    def _window(
        self, prefix: str, query_id: str, query: HistoryQuery
    ) -> tuple[list[str], list[Any]]:
        """The conditions orders and fills share: the UID's, on the contract, created in the
        window, on the query's sides, past `from_id`."""
        m, p = self.mark, prefix
        where = [f"{p}uid = {m}", f"{p}contract_code = {m}", f"{p}created_at >= {m}",
                 f"{p}created_at <= {m}"]  # fmt: skip
        params: list[Any] = [query.uid, query.contract_code, query.start, query.end]
        if query.sides:
            side = f'({p}direction = {m} AND {p}"offset" = {m})'
            where.append(f"({' OR '.join([side] * len(query.sides))})")
            params += [part for pair in query.sides for part in pair]
        if query.from_id is not None:
            sign = "<" if query.newest_first else ">"
            where.append(f"{query_id} {sign}{'=' if query.include_from else ''} {m}")
            params.append(query.from_id)
        return where, params

    @outages
    def strategy_orders_of(self, query: StrategyOrderQuery) -> tuple[list[StrategyOrder], int]:
        found, total = self._page(
            "strategy_orders",
            rows.STRATEGY_ORDER_COLUMNS,
            query,
            {"uid": query.uid, "contract_code": query.contract_code, "kind": query.kind.value},
        )
        return [rows.strategy_order_from(r) for r in found], total

    @outages
    def tpsl_legs_of(self, source_order_id: int) -> list[StrategyOrder]:
        found = self._read(
            f"SELECT {', '.join(rows.STRATEGY_ORDER_COLUMNS)} FROM strategy_orders "
            f"WHERE source_order_id = {self.mark} ORDER BY order_id",
            (source_order_id,),
        )
        return [rows.strategy_order_from(r) for r in found]

    @outages
    def liquidation_orders(self, query: LiquidationQuery) -> list[Order]:
        m = self.mark
        where = [f"contract_code = {m}", LIQUIDATED, f"created_at >= {m}", f"created_at <= {m}"]
        params: list[Any] = [query.contract_code, query.start, query.end]
        if query.direction is not None:
            where.append(f"direction = {m}")
            params.append(query.direction)
        if query.from_id is not None:
            where.append(f"order_id {'<' if query.newest_first else '>'} {m}")
            params.append(query.from_id)
        found = self._read(
            f"SELECT {', '.join(rows.ORDER_COLUMNS)} FROM orders WHERE {' AND '.join(where)} "
            f"ORDER BY order_id {'DESC' if query.newest_first else 'ASC'} LIMIT {m}",
            [*params, query.size],
        )
        return [rows.order_from(r) for r in found]

    @outages
    def insurance_fund(
        self, symbol: str, page_index: int, page_size: int
    ) -> tuple[list[FundRecord], int]:
        m = self.mark
        (total,) = self._read(
            f"SELECT count(*) FROM insurance_fund WHERE symbol = {m}", (symbol,)
        )[0]
        found = self._read(
            f"SELECT symbol, ts, balance FROM insurance_fund WHERE symbol = {m} "
            f"ORDER BY ts DESC LIMIT {m} OFFSET {m}",
            (symbol, page_size, (page_index - 1) * page_size),
        )
        return [FundRecord(str(a), Millis(int(b)), rows.dec(c)) for a, b, c in found], int(total)

    def _page(
        self,
        table: str,
        columns: Sequence[str],
        query: OrderQuery | StrategyOrderQuery,
        equal: dict[str, Any],
    ) -> tuple[list[tuple[Any, ...]], int]:
        """One page of a history query's rows, newest first, and how many match: the columns
        in `equal` as given, created at or after `since`, in `statuses`, `sides` and (orders)
        `order_types` if any."""
        m = self.mark
        where = [f"{name} = {m}" for name in equal] + [f"created_at >= {m}"]
        params: list[Any] = [*equal.values(), query.since]
        if query.statuses:
            where.append(f"status IN ({', '.join([m] * len(query.statuses))})")
            params += query.statuses
        order_types = query.order_types if isinstance(query, OrderQuery) else ()
        if order_types:
            where.append(f"order_type IN ({', '.join([m] * len(order_types))})")
            params += order_types
        if query.sides:
            sides = " OR ".join([f'(direction = {m} AND "offset" = {m})'] * len(query.sides))
            where.append(f"({sides})")
            params += [part for side in query.sides for part in side]
        clause = " AND ".join(where)
        (total,) = self._read(f"SELECT count(*) FROM {table} WHERE {clause}", params)[0]
        order_by = "update_time" if query.sort_by == "update_time" else "created_at"
        found = self._read(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {clause} "
            f"ORDER BY {order_by} DESC, order_id DESC LIMIT {m} OFFSET {m}",
            [*params, query.page_size, (query.page_index - 1) * query.page_size],
        )
        return found, int(total)

    @outages
    def financial_records_of(self, query: FinancialRecordQuery) -> list[FinancialRecord]:
        m = self.mark
        where = [f"uid = {m}", f"contract_code = {m}", f"ts >= {m}", f"ts <= {m}"]
        params: list[Any] = [query.uid, query.contract_code, query.start, query.end]
        if query.types:
            where.append(f"type IN ({', '.join([m] * len(query.types))})")
            params += query.types
        newest_first = query.direct == "prev"
        if query.from_id is not None:
            where.append(f"query_id {'<' if newest_first else '>'} {m}")
            params.append(query.from_id)
        found = self._read(
            f"SELECT {', '.join(rows.FINANCIAL_RECORD_COLUMNS)} FROM financial_records "
            f"WHERE {' AND '.join(where)} "
            f"ORDER BY query_id {'DESC' if newest_first else 'ASC'} LIMIT {m}",
            [*params, query.limit],
        )
        return [rows.financial_record_from(r) for r in found]

    @outages
    def settlements_of(self, query: SettlementQuery) -> tuple[list[ContractSettlement], int]:
        found, total = self._settlement_page("settlements", rows.SETTLEMENT_COLUMNS, query)
        return [rows.settlement_from(r) for r in found], total

    @outages
    def user_settlements_of(self, query: SettlementQuery) -> tuple[list[UserSettlement], int]:
        found, total = self._settlement_page(
            "user_settlements", rows.USER_SETTLEMENT_COLUMNS, query
        )
        return [rows.user_settlement_from(r) for r in found], total

    def _settlement_page(
        self, table: str, columns: Sequence[str], query: SettlementQuery
    ) -> tuple[list[tuple[Any, ...]], int]:
        m = self.mark
        where = [f"contract_code = {m}", f"settlement_time >= {m}", f"settlement_time <= {m}"]
        params: list[Any] = [query.contract_code, query.start, query.end]
        if query.uid is not None:
            where.append(f"uid = {m}")
            params.append(query.uid)
        clause = " AND ".join(where)
        (total,) = self._read(f"SELECT count(*) FROM {table} WHERE {clause}", params)[0]
        found = self._read(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {clause} "
            f"ORDER BY settlement_time DESC LIMIT {m} OFFSET {m}",
            [*params, query.page_size, (query.page_index - 1) * query.page_size],
        )
        return found, int(total)

    @outages
    def recent_trades(self, since: Millis, limit: int) -> list[Trade]:
        m = self.mark
        found = self._read(
            f"SELECT {', '.join(rows.TRADE_COLUMNS)} FROM trades "
            f"WHERE role = 'taker' AND created_at >= {m} ORDER BY query_id DESC LIMIT {m}",
            (since, limit),
        )
        return [rows.trade_from(r) for r in reversed(found)]

    @outages
    def bars(self, query: BarQuery) -> list[Bar]:
        m, key = self.mark, query.key
        order = "DESC" if query.newest else "ASC"
        found = self._read(
            f"SELECT {', '.join(rows.BAR_COLUMNS)} FROM klines "
            f"WHERE series = {m} AND contract_code = {m} AND period = {m} "
            f"AND id >= {m} AND id <= {m} ORDER BY id {order} LIMIT {m}",
            (key.series, key.contract_code, key.period, query.first, query.last, query.limit),
        )
        bars = [rows.bar_from(r) for r in found]
        if query.newest:
            bars.reverse()
        return bars

    @outages
    def load_clock(self) -> StoredClock | None:
        kv = dict(self._read("SELECT key, value FROM exchange WHERE key IN ('now', 'clock')"))
        return rows.stored_clock(kv)

    @outages
    def load_api_keys(self) -> list[ApiKey]:
        columns = ", ".join(rows.API_KEY_COLUMNS)
        return [rows.api_key_from(r) for r in self._read(f"SELECT {columns} FROM api_keys")]

    @outages
    def order(self, order_id: int) -> Order | None:
        found = self._read(
            f"SELECT {', '.join(rows.ORDER_COLUMNS)} FROM orders WHERE order_id = {self.mark}",
            (order_id,),
        )
        if not found:
            return None
        order = rows.order_from(found[0])
        self._attach_trades([order])
        return order

    # -- journal -----------------------------------------------------------------------------

    @outages
    def last_journal_seq(self) -> int:
        return int(self._read("SELECT max(seq) FROM journal")[0][0] or 0)

    @outages
    def journal(self, after: int, limit: int) -> list[JournalEntry]:
        m = self.mark
        return [
            JournalEntry(int(seq), Millis(ts), kind, body)
            for seq, ts, kind, body in self._read(
                f"SELECT seq, ts, kind, body FROM journal WHERE seq > {m} ORDER BY seq LIMIT {m}",
                (after, limit),
            )
        ]

    # -- reset and snapshots -----------------------------------------------------------------
    # Copies inside the database, in one transaction each: no replay, and the same SQL in both
    # dialects. Data tables are found by listing the database's tables, so that a table a
    # later migration adds is reset and copied with the rest.

    def _data_tables(self) -> list[str]:
        return sorted(
            t
            for t in self._tables()
            if t not in KEPT_TABLES and not t.startswith(SNAPSHOT_TABLE_PREFIX)
        )

    def _in_transaction(self, work: Callable[[], R]) -> R:
        self._begin()
        try:
            result = work()
            self._commit()
        except BaseException:
            self._rollback()
            raise
        return result

    @outages
    def reset(self) -> None:
        def clear() -> None:
            for table in self._data_tables():
                if table != "contracts":
                    self._execute(f"DELETE FROM {table}")

        self._in_transaction(clear)

    def _snapshot_row(self, name: str) -> tuple[Any, ...] | None:
        found = self._execute(
            "SELECT id, created_at, exchange_time, schema_version, tables, extra "
            f"FROM snapshots WHERE name = {self.mark}",
            (name,),
        )
        return found[0] if found else None

    @outages
    def save_snapshot(self, info: SnapshotInfo) -> None:
        def save() -> None:
            if self._snapshot_row(info.name) is not None:
                raise SnapshotError(f'a snapshot named "{info.name}" exists already')
            (last,) = self._execute("SELECT max(id) FROM snapshots")[0]
            number = int(last or 0) + 1
            tables = self._data_tables()
            for table in tables:
                self._execute(
                    f"CREATE TABLE {_snapshot_table(number, table)} AS SELECT * FROM {table}"
                )
            self._executemany(
                statement(SNAPSHOTS, self.mark),
                [
                    (
                        info.name,
                        number,
                        info.created_at,
                        info.exchange_time,
                        self._schema_version(),
                        ",".join(tables),
                        info.extra,
                    )
                ],
            )

        self._in_transaction(save)

    @outages
    def restore_snapshot(self, name: str) -> SnapshotInfo:
        def restore() -> SnapshotInfo:
            found = self._snapshot_row(name)
            if found is None:
                raise SnapshotError(f'no snapshot named "{name}"')
            number, created_at, exchange_time, version, tables, extra = found
            if int(version) != self._schema_version():
                raise SnapshotError(
                    f'snapshot "{name}" was taken with schema version {version}, this database '
                    f"is at {self._schema_version()}: it cannot be restored"
                )
            for table in self._data_tables():
                self._execute(f"DELETE FROM {table}")
            for table in str(tables).split(","):
                if table:
                    self._execute(
                        f"INSERT INTO {table} SELECT * FROM {_snapshot_table(int(number), table)}"
                    )
            return SnapshotInfo(name, Millis(created_at), Millis(exchange_time), str(extra))

        return self._in_transaction(restore)

    @outages
    def snapshots(self) -> list[SnapshotInfo]:
        return [
            SnapshotInfo(name, Millis(created_at), Millis(exchange_time), str(extra))
            for name, created_at, exchange_time, extra in self._read(
                "SELECT name, created_at, exchange_time, extra FROM snapshots ORDER BY id"
            )
        ]

    @outages
    def delete_snapshot(self, name: str) -> bool:
        def delete() -> bool:
            found = self._snapshot_row(name)
            if found is None:
                return False
            number, tables = int(found[0]), str(found[4])
            for table in tables.split(","):
                if table:
                    self._execute(f"DROP TABLE {_snapshot_table(number, table)}")
            self._execute(f"DELETE FROM snapshots WHERE name = {self.mark}", (name,))
            return True

        return self._in_transaction(delete)


def _snapshot_table(number: int, table: str) -> str:
    return f"{SNAPSHOT_TABLE_PREFIX}{number}__{table}"
