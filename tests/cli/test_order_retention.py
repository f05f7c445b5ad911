"""`serve --order-retention`: how long finished orders stay in memory, from the settings to the
engine, and what a short window does."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.cli import main
from htx_sandbox.cli.config import ServeConfig, add_arguments, resolve
from htx_sandbox.cli.serve import engine_settings
from htx_sandbox.domain.commands import (
    CancelOrders,
    CancelReply,
    Deposit,
    OpenUser,
    OrderPlaced,
    PlaceOrder,
    Tick,
)
from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.storage.sqlite import SqliteStore

from .conftest import free_port

MINUTE = 60_000
HOUR = 60 * MINUTE
A = UID(1)


def settings(argv: list[str], env: dict[str, str] | None = None) -> ServeConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return resolve(parser.parse_args(argv), env or {})


@pytest.mark.parametrize(
    ("given", "ms"),
    [("90s", 90_000), ("30m", 30 * MINUTE), ("2h", 2 * HOUR), ("7d", 7 * 24 * HOUR),
     ("1.5h", 90 * MINUTE), ("120000", 120_000), ("60000ms", MINUTE), (" 2H ", 2 * HOUR)],
)  # fmt: skip
def test_durations_in_every_source(tmp_path: Path, given: str, ms: int) -> None:
    assert settings(["--order-retention", given]).order_retention == ms
    assert settings([], {"HTX_SANDBOX_ORDER_RETENTION": given}).order_retention == ms
    config = tmp_path / "sandbox.toml"
    config.write_text(f'order_retention = "{given}"\n')
    assert settings(["--config", str(config)]).order_retention == ms


def test_toml_integer_is_milliseconds_and_flag_beats_environment(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("order_retention = 600000\n")
    assert settings(["--config", str(config)]).order_retention == 10 * MINUTE
    env = {"HTX_SANDBOX_ORDER_RETENTION": "20m"}
    assert settings(["--config", str(config)], env).order_retention == 20 * MINUTE
    assert settings(["--order-retention", "30m"], env).order_retention == 30 * MINUTE


def test_default_is_htx_two_hours() -> None:
    assert settings([]).order_retention == 2 * HOUR
    assert engine_settings(settings([])).retention_ms == 2 * HOUR


def test_the_setting_reaches_the_engine() -> None:
    chosen = engine_settings(settings(["--order-retention", "5m"]))
    assert chosen.retention_ms == 5 * MINUTE
    defaults = engine_settings(settings([]))
    assert chosen.client_id_window_ms == defaults.client_id_window_ms  # the rest untouched


@pytest.mark.parametrize(
    "given", ["59s", "8d", "0", "-5m", "2 hours", "soon", "1.5ms", "nan", "1e999999999s"]
)
def test_bad_durations_are_refused(capsys: pytest.CaptureFixture[str], given: str) -> None:
    assert main(["serve", "--order-retention", given]) == 2
    _, err = capsys.readouterr()
    assert "argument --order-retention" in err.splitlines()[-1]


def test_bad_environment_duration_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTX_SANDBOX_ORDER_RETENTION", "8d")
    data = tmp_path / "data"
    assert main(["serve", "--port", str(free_port()), "--data-dir", str(data)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("htx-sandbox: error: HTX_SANDBOX_ORDER_RETENTION: expected a duration")
    assert not data.exists()


# -- what the window does --------------------------------------------------------------------


class Exchange:
    """An engine with serve's settings for `argv`, over SQLite, with a manual clock."""

    def __init__(self, path: Path, argv: list[str], clock: ManualClock) -> None:
        self.store = SqliteStore(path)
        self.engine = Engine(self.store, clock, settings=engine_settings(settings(argv)))
        self.engine.start()

    def in_memory(self, order_id: OrderId) -> bool:
        return self.engine.query(lambda ex: order_id in ex.state.orders).result(10)

    def close(self) -> None:
        self.engine.stop()
        self.store.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def exchange(tmp_path: Path, clock: ManualClock) -> Iterator[Exchange]:
    opened = Exchange(tmp_path / "db", ["--order-retention", "1m"], clock)
    try:
        yield opened
    finally:
        opened.close()


def place_and_cancel(engine: Engine) -> OrderId:
    engine.execute(OpenUser(A))
    engine.execute(Deposit(A, "BTC", Decimal(1)))
    order = PlaceOrder(A, "BTC-USD", Direction.BUY, Offset.OPEN, 1, 10, OrderPriceType.LIMIT,
                       Decimal(50000))  # fmt: skip
    placed = engine.execute(order).reply
    assert isinstance(placed, OrderPlaced)
    cancelled = engine.execute(CancelOrders(A, "BTC-USD", order_ids=[str(placed.order_id)]))
    assert isinstance(cancelled.reply, CancelReply) and cancelled.reply.successes
    return placed.order_id


def test_a_finished_order_leaves_memory_after_the_window(
    exchange: Exchange, clock: ManualClock
) -> None:
    order_id = place_and_cancel(exchange.engine)
    clock.advance(MINUTE - 1)
    exchange.engine.execute(Tick())
    assert exchange.in_memory(order_id)
    clock.advance(2)
    exchange.engine.execute(Tick())
    assert not exchange.in_memory(order_id)
    # Storage keeps it: reads by id still find it; a cancel answers 1061 as HTX does once it
    # has purged an order.
    stored = exchange.engine.query(lambda ex: exchange.store.order(order_id)).result(10)
    assert stored is not None and stored.status.is_final
    again = exchange.engine.execute(CancelOrders(A, "BTC-USD", order_ids=[str(order_id)]))
    assert isinstance(again.reply, CancelReply)
    assert [e.error.code for e in again.reply.errors] == [ErrorCode.CANCEL_ORDER_NOT_EXIST]


def test_a_restart_loads_finished_orders_within_the_window_only(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "db"
    first = Exchange(path, ["--order-retention", "10m"], clock)
    order_id = place_and_cancel(first.engine)
    first.close()
    clock.advance(5 * MINUTE)
    # A longer window restores it, a shorter one leaves it in storage.
    for argv, loaded in ((["--order-retention", "10m"], True), (["--order-retention", "4m"],
                                                                False)):  # fmt: skip
        again = Exchange(path, argv, clock)
        try:
            assert again.in_memory(order_id) is loaded, argv
        finally:
            again.close()
