"""Reset, snapshots and fixtures through the engine, on every store (memory, SQLite,
PostgreSQL): what comes back is exactly the state saved, memory and store alike, and a refused
control changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.commands import (
    CancelAll,
    Deposit,
    OpenUser,
    OrderPlaced,
    PlaceOrder,
    SetIndexPrices,
)
from htx_sandbox.domain.types import UID, Direction, Offset, OrderPriceType
from htx_sandbox.service.api_keys import CreateApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine, RebuildError
from htx_sandbox.service.fixtures import FixturesError, parse
from htx_sandbox.service.market import MarketData
from htx_sandbox.service.ports import SnapshotError, Store
from htx_sandbox.service.state_control import StateControl

from .conftest import StoreFactory, state_view

A, B = UID(10_000_001), UID(10_000_002)
BTC = "BTC-USD"
T0 = 1_764_000_000_000


def limit(uid: UID, direction: Direction, volume: int, price: str) -> PlaceOrder:
    return PlaceOrder(
        uid, BTC, direction, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )


class Run:
    def __init__(self, store: Store) -> None:
        self.clock = ManualClock(T0)
        self.store = store
        self.engine = Engine(store, self.clock)
        self.market = MarketData.for_engine(self.engine)
        self.engine.start()
        self.control = StateControl(self.engine, self.clock)

    def ok(self, command: object) -> object:
        outcome = self.engine.execute(command)  # type: ignore[arg-type]
        assert outcome.error is None, outcome.error
        return outcome.reply

    def trade(self) -> None:
        """A and B fund themselves and trade 2 contracts at 60000 (B's bid rests)."""
        for uid in (A, B):
            self.ok(OpenUser(uid))
            self.ok(Deposit(uid, "BTC", Decimal(1)))
        self.ok(limit(B, Direction.BUY, 2, "60000"))
        self.ok(limit(A, Direction.SELL, 2, "60000"))
        self.ok(limit(B, Direction.BUY, 3, "59000"))

    def stop(self) -> None:
        self.engine.stop()


@pytest.fixture
def run(store_factory: StoreFactory) -> Iterator[Run]:
    session = Run(store_factory())
    yield session
    session.stop()


def test_a_restored_snapshot_is_the_state_saved_in_memory_and_in_the_store(
    run: Run, store_factory: StoreFactory
) -> None:
    run.trade()
    run.ok(CreateApiKey("ak-a", "sk-a", A, frozenset({"read", "trade"})))
    saved = state_view(run.engine.exchange)
    info = run.control.save("after-trade")
    assert (info.name, info.created_at) == ("after-trade", T0)
    # Everything changes after it: a new user, a cancel, a key disabled, another trade.
    run.clock.advance(5_000)
    run.ok(OpenUser(UID(10_000_003)))
    run.ok(CancelAll(B, BTC))
    run.ok(limit(A, Direction.BUY, 1, "61000"))
    run.ok(CreateApiKey("ak-b", "sk-b", B, frozenset({"read"})))
    assert state_view(run.engine.exchange) != saved
    run.control.restore("after-trade")
    assert state_view(run.engine.exchange) == saved
    assert set(run.engine.api_keys.keys) == {"ak-a"}
    assert [p.volume for p in run.market.recent(BTC, 10)] == [2]  # the tape of then
    # The exchange goes on from the snapshot: the next order id follows the saved ones.
    placed = run.ok(limit(A, Direction.SELL, 1, "62000"))
    assert isinstance(placed, OrderPlaced)
    assert placed.order_id == max(run.engine.exchange.state.orders)
    # And the store holds what memory holds: a restart brings back the same state.
    after = state_view(run.engine.exchange)
    run.stop()
    run.store.close()
    again = Run(store_factory())
    try:
        assert state_view(again.engine.exchange) == after
    finally:
        again.stop()


def test_snapshots_are_listed_kept_apart_and_deleted(run: Run) -> None:
    run.trade()
    run.control.save("one")
    run.clock.advance(1_000)
    run.ok(Deposit(A, "BTC", Decimal(2)))
    run.control.save("two")
    assert [s.name for s in run.control.snapshots()] == ["one", "two"]
    run.control.restore("one")
    assert run.engine.exchange.state.accounts[(A, "BTC")].deposited == 1
    run.control.restore("two")  # a restore keeps every snapshot, the later ones too
    assert run.engine.exchange.state.accounts[(A, "BTC")].deposited == 3
    run.control.delete("one")
    assert [s.name for s in run.control.snapshots()] == ["two"]
    with pytest.raises(SnapshotError, match='no snapshot named "one"'):
        run.control.restore("one")


def test_a_refused_snapshot_control_changes_nothing(run: Run) -> None:
    run.trade()
    run.control.save("kept")
    before = state_view(run.engine.exchange)
    with pytest.raises(SnapshotError, match="exists already"):
        run.control.save("kept")
    with pytest.raises(SnapshotError, match='no snapshot named "missing"'):
        run.control.restore("missing")
    with pytest.raises(SnapshotError, match="bad snapshot name"):
        run.control.save("../etc")
    with pytest.raises(SnapshotError, match="no snapshot"):
        run.control.delete("missing")
    assert state_view(run.engine.exchange) == before
    assert [s.name for s in run.control.snapshots()] == ["kept"]
    run.ok(Deposit(A, "BTC", Decimal(1)))  # the engine goes on


def test_a_reset_empties_the_exchange_but_keeps_its_contracts_and_snapshots(run: Run) -> None:
    run.trade()
    run.ok(SetIndexPrices({BTC: Decimal(60000)}))
    run.ok(CreateApiKey("ak-a", "sk-a", A, frozenset({"read"})))
    run.control.save("full")
    contracts = state_view(run.engine.exchange)["contracts"]
    run.control.reset()
    view = state_view(run.engine.exchange)
    assert view["contracts"] == contracts
    assert (view["users"], view["accounts"], view["orders"]) == ([], {}, {})
    assert (view["index_prices"], view["last_price"]) == ({}, {})
    assert run.engine.api_keys.keys == {}
    assert run.market.recent(BTC, 10) == ()
    assert [s.name for s in run.control.snapshots()] == ["full"]
    # A new exchange in every way: the first order id is the one a new store gives.
    run.trade()
    first = min(run.engine.exchange.state.orders)
    run.control.reset()
    run.trade()
    assert min(run.engine.exchange.state.orders) == first
    run.control.restore("full")
    assert set(run.engine.api_keys.keys) == {"ak-a"}


FIXTURES = b"""
[[accounts]]
uid = 10000001
balances = { BTC = "10", ETH = 100 }

[[accounts.api_keys]]
access_key = "ak-fixed"
secret_key = "sk-fixed"
permissions = ["read", "trade"]

[[accounts.positions]]
contract_code = "BTC-USD"
direction = "buy"
volume = 10
price = "60000"
lever_rate = 10

[[accounts.orders]]
contract_code = "BTC-USD"
direction = "sell"
offset = "open"
volume = 5
price = "62000"
lever_rate = 10
client_order_id = 7

[[accounts]]
uid = 10000002
balances = { BTC = "1" }
"""


def test_a_reset_brings_the_exchange_back_to_its_fixtures(run: Run) -> None:
    run.control.fixtures = parse(FIXTURES, "fixtures.toml")
    run.trade()
    for _ in range(2):  # the same state each time
        run.control.reset()
        state = run.engine.exchange.state
        assert sorted(state.users) == [A, B]
        assert state.accounts[(A, "BTC")].margin_static == 10
        assert state.accounts[(A, "ETH")].margin_static == 100
        assert state.accounts[(B, "BTC")].margin_static == 1
        holding = state.holdings[(A, BTC)]
        assert (holding.long.volume, holding.short.volume, holding.lever_rate) == (10, 0, 10)
        assert holding.long.cost_open(Decimal(100)) == 60000
        [order] = state.orders.values()
        assert (order.uid, order.price, order.remaining, order.client_order_id) == (
            A, Decimal(62000), 5, 7,
        )  # fmt: skip
        key = run.engine.api_keys.get("ak-fixed")
        assert key is not None and (key.secret_key, key.uid) == ("sk-fixed", A)
        assert run.market.recent(BTC, 10) == ()  # seeded positions make no prints
    run.control.reset(empty=True)
    assert run.engine.exchange.state.users == set()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"[[accounts]]\nuid = 9000001\n", "reserved"),
        (b"[[accounts]]\nuid = 1\n[[accounts]]\nuid = 1\n", "appears twice"),
        (b"[[accounts]]\nuid = 1\nbalances = { BTC = 0.5 }\n", "as a string"),
        (b"[[accounts]]\nuid = 1\ncolour = 'red'\n", 'unknown field "colour"'),
        (b"[[accounts]]\nuid = 'x'\n", "uid must be a whole number"),
        (b"accounts = 3", "accounts must be an array"),
        (b"[[accounts]\n", "not a TOML file"),
        (
            b"[[accounts]]\nuid = 1\n[[accounts.positions]]\ncontract_code = 'BTC-USD'\n"
            b"direction = 'up'\nvolume = 1\nprice = '1'\nlever_rate = 1\n",
            "direction must be buy or sell",
        ),
    ],
)
def test_fixtures_with_bad_fields_are_refused_with_a_clear_message(
    text: bytes, message: str
) -> None:
    with pytest.raises(FixturesError, match=message) as refused:
        parse(text, "bad.toml")
    assert str(refused.value).startswith("bad.toml: ")


def test_fixtures_the_exchange_refuses_change_nothing(run: Run) -> None:
    run.trade()
    before = state_view(run.engine.exchange)
    unknown_coin = parse(b"[[accounts]]\nuid = 5\nbalances = { DOGE = '1' }\n", "f.toml")
    with pytest.raises(FixturesError, match=r"f.toml: uid 5: Deposit: refused with 1013"):
        run.control.reset(fixtures=unknown_coin)
    no_margin = parse(
        b"[[accounts]]\nuid = 5\nbalances = { BTC = '0.0001' }\n"
        b"orders = [{ contract_code = 'BTC-USD', direction = 'buy', offset = 'open', "
        b"volume = 100, price = '50000', lever_rate = 5 }]\n",
        "f.toml",
    )
    with pytest.raises(FixturesError, match="PlaceOrder on BTC-USD: refused with 1047"):
        run.control.reset(fixtures=no_margin)
    assert state_view(run.engine.exchange) == before


def test_a_command_refused_after_a_rebuild_is_reported(run: Run) -> None:
    future = run.engine.rebuild(lambda store: store.reset(), "reset", [Deposit(A, "BTC", 1)])
    with pytest.raises(RebuildError, match=r"Deposit.*: 1220 "):
        future.result()


def test_the_documented_fixtures_file_applies(run: Run) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "test-controls.md").read_text()
    document = text.split("```toml\n", 1)[1].split("```", 1)[0]
    run.control.reset(fixtures=parse(document.encode(), "docs"))
    state = run.engine.exchange.state
    assert sorted(state.users) == [A, B]
    assert state.holdings[(A, BTC)].long.volume == 10
    assert [o.client_order_id for o in state.orders.values()] == [7]


def test_a_rebuild_whose_store_operation_fails_changes_nothing_and_the_engine_goes_on(
    run: Run,
) -> None:
    run.trade()
    before = state_view(run.engine.exchange)

    def broken(store: Store) -> None:
        raise RuntimeError("the disk said no")

    with pytest.raises(RuntimeError, match="the disk said no"):
        run.engine.rebuild(broken, "restore").result()
    cancelled = run.engine.rebuild(lambda store: store.snapshots(), "restore")
    cancelled.cancel()  # its caller gave up: the engine answers no one, and goes on
    assert state_view(run.engine.exchange) == before
    run.ok(Deposit(A, "BTC", Decimal(1)))
    assert run.engine.running
