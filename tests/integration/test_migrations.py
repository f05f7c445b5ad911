"""A store written before strategy orders existed (schema 3) is brought to schema 4 when this
build opens it: its data untouched, strategy orders stored from then on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.strategy_orders import StrategyStatus
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage import sql

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
    assert version == "4"
    clock = ManualClock(T0 + 1000)
    engine = Engine(store, clock)
    engine.start()
    try:
        assert state_view(engine.exchange) == before
        placed = engine.execute(trigger(A, BTC, GE, "70000", Direction.BUY, 1)).reply
        assert isinstance(placed, OrderPlaced)
    finally:
        engine.stop()
    store.close()
    again = Engine(store_factory(), clock)
    restored = again.exchange.state.strategies.orders[placed.order_id]
    assert restored.status is StrategyStatus.WAITING
