"""One funding settlement over many positions (issue 13's figure).

    python bench/bench_funding.py [--positions 100000] [--repeat 5]

--positions / 2 matches at one price give as many UIDs each one position (half long, half short)
on BTC-USD, with an index below the trade price so that every position pays or receives. Then,
--repeat times, the exchange advances to its next settlement:

domain: the settlement itself (Exchange.advance over the settlement instant: every position
  booked at the settlement price and charged its funding, every account's settlement record).
  Baseline, in the same run: a loop over the same positions doing the arithmetic alone (the
  position's value at the settlement price, the funding on its volume, both quantized, and a
  dict insert), so the ratio is what the settlement's bookkeeping costs on top of its sums.
commit: UnitOfWork.changes plus the SQLite commit of what it changed (accounts, holdings,
  financial records, user settlement records). Baseline: the same rows, built beforehand,
  written by the same statements in one transaction on the same database.

Medians over the repeats; each repeat is a new 8-hour period of the same positions.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder, SetIndexPrices
from htx_sandbox.domain.events import Event, FundingSettled
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.money import coin, contract_value
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.service.ports import ChangeSet
from htx_sandbox.service.unit_of_work import UnitOfWork
from htx_sandbox.storage import rows, sql
from htx_sandbox.storage.sqlite import SqliteStore

CODE = "BTC-USD"
PERIOD = 8 * 3_600_000
T0 = Millis(1_764_028_800_000 + 3_600_000)  # 01:00 UTC, an hour into a period
PRICE = Decimal(60120)
SIZE = Decimal(100)


def timed(fn: Callable[[], object]) -> float:
    """Wall time of fn with the cyclic GC paused (as bench_core.py times)."""
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def build(positions: int) -> Exchange:
    """`positions` UIDs, each long or short 1 contract, every pair matched at PRICE."""
    ex = Exchange()
    ex.advance(T0)  # starts the funding clock
    for uid in range(1, positions + 1):
        ex.open_user(OpenUser(UID(uid)), T0)
        ex.deposit(Deposit(UID(uid), "BTC", Decimal(1)), T0)
    ex.execute(SetIndexPrices({CODE: Decimal(60000)}), T0)
    for uid in range(1, positions + 1, 2):
        for who, side in ((uid, Direction.SELL), (uid + 1, Direction.BUY)):
            ex.place_order(PlaceOrder(
                UID(who), CODE, side, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, PRICE
            ), T0)  # fmt: skip
    return ex


def arithmetic_baseline(positions: int, price: Decimal, rate: Decimal) -> float:
    """The settlement's sums alone, per position: its value at the price, its funding."""
    sink: dict[int, Decimal] = {}

    def loop() -> None:
        for i in range(positions):
            value = contract_value(1, SIZE, price)
            sink[i] = value + coin(SIZE * rate / price)

    return timed(loop)


def raw_commit(store: SqliteStore, changes: ChangeSet) -> float:
    """The settlement's rows, built beforehand, written by the store's own statements."""
    records = changes.financial_records
    written = [
        (sql.ACCOUNTS, [rows.account_row(a) for a in changes.accounts]),
        (sql.HOLDINGS, [rows.holding_row(h) for h in changes.holdings]),
        (sql.FINANCIAL_RECORDS, [rows.financial_record_row(r) for r in records]),
        (sql.USER_SETTLEMENTS, [rows.user_settlement_row(u) for u in changes.user_settlements]),
        (sql.SETTLEMENTS, [rows.settlement_row(s) for s in changes.settlements]),
    ]
    # The same rows again: shift their keys past the ones the store committed.
    shifted = Millis(1)
    written[2] = (sql.FINANCIAL_RECORDS, [(r[0] + 10**9, *r[1:]) for r in written[2][1]])
    written[3] = (sql.USER_SETTLEMENTS, [(*u[:2], u[2] + shifted, *u[3:]) for u in written[3][1]])
    written[4] = (sql.SETTLEMENTS, [(s[0], s[1] + shifted, *s[2:]) for s in written[4][1]])

    def write() -> None:
        store._begin()
        for write_, found in written:
            if found:
                store._write_rows(write_, found)
        store._commit()

    return timed(write)


def one_period(
    ex: Exchange, store: SqliteStore, due: Millis
) -> tuple[float, float, float, float, ChangeSet]:
    """Advance over the settlement at `due` and commit it: the domain's time and its baseline,
    the commit's time and its baseline, and what the commit wrote."""
    events: list[Event] = []
    domain = timed(lambda: events.extend(ex.advance(due).events))
    [settled] = [e.settlement for e in events if isinstance(e, FundingSettled)]
    [btc] = [c for c in settled.contracts if c.contract_code == CODE]
    positions = sum(len(u.positions) for u in settled.users)
    domain_base = arithmetic_baseline(positions, btc.settlement_price, btc.funding_rate)
    unit = UnitOfWork()
    unit.record(events)
    written: list[ChangeSet] = []

    def commit_it() -> None:
        written.append(unit.changes(ex.state))
        store.commit(written[0])

    commit = timed(commit_it)
    return domain, domain_base, commit, raw_commit(store, written[0]), written[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.positions - args.positions % 2
    started = time.perf_counter()
    ex = build(n)
    print(f"{n:,} positions built in {time.perf_counter() - started:.1f} s")
    state = ex.state
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "funding.db")
        first = UnitOfWork()
        first.include_contracts()
        first.include_funding()
        changes = first.changes(state)
        changes.users = sorted(state.users)
        changes.accounts = list(state.accounts.values())
        changes.holdings = list(state.holdings.values())
        store.commit(changes)
        due = state.next_settlement
        assert due is not None
        for _ in range(args.repeat):
            runs.append(one_period(ex, store, Millis(due)))
            due = Millis(due + PERIOD)
        store.close()
    d = statistics.median(run[0] for run in runs)
    db = statistics.median(run[1] for run in runs)
    c = statistics.median(run[2] for run in runs)
    cb = statistics.median(run[3] for run in runs)
    last = runs[-1][4]
    print(f"settlement (domain): {d * 1000:8.1f} ms   {d / n * 1e6:.2f} us/position"
          f"   ratio to its arithmetic alone {d / db:.1f} ({db * 1000:.1f} ms)")
    print(f"changes + commit:    {c * 1000:8.1f} ms   {c / n * 1e6:.2f} us/position"
          f"   ratio to the raw SQL of its rows {c / cb:.2f} ({cb * 1000:.1f} ms;"
          f" {len(last.accounts):,} accounts, {len(last.holdings):,} holdings,"
          f" {len(last.financial_records):,} financial records,"
          f" {len(last.user_settlements):,} user records)")


if __name__ == "__main__":
    main()
