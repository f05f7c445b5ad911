"""storage/rows.py and row_bounds.py for strategy orders: every field goes out and comes back
exactly, and a stored value the domain could not use is refused with the row and the column."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.contracts import ContractRegistry
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId
from htx_sandbox.service.ports import StorageError
from htx_sandbox.storage import rows, sql

ORDER_ID = OrderId(360636324260085762)
COLUMNS = [c.strip('"') for c in rows.STRATEGY_ORDER_COLUMNS]


def every_field_set() -> StrategyOrder:
    """No field at its default: a value the reader could only get from its own column."""
    return StrategyOrder(
        order_id=ORDER_ID,
        kind=StrategyKind.TRACK,
        uid=UID(2**63 - 1),
        contract_code="BTC-USD",
        symbol="BTC",
        direction=Direction.SELL,
        offset=Offset.CLOSE,
        volume=10**9,
        lever_rate=1000,
        order_price_type=StrategyPriceType.FORMULA_PRICE,
        trigger_type=TriggerType.GE,
        trigger_price=Decimal("60000.0"),
        trigger_ticks=600000,
        order_price=Decimal("59999.90"),
        created_at=Millis(1_764_000_000_000),
        status=StrategyStatus.FAILED,
        update_time=Millis(1_764_000_000_009),
        order_source="web",
        relation_order_id=OrderId(2**63 - 1),
        triggered_price=Decimal("60100.000000000000"),
        triggered_at=Millis(1_764_000_000_008),
        order_insert_at=Millis(1_764_000_000_007),
        canceled_at=Millis(1_764_000_000_006),
        fail_code=1048,
        fail_reason="Insufficient close amount available.",
        tpsl_order_type=TpslOrderType.SL,
        source_order_id=OrderId(1),
        relation_tpsl_order_id=OrderId(2),
        callback_rate=Decimal("0.001000000000000000"),
        is_active=True,
        market_limit_price=Decimal("61000.5"),
        formula_price=Decimal("60390.4"),
        real_volume=999,
    )


def view(order: StrategyOrder) -> dict[str, object]:
    return {
        f.name: str(v) if isinstance(v := getattr(order, f.name), Decimal) else v
        for f in fields(order)
    }


def test_every_field_comes_back_exactly() -> None:
    order = every_field_set()
    defaults = StrategyOrder(
        order.order_id, order.kind, order.uid, order.contract_code, order.symbol,
        order.direction, order.offset, order.volume, order.lever_rate, order.order_price_type,
        order.trigger_type, order.trigger_price, order.trigger_ticks, order.order_price,
        order.created_at,
    )  # fmt: skip
    assert sum(view(order)[k] != v for k, v in view(defaults).items()) == 18
    row = rows.strategy_order_row(order)
    assert len(row) == len(fields(StrategyOrder))
    back = rows.strategy_order_from(row, ContractRegistry.with_defaults())
    assert view(back) == view(order)
    assert str(back.triggered_price) == "60100.000000000000"  # the exponent too


def test_unset_fields_are_stored_as_null_and_come_back_unset() -> None:
    order = StrategyOrder(
        ORDER_ID, StrategyKind.TRIGGER, UID(1), "ETH-USD", "ETH", Direction.BUY, Offset.OPEN,
        1, None, StrategyPriceType.OPTIMAL_5, TriggerType.LE, Decimal("2000.01"), 200001,
        None, Millis(5),
    )  # fmt: skip
    row = dict(zip(COLUMNS, rows.strategy_order_row(order), strict=True))
    nulls = {name for name, value in row.items() if value is None}
    assert nulls == {
        "lever_rate", "order_price", "relation_order_id", "triggered_price", "triggered_at",
        "fail_code", "fail_reason", "tpsl_order_type", "source_order_id",
        "relation_tpsl_order_id", "callback_rate", "market_limit_price", "formula_price",
    }  # fmt: skip
    assert (row["is_active"], row["status"], row["kind"], row["update_time"]) == (
        0, 2, "trigger", 5,
    )  # fmt: skip
    back = rows.strategy_order_from(tuple(row.values()))
    assert view(back) == view(order)


BAD_VALUES: list[tuple[str, Any]] = [
    ("order_id", 0),
    ("order_id", "12"),
    ("kind", "plan"),
    ("kind", None),
    ("uid", 2**63),
    ("uid", None),
    ("contract_code", ""),
    ("symbol", 42),
    ("direction", "long"),
    ("offset", "both"),
    ("volume", 0),
    ("volume", 10**9 + 1),
    ("volume", "5"),
    ("volume", None),
    ("volume", True),
    ("lever_rate", 0),
    ("lever_rate", 1001),
    ("order_price_type", "market"),
    ("trigger_type", "gt"),
    ("trigger_price", "0"),
    ("trigger_price", "-60000"),
    ("trigger_price", "NaN"),
    ("trigger_price", "Infinity"),
    ("trigger_price", "sixty"),
    ("trigger_price", "1E+15"),
    ("trigger_price", "0.0000000000001"),
    ("trigger_price", None),
    ("trigger_price", b"60000"),
    ("trigger_ticks", 0),
    ("trigger_ticks", 2**63),
    ("order_price", "0"),
    ("created_at", -1),
    ("created_at", None),
    ("status", 3),
    ("status", 99),
    ("update_time", 1.5),
    ("order_source", ""),
    ("relation_order_id", 0),
    ("triggered_price", "-1"),
    ("triggered_at", -5),
    ("order_insert_at", None),
    ("canceled_at", "0"),
    ("fail_code", -1),
    ("fail_code", 2**31),
    ("fail_reason", ""),
    ("tpsl_order_type", "stop"),
    ("source_order_id", -3),
    ("relation_tpsl_order_id", 2**64),
    ("callback_rate", "0"),
    ("callback_rate", "1"),
    ("callback_rate", "-0.01"),
    ("callback_rate", "0.0000000000000000001"),
    ("is_active", 2),
    ("is_active", None),
    ("market_limit_price", "NaN"),
    ("formula_price", "-3"),
    ("real_volume", -1),
]


@pytest.mark.parametrize(("column", "value"), BAD_VALUES, ids=[f"{c}={v!r}" for c, v in BAD_VALUES])
def test_a_value_out_of_bounds_is_refused_naming_the_row_and_column(
    column: str, value: Any
) -> None:
    row = list(rows.strategy_order_row(every_field_set()))
    row[COLUMNS.index(column)] = value
    with pytest.raises(StorageError) as caught:
        rows.strategy_order_from(row)
    message = str(caught.value)
    assert "\n" not in message
    named = repr(value) if column == "order_id" else str(ORDER_ID)
    assert message.startswith(f"strategy order {named} in the store cannot be used: {column} ")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("contract_code", "XRP-USD", "not a listed contract"),
        ("symbol", "ETH", "is not BTC-USD's"),
        ("trigger_ticks", 600001, "is not trigger_ticks 600001 x the tick 0.1"),
        ("trigger_price", "60000.05", "is not trigger_ticks 600000 x the tick 0.1"),
    ],
)
def test_an_order_that_does_not_fit_its_contract_is_refused(
    column: str, value: Any, reason: str
) -> None:
    row = list(rows.strategy_order_row(every_field_set()))
    row[COLUMNS.index(column)] = value
    rows.strategy_order_from(row)  # within every bound on its own
    with pytest.raises(StorageError, match=reason) as caught:
        rows.strategy_order_from(row, ContractRegistry.with_defaults())
    assert str(caught.value).startswith(f"strategy order {ORDER_ID} in the store cannot be used")


def test_restart_reads_open_orders_by_the_domains_statuses_through_the_partial_index() -> None:
    statuses = ", ".join(str(int(s)) for s in StrategyStatus if s.is_open)
    predicates = (sql.STRATEGY_OPEN, sql.STRATEGY_FINISHED)
    assert predicates == (f"status IN ({statuses})", f"status NOT IN ({statuses})")
    for dialect in ("sqlite", "postgres"):
        (_, script), *_ = [m for m in sql.migrations(dialect) if m[0] == 4]
        assert f"WHERE {sql.STRATEGY_OPEN};" in script
        assert f"WHERE {sql.STRATEGY_FINISHED};" in script
