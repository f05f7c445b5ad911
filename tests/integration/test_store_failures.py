"""Real stores that fail under a running engine: the commit that fails is answered 1004, memory
goes back to the last commit, reads go on, writes resume by themselves once the store works
again, and a restart holds exactly the acknowledged orders.

- SQLite on a small tmpfs that fills up. Mounting needs root (and a kernel that lets this
  process mount); elsewhere the test is skipped with that reason. CI runs as root and can
  mount, so there it must run.
- PostgreSQL whose session is terminated by the server: the engine opens a new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceOrder
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderPriceType
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.postgres import PostgresStore
from htx_sandbox.storage.sqlite import SqliteStore

from .postgres import PostgresCluster

A = UID(1)
MAX_ORDERS = 50_000
"""Bounds the loop that waits for the disk to fill (a 4 MiB disk fills long before)."""
WAIT_S = 10.0


@pytest.fixture
def small_disk() -> Iterator[Path]:
    mount_point = Path(tempfile.mkdtemp(prefix="htx-tmpfs-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        done = None
    if done is None or done.returncode != 0:
        mount_point.rmdir()
        reason = done.stderr.strip() if done is not None else "no mount command"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must mount a tmpfs for this test: {reason}")
        pytest.skip(f"cannot mount a tmpfs here (needs root): {reason}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)
        mount_point.rmdir()


def fill(directory: Path) -> Path:
    """A file that takes every free block of the file system."""
    filler = directory / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
        # The last blocks are smaller than a chunk.
        try:
            while True:
                out.write(b"\0" * 512)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def order(price: int) -> PlaceOrder:
    return PlaceOrder(
        A, "BTC-USD", Direction.BUY, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, Decimal(price)
    )


def wait_for_writes(engine: Engine) -> None:
    deadline = time.monotonic() + WAIT_S  # a safety net, never an assertion about time
    while not engine.health.store_available:
        assert time.monotonic() < deadline, "the engine never resumed"
        time.sleep(0.02)


def test_a_full_disk_refuses_writes_and_a_freed_one_takes_them_again(small_disk: Path) -> None:
    path = small_disk / "htx-sandbox.db"
    store = SqliteStore(path)
    engine = Engine(store, SystemClock())
    engine.start()
    try:
        assert engine.execute(OpenUser(A)).error is None
        assert engine.execute(Deposit(A, "BTC", Decimal(1000))).error is None
        filler = fill(small_disk)
        acknowledged: list[OrderId] = []
        refused = None
        for number in range(MAX_ORDERS):
            outcome = engine.execute(order(40_000 + number % 10_000))
            if outcome.error is not None:
                refused = outcome.error
                break
            assert isinstance(outcome.reply, OrderPlaced)
            acknowledged.append(outcome.reply.order_id)
        assert refused is not None, "the disk never filled"
        assert refused.code == ErrorCode.SYSTEM_BUSY
        assert not engine.health.store_available and engine.running
        # Reads are served from the last commit: every acknowledged order, and only those.
        open_ids = engine.query(lambda ex: [o.order_id for o in ex.open_orders(A)]).result(WAIT_S)
        assert sorted(open_ids) == acknowledged
        again = engine.execute(order(39_000))
        assert again.error is not None and again.error.code == ErrorCode.SYSTEM_BUSY

        filler.unlink()
        wait_for_writes(engine)
        resumed = engine.execute(order(39_000))
        assert resumed.error is None and isinstance(resumed.reply, OrderPlaced)
        acknowledged.append(resumed.reply.order_id)
    finally:
        engine.stop()
        store.close()
    reopened = SqliteStore(path)
    try:
        restarted = Engine(reopened, SystemClock())
        assert sorted(o.order_id for o in restarted.exchange.open_orders(A)) == acknowledged
    finally:
        reopened.close()


def test_a_lost_postgresql_session_is_opened_again(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    store = PostgresStore(postgres_cluster.url(postgres_database))
    engine = Engine(store, SystemClock())
    engine.start()
    try:
        assert engine.execute(OpenUser(A)).error is None
        assert engine.execute(Deposit(A, "BTC", Decimal(10))).error is None
        first = engine.execute(order(40_000))
        assert isinstance(first.reply, OrderPlaced)
        postgres_cluster.disconnect_all(postgres_database)  # the server ends the session
        lost = engine.execute(order(40_001))
        assert lost.error is not None and lost.error.code == ErrorCode.SYSTEM_BUSY
        wait_for_writes(engine)
        resumed = engine.execute(order(40_002))
        assert isinstance(resumed.reply, OrderPlaced), resumed.error
        open_ids = engine.query(lambda ex: [o.order_id for o in ex.open_orders(A)]).result(WAIT_S)
        assert sorted(open_ids) == [first.reply.order_id, resumed.reply.order_id]
    finally:
        engine.stop()
        store.close()


def test_a_price_of_more_ticks_than_64_bits_hold_never_reaches_the_store(tmp_path: Path) -> None:
    """A limit order at 10^9 on a contract with a 10^-10 tick is 10^19 ticks: it used to pass,
    and its batch's commit then failed in SQLite ("Python int too large") for every command."""
    from htx_sandbox.domain.commands import ListContract
    from htx_sandbox.domain.contracts import Contract

    store = SqliteStore(tmp_path / "htx-sandbox.db")
    engine = Engine(store, SystemClock())
    engine.start()
    try:
        fine = Contract("FINE-USD", "FINE", Decimal(10), Decimal("1e-10"), Decimal("0.5"))
        assert engine.execute(ListContract(fine)).error is None
        assert engine.execute(OpenUser(A)).error is None
        assert engine.execute(Deposit(A, "FINE", Decimal(1000))).error is None
        command = PlaceOrder(
            A, "FINE-USD", Direction.SELL, Offset.OPEN, 1, 10, OrderPriceType.LIMIT,
            Decimal(10**9),
        )  # fmt: skip
        outcome = engine.execute(command)
        assert outcome.error is not None and outcome.error.code == ErrorCode.PRICE_NOT_REASONABLE
        assert engine.health.store_available and engine.health.store_failures == 0
        assert engine.execute(Deposit(A, "FINE", Decimal(1))).error is None
    finally:
        engine.stop()
        store.close()
