"""Funding across restarts, on every store: a settlement is paid once whether the engine
restarts before it, after it, or while it is overdue (the engine was down at the settlement
time: the first time step after the start runs it); the samples of the period and the fills
of the settlement price's 10 minutes are carried over; what a settlement wrote (financial,
user and platform records) reads back from the store."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, SetIndexPrices, Tick
from htx_sandbox.domain.records import FinancialType
from htx_sandbox.domain.types import Millis
from htx_sandbox.service.ports import FinancialRecordQuery, SettlementQuery

from .conftest import StoreFactory, state_view
from .test_restart import BTC, BUY, SELL, T0, A, B, Session, limit

PERIOD = 8 * 3_600_000
SETTLEMENT = T0 + PERIOD
"""T0 is itself a settlement instant (16:00 UTC): the first one after it is at 00:00."""


@pytest.fixture
def session(store_factory: StoreFactory) -> Iterator[Session]:
    s = Session(store_factory)
    try:
        yield s
    finally:
        s.stop_all()


def open_positions(s: Session) -> None:
    """A long 10 and B short 10 BTC-USD at 60120 against an index of 60000 (the longs pay)."""
    for uid in (A, B):
        s.ok(OpenUser(uid))
        s.ok(Deposit(uid, "BTC", Decimal(10)))
    s.ok(SetIndexPrices({BTC: Decimal(60000)}))
    s.clock.advance(1)
    s.place(limit(B, BTC, SELL, 10, "60120"))
    s.place(limit(A, BTC, BUY, 10, "60120"))


def move_to(s: Session, at: int) -> None:
    s.clock.advance(at - s.clock.now())
    s.ok(Tick())


def funding_records(s: Session) -> list[tuple[int, Decimal, int]]:
    found = s.store.financial_records_of(FinancialRecordQuery(
        A, BTC, Millis(0), Millis(2**62), types=(30, 31), direct="next",
    ))  # fmt: skip
    return [(r.type, r.amount, r.ts) for r in found]


def test_a_restart_before_the_settlement_pays_it_once_after(session: Session) -> None:
    s = session
    open_positions(s)
    move_to(s, SETTLEMENT - 3_600_000)
    s.restart()
    move_to(s, SETTLEMENT)
    assert funding_records(s) == [(FinancialType.FUNDING_EXPENDITURE, Decimal("-0.000025"),
                                   SETTLEMENT)]  # fmt: skip
    s.restart()
    move_to(s, SETTLEMENT + 60_000)
    assert len(funding_records(s)) == 1


def test_a_settlement_missed_while_down_is_run_once_on_the_first_step(session: Session) -> None:
    s = session
    open_positions(s)
    s.engine.stop()
    s.clock.advance(SETTLEMENT + PERIOD + 5_000 - s.clock.now())  # down over two settlements
    s.restart()
    s.ok(Tick())
    records = funding_records(s)
    assert [ts for _, _, ts in records] == [SETTLEMENT, SETTLEMENT + PERIOD]
    assert {amount for _, amount, _ in records} == {Decimal("-0.000025")}
    s.restart()
    s.ok(Tick())
    assert len(funding_records(s)) == 2


def test_restarts_change_nothing_a_settlement_does(session: Session) -> None:
    """The same commands at the same times, once with restarts in between (a minute into
    the period, inside the settlement price's 10 minutes, and right after): the same state
    and records as without them."""
    straight = Session(StoreFactory("memory"))
    try:
        for s, restarts in ((straight, False), (session, True)):
            open_positions(s)
            move_to(s, T0 + 61_000)
            if restarts:
                s.restart()  # the period's samples come back
            move_to(s, SETTLEMENT - 300_000)
            s.place(limit(B, BTC, SELL, 2, "60300"))
            s.place(limit(A, BTC, BUY, 2, "60300"))  # counts towards the settlement price
            if restarts:
                s.restart()  # so does that fill
            move_to(s, SETTLEMENT)
            if restarts:
                s.restart()
            move_to(s, SETTLEMENT + 1)
        view = state_view(session.exchange)
        assert view == state_view(straight.exchange)
        assert funding_records(session) == funding_records(straight)
        query = SettlementQuery(BTC, Millis(0), Millis(2**62))
        assert session.store.settlements_of(query) == straight.store.settlements_of(query)
        [platform], _ = session.store.settlements_of(query)
        # 12 contracts: 10 at 60120 before the window do not count, 2 at 60300 in it do.
        assert platform.settlement_price == Decimal("60300")
        mine = SettlementQuery(BTC, Millis(0), Millis(2**62), uid=A)
        assert session.store.user_settlements_of(mine) == straight.store.user_settlements_of(mine)
    finally:
        straight.stop_all()


def test_user_records_read_back_as_written(session: Session) -> None:
    s = session
    open_positions(s)
    move_to(s, SETTLEMENT)
    s.restart()
    [record], total = s.store.user_settlements_of(
        SettlementQuery(BTC, Millis(0), Millis(2**62), uid=A)
    )
    assert total == 1 and record.settlement_time == SETTLEMENT
    assert record.funding_fee == Decimal("-0.000025")
    [position] = record.positions
    assert position.volume == 10 and position.cost_hold == record.settlement_price
    assert record.margin_balance == s.exchange.state.accounts[(A, "BTC")].margin_static
