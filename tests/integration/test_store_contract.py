"""The Store contract, one suite run against every adapter (memory, SQLite, PostgreSQL).

ChangeSets are made the way the engine makes them: commands applied to a real Exchange, their
events recorded in a UnitOfWork, the changed rows read from the state at commit time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    CancelAll,
    CancelOrders,
    CancelStrategyOrders,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    PlaceTpsl,
    PlaceTrackOrder,
    PlaceTriggerOrder,
    SwitchLeverRate,
    Tick,
    Tpsl,
    TpslLeg,
    TpslPlaced,
)
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.restore import Snapshot, restore
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
)
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    SelfMatchPrevent,
)
from htx_sandbox.service.ports import Store, StrategyOrderQuery
from htx_sandbox.service.unit_of_work import UnitOfWork

from .conftest import (
    StoreFactory,
    account_view,
    contract_view,
    holding_view,
    is_blank,
    order_view,
    state_view,
    strategy_view,
)
from .strategy_builders import GE, LE, trigger

A, B, C, D, E = UID(1), UID(2), UID(3), UID(4), UID(5)
BTC, ETH, DOGE = "BTC-USD", "ETH-USD", "DOGE-USD"
T0 = Millis(1_764_000_000_000)
HOUR = 3_600_000
FOREVER = 10 * 365 * 24 * HOUR
BIG_COID = ClientOrderId(2**63 - 1)
# 19 significant digits, 18 decimal places: a float (or a NUMERIC without scale) would lose them.
ODD_AMOUNT = Decimal("1.123456789012345678")
BUY, SELL = Direction.BUY, Direction.SELL
OPEN, CLOSE = Offset.OPEN, Offset.CLOSE
LIMIT = OrderPriceType.LIMIT
OPTIMAL_5 = StrategyPriceType.OPTIMAL_5
FORMULA = StrategyPriceType.FORMULA_PRICE


def order(
    uid: UID,
    code: str,
    direction: Direction,
    volume: int,
    price: str,
    *,
    offset: Offset = OPEN,
    lever: int = 10,
    kind: OrderPriceType = LIMIT,
    coid: int | None = None,
    smp: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER,
    source: str = "api",
) -> PlaceOrder:
    return PlaceOrder(
        uid, code, direction, offset, volume, lever, kind, Decimal(price),
        ClientOrderId(coid) if coid is not None else None, smp, source,
    )  # fmt: skip


def custom_contracts() -> ContractRegistry:
    """The defaults plus a contract whose every setting differs from the defaults."""
    registry = ContractRegistry.with_defaults()
    registry.add(
        Contract(
            DOGE, "DOGE", Decimal(10), Decimal("0.00001"), Decimal("0.12345"),
            contract_status=ContractStatus.SUSPENSION, create_date="20210101",
            max_order_volume=777, max_open_orders=33, lever_rates=(1, 2, 5),
            maker_fee_rate=Decimal("0.0001"), taker_fee_rate=Decimal("0.00035"),
        )
    )  # fmt: skip
    return registry


@dataclass
class Recorder:
    """Applies commands to an Exchange as the engine does and commits their changes."""

    exchange: Exchange
    store: Store
    unit: UnitOfWork = field(default_factory=UnitOfWork)
    commits: int = 0

    def __post_init__(self) -> None:
        self.unit.include_contracts()

    def run(self, command: Command, now: int) -> Outcome:
        outcome = self.exchange.execute(command, Millis(now))
        self.unit.record(outcome.events)
        return outcome

    def ok(self, command: Command, now: int) -> Outcome:
        outcome = self.run(command, now)
        assert outcome.error is None, outcome.error
        return outcome

    def place(self, command: PlaceOrder, now: int) -> OrderId:
        reply = self.ok(command, now).reply
        assert isinstance(reply, OrderPlaced)
        return reply.order_id

    def commit(self) -> None:
        self.store.commit(self.unit.changes(self.exchange.state))
        self.unit = UnitOfWork()
        self.commits += 1

    def load(
        self, now: int | None = None, retention: int = FOREVER, window: int = FOREVER
    ) -> Snapshot:
        at = Millis(self.exchange.state.now if now is None else now)
        snapshot = self.store.load(at, retention_ms=retention, client_id_window_ms=window)
        assert snapshot is not None
        return snapshot


@dataclass
class Rich:
    """A state with every kind of row and every order status, committed in several groups."""

    rec: Recorder
    ids: dict[str, OrderId]


def build_rich(store: Store) -> Rich:
    rec = Recorder(Exchange(custom_contracts(), cancel_delay_ms=1000), store)
    ids: dict[str, OrderId] = {}
    t = T0
    for uid in (A, B, C):
        rec.ok(OpenUser(uid), t)
    rec.ok(Deposit(A, "BTC", ODD_AMOUNT), t)
    rec.ok(Deposit(A, "ETH", Decimal(50)), t)
    rec.ok(Deposit(B, "BTC", Decimal(5)), t)
    rec.ok(Deposit(C, "BTC", Decimal(5)), t)
    rec.commit()
    rec.ok(SwitchLeverRate(B, BTC, 20), t + 1)
    # A's bid: margin 3 x 100 / 59000.1 / 10 has 18 places; a big client order id.
    ids["a_bid"] = rec.place(order(A, BTC, BUY, 3, "59000.1", coid=7), t + 2)
    ids["b_ask"] = rec.place(
        order(B, BTC, SELL, 5, "60000", lever=20, coid=BIG_COID, smp=SelfMatchPrevent.ALLOW),
        t + 3,
    )
    rec.commit()
    # C takes 2 of B's ask: C filled (6), B partly filled (4).
    ids["c_take"] = rec.place(order(C, BTC, BUY, 2, "60000", lever=5, source="web"), t + 4)
    # post_only that would take: accepted then cancelled (7).
    ids["c_post"] = rec.place(
        order(C, BTC, SELL, 1, "59000", lever=5, kind=OrderPriceType.POST_ONLY), t + 5
    )
    # A close order freezes position volume.
    ids["c_close"] = rec.place(order(C, BTC, SELL, 1, "61000", offset=CLOSE, lever=5), t + 6)
    rec.commit()
    # ioc that fills: A gets 1 more from B (B still 4), A's ioc filled (6).
    ids["a_ioc"] = rec.place(order(A, BTC, BUY, 1, "60000", kind=OrderPriceType.IOC), t + 7)
    ids["a_low"] = rec.place(order(A, BTC, BUY, 1, "58000", coid=8), t + 8)
    ids["a_eth"] = rec.place(order(A, ETH, SELL, 4, "3100.01", lever=3), t + 9)
    rec.ok(CancelOrders(A, BTC, order_ids=[str(ids["a_low"])]), t + 10)  # -> 11
    rec.ok(CancelAll(B, BTC), t + 11)  # B's partly filled ask -> 11
    rec.ok(CancelAfter(A, True, 10_000), t + 12)
    rec.ok(CancelAfter(C, True, 5_000), t + 12)
    rec.ok(CancelAfter(C, False), t + 13)
    rec.ok(CancelAfter(B, True, 30_000), t + 14)
    rec.commit()
    # The delayed cancels land: a_low 7, b_ask 5. Then one more left cancelling (11).
    rec.ok(Tick(), t + 2000)
    ids["a_pending"] = rec.place(order(A, BTC, BUY, 1, "57000"), t + 2001)
    rec.ok(CancelOrders(A, BTC, order_ids=[str(ids["a_pending"])]), t + 2002)
    rec.commit()
    state = rec.exchange.state
    expected = {
        "a_bid": OrderStatus.SUBMITTED,
        "b_ask": OrderStatus.PARTIALLY_FILLED_CANCELLED,
        "c_take": OrderStatus.FILLED,
        "c_post": OrderStatus.CANCELLED,
        "c_close": OrderStatus.SUBMITTED,
        "a_ioc": OrderStatus.FILLED,
        "a_low": OrderStatus.CANCELLED,
        "a_eth": OrderStatus.SUBMITTED,
        "a_pending": OrderStatus.CANCELLING,
    }
    assert {k: state.orders[v].status for k, v in ids.items()} == expected
    return Rich(rec, ids)


# -- a new store -----------------------------------------------------------------------------


def test_new_store_loads_none(store_factory: StoreFactory) -> None:
    store = store_factory()
    assert store.load(T0, retention_ms=HOUR, client_id_window_ms=HOUR) is None
    assert store.order(1) is None


def test_reopened_empty_store_still_loads_none(store_factory: StoreFactory) -> None:
    store = store_factory()
    store.close()
    again = store_factory()
    assert again.load(T0, retention_ms=HOUR, client_id_window_ms=HOUR) is None


# -- round trip of every table ---------------------------------------------------------------


def test_round_trip_contracts(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    snapshot = rich.rec.load()
    assert {c.contract_code: contract_view(c) for c in snapshot.contracts} == {
        c.contract_code: contract_view(c) for c in rich.rec.exchange.contracts
    }
    assert snapshot.contracts.get(DOGE) == rich.rec.exchange.contracts.get(DOGE)


def test_round_trip_users(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    assert set(rich.rec.load().users) == {A, B, C}


def test_round_trip_accounts(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    loaded = {(a.uid, a.symbol): account_view(a) for a in rich.rec.load().accounts}
    assert loaded == {key: account_view(a) for key, a in state.accounts.items()}
    # Decimals come back with every one of their 18 places.
    a_btc = next(a for a in rich.rec.load().accounts if (a.uid, a.symbol) == (A, "BTC"))
    assert a_btc.deposited == ODD_AMOUNT and str(a_btc.deposited) == str(ODD_AMOUNT)
    assert a_btc.margin_frozen == state.accounts[(A, "BTC")].margin_frozen
    assert a_btc.margin_frozen.as_tuple().exponent == -18


def test_round_trip_holdings(store_factory: StoreFactory) -> None:
    """Positions (volume, frozen, cost value, open value) and the lever rate of every holding,
    including a holding that has only a resting opening order (A on ETH-USD at lever 3)."""
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    loaded = {(h.uid, h.contract_code): holding_view(h) for h in rich.rec.load().holdings}
    expected = {key: holding_view(h) for key, h in state.holdings.items() if not is_blank(h)}
    assert loaded == expected
    long = state.holdings[(C, BTC)].long
    assert loaded[(C, BTC)]["long"] == (2, 1, str(long.cost_value), str(long.open_value))
    assert loaded[(B, BTC)]["lever_rate"] == 20


def test_round_trip_orders_every_column(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    loaded = {o.order_id: order_view(o) for o in rich.rec.load().orders}
    assert loaded == {oid: order_view(o) for oid, o in state.orders.items()}
    by_id = {o.order_id: o for o in rich.rec.load().orders}
    ids = rich.ids
    assert by_id[ids["a_bid"]].client_order_id == 7
    assert by_id[ids["b_ask"]].client_order_id == BIG_COID
    assert by_id[ids["c_take"]].client_order_id is None
    assert by_id[ids["c_take"]].order_source == "web"
    assert by_id[ids["b_ask"]].self_match_prevent is SelfMatchPrevent.ALLOW
    assert by_id[ids["c_post"]].order_price_type is OrderPriceType.POST_ONLY
    assert by_id[ids["a_pending"]].status is OrderStatus.CANCELLING
    assert by_id[ids["a_bid"]].margin_frozen.as_tuple().exponent == -18


def test_round_trip_trades(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    by_id = {o.order_id: o for o in rich.rec.load().orders}
    b_ask = by_id[rich.ids["b_ask"]]
    assert [t.id for t in b_ask.trades] == [t.id for t in state.orders[b_ask.order_id].trades]
    assert len(b_ask.trades) == 2
    for oid, live in state.orders.items():
        assert order_view(by_id[oid])["trades"] == order_view(live)["trades"], oid


def test_round_trip_cancel_after(store_factory: StoreFactory) -> None:
    """A's and B's switches are armed; C's was armed then disarmed."""
    rich = build_rich(store_factory())
    assert dict(rich.rec.load().cancel_after) == {A: T0 + 12 + 10_000, B: T0 + 14 + 30_000}


def test_round_trip_fee_pool_and_last_price(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    snapshot = rich.rec.load()
    assert {k: str(v) for k, v in snapshot.fee_pool.items()} == {
        k: str(v) for k, v in state.fee_pool.items()
    }
    assert {k: str(v) for k, v in snapshot.last_price.items()} == {
        k: str(v) for k, v in state.last_price.items()
    }
    assert snapshot.last_price[BTC] == 60000


def test_round_trip_counters(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    snapshot = rich.rec.load()
    assert snapshot.last_order_id == state.order_ids.last == max(state.orders)
    assert snapshot.last_trade_id == state.trade_ids.last
    assert snapshot.now == state.now == T0 + 2002


def test_round_trip_client_order_ids(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    ids = rich.ids
    assert list(rich.rec.load().client_orders) == [
        (T0 + 2, A, 7, ids["a_bid"]),
        (T0 + 3, B, BIG_COID, ids["b_ask"]),
        (T0 + 8, A, 8, ids["a_low"]),
    ]


def test_restore_of_a_loaded_snapshot_is_the_committed_state(store_factory: StoreFactory) -> None:
    rich = build_rich(store_factory())
    restored = restore(rich.rec.load(), cancel_delay_ms=1000)
    assert state_view(restored) == state_view(rich.rec.exchange)


def test_round_trip_survives_reopening(store_factory: StoreFactory) -> None:
    """What one open committed, the next open of the same file/database loads."""
    store = store_factory()
    rich = build_rich(store)
    store.close()
    again = store_factory()
    snapshot = again.load(
        Millis(rich.rec.exchange.state.now), retention_ms=FOREVER, client_id_window_ms=FOREVER
    )
    assert snapshot is not None
    assert state_view(restore(snapshot, cancel_delay_ms=1000)) == state_view(rich.rec.exchange)


# -- overwrites ------------------------------------------------------------------------------


def test_upserts_overwrite_rows(store_factory: StoreFactory) -> None:
    rec = Recorder(Exchange(), store_factory())
    for uid in (A, B):
        rec.ok(OpenUser(uid), T0)
        rec.ok(Deposit(uid, "BTC", Decimal(1)), T0)
    ask = rec.place(order(B, BTC, SELL, 4, "60000"), T0)
    rec.commit()
    first = {o.order_id: o for o in rec.load().orders}[ask]
    assert first.status is OrderStatus.SUBMITTED and not first.trades
    rec.place(order(A, BTC, BUY, 1, "60000"), T0 + 1)
    rec.commit()
    second = {o.order_id: o for o in rec.load().orders}[ask]
    assert second.status is OrderStatus.PARTIALLY_FILLED and len(second.trades) == 1
    rec.ok(CancelOrders(B, BTC, order_ids=[str(ask)]), T0 + 2)
    rec.ok(Deposit(B, "BTC", Decimal("0.5")), T0 + 2)
    rec.commit()
    snapshot = rec.load()
    orders = [o for o in snapshot.orders if o.order_id == ask]
    assert len(orders) == 1
    assert order_view(orders[0]) == order_view(rec.exchange.state.orders[ask])
    assert orders[0].status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    accounts = [a for a in snapshot.accounts if (a.uid, a.symbol) == (B, "BTC")]
    assert [account_view(a) for a in accounts] == [
        account_view(rec.exchange.state.accounts[(B, "BTC")])
    ]
    assert accounts[0].deposited == Decimal("1.5")
    holdings = [h for h in snapshot.holdings if (h.uid, h.contract_code) == (A, BTC)]
    assert [holding_view(h) for h in holdings] == [
        holding_view(rec.exchange.state.holdings[(A, BTC)])
    ]
    assert sorted(snapshot.users) == [A, B]
    assert len(snapshot.contracts) == 2


def test_cancel_after_armed_refreshed_disarmed_and_fired(store_factory: StoreFactory) -> None:
    rec = Recorder(Exchange(), store_factory())
    rec.ok(OpenUser(A), T0)
    rec.ok(Deposit(A, "BTC", Decimal(1)), T0)
    rec.ok(CancelAfter(A, True, 5000), T0)
    rec.commit()
    assert dict(rec.load().cancel_after) == {A: T0 + 5000}
    rec.ok(CancelAfter(A, True, 8000), T0 + 1000)  # refreshed
    rec.commit()
    assert dict(rec.load().cancel_after) == {A: T0 + 9000}
    rec.ok(CancelAfter(A, False), T0 + 2000)
    rec.commit()
    assert dict(rec.load().cancel_after) == {}
    bid = rec.place(order(A, BTC, BUY, 1, "50000"), T0 + 3000)
    rec.ok(CancelAfter(A, True, 5000), T0 + 3000)
    rec.commit()
    assert dict(rec.load().cancel_after) == {A: T0 + 8000}
    rec.ok(Tick(), T0 + 8000)  # fires
    rec.commit()
    snapshot = rec.load()
    assert dict(snapshot.cancel_after) == {}
    assert {o.order_id: o.status for o in snapshot.orders}[bid] is OrderStatus.CANCELLED


# -- what load keeps -------------------------------------------------------------------------


@dataclass
class Aged:
    rec: Recorder
    ids: dict[str, OrderId]


def build_aged(store: Store) -> Aged:
    """Orders that ended at known times: taker_partial at T0+100, old_cancel at T0+1000, taker_1
    at T0+4000, filled and taker_2 at T0+5000; rest_old open since T0, partial open and partly
    filled since T0+100."""
    rec = Recorder(Exchange(), store)
    for uid in (A, B, C):
        rec.ok(OpenUser(uid), T0)
        rec.ok(Deposit(uid, "BTC", Decimal(2)), T0)
    ids = {
        "old_cancel": rec.place(order(A, BTC, BUY, 1, "50000", coid=1), T0),
        "rest_old": rec.place(order(A, BTC, BUY, 1, "51000", coid=2), T0),
        "partial": rec.place(order(B, BTC, BUY, 3, "55000", coid=1), T0),
        "filled": rec.place(order(C, BTC, SELL, 2, "66000", coid=3), T0),
    }
    rec.commit()
    ids["taker_partial"] = rec.place(order(C, BTC, SELL, 1, "55000"), T0 + 100)
    rec.ok(CancelOrders(A, BTC, order_ids=[str(ids["old_cancel"])]), T0 + 1000)
    rec.commit()
    ids["taker_1"] = rec.place(order(A, BTC, BUY, 1, "66000", coid=4), T0 + 4000)
    ids["taker_2"] = rec.place(order(B, BTC, BUY, 1, "66000", coid=5), T0 + 5000)
    rec.commit()
    status = {k: rec.exchange.state.orders[v].status for k, v in ids.items()}
    assert status == {
        "old_cancel": OrderStatus.CANCELLED,
        "rest_old": OrderStatus.SUBMITTED,
        "partial": OrderStatus.PARTIALLY_FILLED,
        "filled": OrderStatus.FILLED,
        "taker_partial": OrderStatus.FILLED,
        "taker_1": OrderStatus.FILLED,
        "taker_2": OrderStatus.FILLED,
    }
    assert rec.exchange.state.orders[ids["filled"]].update_time == T0 + 5000
    return Aged(rec, ids)


def test_load_keeps_open_orders_and_recent_finished_ones(store_factory: StoreFactory) -> None:
    aged = build_aged(store_factory())
    ids = aged.ids
    # now - retention = T0 + 5000: finished at T0+5000 is kept (the bound is inclusive, as the
    # engine's eviction keeps update_time >= bound), finished before it dropped, open ones kept.
    snapshot = aged.rec.load(now=T0 + 10_000, retention=5000)
    kept = {o.order_id for o in snapshot.orders}
    assert kept == {ids["rest_old"], ids["partial"], ids["filled"], ids["taker_2"]}
    partial = next(o for o in snapshot.orders if o.order_id == ids["partial"])
    assert order_view(partial) == order_view(aged.rec.exchange.state.orders[ids["partial"]])
    filled = next(o for o in snapshot.orders if o.order_id == ids["filled"])
    assert len(filled.trades) == 2


def test_load_with_zero_retention_keeps_only_open_orders(store_factory: StoreFactory) -> None:
    aged = build_aged(store_factory())
    snapshot = aged.rec.load(now=T0 + HOUR, retention=0)
    assert {o.order_id for o in snapshot.orders} == {aged.ids["rest_old"], aged.ids["partial"]}
    assert all(o.status.is_open for o in snapshot.orders)


def test_client_order_ids_only_within_the_window(store_factory: StoreFactory) -> None:
    aged = build_aged(store_factory())
    ids = aged.ids
    # now - window = T0 + 4000: only client ids used from then on come back, whether their
    # orders are kept by retention or not.
    snapshot = aged.rec.load(now=T0 + 10_000, retention=0, window=6000)
    assert list(snapshot.client_orders) == [
        (T0 + 4000, A, 4, ids["taker_1"]),
        (T0 + 5000, B, 5, ids["taker_2"]),
    ]
    everything = aged.rec.load(now=T0 + 10_000, retention=0, window=FOREVER)
    assert sorted(everything.client_orders) == sorted(
        [
            (T0, A, 1, ids["old_cancel"]),
            (T0, A, 2, ids["rest_old"]),
            (T0, B, 1, ids["partial"]),
            (T0, C, 3, ids["filled"]),
            (T0 + 4000, A, 4, ids["taker_1"]),
            (T0 + 5000, B, 5, ids["taker_2"]),
        ]
    )
    assert [entry[0] for entry in everything.client_orders] == sorted(
        entry[0] for entry in everything.client_orders
    ), "oldest first"


def test_order_returns_dropped_history_with_its_trades(store_factory: StoreFactory) -> None:
    aged = build_aged(store_factory())
    store, state = aged.rec.store, aged.rec.exchange.state
    snapshot = aged.rec.load(now=T0 + HOUR, retention=0)
    dropped = {aged.ids["old_cancel"], aged.ids["filled"], aged.ids["taker_1"]}
    assert not dropped & {o.order_id for o in snapshot.orders}
    for order_id in dropped:
        found = store.order(order_id)
        assert found is not None
        assert order_view(found) == order_view(state.orders[order_id])
    filled = store.order(aged.ids["filled"])
    assert filled is not None and [t.volume for t in filled.trades] == [1, 1]
    assert store.order(aged.ids["rest_old"]) is not None
    assert store.order(max(state.orders) + 1) is None


def test_committed_state_is_unaffected_by_later_changes_in_memory(
    store_factory: StoreFactory,
) -> None:
    """A commit copies what it writes: changing the live objects afterwards changes nothing
    stored (the memory store must behave like a database here)."""
    rec = Recorder(Exchange(), store_factory())
    rec.ok(OpenUser(A), T0)
    rec.ok(Deposit(A, "BTC", Decimal(1)), T0)
    bid = rec.place(order(A, BTC, BUY, 1, "50000"), T0)
    rec.commit()
    before = rec.load()
    rec.ok(CancelOrders(A, BTC, order_ids=[str(bid)]), T0 + 1)  # not committed
    rec.ok(Deposit(A, "BTC", Decimal(1)), T0 + 1)
    after = rec.load()
    assert [order_view(o) for o in after.orders] == [order_view(o) for o in before.orders]
    assert after.orders and next(iter(after.orders)).status is OrderStatus.SUBMITTED
    assert [account_view(a) for a in after.accounts] == [account_view(a) for a in before.accounts]


@pytest.mark.parametrize("volume", [1, 3])
def test_trade_rows_are_appended_not_replaced(store_factory: StoreFactory, volume: int) -> None:
    """Each fill of a resting order adds a trade row, across commits."""
    rec = Recorder(Exchange(), store_factory())
    for uid in (A, B):
        rec.ok(OpenUser(uid), T0)
        rec.ok(Deposit(uid, "BTC", Decimal(2)), T0)
    ask = rec.place(order(B, BTC, SELL, 3 * volume, "60000"), T0)
    for i in range(3):
        rec.place(order(A, BTC, BUY, volume, "60000"), T0 + 1 + i)
        rec.commit()
    stored = rec.store.order(ask)
    assert stored is not None
    assert [t.id.rsplit("-", 1)[1] for t in stored.trades] == ["1", "2", "3"]
    assert order_view(stored) == order_view(rec.exchange.state.orders[ask])


def test_commits_of_thousands_of_rows_are_written_whole(store_factory: StoreFactory) -> None:
    """More rows of one kind in a commit than one SQL statement may bind (SQLite writes each
    kind as a few multi-row statements, 32,766 values at most): 4,000 new orders of 24 columns
    in one commit, then the same 4,000 cancelled (state updates of 10 values) in the next."""
    rec = Recorder(Exchange(), store_factory())
    rec.ok(OpenUser(A), T0)
    rec.ok(Deposit(A, "BTC", Decimal(1000)), T0)
    placed = [rec.place(order(A, BTC, BUY, 1, str(50000 + i)), T0 + 1) for i in range(4000)]
    rec.commit()
    assert state_view(restore(rec.load())) == state_view(rec.exchange)
    rec.ok(CancelAll(A, BTC), T0 + 2)
    rec.commit()
    assert state_view(restore(rec.load())) == state_view(rec.exchange)
    for order_id in (placed[0], placed[1999], placed[-1]):
        stored = rec.store.order(order_id)
        assert stored is not None and stored.status is OrderStatus.CANCELLED
        assert order_view(stored) == order_view(rec.exchange.state.orders[order_id])


# -- strategy orders -------------------------------------------------------------------------


@dataclass
class Strategic:
    """Strategy orders of every kind in every status the sandbox reaches, each brought there
    by trades and commands, committed in several groups."""

    rec: Recorder
    ids: dict[str, OrderId]


def build_strategic(store: Store) -> Strategic:
    rec = Recorder(Exchange(), store)
    ids: dict[str, OrderId] = {}
    ex, t = rec.exchange, T0

    def trade_at(price: str, now: int) -> None:
        """D and E trade 1 at `price` (then leave the book): the last price, and what fires."""
        rec.place(order(D, BTC, BUY, 1, price), now)
        rec.place(order(E, BTC, SELL, 1, price), now)
        if ex.open_orders(D):
            rec.ok(CancelAll(D, BTC), now)
        assert ex.state.last_price[BTC] == Decimal(price)

    def strategic(command: PlaceTriggerOrder | PlaceTrackOrder, now: int) -> OrderId:
        reply = rec.ok(command, now).reply
        assert isinstance(reply, OrderPlaced)
        return reply.order_id

    def with_legs(command: PlaceOrder, tp: str, sl: str, now: int) -> tuple[OrderId, ...]:
        """(order, TP, SL): an opening order with a TP (a limit at its trigger price) and an
        SL (optimal_5) attached, not activated until it fills."""
        legs = Tpsl(TpslLeg(Decimal(tp), Decimal(tp)), TpslLeg(Decimal(sl), None, OPTIMAL_5))
        opening = rec.place(replace(command, tpsl=legs), now)
        return (opening, *(leg.order_id for leg in ex.state.strategies.attached[opening]))

    for uid in (A, B, C, D, E):
        rec.ok(OpenUser(uid), t)
        rec.ok(Deposit(uid, "BTC", Decimal(5)), t)
        rec.ok(Deposit(uid, "ETH", Decimal(50)), t)
    rec.commit()
    ids["fires"] = strategic(trigger(A, BTC, GE, "60000", BUY, 1), t + 1)
    ids["fails"] = strategic(trigger(A, BTC, GE, "60000", SELL, 1, offset=CLOSE), t + 1)
    ids["waits"] = strategic(
        trigger(C, BTC, LE, "50000.5", SELL, 2, kind=OPTIMAL_5, lever=5), t + 2
    )
    ids["cancelled"] = strategic(trigger(A, ETH, LE, "2000.01", BUY, 3, price="1999.5"), t + 2)
    rec.ok(CancelStrategyOrders(StrategyKind.TRIGGER, A, ETH, [str(ids["cancelled"])]), t + 3)
    # A's opening order with a TP and an SL attached: not activated until it fills. Another
    # that never fills, and one cancelled unfilled (its legs end as 12).
    ids["opening"], ids["attached_tp"], ids["attached_sl"] = with_legs(
        order(A, BTC, BUY, 3, "59000"), "61000", "58000", t + 4
    )
    ids["unfilled"], ids["unfilled_tp"], ids["unfilled_sl"] = with_legs(
        order(A, BTC, BUY, 1, "50000"), "52000", "49000", t + 5
    )
    ids["dropped"], ids["dropped_tp"], ids["dropped_sl"] = with_legs(
        order(A, BTC, BUY, 1, "50000.1"), "52000", "49000", t + 5
    )
    rec.ok(CancelOrders(A, BTC, order_ids=[str(ids["dropped"])]), t + 6)
    # Trailing orders, placed below and above the latest price, 59990: C's buy activates at
    # 59500 or below, B's sell at 60000 or above.
    trade_at("59990", t + 6)
    ids["track_buy"] = strategic(
        PlaceTrackOrder(C, BTC, BUY, OPEN, 1, Decimal("0.0150"), Decimal(59500), FORMULA, 10),
        t + 7,
    )
    ids["track_sell"] = strategic(
        PlaceTrackOrder(B, BTC, SELL, OPEN, 2, Decimal("0.01"), Decimal(60000), FORMULA, 10),
        t + 7,
    )
    rec.commit()
    # 60000: A's buy trigger fires (its bid rests), A's closing one fails (no long yet); B's
    # sell trailing order activates.
    trade_at("60000", t + 10)
    rec.commit()
    # E sells 4: A's fired bid at 60000, then A's opening order whole (its legs arm, for 3);
    # the fall from 60000 to 59000 fires B's trailing sell and activates C's trailing buy.
    rec.place(order(E, BTC, SELL, 4, "59000"), t + 20)
    rec.commit()
    trade_at("58500", t + 30)  # C's trailing buy follows the low
    legs = rec.ok(
        PlaceTpsl(A, BTC, SELL, 1, TpslLeg(Decimal(65000), Decimal(65000)),
                  TpslLeg(Decimal(57000), Decimal(57000))),
        t + 31,
    ).reply  # fmt: skip
    assert isinstance(legs, TpslPlaced) and legs.tp_order and legs.sl_order
    ids["position_tp"], ids["position_sl"] = legs.tp_order, legs.sl_order
    rec.commit()
    # 56900: both stop-losses fire (their take-profits expire); the trailing buy's low moves.
    trade_at("56900", t + 40)
    rec.commit()
    return Strategic(rec, ids)


def test_round_trip_strategy_orders_every_field(store_factory: StoreFactory) -> None:
    built = build_strategic(store_factory())
    live = built.rec.exchange.state.strategies.orders
    loaded = {o.order_id: o for o in built.rec.load().strategy_orders}
    assert {i: strategy_view(o) for i, o in loaded.items()} == {
        i: strategy_view(o) for i, o in live.items()
    }
    ids = built.ids
    statuses = {name: loaded[ids[name]].status for name in ids if ids[name] in loaded}
    assert statuses == {
        "fires": StrategyStatus.PLACED,
        "fails": StrategyStatus.FAILED,
        "waits": StrategyStatus.WAITING,
        "cancelled": StrategyStatus.CANCELLED,
        "attached_tp": StrategyStatus.EXPIRED,
        "attached_sl": StrategyStatus.PLACED,
        "unfilled_tp": StrategyStatus.NOT_ACTIVATED,
        "unfilled_sl": StrategyStatus.NOT_ACTIVATED,
        "dropped_tp": StrategyStatus.NOT_ACTIVATED_EXPIRED,
        "dropped_sl": StrategyStatus.NOT_ACTIVATED_EXPIRED,
        "track_buy": StrategyStatus.WAITING,
        "track_sell": StrategyStatus.PLACED,
        "position_tp": StrategyStatus.EXPIRED,
        "position_sl": StrategyStatus.PLACED,
    }
    orders = {o.order_id: o for o in built.rec.load().orders}
    # A fired trigger names the order it placed, stored with order_source "trigger".
    fired = loaded[ids["fires"]]
    assert fired.relation_order_id is not None
    assert orders[fired.relation_order_id].order_source == "trigger"
    assert fired.triggered_price == 60000 and fired.triggered_at == fired.order_insert_at
    assert fired.real_volume == 1
    failed = loaded[ids["fails"]]
    assert (failed.fail_code, failed.relation_order_id) == (1048, None)
    assert failed.fail_reason == "Insufficient close amount available."
    waits = loaded[ids["waits"]]
    assert (waits.order_price, waits.lever_rate, waits.triggered_at) == (None, 5, None)
    assert str(waits.trigger_price) == "50000.5"
    # TP/SL legs: each names the other; attached ones their opening order.
    tp, sl = loaded[ids["attached_tp"]], loaded[ids["attached_sl"]]
    assert (tp.relation_tpsl_order_id, sl.relation_tpsl_order_id) == (sl.order_id, tp.order_id)
    assert tp.source_order_id == sl.source_order_id == ids["opening"]
    assert (tp.tpsl_order_type, sl.tpsl_order_type) == (TpslOrderType.TP, TpslOrderType.SL)
    assert (tp.lever_rate, tp.offset) == (None, CLOSE)
    assert sl.relation_order_id is not None
    assert orders[sl.relation_order_id].order_source == "tpsl"
    assert loaded[ids["position_sl"]].source_order_id is None
    # Trailing orders: the active one with its low so far; the fired one with its formula.
    active = loaded[ids["track_buy"]]
    assert active.is_active and str(active.market_limit_price) == "56900.0"
    assert str(active.callback_rate) == "0.0150"
    placed = loaded[ids["track_sell"]]
    assert str(placed.formula_price) == "59400.0" and placed.real_volume == 2
    assert placed.relation_order_id is not None
    assert orders[placed.relation_order_id].order_source == "track"


def test_restore_brings_back_every_strategy_index(store_factory: StoreFactory) -> None:
    """Trigger books, activated trailing orders, legs attached to open orders, owners' indexes
    and counts, the eviction queue: all as the live exchange has them, after reopening too."""
    store = store_factory()
    built = build_strategic(store)
    live = state_view(built.rec.exchange)
    strategies = live["strategies"]
    assert isinstance(strategies, dict)
    assert strategies["books"] and strategies["tracking"] and strategies["attached"]
    assert state_view(restore(built.rec.load())) == live
    store.close()
    again = store_factory()
    snapshot = again.load(
        Millis(built.rec.exchange.state.now), retention_ms=FOREVER, client_id_window_ms=FOREVER
    )
    assert snapshot is not None
    assert state_view(restore(snapshot)) == live


def test_load_keeps_open_strategy_orders_and_recently_finished_ones(
    store_factory: StoreFactory,
) -> None:
    built = build_strategic(store_factory())
    live = built.rec.exchange.state.strategies.orders
    finished_at = sorted({o.update_time for o in live.values() if not o.is_open})
    assert len(finished_at) >= 3
    for bound in finished_at:
        snapshot = built.rec.load(now=bound + HOUR, retention=HOUR)
        kept = {o.order_id for o in snapshot.strategy_orders}
        # Inclusive, as eviction keeps update_time >= now - retention.
        assert kept == {i for i, o in live.items() if o.is_open or o.update_time >= bound}
    snapshot = built.rec.load(now=T0 + 10 * HOUR, retention=0)
    assert {o.order_id for o in snapshot.strategy_orders} == {
        i for i, o in live.items() if o.is_open
    }


def test_strategy_orders_of_filters_pages_and_sorts(store_factory: StoreFactory) -> None:
    rec = Recorder(Exchange(), store_factory())
    ex, t = rec.exchange, T0
    for uid in (A, B):
        rec.ok(OpenUser(uid), t)
        rec.ok(Deposit(uid, "BTC", Decimal(5)), t)
        rec.ok(Deposit(uid, "ETH", Decimal(50)), t)
    sides = [(BUY, OPEN), (SELL, OPEN), (BUY, CLOSE), (SELL, CLOSE)]
    placed: list[OrderId] = []
    for i in range(30):
        direction, offset = sides[i % 4]
        command = trigger(A, BTC, GE, str(70000 + i), direction, 1 + i % 3, offset=offset)
        reply = rec.ok(command, t + 10 * (i // 2)).reply  # two a millisecond
        assert isinstance(reply, OrderPlaced)
        placed.append(reply.order_id)
    # Cancelled in an order of their own: update_time no longer follows created_at.
    for j, order_id in enumerate(reversed(placed[::3])):
        rec.ok(CancelStrategyOrders(StrategyKind.TRIGGER, A, BTC, [str(order_id)]), t + 500 + j)
    # Neighbours no query of A's BTC trigger orders may return: B's, on ETH, of other kinds
    # (TP/SL legs on a long A buys from B).
    rec.ok(trigger(B, BTC, GE, "70000", BUY, 1), t + 5)
    rec.ok(trigger(A, ETH, GE, "4000", BUY, 1), t + 5)
    rec.place(order(B, BTC, SELL, 1, "60000"), t + 5)
    rec.place(order(A, BTC, BUY, 1, "60000"), t + 5)
    legs = Tpsl(TpslLeg(Decimal(70000), Decimal(70000)), TpslLeg(Decimal(50000), None, OPTIMAL_5))
    rec.ok(PlaceTpsl(A, BTC, SELL, 1, legs.tp, legs.sl), t + 5)
    rec.ok(PlaceTrackOrder(A, BTC, BUY, OPEN, 1, Decimal("0.01"), Decimal(50000), FORMULA, 10),
           t + 5)  # fmt: skip
    rec.commit()
    store = rec.store
    mine = [o for o in ex.state.strategies.orders.values()]
    assert len(mine) == 30 + 5

    def expect(query: StrategyOrderQuery) -> tuple[list[int], int]:
        found = [
            o
            for o in mine
            if (o.kind, o.uid, o.contract_code) == (query.kind, query.uid, query.contract_code)
            and o.created_at >= query.since
            and (not query.statuses or int(o.status) in query.statuses)
            and (not query.sides or (o.direction.value, o.offset.value) in query.sides)
        ]
        key = "update_time" if query.sort_by == "update_time" else "created_at"
        found.sort(key=lambda o: (getattr(o, key), o.order_id), reverse=True)
        first = (query.page_index - 1) * query.page_size
        return [o.order_id for o in found[first : first + query.page_size]], len(found)

    base = StrategyOrderQuery(StrategyKind.TRIGGER, A, BTC, Millis(t))
    queries = [
        base,
        replace(base, page_size=7),
        replace(base, page_size=7, page_index=5),
        replace(base, page_size=7, page_index=6),  # past the end: empty, total still counted
        replace(base, sort_by="update_time", page_size=12),
        replace(base, sort_by="update_time", page_size=12, page_index=2),
        replace(base, statuses=(6,)),
        replace(base, statuses=(2,), sort_by="update_time"),
        replace(base, statuses=(4, 5, 6)),
        replace(base, sides=(("buy", "open"),)),
        replace(base, sides=(("sell", "close"), ("buy", "close")), statuses=(6,)),
        replace(base, since=Millis(t + 70)),
        replace(base, kind=StrategyKind.TPSL),
        replace(base, kind=StrategyKind.TRACK),
        replace(base, uid=B),
        replace(base, contract_code=ETH),
        replace(base, contract_code=ETH, uid=B),
    ]
    for query in queries:
        found, total = store.strategy_orders_of(query)
        assert ([o.order_id for o in found], total) == expect(query), query
        live = ex.state.strategies.orders
        for stored in found:
            assert strategy_view(stored) == strategy_view(live[stored.order_id])
    assert store.strategy_orders_of(replace(base, statuses=(6,)))[1] == 10
    assert store.strategy_orders_of(replace(base, page_size=7, page_index=6)) == ([], 30)
    newest = store.strategy_orders_of(replace(base, sort_by="update_time", page_size=1))[0]
    assert [o.order_id for o in newest] == [placed[0]]  # the last one cancelled


def test_strategy_rows_are_replaced_not_added(store_factory: StoreFactory) -> None:
    """A trigger order committed waiting, then fired: one row, as it ended."""
    rec = Recorder(Exchange(), store_factory())
    for uid in (A, B):
        rec.ok(OpenUser(uid), T0)
        rec.ok(Deposit(uid, "BTC", Decimal(1)), T0)
    reply = rec.ok(trigger(A, BTC, GE, "60000", BUY, 1), T0).reply
    assert isinstance(reply, OrderPlaced)
    rec.commit()
    query = StrategyOrderQuery(StrategyKind.TRIGGER, A, BTC, Millis(T0))
    (waiting,), total = rec.store.strategy_orders_of(query)
    assert total == 1 and waiting.status is StrategyStatus.WAITING
    rec.place(order(B, BTC, SELL, 1, "60000"), T0 + 1)
    rec.place(order(A, BTC, BUY, 1, "60000"), T0 + 1)
    rec.commit()
    (fired,), total = rec.store.strategy_orders_of(query)
    assert total == 1 and fired.status is StrategyStatus.PLACED
    live = rec.exchange.state.strategies.orders[reply.order_id]
    assert strategy_view(fired) == strategy_view(live)
    assert [o.order_id for o in rec.load().strategy_orders] == [reply.order_id]


def test_committed_strategy_orders_are_unaffected_by_later_changes_in_memory(
    store_factory: StoreFactory,
) -> None:
    rec = Recorder(Exchange(), store_factory())
    rec.ok(OpenUser(A), T0)
    rec.ok(Deposit(A, "BTC", Decimal(1)), T0)
    reply = rec.ok(trigger(A, BTC, GE, "60000", BUY, 1), T0).reply
    assert isinstance(reply, OrderPlaced)
    rec.commit()
    before = [strategy_view(o) for o in rec.load().strategy_orders]
    rec.ok(CancelStrategyOrders(StrategyKind.TRIGGER, A, BTC, [str(reply.order_id)]), T0 + 1)
    live = rec.exchange.state.strategies.orders[reply.order_id]
    assert live.status is StrategyStatus.CANCELLED  # in memory, not committed
    assert [strategy_view(o) for o in rec.load().strategy_orders] == before
    assert before[0]["status"] is StrategyStatus.WAITING


def test_an_order_placed_with_tpsl_legs_keeps_is_tpsl(store_factory: StoreFactory) -> None:
    rec = Recorder(Exchange(), store_factory())
    rec.ok(OpenUser(A), T0)
    rec.ok(Deposit(A, "BTC", Decimal(5)), T0)
    legs = Tpsl(TpslLeg(Decimal(62000), Decimal(62000)), TpslLeg(Decimal(59000), None, OPTIMAL_5))
    with_legs = rec.place(replace(order(A, BTC, BUY, 2, "60000"), tpsl=legs), T0 + 1)
    plain = rec.place(order(A, BTC, BUY, 1, "60000"), T0 + 2)
    rec.commit()
    loaded = {o.order_id: o for o in rec.load().orders}
    assert (loaded[with_legs].is_tpsl, loaded[plain].is_tpsl) == (True, False)
    stored = rec.store.order(with_legs)
    assert stored is not None and stored.is_tpsl
    tp, sl = (o for o in rec.load().strategy_orders if o.source_order_id == with_legs)
    assert (tp.status, sl.status) == (StrategyStatus.NOT_ACTIVATED,) * 2
    assert (tp.relation_tpsl_order_id, sl.relation_tpsl_order_id) == (sl.order_id, tp.order_id)


def test_tpsl_legs_of_reads_the_legs_an_opening_order_carries(
    store_factory: StoreFactory,
) -> None:
    """By the order they are attached to, whatever became of them (fired and expired, not
    activated, ended unfilled), TP first, as committed; nothing for an order without legs."""
    built = build_strategic(store_factory())
    ids, store = built.ids, built.rec.store
    live = built.rec.exchange.state.strategies.orders
    for opening, legs_name in (("opening", "attached"), ("unfilled", "unfilled"),
                               ("dropped", "dropped")):  # fmt: skip
        legs = store.tpsl_legs_of(ids[opening])
        assert [o.order_id for o in legs] == [ids[f"{legs_name}_tp"], ids[f"{legs_name}_sl"]]
        assert [strategy_view(o) for o in legs] == [strategy_view(live[o.order_id]) for o in legs]
    plain = live[ids["fires"]].relation_order_id  # the ordinary order a trigger order placed
    assert plain is not None and store.tpsl_legs_of(plain) == []
    assert store.tpsl_legs_of(ids["position_tp"]) == []  # a leg is no opening order
    assert store.tpsl_legs_of(2**63 - 1) == []
# -- kline bars ------------------------------------------------------------------------------


def test_kline_bars_round_trip_and_are_read_by_key(store_factory: StoreFactory) -> None:
    from htx_sandbox.service.bars import Bar, SeriesBar, SeriesKey
    from htx_sandbox.service.ports import BarQuery, ChangeSet

    store = store_factory()
    store.commit(ChangeSet(contracts=list(ContractRegistry())))
    minute, mark = SeriesKey("kline", "BTC-USD", "1min"), SeriesKey("mark_price", "BTC-USD", "1min")
    bars = [
        Bar(1_764_000_000 + 60 * i, Decimal("60000.1"), Decimal("60010"), Decimal("59990.5"),
            Decimal(60000 + i), i, 2 * i, Decimal("0.000001666666666667") * i)
        for i in range(10)
    ]  # fmt: skip
    store.commit(ChangeSet(bars=[SeriesBar(minute, b) for b in bars]))
    store.commit(ChangeSet(bars=[SeriesBar(mark, bars[0])]))
    changed = Bar(bars[9].id, Decimal(1), Decimal(2), Decimal("0.5"), Decimal("1.5"), 99, 7,
                  Decimal("1e-18"))  # fmt: skip
    store.commit(ChangeSet(bars=[SeriesBar(minute, changed)]))  # upserted: the open bar moved
    everything = store.bars(BarQuery(minute, -(2**62), 2**62, 100))
    assert everything == [*bars[:9], changed]
    assert store.bars(BarQuery(minute, bars[2].id, bars[5].id, 100)) == bars[2:6]
    assert store.bars(BarQuery(minute, bars[2].id, bars[5].id, 2)) == bars[2:4]
    assert store.bars(BarQuery(minute, -(2**62), bars[5].id, 2, newest=True)) == bars[4:6]
    assert store.bars(BarQuery(mark, -(2**62), 2**62, 100)) == [bars[0]]
    assert store.bars(BarQuery(SeriesKey("kline", "ETH-USD", "1min"), 0, 2**62, 9)) == []
    store.close()
    assert store_factory().bars(BarQuery(minute, 0, 2**62, 1, newest=True)) == [changed]
