"""Restart: stop the engine, reopen the store, start a new engine, and nothing has changed.

Every test runs against every adapter (memory, SQLite, PostgreSQL) through the Engine, with a
ManualClock so that times (and so order ids) are fully determined.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    CancelAll,
    CancelOrders,
    CancelReply,
    CancelStrategyOrders,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceBatch,
    PlaceOrder,
    PlaceTrackOrder,
    PlaceTriggerOrder,
    SetContract,
    SetIndexPrices,
    SetPositionLimits,
    Tick,
    Tpsl,
    TpslLeg,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.ids import TRADE_ID_START
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
)
from htx_sandbox.domain.trigger_book import TriggerBook
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
)
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine, EngineSettings
from htx_sandbox.service.ports import Store, StrategyOrderQuery

from .conftest import StoreFactory, book_view, exact, order_view, state_view
from .strategy_builders import GE, LE, trigger

A, B, C, D = UID(1), UID(2), UID(3), UID(4)
USERS = (A, B, C, D)
BTC, ETH = "BTC-USD", "ETH-USD"
T0 = 1_764_000_000_000
BUY, SELL = Direction.BUY, Direction.SELL
OPEN, CLOSE = Offset.OPEN, Offset.CLOSE
OPTIMAL_5, FORMULA_PRICE = StrategyPriceType.OPTIMAL_5, StrategyPriceType.FORMULA_PRICE


def limit(
    uid: UID,
    code: str,
    direction: Direction,
    volume: int,
    price: str,
    *,
    offset: Offset = OPEN,
    lever: int = 10,
    coid: int | None = None,
) -> PlaceOrder:
    return PlaceOrder(
        uid, code, direction, offset, volume, lever, OrderPriceType.LIMIT, Decimal(price),
        ClientOrderId(coid) if coid is not None else None,
    )  # fmt: skip


@dataclass
class Session:
    """One engine over one store at a time; `restart()` swaps both for fresh ones."""

    factory: StoreFactory
    settings: EngineSettings = field(default_factory=EngineSettings)
    clock: ManualClock = field(default_factory=lambda: ManualClock(T0))
    engines: list[Engine] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store: Store = self.factory()
        self.engine = self._start()

    def _start(self) -> Engine:
        engine = Engine(self.store, self.clock, settings=self.settings)
        self.engines.append(engine)
        engine.start()
        return engine

    @property
    def exchange(self) -> Exchange:
        return self.engine.exchange

    def run(self, command: Command) -> Outcome:
        return self.engine.execute(command)

    def ok(self, command: Command) -> Outcome:
        outcome = self.run(command)
        assert outcome.error is None, outcome.error
        return outcome

    def place(self, command: PlaceOrder) -> OrderId:
        reply = self.ok(command).reply
        assert isinstance(reply, OrderPlaced)
        return reply.order_id

    def cancel(self, command: CancelOrders | CancelAll) -> CancelReply:
        reply = self.ok(command).reply
        assert isinstance(reply, CancelReply)
        return reply

    def restart(self, settings: EngineSettings | None = None) -> Exchange:
        """Stop, close, reopen, start again; returns the old engine's exchange as it stopped."""
        self.engine.stop()
        old = self.engine.exchange
        self.store.close()
        if settings is not None:
            self.settings = settings
        self.store = self.factory()
        self.engine = self._start()
        return old

    def stop_all(self) -> None:
        for engine in self.engines:
            engine.stop()


@pytest.fixture
def session(store_factory: StoreFactory) -> Iterator[Session]:
    s = Session(store_factory)
    try:
        yield s
    finally:
        s.stop_all()


@dataclass
class Mix:
    ids: dict[str, OrderId]


def run_mix(s: Session) -> Mix:
    """Places, fills, partial fills, cancels by id and by client id, cancel-all with filters,
    a batch, a close order and an armed switch, from four UIDs on two contracts; several
    commands share a millisecond, so their order ids are consecutive."""
    ids: dict[str, OrderId] = {}
    for uid in USERS:
        s.ok(OpenUser(uid))
        s.ok(Deposit(uid, "BTC", Decimal(10)))
        s.ok(Deposit(uid, "ETH", Decimal(100)))
    s.clock.advance(1)
    ids["a_bid_1"] = s.place(limit(A, BTC, BUY, 2, "59990", coid=11))
    ids["a_bid_2"] = s.place(limit(A, BTC, BUY, 3, "59990"))
    ids["a_bid_low"] = s.place(limit(A, BTC, BUY, 1, "59980"))
    ids["b_bid"] = s.place(limit(B, BTC, BUY, 4, "59990"))
    ids["b_ask_1"] = s.place(limit(B, BTC, SELL, 5, "60010"))
    ids["b_ask_2"] = s.place(limit(B, BTC, SELL, 2, "60010"))
    ids["b_ask_coid"] = s.place(limit(B, BTC, SELL, 1, "60020", coid=21))
    ids["c_ask"] = s.place(limit(C, BTC, SELL, 3, "60010"))
    batch = s.ok(
        PlaceBatch(
            C,
            [
                limit(C, BTC, BUY, 1, "59970"),
                limit(C, BTC, BUY, 1, "59970"),
                limit(C, BTC, SELL, 1, "60030", coid=31),
            ],
        )
    ).reply
    assert isinstance(batch, list) and all(item.placed is not None for item in batch)
    s.clock.advance(5)
    ids["d_take_asks"] = s.place(limit(D, BTC, BUY, 6, "60010"))  # B's 5, then 1 of B's 2
    ids["d_take_bids"] = s.place(limit(D, BTC, SELL, 3, "59990"))  # A's 2, then 1 of A's 3
    s.clock.advance(5)
    assert s.cancel(CancelOrders(A, BTC, order_ids=[str(ids["a_bid_low"])])).successes
    assert s.cancel(CancelOrders(B, BTC, client_order_ids=["21"])).successes
    assert len(s.cancel(CancelAll(C, BTC, direction=BUY)).successes) == 2
    ids["a_eth_ask"] = s.place(limit(A, ETH, SELL, 10, "3000.5", lever=5))
    ids["c_eth_take"] = s.place(limit(C, ETH, BUY, 4, "3000.5", lever=5))
    ids["b_eth_bid"] = s.place(limit(B, ETH, BUY, 1, "2999", lever=5))
    ids["b_eth_ask"] = s.place(limit(B, ETH, SELL, 2, "3001", lever=5))
    assert s.cancel(CancelAll(B, ETH, direction=SELL)).successes == [str(ids["b_eth_ask"])]
    nothing = s.run(CancelAll(D, ETH))
    assert nothing.error is not None and nothing.error.code == ErrorCode.NO_ORDERS_TO_CANCEL
    s.clock.advance(3)
    ids["d_close"] = s.place(limit(D, BTC, SELL, 2, "60100", offset=CLOSE))
    s.ok(CancelAfter(C, True, 60_000))
    s.ok(SetPositionLimits(ETH, 1000, None))  # a contract setting the restart must keep
    orders = s.exchange.state.orders
    assert orders[ids["a_bid_2"]].status is OrderStatus.PARTIALLY_FILLED
    assert orders[ids["b_ask_2"]].status is OrderStatus.PARTIALLY_FILLED
    assert orders[ids["a_eth_ask"]].status is OrderStatus.PARTIALLY_FILLED
    assert orders[ids["b_ask_1"]].status is OrderStatus.FILLED
    return Mix(ids)


def figures(exchange: Exchange) -> dict[str, object]:
    """Every UID's account figures (per coin) and positions, as the API would report them."""
    out: dict[str, object] = {}
    for uid in sorted(exchange.state.users):
        out[f"{uid}/accounts"] = [
            {k: exact(v) for k, v in dataclasses.asdict(f).items()}
            for f in exchange.accounts(uid)
        ]
        out[f"{uid}/positions"] = [
            {k: exact(v) for k, v in dataclasses.asdict(p).items()}
            for p in exchange.positions(uid)
        ]
    return out


def open_orders(exchange: Exchange) -> dict[int, list[dict[str, object]]]:
    return {
        uid: [order_view(o) for o in exchange.open_orders(uid)]
        for uid in sorted(exchange.state.users)
    }


# -- the state comes back as it was ----------------------------------------------------------


def test_books_identical_level_by_level_in_time_priority(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    after = session.exchange
    assert book_view(after) == book_view(before)
    # The mix did leave a level with several orders in time priority, on both contracts.
    btc = book_view(before)[BTC]
    assert any(len(ids) > 1 for _, ids in btc["bids"])
    assert book_view(before)[ETH]["asks"] and book_view(before)[ETH]["bids"]
    for code in (BTC, ETH):
        assert after.depth(code, 150) == before.depth(code, 150)


def test_accounts_positions_and_figures_identical(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    after = session.exchange
    assert {k: dataclasses.asdict(a) for k, a in after.state.accounts.items()} == {
        k: dataclasses.asdict(a) for k, a in before.state.accounts.items()
    }
    assert figures(after) == figures(before)


def test_lever_rates_identical(session: Session) -> None:
    """Every holding keeps its lever rate, including A's on ETH-USD (pinned by its orders) and a
    holding whose only exposure is a resting opening order that never filled."""
    run_mix(session)
    session.ok(limit(B, BTC, BUY, 1, "50000"))  # B already has exposure on BTC at 10
    session.clock.advance(1)
    session.ok(OpenUser(UID(5)))
    session.ok(Deposit(UID(5), "BTC", Decimal(1)))
    session.place(limit(UID(5), BTC, BUY, 1, "50000", lever=20))
    before = session.restart()
    after = session.exchange
    assert {k: h.lever_rate for k, h in after.state.holdings.items() if h.has_exposure} == {
        k: h.lever_rate for k, h in before.state.holdings.items() if h.has_exposure
    }


def test_resting_opening_order_only_user_can_keep_trading_after_restart(
    session: Session,
) -> None:
    """A UID whose only exposure is a resting opening order at lever 20 places another at 20
    after a restart (it must not answer 1349 because the lever rate was forgotten)."""
    uid = UID(7)
    session.ok(OpenUser(uid))
    session.ok(Deposit(uid, "BTC", Decimal(1)))
    session.place(limit(uid, BTC, BUY, 1, "50000", lever=20))
    session.restart()
    outcome = session.run(limit(uid, BTC, BUY, 1, "50000", lever=20))
    assert outcome.error is None, f"{outcome.error.code}: {outcome.error}" if outcome.error else ""


def test_open_orders_identical_field_by_field(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    after = session.exchange
    assert open_orders(after) == open_orders(before)
    assert sum(len(v) for v in open_orders(before).values()) >= 8
    # ... and the finished ones still within retention, with their trades.
    assert {i: order_view(o) for i, o in after.state.orders.items()} == {
        i: order_view(o) for i, o in before.state.orders.items()
    }


def test_position_limits_are_kept_and_still_enforced(session: Session) -> None:
    run_mix(session)
    session.restart()
    contract = session.exchange.state.contracts.get(ETH)
    assert (contract.buy_limit, contract.sell_limit) == (1000, None)
    refused = session.run(limit(A, ETH, BUY, 1001, "2000", lever=5))
    assert refused.error is not None and refused.error.code == ErrorCode.LONG_POSITION_LIMIT


def test_whole_state_identical(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    assert state_view(session.exchange) == state_view(before)


def test_restart_twice_changes_nothing(session: Session) -> None:
    run_mix(session)
    first = state_view(session.restart())
    session.restart()
    assert state_view(session.exchange) == first


# -- counters continue -----------------------------------------------------------------------


def test_order_ids_continue_above_the_last(session: Session) -> None:
    mix = run_mix(session)
    before = session.restart()
    last = before.state.order_ids.last
    assert last == max({*mix.ids.values(), *before.state.orders})
    # The same millisecond as the last order before the stop: the time-derived candidate is
    # below `last`, so only the restored counter keeps ids unique.
    new = session.place(limit(A, BTC, BUY, 1, "50000"))
    assert new == last + 1


def test_order_ids_continue_when_the_clock_went_back(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    session.clock.advance(-60_000)
    new = [session.place(limit(A, BTC, BUY, 1, "50000")) for _ in range(3)]
    assert new == [before.state.order_ids.last + i for i in (1, 2, 3)]
    assert session.store.order(new[0]) is not None


def test_trade_ids_continue(session: Session) -> None:
    run_mix(session)
    before = session.restart()
    last = before.state.trade_ids.last
    assert last > TRADE_ID_START
    session.clock.advance(1)
    taker = session.place(limit(D, BTC, SELL, 1, "59990"))  # takes 1 from A's partial bid
    trades = session.exchange.state.orders[taker].trades
    assert [t.trade_id for t in trades] == [last + 1]


def test_next_fill_after_restart_numbers_its_trade_id(session: Session) -> None:
    """A resting order filled once before the restart gets "-2" on its next fill, after it."""
    mix = run_mix(session)
    maker_id = mix.ids["a_bid_2"]
    maker_before = session.exchange.state.orders[maker_id]
    assert [t.id.rsplit("-", 1)[1] for t in maker_before.trades] == ["1"]
    session.restart()
    session.clock.advance(1)
    session.place(limit(D, BTC, SELL, 1, "59990"))
    maker = session.exchange.state.orders[maker_id]
    last = maker.trades[-1]
    assert [t.id.rsplit("-", 1)[1] for t in maker.trades] == ["1", "2"]
    assert last.id == f"{last.trade_id}-{maker_id}-2"
    stored = session.store.order(maker_id)
    assert stored is not None and [t.id for t in stored.trades] == [t.id for t in maker.trades]


@pytest.mark.parametrize("which", ["a_bid_1", "b_ask_coid"])
def test_client_order_id_duplicate_still_1050_after_restart(session: Session, which: str) -> None:
    """Both for a client id whose order filled (A's 11) and one whose order was cancelled by
    that very client id (B's 21)."""
    mix = run_mix(session)
    order = session.exchange.state.orders[mix.ids[which]]
    assert order.client_order_id is not None and order.status.is_final
    session.restart()
    price = "50000" if order.direction is BUY else "70000"
    again = limit(order.uid, BTC, order.direction, 1, price, coid=order.client_order_id)
    outcome = session.run(again)
    assert outcome.error is not None
    assert outcome.error.code == ErrorCode.CLIENT_ORDER_ID_REPEATED
    assert int(outcome.error.code) == 1050


def test_switch_armed_before_restart_fires_after_it(session: Session) -> None:
    mix = run_mix(session)
    session.ok(CancelAfter(B, True, 5000))
    b_open = [o.order_id for o in session.exchange.open_orders(B)]
    assert len(b_open) >= 2
    trigger = session.exchange.state.cancel_after[B]
    session.restart()
    assert session.exchange.state.cancel_after[B] == trigger
    session.clock.advance(4999)
    session.ok(Tick())
    assert [o.order_id for o in session.exchange.open_orders(B)] == b_open
    session.clock.advance(1)
    session.ok(Tick())
    assert session.exchange.open_orders(B) == []
    state = session.exchange.state
    assert {state.orders[i].status for i in b_open} <= {
        OrderStatus.CANCELLED, OrderStatus.PARTIALLY_FILLED_CANCELLED
    }
    assert all(state.orders[i].canceled_at == trigger for i in b_open)
    assert B not in state.cancel_after
    # C's switch (armed in the mix, 60 s) is still armed; A's orders are untouched.
    assert C in state.cancel_after
    assert mix.ids["a_bid_2"] in {o.order_id for o in session.exchange.open_orders(A)}
    # The firing was committed: another restart shows it.
    session.restart()
    assert session.exchange.open_orders(B) == []
    assert B not in session.exchange.state.cancel_after


def test_disarmed_switch_stays_disarmed_after_restart(session: Session) -> None:
    run_mix(session)
    session.ok(CancelAfter(B, True, 5000))
    session.ok(CancelAfter(B, False))
    b_open = [o.order_id for o in session.exchange.open_orders(B)]
    session.restart()
    session.clock.advance(10_000)
    session.ok(Tick())
    assert [o.order_id for o in session.exchange.open_orders(B)] == b_open


# -- eviction --------------------------------------------------------------------------------

SHORT = EngineSettings(retention_ms=1000)


@pytest.fixture
def short(store_factory: StoreFactory) -> Iterator[Session]:
    s = Session(store_factory, SHORT)
    try:
        yield s
    finally:
        s.stop_all()


def _evicted_setup(s: Session) -> dict[str, OrderId]:
    for uid in (A, B):
        s.ok(OpenUser(uid))
        s.ok(Deposit(uid, "BTC", Decimal(1)))
    ids = {
        "cancelled": s.place(limit(A, BTC, BUY, 1, "50000", coid=5)),
        "resting": s.place(limit(A, BTC, BUY, 1, "51000")),
        "maker": s.place(limit(B, BTC, SELL, 2, "60000")),
    }
    s.cancel(CancelOrders(A, BTC, order_ids=[str(ids["cancelled"])]))
    ids["taker"] = s.place(limit(A, BTC, BUY, 2, "60000"))  # fills B's maker: both finished
    s.clock.advance(1001)
    s.ok(Tick())  # the batch after which the engine evicts
    return ids


def _stored(s: Session, order_id: OrderId) -> Order | None:
    """store.order(), on the engine thread (the store's connection is the engine's)."""
    return s.engine.query(lambda ex: s.store.order(order_id)).result(10)


def _in_memory(s: Session, order_id: OrderId) -> bool:
    return s.engine.query(lambda ex: order_id in ex.state.orders).result(timeout=10)


def test_finished_orders_leave_memory_but_stay_in_the_store(short: Session) -> None:
    ids = _evicted_setup(short)
    for name in ("cancelled", "maker", "taker"):
        assert not _in_memory(short, ids[name]), name
        stored = _stored(short, ids[name])
        assert stored is not None and stored.status.is_final
    maker = _stored(short, ids["maker"])
    assert maker is not None and maker.status is OrderStatus.FILLED and len(maker.trades) == 1
    # Open orders stay however old they are.
    assert _in_memory(short, ids["resting"])


def test_cancelling_an_evicted_order_answers_1061(short: Session) -> None:
    ids = _evicted_setup(short)
    evicted = [str(ids["cancelled"]), str(ids["taker"])]
    reply = short.cancel(CancelOrders(A, BTC, order_ids=evicted))
    assert reply.successes == []
    assert [(e.order_id, e.error.code) for e in reply.errors] == [
        (str(ids["cancelled"]), ErrorCode.CANCEL_ORDER_NOT_EXIST),
        (str(ids["taker"]), ErrorCode.CANCEL_ORDER_NOT_EXIST),
    ]
    assert int(ErrorCode.CANCEL_ORDER_NOT_EXIST) == 1061


def test_eviction_holds_across_a_restart(short: Session) -> None:
    ids = _evicted_setup(short)
    short.restart()
    state = short.exchange.state
    assert ids["cancelled"] not in state.orders and ids["maker"] not in state.orders
    assert ids["resting"] in state.orders
    reply = short.cancel(CancelOrders(A, BTC, order_ids=[str(ids["cancelled"])]))
    assert [e.error.code for e in reply.errors] == [ErrorCode.CANCEL_ORDER_NOT_EXIST]
    stored = _stored(short, ids["cancelled"])
    assert stored is not None and stored.status is OrderStatus.CANCELLED
    # The client id of the evicted order is still inside the 24 h window: 1050, not a new order.
    again = short.run(limit(A, BTC, BUY, 1, "50000", coid=5))
    assert again.error is not None and again.error.code == ErrorCode.CLIENT_ORDER_ID_REPEATED


def test_finished_orders_within_retention_are_loaded(store_factory: StoreFactory) -> None:
    s = Session(store_factory, SHORT)
    try:
        for uid in (A, B):
            s.ok(OpenUser(uid))
            s.ok(Deposit(uid, "BTC", Decimal(1)))
        cancelled = s.place(limit(A, BTC, BUY, 1, "50000"))
        s.cancel(CancelOrders(A, BTC, order_ids=[str(cancelled)]))
        s.clock.advance(500)
        before = s.restart()
        assert cancelled in s.exchange.state.orders
        assert order_view(s.exchange.state.orders[cancelled]) == order_view(
            before.state.orders[cancelled]
        )
        reply = s.cancel(CancelOrders(A, BTC, order_ids=[str(cancelled)]))
        assert [e.error.code for e in reply.errors] == [ErrorCode.REPEATED_CANCELLATION]
        # Its eviction, once due, works on restored orders too.
        s.clock.advance(1000)
        s.ok(Tick())
        assert not s.engine.query(lambda ex: cancelled in ex.state.orders).result(10)
    finally:
        s.stop_all()


def test_new_store_gets_the_contracts_and_the_engine_starts_empty(
    store_factory: StoreFactory,
) -> None:
    s = Session(store_factory)
    try:
        before = s.restart()
        assert [c.contract_code for c in s.exchange.contracts] == sorted(
            c.contract_code for c in before.contracts
        )
        assert s.exchange.state.orders == {} and s.exchange.state.users == set()
        assert s.exchange.state.order_ids.last == before.state.order_ids.last
    finally:
        s.stop_all()


# -- strategy orders -------------------------------------------------------------------------


def trade_at(s: Session, price: str, seller: UID = B, buyer: UID = C) -> None:
    """One contract traded at `price` (the last price strategy orders fire on), the traders'
    leftovers cancelled."""
    s.place(limit(seller, BTC, SELL, 1, price))
    s.place(limit(buyer, BTC, BUY, 1, price))
    for uid in (seller, buyer):
        if s.exchange.open_orders(uid, BTC):
            s.cancel(CancelAll(uid, BTC))
    assert s.exchange.state.last_price[BTC] == Decimal(price)


def children(s: Session, source: str) -> dict[OrderId, Order]:
    """The ordinary orders strategy orders placed, by `order_source`."""
    orders = s.exchange.state.orders
    return {i: o for i, o in orders.items() if o.order_source == source}


def strategy(s: Session, order_id: OrderId) -> StrategyOrder:
    order = s.exchange.state.strategies.orders.get(order_id)
    assert order is not None, f"strategy order {order_id} not in memory"
    return order


def restart_unchanged(s: Session) -> None:
    before = s.restart()
    assert state_view(s.exchange) == state_view(before)


def fund_all(s: Session) -> None:
    for uid in USERS:
        s.ok(OpenUser(uid))
        s.ok(Deposit(uid, "BTC", Decimal(10)))
        s.ok(Deposit(uid, "ETH", Decimal(100)))
    s.clock.advance(1)


def place_trigger(s: Session, command: PlaceTriggerOrder) -> OrderId:
    reply = s.ok(command).reply
    assert isinstance(reply, OrderPlaced)
    return reply.order_id


def test_waiting_trigger_orders_come_back_and_fire_once(session: Session) -> None:
    s = session
    fund_all(s)
    up = place_trigger(s, trigger(A, BTC, GE, "60100", BUY, 1))
    down = place_trigger(s, trigger(D, BTC, LE, "59900", SELL, 2, price="59800"))
    eth = place_trigger(s, trigger(A, ETH, GE, "3100", BUY, 1, kind=OPTIMAL_5))
    gone = place_trigger(s, trigger(A, BTC, LE, "50000", BUY, 1))
    s.ok(CancelStrategyOrders(StrategyKind.TRIGGER, A, BTC, [str(gone)]))
    restart_unchanged(s)
    books = s.exchange.state.strategies.books
    assert set(books[BTC].live) == {up, down} and set(books[ETH].live) == {eth}
    s.clock.advance(10)
    trade_at(s, "60100")
    fired = strategy(s, up)
    assert fired.status is StrategyStatus.PLACED and fired.relation_order_id is not None
    assert set(children(s, "trigger")) == {fired.relation_order_id}
    restart_unchanged(s)
    assert strategy(s, up).relation_order_id == fired.relation_order_id
    assert set(s.exchange.state.strategies.books[BTC].live) == {down}
    s.cancel(CancelAll(A, BTC))  # A's fired bid, so that the next trades are at their price
    s.clock.advance(10)
    trade_at(s, "60100")
    trade_at(s, "59900")
    assert strategy(s, down).status is StrategyStatus.PLACED
    restart_unchanged(s)
    s.cancel(CancelAll(D, BTC))  # D's fired ask
    trade_at(s, "60200")
    trade_at(s, "59800")
    placed = children(s, "trigger")
    assert sorted(placed) == sorted(
        o.relation_order_id for o in (strategy(s, up), strategy(s, down)) if o.relation_order_id
    )
    assert placed[strategy(s, down).relation_order_id or 0].volume == 2
    assert strategy(s, eth).status is StrategyStatus.WAITING
    # Finished ones stay queryable in history, from the store.
    history, total = s.engine.query(
        lambda ex: s.store.strategy_orders_of(
            StrategyOrderQuery(StrategyKind.TRIGGER, A, BTC, Millis(T0), statuses=(4, 5, 6))
        )
    ).result(10)
    assert total == 2 and [o.order_id for o in history] == [gone, up]


def test_attached_legs_come_back_and_are_armed_resized_and_fired_once(session: Session) -> None:
    s = session
    fund_all(s)
    legs = Tpsl(TpslLeg(Decimal(61000), Decimal(61000)), TpslLeg(Decimal(58000), Decimal(58000)))
    opening = s.place(dataclasses.replace(limit(A, BTC, BUY, 3, "59000"), tpsl=legs))
    restart_unchanged(s)
    tp, sl = (leg.order_id for leg in s.exchange.state.strategies.attached[opening])
    assert strategy(s, tp).status is StrategyStatus.NOT_ACTIVATED
    assert not s.exchange.state.strategies.books.get(BTC, TriggerBook(BTC)).live
    refused = s.cancel(CancelStrategyOrders(StrategyKind.TPSL, A, BTC, [str(tp)]))
    assert [e.error.code for e in refused.errors] == [ErrorCode.TPSL_NOT_ACTIVE]
    s.clock.advance(10)
    s.place(limit(B, BTC, SELL, 2, "59000"))  # two of the three: both legs armed, for 2
    restart_unchanged(s)
    assert [(strategy(s, i).status, strategy(s, i).volume) for i in (tp, sl)] == [
        (StrategyStatus.WAITING, 2),
        (StrategyStatus.WAITING, 2),
    ]
    assert set(s.exchange.state.strategies.books[BTC].live) == {tp, sl}
    s.place(limit(B, BTC, SELL, 1, "59000"))  # the opening order's last fill reaches its legs
    assert [strategy(s, i).volume for i in (tp, sl)] == [3, 3]
    restart_unchanged(s)
    assert opening not in s.exchange.state.strategies.attached
    s.clock.advance(10)
    trade_at(s, "61000")
    assert (strategy(s, tp).status, strategy(s, sl).status) == (
        StrategyStatus.PLACED,
        StrategyStatus.EXPIRED,
    )
    restart_unchanged(s)
    trade_at(s, "61000")
    trade_at(s, "58000")
    placed = children(s, "tpsl")
    assert list(placed) == [strategy(s, tp).relation_order_id]
    child = next(iter(placed.values()))
    assert (child.uid, child.direction, child.offset, child.volume) == (A, SELL, CLOSE, 3)
    assert not s.exchange.state.strategies.by_owner


def test_active_trailing_orders_come_back_tracking_and_fire_once(session: Session) -> None:
    s = session
    fund_all(s)
    reply = s.ok(
        PlaceTrackOrder(
            D, BTC, BUY, OPEN, 1, Decimal("0.01"), Decimal(59500), FORMULA_PRICE, lever_rate=10
        )
    ).reply
    assert isinstance(reply, OrderPlaced)
    order_id = reply.order_id
    restart_unchanged(s)
    assert not strategy(s, order_id).is_active
    s.clock.advance(10)
    trade_at(s, "59400")  # activates it at 59400
    restart_unchanged(s)
    assert set(s.exchange.state.strategies.tracking[BTC]) == {order_id}
    assert strategy(s, order_id).market_limit_price == Decimal("59400")
    trade_at(s, "59000")  # a new low
    restart_unchanged(s)
    assert strategy(s, order_id).market_limit_price == Decimal("59000")
    trade_at(s, "59589.9")  # short of 59000 x 1.01
    assert strategy(s, order_id).status is StrategyStatus.WAITING
    restart_unchanged(s)
    trade_at(s, "59590")
    fired = strategy(s, order_id)
    assert fired.status is StrategyStatus.PLACED and fired.formula_price == Decimal("59590")
    restart_unchanged(s)
    trade_at(s, "59590")
    trade_at(s, "61000")
    placed = children(s, "track")
    assert list(placed) == [fired.relation_order_id]
    assert next(iter(placed.values())).price == Decimal("59590")
    assert not s.exchange.state.strategies.tracking.get(BTC)


def test_finished_strategy_orders_leave_memory_but_stay_in_history(short: Session) -> None:
    s = short
    for uid in (A, B):
        s.ok(OpenUser(uid))
        s.ok(Deposit(uid, "BTC", Decimal(1)))
    gone = place_trigger(s, trigger(A, BTC, GE, "70000", BUY, 1))
    kept = place_trigger(s, trigger(A, BTC, GE, "70001", BUY, 1))
    s.ok(CancelStrategyOrders(StrategyKind.TRIGGER, A, BTC, [str(gone)]))
    s.clock.advance(1001)
    s.ok(Tick())  # the batch after which the engine evicts
    for _ in range(2):
        orders = s.engine.query(lambda ex: set(ex.state.strategies.orders)).result(10)
        assert orders == {kept}
        query = StrategyOrderQuery(StrategyKind.TRIGGER, A, BTC, Millis(T0), statuses=(6,))
        found, total = s.engine.query(lambda ex, q=query: s.store.strategy_orders_of(q)).result(10)
        assert total == 1 and found[0].order_id == gone and found[0].canceled_at == T0
        reply = s.cancel(CancelStrategyOrders(StrategyKind.TRIGGER, A, BTC, [str(gone)]))
        assert [e.error.code for e in reply.errors] == [ErrorCode.CANCEL_ORDER_NOT_EXIST]
        s.restart()


# -- index prices and the price band ---------------------------------------------------------


def test_the_index_its_time_and_the_band_come_back(session: Session) -> None:
    run_mix(session)
    session.ok(SetContract(BTC, price_limit_rate=Decimal("0.02")))
    session.ok(SetIndexPrices({BTC: Decimal("60000.05"), ETH: Decimal(3000)}))
    session.clock.advance(7)
    session.ok(SetIndexPrices({ETH: Decimal("3001.25")}))
    before = session.restart()
    after = session.exchange
    assert state_view(after) == state_view(before)
    assert after.state.index_prices == {BTC: Decimal("60000.05"), ETH: Decimal("3001.25")}
    assert after.state.index_times == {BTC: T0 + 14, ETH: T0 + 21}
    band = after.state.price_bands[BTC]  # 60000.05 x 1.02 and x 0.98, on the 0.1 grid
    assert (band.low_limit, band.high_limit) == (Decimal("58800.1"), Decimal("61200"))
    refused = session.run(limit(A, BTC, BUY, 1, "61200.1"))
    assert refused.error is not None and refused.error.code == ErrorCode.PRICE_OUT_OF_BAND
    assert session.run(limit(A, BTC, BUY, 1, "61200")).error is None
