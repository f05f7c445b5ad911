"""What the engine needs from storage. Adapters live in `htx_sandbox.storage`; the port lives
here, on the side that uses it, so that the engine never imports an adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from ..domain.accounts import Account
from ..domain.contracts import Contract
from ..domain.orders import Order, Trade
from ..domain.positions import Holding
from ..domain.premium import PremiumPeriod
from ..domain.records import FinancialRecord
from ..domain.restore import Snapshot
from ..domain.settlement_records import ContractSettlement, UserSettlement
from ..domain.strategy_orders import StrategyKind, StrategyOrder
from ..domain.types import EPOCH, UID, Millis
from .api_keys import ApiKey
from .bars import Bar, SeriesBar, SeriesKey
from .clock import ClockSetting, StoredClock

Durability = Literal["normal", "full"]
"""normal survives a crash of the process; full also survives losing power."""


@dataclass(frozen=True, slots=True)
class FundingFigures:
    """The funding clock's state: the next sample, settlement and window end, each contract's
    premium samples of the current period and the coin funding left with the exchange."""

    next_sample: Millis | None
    next_settlement: Millis | None
    window_end: Millis | None
    premiums: dict[str, PremiumPeriod]
    funding_pool: dict[str, Decimal]


@dataclass(slots=True)
class ChangeSet:
    """Everything one commit writes: the rows that one or more commands changed, as they stand
    after the last of them, plus the exchange's counters."""

    users: list[UID] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    """Orders accepted by this commit's commands: whole new rows."""
    order_updates: list[Order] = field(default_factory=list)
    """Orders the store already holds; only their state (rows.ORDER_STATE_COLUMNS) changed."""
    trades: list[Trade] = field(default_factory=list)
    strategy_orders: list[StrategyOrder] = field(default_factory=list)
    """Strategy orders new or changed: whole rows, inserted or replaced."""
    cancel_after: dict[UID, Millis | None] = field(default_factory=dict)
    api_keys: list[ApiKey] = field(default_factory=list)
    fee_pool: dict[str, Decimal] = field(default_factory=dict)
    last_price: dict[str, Decimal] = field(default_factory=dict)
    index_prices: dict[str, tuple[Decimal, Millis]] = field(default_factory=dict)
    """Per contract: the index price set by this commit's commands, and when."""
    financial_records: list[FinancialRecord] = field(default_factory=list)
    settlements: list[ContractSettlement] = field(default_factory=list)
    """Platform settlement records (with each period's funding rate)."""
    user_settlements: list[UserSettlement] = field(default_factory=list)
    funding: FundingFigures | None = None
    """The funding clock and its periods, when this commit's commands moved them."""
    bars: list[SeriesBar] = field(default_factory=list)
    """Kline bars new or changed (service/series_book.py): whole rows, inserted or replaced."""
    insurance_fund: list[FundRecord] = field(default_factory=list)
    """The insurance fund's balance of each coin a liquidation of this commit moved."""
    journal: list[JournalEntry] = field(default_factory=list)
    """The commands this commit covers, as the journal keeps them (htx-sandbox replay)."""
    last_order_id: int = 0
    last_trade_id: int = 0
    now: Millis = EPOCH
    clock: ClockSetting | None = None
    """The exchange clock's new setting, when this commit's commands changed it."""
    commands: int = 0
    """How many commands this commit covers (for figures, not stored)."""


@dataclass(slots=True)
class JournalEntry:
    """One accepted command: its place in the order applied, the exchange time it was applied
    at, its type's name and its JSON (service/journal.py). Not frozen: one is made for every
    command, and a frozen dataclass costs twice as much to make."""

    seq: int
    ts: Millis
    kind: str
    body: str


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """A saved state: its name, when it was taken (the exchange's clock, ms), the exchange's
    time in it, and what the service keeps beside the store's tables (JSON: the price feeds)."""

    name: str
    created_at: Millis
    exchange_time: Millis
    extra: str = "{}"


class SnapshotError(Exception):
    """A snapshot cannot be saved or restored as asked (the message says why, in one line);
    nothing was changed."""


@dataclass(frozen=True, slots=True)
class FundRecord:
    """One point of a coin's insurance fund history (swap_insurance_fund)."""

    symbol: str
    ts: Millis
    balance: Decimal


@dataclass(frozen=True, slots=True)
class OrderQuery:
    uid: UID
    contract_code: str
    since: Millis
    """Orders created at or after this time."""
    statuses: tuple[int, ...] = ()
    """Empty: every status."""
    sides: tuple[tuple[str, str], ...] = ()
    """(direction, offset) pairs to keep; empty: all."""
    sort_by: str = "created_at"
    """created_at or update_time, both descending."""
    page_index: int = 1
    page_size: int = 20
    order_types: tuple[int, ...] = ()
    """HTX order_types to keep (1 ordinary, 3 liquidation); empty: all."""


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """A UID's orders or fills on one contract created from `start` to `end` (ms, both
    included), in query_id order: an order's is its order id (increasing with its creation),
    a fill's Trade.query_id. The filters that do not apply to fills (statuses, price types)
    are left empty for them."""

    uid: UID
    contract_code: str
    start: Millis
    end: Millis
    statuses: tuple[int, ...] = ()
    """Empty: every status."""
    sides: tuple[tuple[str, str], ...] = ()
    """(direction, offset) pairs to keep; empty: all."""
    order_types: tuple[int, ...] = ()
    """HTX order_types to keep (1 ordinary, 3 liquidation; a fill's is its order's)."""
    price_types: tuple[str, ...] = ()
    """order_price_type values to keep; empty: all."""
    newest_first: bool = True
    from_id: int | None = None
    """Rows past this query_id in the query's direction only."""
    include_from: bool = False
    """Whether the row with query_id `from_id` itself is kept (v1's paging includes it)."""
    size: int = 20
    skip: int = 0
    """Rows to pass over first (page_index paging)."""


@dataclass(frozen=True, slots=True)
class Fill:
    """One of a UID's fills with what match results print of its order."""

    trade: Trade
    order_source: str


@dataclass(frozen=True, slots=True)
class LiquidationQuery:
    """A page of a contract's liquidation orders, the public feed (v3 swap_liquidation_orders):
    partial and full ones that filled, created from `start` to `end` (ms, both included)."""

    contract_code: str
    start: Millis
    end: Millis
    direction: str | None = None
    """"sell" (liquidated longs) or "buy" (liquidated shorts); None: both."""
    newest_first: bool = True
    """direct prev (newest first, below from_id) or next (oldest first, above it)."""
    from_id: int | None = None
    size: int = 20


@dataclass(frozen=True, slots=True)
class StrategyOrderQuery:
    """One page of a UID's strategy orders of one kind on one contract (the *_hisorders)."""

    kind: StrategyKind
    uid: UID
    contract_code: str
    since: Millis
    """Orders created at or after this time."""
    statuses: tuple[int, ...] = ()
    """Empty: every status."""
    sides: tuple[tuple[str, str], ...] = ()
    """(direction, offset) pairs to keep; empty: all."""
    sort_by: str = "created_at"
    """created_at or update_time, both descending."""
    page_index: int = 1
    page_size: int = 20


@dataclass(frozen=True, slots=True)
class FinancialRecordQuery:
    """A UID's financial records on one contract created in [start, end], of `types` (empty:
    all), from just past `from_id` in the direction `direct`: prev newest first, next oldest."""

    uid: UID
    contract_code: str
    start: Millis
    end: Millis
    types: tuple[int, ...] = ()
    direct: Literal["prev", "next"] = "prev"
    from_id: int | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class SettlementQuery:
    """One page of a contract's settlements (the platform's, or with `uid` that UID's records)
    with settlement_time in [start, end], newest first."""

    contract_code: str
    start: Millis
    end: Millis
    page_index: int = 1
    page_size: int = 20
    uid: UID | None = None


@dataclass(frozen=True, slots=True)
class BarQuery:
    """The bars of one series with first <= id <= last, at most `limit` of them: the oldest,
    or with `newest` the newest; either way returned oldest first."""

    key: SeriesKey
    first: int
    last: int
    limit: int
    newest: bool = False


class StorageError(Exception):
    """Storage cannot be used; the message is one line naming the file or database."""


class StorageOutageError(StorageError):
    """The store cannot be read or written now (disk full, read-only file system, lost
    connection); nothing of the failed operation was written. Adapters raise it for their
    driver's operational errors, so the engine can tell an outage from data it refused."""


class Store(Protocol):
    """Durable state. `commit` writes one ChangeSet in one transaction and returns only once it
    is durable to the store's configured level."""

    def load(self, now: Millis, *, retention_ms: int, client_id_window_ms: int) -> Snapshot | None:
        """The state to restart from: open orders, orders finished within `retention_ms` of
        `now`, client order ids used within `client_id_window_ms`; None for a new store."""
        ...

    def load_api_keys(self) -> list[ApiKey]: ...

    def load_clock(self) -> StoredClock | None:
        """The exchange clock's last setting and the last commit's time (None: a new store)."""
        ...

    def commit(self, changes: ChangeSet) -> None:
        """All of it or, raising, none of it."""
        ...

    def recover(self) -> None:
        """After a failure: make the store usable again (end an aborted transaction, reconnect)
        and prove it with a small durable write; raise if it still cannot commit."""
        ...

    def order(self, order_id: int) -> Order | None:
        """Any order ever stored, with its trades (for queries of evicted history)."""
        ...

    def orders_of(self, query: OrderQuery) -> tuple[list[Order], int]:
        """One page of a UID's orders on a contract, newest first, and the total count."""
        ...

    def strategy_orders_of(self, query: StrategyOrderQuery) -> tuple[list[StrategyOrder], int]:
        """One page of a UID's strategy orders, newest first, and the total count."""
        ...

    def order_window(self, query: HistoryQuery) -> tuple[list[Order], int]:
        """Up to `size` of a UID's orders (without their fills) in query_id order, and how
        many match the query in all (skipped and past the page included)."""
        ...

    def fill_window(self, query: HistoryQuery) -> tuple[list[Fill], int]:
        """Up to `size` of a UID's fills in query_id order, and how many match in all."""
        ...

    def tpsl_legs_of(self, source_order_id: int) -> list[StrategyOrder]:
        """The TP/SL legs attached to an opening order (their source_order_id), by id: TP
        first when both were asked for."""
    def financial_records_of(self, query: FinancialRecordQuery) -> list[FinancialRecord]:
        """At most `limit` of a UID's financial records, in the query's direction."""
        ...

    def settlements_of(self, query: SettlementQuery) -> tuple[list[ContractSettlement], int]:
        """One page of a contract's platform settlement records and the total count."""
        ...

    def user_settlements_of(self, query: SettlementQuery) -> tuple[list[UserSettlement], int]:
        """One page of a UID's settlement records on a contract and the total count."""
        ...

    def liquidation_orders(self, query: LiquidationQuery) -> list[Order]:
        """One page of a contract's liquidation orders (without their fills), by query_id (the
        order id) in the query's direction."""
        ...

    def insurance_fund(
        self, symbol: str, page_index: int, page_size: int
    ) -> tuple[list[FundRecord], int]:
        """One page of a coin's insurance fund history, newest first, and the total count."""
        ...

    def recent_trades(self, since: Millis, limit: int) -> list[Trade]:
        """Taker-side fills since `since`, oldest first, at most the newest `limit`: the public
        trade tape (each match once, in the taker's direction)."""
        ...

    def bars(self, query: BarQuery) -> list[Bar]:
        """Stored kline bars (by the table's key: the cost depends on the bars asked for)."""
        ...

    def last_journal_seq(self) -> int:
        """The number of the newest journal entry (0: none)."""
        ...

    def journal(self, after: int, limit: int) -> list[JournalEntry]:
        """At most `limit` journal entries numbered above `after`, in order."""
        ...

    def reset(self) -> None:
        """Delete the whole state but the contracts, in one transaction (snapshots stay)."""
        ...

    def save_snapshot(self, info: SnapshotInfo) -> None:
        """Copy the whole state under `info.name` (SnapshotError if the name is taken)."""
        ...

    def restore_snapshot(self, name: str) -> SnapshotInfo:
        """Replace the whole state by the snapshot's, in one transaction (SnapshotError if
        there is no such snapshot or it was taken with another schema)."""
        ...

    def snapshots(self) -> list[SnapshotInfo]:
        """Every saved snapshot, oldest first."""
        ...

    def delete_snapshot(self, name: str) -> bool:
        """Forget a snapshot; False if there was none of that name."""
        ...

    def close(self) -> None: ...
