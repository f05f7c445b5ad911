"""A store written before strategy orders existed (schema 3) is brought to the latest schema
when this build opens it: its data untouched, strategy orders stored from then on, and its
orders read back without TP/SL (is_tpsl, schema 5), its contracts with HTX's hard price limit
(price_limit_rate, schema 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.strategy_orders import StrategyStatus
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
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
        # Nor price_limit_rate (schema 7) on its contracts.
        assert rows.CONTRACT_COLUMNS[-1] == "price_limit_rate"
        whole_contract = rows.contract_row
        older.setattr(
            sql, "CONTRACTS", sql.Insert("contracts", rows.CONTRACT_COLUMNS[:-1], keys=1)
        )
        older.setattr(rows, "contract_row", lambda contract: whole_contract(contract)[:-1])
        older.setattr(rows, "CONTRACT_COLUMNS", rows.CONTRACT_COLUMNS[:-1])
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
        contract = engine.exchange.contracts.get(BTC)
        assert contract.price_limit_rate == Decimal("0.06")
        placed = engine.execute(trigger(A, BTC, GE, "70000", Direction.BUY, 1)).reply
        assert isinstance(placed, OrderPlaced)
    finally:
        engine.stop()
    store.close()
    again = Engine(store_factory(), clock)
    restored = again.exchange.state.strategies.orders[placed.order_id]
    assert restored.status is StrategyStatus.WAITING
