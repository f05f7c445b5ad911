"""Every store answers the record queries alike (memory, SQLite, PostgreSQL): financial records
by UID, contract, window, types and a query_id cursor in either direction; settlement records
paged newest first within a window, the platform's and one UID's."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.records import FinancialRecord
from htx_sandbox.domain.settlement_records import (
    ContractSettlement,
    SettledPosition,
    UserSettlement,
)
from htx_sandbox.domain.types import UID, Millis, PositionSide
from htx_sandbox.service.ports import ChangeSet, FinancialRecordQuery, SettlementQuery

from .conftest import StoreFactory

A, B = UID(1), UID(2)
BTC = "BTC-USD"
PERIOD = 8 * 3_600_000
T = 1_764_028_800_000


def records() -> list[FinancialRecord]:
    """A's records 1-6 on BTC-USD a minute apart (types 5, 14, 30, 31, 3, 16), one of B's."""
    types = (5, 14, 30, 31, 3, 16)
    found = [
        FinancialRecord(i, A, "BTC", BTC, kind, Decimal(f"-0.00000{i}"), Millis(T + i * 60_000))
        for i, kind in enumerate(types, start=1)
    ]
    return [*found, FinancialRecord(7, B, "BTC", BTC, 30, Decimal(1), Millis(T))]


def settlements() -> tuple[list[ContractSettlement], list[UserSettlement]]:
    platform, users = [], []
    for n in range(3):
        at = Millis(T + n * PERIOD)
        platform.append(ContractSettlement(BTC, "BTC", at, Decimal(60000 + n), Decimal("0.0001"),
                                           None if n == 0 else Decimal("0.00005")))  # fmt: skip
        position = SettledPosition(
            PositionSide.SHORT, 3, Decimal("60000"), Decimal("60000"), Decimal(60000 + n),
            Decimal("-0.000000000000000001"),
        )  # fmt: skip
        for uid in (A, B):
            users.append(UserSettlement(
                uid, "BTC", BTC, at, Decimal(n), Decimal(n + 1), Decimal(1), Decimal("0.5"),
                Decimal(0), Decimal("-0.1"), Decimal(60000 + n), (position,) if n else (),
            ))  # fmt: skip
    return platform, users


def query(**fields: object) -> FinancialRecordQuery:
    defaults: dict[str, object] = {
        "uid": A, "contract_code": BTC, "start": Millis(T), "end": Millis(T + 3_600_000),
    }  # fmt: skip
    return FinancialRecordQuery(**{**defaults, **fields})  # type: ignore[arg-type]


def test_financial_records_by_window_type_and_cursor(store_factory: StoreFactory) -> None:
    store = store_factory()
    store.commit(ChangeSet(financial_records=records()))
    ids = lambda found: [r.query_id for r in found]  # noqa: E731
    assert ids(store.financial_records_of(query())) == [6, 5, 4, 3, 2, 1]
    assert ids(store.financial_records_of(query(direct="next"))) == [1, 2, 3, 4, 5, 6]
    assert ids(store.financial_records_of(query(types=(30, 31)))) == [4, 3]
    assert ids(store.financial_records_of(query(from_id=4))) == [3, 2, 1]
    assert ids(store.financial_records_of(query(direct="next", from_id=4))) == [5, 6]
    assert ids(store.financial_records_of(query(limit=2))) == [6, 5]
    assert ids(store.financial_records_of(query(start=Millis(T + 120_000),
                                                end=Millis(T + 180_000)))) == [3, 2]  # fmt: skip
    assert ids(store.financial_records_of(query(uid=B))) == [7]
    [record] = store.financial_records_of(query(limit=1))
    assert record == records()[5]


def test_settlement_records_paged_newest_first(store_factory: StoreFactory) -> None:
    store = store_factory()
    platform, users = settlements()
    store.commit(ChangeSet(settlements=platform, user_settlements=users))
    every = SettlementQuery(BTC, Millis(0), Millis(2**62))
    found, total = store.settlements_of(every)
    assert total == 3 and [s.settlement_time for s in found] == [T + 2 * PERIOD, T + PERIOD, T]
    assert found[2].avg_premium_index is None and found[0] == platform[2]
    page, total = store.settlements_of(SettlementQuery(BTC, Millis(T), Millis(T + PERIOD), 2, 1))
    assert total == 2 and [s.settlement_time for s in page] == [T]
    mine, total = store.user_settlements_of(SettlementQuery(BTC, Millis(0), Millis(2**62),
                                                            uid=A))  # fmt: skip
    assert total == 3 and {u.uid for u in mine} == {A}
    assert mine == [u for u in reversed(users) if u.uid == A]
    assert mine[2].positions == () and mine[0].positions[0].direction is PositionSide.SHORT
