"""The stores' history windows (order_window, fill_window) give one answer whatever the store:
the UID's rows on the contract in the window, filtered, in query_id order from `from_id` (with
or without it), `size` of them after `skip`, and the count of all that match."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from htx_sandbox.domain.commands import CancelOrders, Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.orders import Order, Trade
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import HistoryQuery

from .conftest import StoreFactory

A, B = UID(1), UID(2)
BTC = "BTC-USD"
T0 = 1_764_000_000_000


def place(
    engine: Engine, uid: UID, direction: Direction, volume: int, price: str,
    kind: OrderPriceType = OrderPriceType.LIMIT,
) -> int:  # fmt: skip
    order = PlaceOrder(uid, BTC, direction, Offset.OPEN, volume, 10, kind, Decimal(price))
    reply = engine.execute(order).reply
    assert isinstance(reply, OrderPlaced)
    return reply.order_id


def build(engine: Engine, clock: ManualClock) -> None:
    for uid in (A, B):
        engine.execute(OpenUser(uid))
        engine.execute(Deposit(uid, "BTC", Decimal(10)))
    for n in range(4):
        place(engine, B, Direction.SELL, 1, str(60000 + n))
        clock.advance(1000)
    for n in range(3):
        resting = place(engine, A, Direction.BUY, 1, str(50000 + n), OrderPriceType.POST_ONLY)
        clock.advance(1000)
        if n == 1:
            engine.execute(CancelOrders(A, BTC, (str(resting),)))
    place(engine, A, Direction.BUY, 2, "60001")  # one match, two fills
    clock.advance(1000)
    place(engine, A, Direction.BUY, 1, "60002")


def expected_orders(orders: list[Order], q: HistoryQuery) -> tuple[list[int], int]:
    kept = [
        o for o in orders
        if o.uid == q.uid and q.start <= o.created_at <= q.end
        and (not q.statuses or int(o.status) in q.statuses)
        and (not q.price_types or o.order_price_type.value in q.price_types)
        and (not q.sides or (o.direction.value, o.offset.value) in q.sides)
        and _past(o.order_id, q)
    ]  # fmt: skip
    ids = sorted((o.order_id for o in kept), reverse=q.newest_first)
    return ids[q.skip : q.skip + q.size], len(ids)


def expected_fills(trades: list[Trade], q: HistoryQuery) -> tuple[list[int], int]:
    kept = [t for t in trades if t.uid == q.uid and q.start <= t.created_at <= q.end
            and _past(t.query_id, q)]  # fmt: skip
    ids = sorted((t.query_id for t in kept), reverse=q.newest_first)
    return ids[q.skip : q.skip + q.size], len(ids)


def _past(query_id: int, q: HistoryQuery) -> bool:
    if q.from_id is None or (q.include_from and query_id == q.from_id):
        return True
    return query_id < q.from_id if q.newest_first else query_id > q.from_id


def test_history_windows_agree_with_the_exchange(store_factory: StoreFactory) -> None:
    clock = ManualClock(T0)
    store = store_factory()
    engine = Engine(store, clock)
    engine.start()
    try:
        build(engine, clock)
        orders = list(engine.exchange.state.orders.values())
        trades = [t for o in orders for t in o.trades]
        assert len({t.query_id for t in trades}) == len(trades) == 6
        base = HistoryQuery(A, BTC, Millis(T0), Millis(clock.now()), size=3)
        mid = sorted(o.order_id for o in orders if o.uid == A)[2]
        fill_mid = sorted(t.query_id for t in trades if t.uid == A)[1]
        queries = [
            base,
            replace(base, newest_first=False),
            replace(base, from_id=mid),
            replace(base, from_id=mid, include_from=True, newest_first=False),
            replace(base, statuses=(7,)),
            replace(base, statuses=(3, 6), price_types=("post_only",)),
            replace(base, sides=(("buy", "open"),), skip=2),
            replace(base, sides=(("sell", "open"),)),
            replace(base, start=Millis(T0 + 5000), size=10),
            replace(base, uid=B, size=10),
        ]
        for q in queries:
            found, total = store.order_window(q)
            assert ([o.order_id for o in found], total) == expected_orders(orders, q), q
        fill_queries = [
            *queries[:2],
            replace(base, from_id=fill_mid),
            replace(base, from_id=fill_mid, include_from=True),
            replace(base, uid=B, size=10, skip=1),
            replace(base, order_types=(1,), size=10),
        ]
        for q in fill_queries:
            fills, total = store.fill_window(q)
            assert ([f.trade.query_id for f in fills], total) == expected_fills(trades, q), q
            assert {f.order_source for f in fills} <= {"api"}
        assert store.fill_window(replace(base, order_types=(3,)))[1] == 0  # no liquidation
        assert store.fill_window(replace(base, sides=(("sell", "close"),)))[1] == 0
        stored = {t.id: t for f in store.fill_window(replace(base, size=10))[0]
                  for t in (f.trade,)}  # fmt: skip
        assert stored == {t.id: t for t in trades if t.uid == A}  # every field round-trips
    finally:
        engine.stop()
