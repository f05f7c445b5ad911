"""The Store contract, one suite run against every adapter (memory, SQLite, PostgreSQL).

ChangeSets are made the way the engine makes them: commands applied to a real Exchange, their
events recorded in a UnitOfWork, the changed rows read from the state at commit time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    CancelAll,
    CancelOrders,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceOrder,
    SwitchLeverRate,
    Tick,
)
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.restore import Snapshot, restore
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
from htx_sandbox.service.ports import Store
from htx_sandbox.service.unit_of_work import UnitOfWork

from .conftest import (
    StoreFactory,
    account_view,
    contract_view,
    holding_view,
    is_blank,
    order_view,
    state_view,
)

A, B, C = UID(1), UID(2), UID(3)
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
    """Positions (volume, frozen, cost value) and the lever rate of every holding, including a
    holding that has only a resting opening order (A on ETH-USD at lever 3)."""
    rich = build_rich(store_factory())
    state = rich.rec.exchange.state
    loaded = {(h.uid, h.contract_code): holding_view(h) for h in rich.rec.load().holdings}
    expected = {key: holding_view(h) for key, h in state.holdings.items() if not is_blank(h)}
    assert loaded == expected
    assert loaded[(C, BTC)]["long"] == (2, 1, str(state.holdings[(C, BTC)].long.cost_value))
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
