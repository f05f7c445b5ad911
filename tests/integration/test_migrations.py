"""A store written before strategy orders existed (schema 3) is brought to the latest schema
when this build opens it: its data untouched, strategy orders stored from then on, and its
orders read back without TP/SL (is_tpsl, schema 5), its contracts without position limits
(buy_limit / sell_limit, schema 11) and with HTX's hard price limit (price_limit_rate, schema
13). A store written by the build before price limits (schema 12) gets price_limit_rate too."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import (
    Deposit,
    OpenUser,
    OrderPlaced,
    PlaceOrder,
    SetIndexPrices,
    SetPositionLimits,
)
from htx_sandbox.domain.strategy_orders import StrategyStatus
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.unit_of_work import UnitOfWork
from htx_sandbox.storage import rows, sql

from .conftest import StoreFactory, state_view
from .strategy_builders import GE, trigger

A = UID(1)
BTC = "BTC-USD"
T0 = 1_764_000_000_000
CONTRACT_COLUMNS_SINCE = {
    11: ("buy_limit", "sell_limit"), 13: ("price_limit_rate",), 15: ("adjust_factors",)
}
"""The contract columns each migration added (rows.CONTRACT_COLUMNS ends with them, in order)."""


def older_contracts(older: pytest.MonkeyPatch, schema: int) -> None:
    """Contracts written as the build of `schema` wrote them: without the columns added since."""
    since_then = [cs for since, cs in sorted(CONTRACT_COLUMNS_SINCE.items()) if since > schema]
    added = [column for columns in since_then for column in columns]
    count = len(added)
    assert rows.CONTRACT_COLUMNS[-count:] == tuple(added)
    whole_contract, old_columns = rows.contract_row, rows.CONTRACT_COLUMNS[:-count]
    older.setattr(rows, "CONTRACT_COLUMNS", old_columns)
    older.setattr(sql, "CONTRACTS", sql.Insert("contracts", old_columns, keys=1))
    older.setattr(rows, "contract_row", lambda contract: whole_contract(contract)[:-count])


def no_journal(older: pytest.MonkeyPatch) -> None:
    """A build before the journal (schema 20): no entry written, none read."""
    older.setattr(sql.SqlStore, "last_journal_seq", lambda self: 1)
    older.setattr(Engine, "_journal_entries", lambda self, done: [])


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_a_schema_3_store_is_migrated_and_keeps_its_data(
    store_factory: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = sql.migrations
    with monkeypatch.context() as older:
        older.setattr(sql, "migrations", lambda dialect: every(dialect)[:3])
        # Schema 3's orders have no is_tpsl (nor the liquidation columns of schema 15): the
        # build that wrote them did not know them.
        known = rows.ORDER_COLUMNS.index("is_tpsl")
        whole_row = rows.order_row
        older.setattr(sql, "ORDERS", sql.Insert("orders", rows.ORDER_COLUMNS[:known], keys=1))
        older.setattr(rows, "order_row", lambda order: whole_row(order)[:known])
        # Nor its contracts position limits (schema 11), price_limit_rate (schema 13) or
        # adjust factors (schema 15).
        older_contracts(older, 3)
        # Nor the columns of funding (schema 14) on accounts and holdings.
        for name, table, columns in (
            ("ACCOUNTS", "accounts", rows.ACCOUNT_COLUMNS),
            ("HOLDINGS", "holdings", rows.HOLDING_COLUMNS),
        ):
            assert columns[-2].startswith(("settled_", "long_open")), columns
            older.setattr(sql, name, sql.Insert(table, columns[:-2], keys=2))
        whole_account, whole_holding = rows.account_row, rows.holding_row
        older.setattr(rows, "account_row", lambda account: whole_account(account)[:-2])
        older.setattr(rows, "holding_row", lambda holding: whole_holding(holding)[:-2])
        older.setattr(UnitOfWork, "_records", lambda self, state: [])  # no financial records
        no_journal(older)
        store = store_factory()
        engine = Engine(store, ManualClock(T0))
        engine.start()
        engine.execute(OpenUser(A))
        engine.execute(Deposit(A, "BTC", Decimal(1)))
        bid = PlaceOrder(
            A, BTC, Direction.BUY, Offset.OPEN, 2, 10, OrderPriceType.LIMIT, Decimal(50000)
        )
        assert engine.execute(bid).error is None
        engine.stop()
        before = state_view(engine.exchange)
        # Schema 9 starts each account's settlement period from its balance and fees then.
        for account in before["accounts"].values():  # type: ignore[attr-defined]
            account["settled_balance"] = account["margin_static"]
            account["settled_fees"] = account["fees_paid"]
        assert isinstance(store, sql.SqlStore)
        assert store._has_table("orders") and not store._has_table("strategy_orders")
        store.close()
    store = store_factory()
    assert isinstance(store, sql.SqlStore)
    assert store._has_table("strategy_orders")
    (version,) = store._execute("SELECT value FROM meta WHERE key = 'schema_version'")[0]
    assert version == str(every(store.dialect)[-1][0])
    clock = ManualClock(T0 + 1000)
    engine = Engine(store, clock)
    engine.start()
    try:
        assert state_view(engine.exchange) == before
        assert [o.is_tpsl for o in engine.exchange.state.orders.values()] == [False]
        contracts = engine.exchange.state.contracts
        assert [(c.buy_limit, c.sell_limit) for c in contracts] == [(None, None)] * len(contracts)
        assert {c.price_limit_rate for c in contracts} == {Decimal("0.06")}
        placed = engine.execute(trigger(A, BTC, GE, "70000", Direction.BUY, 1)).reply
        assert isinstance(placed, OrderPlaced)
    finally:
        engine.stop()
    store.close()
    again = Engine(store_factory(), clock)
    restored = again.exchange.state.strategies.orders[placed.order_id]
    assert restored.status is StrategyStatus.WAITING


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_a_schema_12_store_gets_the_price_limit_rate_and_keeps_its_position_limits(
    store_factory: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = sql.migrations
    with monkeypatch.context() as older:
        older.setattr(sql, "migrations", lambda dialect: [m for m in every(dialect) if m[0] <= 12])
        older_contracts(older, 12)
        no_journal(older)
        store = store_factory()
        engine = Engine(store, ManualClock(T0))
        engine.start()
        assert engine.execute(SetPositionLimits(BTC, 5, None)).error is None
        assert engine.execute(SetIndexPrices({BTC: Decimal(60000)})).error is None
        engine.stop()
        before = state_view(engine.exchange)
        assert isinstance(store, sql.SqlStore)
        (version,) = store._execute("SELECT value FROM meta WHERE key = 'schema_version'")[0]
        assert version == "12"
        store.close()
    engine = Engine(store_factory(), ManualClock(T0 + 1000))
    engine.start()
    try:
        assert state_view(engine.exchange) == before
        btc = engine.exchange.contracts.get(BTC)
        assert (btc.buy_limit, btc.price_limit_rate) == (5, Decimal("0.06"))
        band = engine.exchange.state.price_bands[BTC]
        assert (band.high_limit, band.low_limit) == (63600, 56400)
    finally:
        engine.stop()
