"""Journal and replay: a recorded run, replayed from its journal into a new store up to a
moment, is the original at that moment: every order, position, balance, strategy order, price
and counter, in memory and in the store."""

from __future__ import annotations

from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    CancelAll,
    Deposit,
    OpenUser,
    Outcome,
    PlaceOrder,
    SeedPosition,
    SetIndexPrices,
    SwitchLeverRate,
    Tick,
)
from htx_sandbox.domain.strategy_orders import StrategyPriceType
from htx_sandbox.domain.trigger_book import TriggerType
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.service import journal
from htx_sandbox.service.api_keys import CreateApiKey, DisableApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine, EngineSettings
from htx_sandbox.service.ports import JournalEntry
from htx_sandbox.service.replay import ReplayError, replay
from htx_sandbox.service.state_control import StateControl
from htx_sandbox.storage.memory import MemoryStore
from htx_sandbox.storage.sqlite import SqliteStore

from .conftest import StoreFactory, state_view
from .strategy_builders import trigger

A, B, C = UID(10_000_001), UID(10_000_002), UID(10_000_003)
BTC, ETH = "BTC-USD", "ETH-USD"
T0 = 1_764_000_000_000  # 2025-11-24 16:00 UTC: a funding settlement
HOUR = 3_600_000
BUY, SELL = Direction.BUY, Direction.SELL


def limit(uid: UID, direction: Direction, volume: int, price: str, code: str = BTC,
          offset: Offset = Offset.OPEN) -> PlaceOrder:  # fmt: skip
    return PlaceOrder(
        uid, code, direction, offset, volume, 10, OrderPriceType.LIMIT, Decimal(price)
    )


class Recording:
    """A run on an engine with a hand-moved clock; `views` keeps its state at chosen times."""

    def __init__(self, store: SqliteStore | MemoryStore) -> None:
        self.clock = ManualClock(T0 + 1_000)
        self.engine = Engine(store, self.clock, settings=EngineSettings(cancel_delay_ms=500))
        self.engine.start()
        self.views: dict[int, dict[str, object]] = {}

    def at(self, ms: int, *commands: object, refused: bool = False) -> list[Outcome]:
        """Apply `commands` at T0 + ms, submitted together (one batch, a group commit); each
        accepted unless `refused`."""
        self.clock._now = Millis(T0 + ms)
        futures: list[Future[Outcome]] = [
            self.engine.submit(c)  # type: ignore[arg-type]
            for c in commands
        ]
        outcomes = [f.result() for f in futures]
        if not refused:
            assert [o.error for o in outcomes] == [None] * len(outcomes), commands
        return outcomes

    def keep(self) -> int:
        now = self.clock.now()
        self.views[now] = state_view(self.engine.exchange)
        return now

    def run(self) -> None:
        self.at(1_000, OpenUser(A), OpenUser(B), OpenUser(C))
        self.at(1_500, Deposit(A, "BTC", Decimal(2)), Deposit(B, "BTC", Decimal(2)),
                Deposit(C, "ETH", Decimal(50)),
                CreateApiKey("ak-a", "sk-a", A, frozenset({"read", "trade"})))  # fmt: skip
        self.at(2_000, SetIndexPrices({BTC: Decimal(60000), ETH: Decimal(3000)}))
        self.at(3_000, limit(B, BUY, 5, "59990"), limit(B, BUY, 5, "59980"),
                limit(A, SELL, 7, "59980"))  # fmt: skip  (crosses both bids)
        self.at(3_500, trigger(A, BTC, TriggerType.LE, "59900", SELL, 2,
                               kind=StrategyPriceType.OPTIMAL_5))  # fmt: skip
        self.at(4_000, SeedPosition(C, ETH, SELL, 4, Decimal(3010), 10))
        self.at(4_200, limit(C, BUY, 3, "2990", ETH), SwitchLeverRate(C, BTC, 20))
        self.at(5_000, CancelAfter(B, True, 5_000))
        self.keep()
        # B's switch fires 5 s later, cancelling its resting bid (a Tick does it).
        self.at(11_000, Tick())
        self.at(12_000, limit(B, BUY, 2, "59890"), limit(A, SELL, 2, "59890"))  # the trigger
        self.at(13_000, CancelAll(C, ETH), DisableApiKey("ak-a"))
        self.keep()
        # Through the next funding settlement (8 h later) and on.
        self.at(8 * HOUR + 5_000, Tick())
        self.at(8 * HOUR + 6_000, limit(A, BUY, 1, "59000"), SetIndexPrices({BTC: Decimal(59500)}))
        self.keep()


@pytest.mark.parametrize("store_kind", ["sqlite"])
def test_a_replay_up_to_a_moment_is_the_original_at_that_moment(
    store_factory: StoreFactory, tmp_path: Path
) -> None:
    store = store_factory()
    recording = Recording(store)  # type: ignore[arg-type]
    recording.run()
    recording.engine.stop()
    for moment, view in recording.views.items():
        target = SqliteStore(tmp_path / f"replay-{moment}.db")
        done = replay(store, target, Millis(moment))
        assert done.exchange_time <= moment
        again = Engine(target, ManualClock(moment))
        try:
            assert state_view(again.exchange) == view  # what the replay committed
        finally:
            target.close()
    kinds = [entry.kind for entry in store.journal(0, 1000)]
    assert kinds[0] == "Start"
    assert {"OpenUser", "Deposit", "CreateApiKey", "PlaceOrder", "PlaceTriggerOrder",
            "SwitchLeverRate", "SeedPosition", "CancelAfter", "Tick", "CancelAll",
            "DisableApiKey", "SetIndexPrices"} <= set(kinds)  # fmt: skip


def test_the_journal_keeps_what_changed_something_with_its_time() -> None:
    store = MemoryStore()
    recording = Recording(store)
    recording.at(1_000, OpenUser(A), Tick())
    recording.at(2_000, Deposit(A, "DOGE", Decimal(1)), refused=True)  # changed nothing
    recording.at(3_000, Deposit(A, "BTC", Decimal(1)))
    recording.engine.stop()
    entries = store.journal(0, 100)
    assert [(e.seq, e.kind, e.ts - T0) for e in entries] == [
        (1, "Start", 1_000), (2, "OpenUser", 1_000), (3, "Deposit", 3_000),
    ]  # fmt: skip
    start = journal.decode_start(entries[0])
    assert journal.decode(entries[2], start) == Deposit(A, "BTC", Decimal(1))


def test_after_a_reset_the_journal_begins_again_and_a_restore_brings_back_its_own() -> None:
    store = MemoryStore()
    recording = Recording(store)
    control = StateControl(recording.engine, recording.clock)
    recording.at(1_000, OpenUser(A))
    control.save("one")
    control.reset()
    assert [e.kind for e in store.journal(0, 100)] == ["Start"]
    recording.at(2_000, OpenUser(B))
    assert [e.kind for e in store.journal(0, 100)] == ["Start", "OpenUser"]
    control.restore("one")
    entries = store.journal(0, 100)
    assert [e.kind for e in entries] == ["Start", "OpenUser"]
    assert journal.decode(entries[1], journal.decode_start(entries[0])) == OpenUser(A)
    recording.at(3_000, OpenUser(C))
    assert store.last_journal_seq() == 3  # numbered on from the restored journal
    recording.engine.stop()


def test_a_journal_that_cannot_be_replayed_is_refused_with_the_reason(tmp_path: Path) -> None:
    empty = MemoryStore()
    with pytest.raises(ReplayError, match="the journal is empty"):
        replay(empty, MemoryStore(), Millis(T0))
    headless = MemoryStore()
    headless.journal_entries.append(JournalEntry(1, Millis(T0), "OpenUser", '{"uid": 5}'))
    with pytest.raises(ReplayError, match="does not begin at a Start"):
        replay(headless, MemoryStore(), Millis(T0))
    recorded = MemoryStore()
    Recording(recorded).engine.stop()
    used = MemoryStore()
    Recording(used).engine.stop()
    with pytest.raises(ReplayError, match="the target store is not empty"):
        replay(recorded, used, Millis(T0 + 5_000))


def test_a_cancel_delay_set_at_run_time_is_replayed(tmp_path: Path) -> None:
    from htx_sandbox.service.runtime import SetCancelDelay

    store = MemoryStore()
    recording = Recording(store)
    recording.at(1_000, OpenUser(A))
    recording.at(1_100, Deposit(A, "BTC", Decimal(1)), SetCancelDelay(3_000))
    recording.at(1_200, limit(A, BUY, 1, "50000"))
    recording.at(1_300, CancelAll(A, BTC))
    recording.keep()  # cancelling, 3 s to go
    recording.at(5_000, Tick())
    recording.keep()  # cancelled
    recording.engine.stop()
    assert "SetCancelDelay" in [e.kind for e in store.journal(0, 100)]
    for moment, view in recording.views.items():
        target = MemoryStore()
        replay(store, target, Millis(moment))
        assert state_view(Engine(target, ManualClock(moment)).exchange) == view
