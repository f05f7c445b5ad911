"""storage/columns.py: one column spec gives a table's column list, row builder and reader."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.storage import rows
from htx_sandbox.storage.columns import Column, Table


class Inner:
    def __init__(self) -> None:
        self.size = 0


class Thing:
    def __init__(self, key: int, label: str, kind: str = "plain") -> None:
        self.key = key
        self.label = label
        self.kind = kind
        self.amount = Decimal(0)
        self.inner = Inner()


KINDS = {"p": "plain", "f": "fancy"}
THINGS = Table(
    Thing,
    [
        Column("key"),
        Column('"label"'),
        Column("kind", out=lambda kind: kind[0], back=KINDS),
        Column("amount", out=str, back=Decimal),
        Column("inner_size", "inner.size"),
    ],
)


def test_columns_row_and_reader_follow_the_spec() -> None:
    assert THINGS.columns == ("key", '"label"', "kind", "amount", "inner_size")
    thing = Thing(7, "seven", "fancy")
    thing.amount = Decimal("1.50")
    thing.inner.size = 3
    row = THINGS.row(thing)
    assert row == (7, "seven", "f", "1.50", 3)
    back = THINGS.read(row)
    assert (back.key, back.label, back.kind, back.amount, back.inner.size) == (
        7, "seven", "fancy", Decimal("1.50"), 3,
    )  # fmt: skip
    assert THINGS.value(row, "amount") == "1.50"


def test_a_builder_of_some_columns_in_the_order_asked() -> None:
    thing = Thing(1, "one")
    assert THINGS.builder("amount", "key")(thing) == ("0", 1)


def test_a_constructor_parameter_no_column_holds_is_refused() -> None:
    with pytest.raises(TypeError, match="label"):
        Table(Thing, [Column("key")])


def test_the_stores_tables_name_their_columns_once() -> None:
    for table in (
        rows.CONTRACT_TABLE, rows.ACCOUNT_TABLE, rows.HOLDING_TABLE, rows.ORDER_TABLE,
        rows.TRADE_TABLE, rows.API_KEY_TABLE, rows.STRATEGY_ORDER_TABLE,
    ):  # fmt: skip
        assert len(set(table.columns)) == len(table.columns)
    assert set(rows.ORDER_STATE_COLUMNS) <= set(rows.ORDER_COLUMNS)


def test_unreadable_names_the_first_column_its_reader_refuses() -> None:
    good = (7, "seven", "f", "1.50", 3)
    assert THINGS.unreadable(good) is None
    assert THINGS.unreadable((7, "seven", "x", "1.50", 3)) == ("kind", "x")
    assert THINGS.unreadable((7, "seven", "f", "one", 3)) == ("amount", "one")
    assert THINGS.unreadable((7, "seven", "x", "one", 3)) == ("kind", "x")
