"""A store written before the fill sequence (schema 15: one match id per fill, no query_id on
the trades) is numbered by migration 16 in the order its fills were made, and the exchange
numbers the fills after it on from there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage import rows, sql

from .conftest import StoreFactory
from .test_migrations import no_journal

MAKER, TAKER = UID(1), UID(2)
BTC = "BTC-USD"
T0 = 1_764_000_000_000


def place(engine: Engine, uid: UID, direction: Direction, volume: int, price: str) -> int:
    order = PlaceOrder(
        uid, BTC, direction, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )
    reply = engine.execute(order).reply
    assert isinstance(reply, OrderPlaced)
    return reply.order_id


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"])
def test_fills_of_a_schema_15_store_are_numbered_in_the_order_they_were_made(
    store_factory: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = sql.migrations
    assert rows.TRADE_COLUMNS[-1] == "query_id"
    with monkeypatch.context() as older:
        older.setattr(sql, "migrations", lambda dialect: [m for m in every(dialect) if m[0] <= 15])
        old_columns = rows.TRADE_COLUMNS[:-1]
        whole_trade = rows.trade_row
        older.setattr(sql, "TRADES", sql.Insert("trades", old_columns))
        older.setattr(rows, "trade_row", lambda trade: whole_trade(trade)[:-1])
        no_journal(older)
        store = store_factory()
        engine = Engine(store, ManualClock(T0))
        engine.start()
        for uid in (MAKER, TAKER):
            engine.execute(OpenUser(uid))
            engine.execute(Deposit(uid, "BTC", Decimal(1)))
        # Two matches (one match id per fill, as schema 15's builds made them).
        ask = place(engine, MAKER, Direction.SELL, 2, "60000")
        bids = [place(engine, TAKER, Direction.BUY, 1, "60000") for _ in range(2)]
        orders = engine.exchange.state.orders
        makers, takers = orders[ask].trades, [orders[b].trades[0] for b in bids]
        made = [makers[0].id, takers[0].id, makers[1].id, takers[1].id]
        engine.stop()
        store.close()
    store = store_factory()
    assert isinstance(store, sql.SqlStore)
    numbered = store._execute("SELECT id, query_id FROM trades ORDER BY query_id")
    assert numbered == [(made[0], 1), (made[1], 2), (made[2], 3), (made[3], 4)]
    engine = Engine(store, ManualClock(T0 + 1000))
    engine.start()
    try:
        assert engine.exchange.state.last_fill_id == 4
        place(engine, MAKER, Direction.SELL, 1, "60020")
        later = place(engine, TAKER, Direction.BUY, 1, "60020")
        (fill,) = engine.exchange.state.orders[later].trades
        assert fill.query_id == 6  # its maker's fill is 5
    finally:
        engine.stop()
    store.close()
