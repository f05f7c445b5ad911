"""A store written before strategy orders existed (schema 3) is brought to the latest schema
when this build opens it: its data untouched, strategy orders stored from then on, and its
orders read back without TP/SL (is_tpsl, schema 5), its contracts without position limits
(buy_limit / sell_limit, schema 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
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


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_a_schema_3_store_is_migrated_and_keeps_its_data(
    store_factory: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = sql.migrations
    with monkeypatch.context() as older:
        older.setattr(sql, "migrations", lambda dialect: every(dialect)[:3])
        # Schema 3's orders have no is_tpsl: the build that wrote them did not know it.
        assert rows.ORDER_COLUMNS[-1] == "is_tpsl"
        whole_row = rows.order_row
        older.setattr(sql, "ORDERS", sql.Insert("orders", rows.ORDER_COLUMNS[:-1], keys=1))
        older.setattr(rows, "order_row", lambda order: whole_row(order)[:-1])
        # Nor had its contracts position limits.
        assert rows.CONTRACT_COLUMNS[-2:] == ("buy_limit", "sell_limit")
        whole_contract, old_columns = rows.contract_row, rows.CONTRACT_COLUMNS[:-2]
        older.setattr(rows, "CONTRACT_COLUMNS", old_columns)
        older.setattr(sql, "CONTRACTS", sql.Insert("contracts", old_columns, keys=1))
        older.setattr(rows, "contract_row", lambda contract: whole_contract(contract)[:-2])
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
        placed = engine.execute(trigger(A, BTC, GE, "70000", Direction.BUY, 1)).reply
        assert isinstance(placed, OrderPlaced)
    finally:
        engine.stop()
    store.close()
    again = Engine(store_factory(), clock)
    restored = again.exchange.state.strategies.orders[placed.order_id]
    assert restored.status is StrategyStatus.WAITING
