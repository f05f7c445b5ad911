"""A table's columns named once: the column list, the row builder and the row reader all come
from one spec, so that no code picks a value out of a row by its position.

The builder and the reader are generated once per table as plain functions (the way dataclasses
generates __init__): a commit builds a row per changed order and a restart reads one per open
order, and a loop calling a converter per column would cost both about twice as much.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
Row = Sequence[Any]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    """As SQL names it (quoted where it is a keyword, e.g. '"offset"')."""
    attr: str = ""
    """The attribute it holds, a dotted path for a nested one ("long.volume"); by default the
    name, unquoted."""
    out: Callable[[Any], Any] | None = None
    """The stored value from the attribute's; None stores the attribute as it is."""
    back: Callable[[Any], Any] | Mapping[Any, Any] | None = None
    """The attribute from the stored value: a function, or a mapping to look it up in (a
    subscript costs less than a call); None keeps the stored value."""

    def __post_init__(self) -> None:
        if not self.attr:
            object.__setattr__(self, "attr", self.name.strip('"'))


class Table(Generic[T]):
    """The columns of one table and the objects of type T its rows hold."""

    def __init__(self, make: Callable[..., T], columns: Sequence[Column]) -> None:
        self._columns = {column.name: column for column in columns}
        self.columns = tuple(self._columns)
        """The column names, in row order: what SQL statements list."""
        self.row: Callable[[T], Row] = self.builder(*self.columns)
        """The whole row of an object."""
        self.read: Callable[[Row], T] = _reader(make, columns)
        """The object of a whole row (as `columns` selects it)."""

    def builder(self, *names: str) -> Callable[[T], Row]:
        """A function building the row of just these columns, in this order (an UPDATE's)."""
        columns = [self._columns[name] for name in names]
        env: dict[str, Any] = {}
        values = []
        for i, column in enumerate(columns):
            value = f"obj.{column.attr}"
            if column.out is not None:
                env[f"out{i}"] = column.out
                value = f"out{i}({value})"
            values.append(value)
        source = f"return ({', '.join(values)},)"
        return cast("Callable[[T], Row]", _compile("build", "obj", source, env))

    def value(self, row: Row, name: str) -> Any:
        """One stored value of a whole row, by column name (for messages, not for reading)."""
        return row[self.columns.index(name)]

    def unreadable(self, row: Row) -> tuple[str, Any] | None:
        """The first column of a whole row whose stored value its reader refuses, with that
        value; None when every value reads. For messages once `read` has failed: it converts
        column by column, which `read` does not pay for."""
        for name, stored in zip(self.columns, row, strict=True):
            back = self._columns[name].back
            try:
                if isinstance(back, Mapping):
                    back[stored]
                elif back is not None:
                    back(stored)
            except (LookupError, ValueError, ArithmeticError, TypeError):
                return name.strip('"'), stored
        return None


def _reader(make: Callable[..., T], columns: Sequence[Column]) -> Callable[[Row], T]:
    """Unpacks the row, passes the constructor's parameters positionally (keywords cost more)
    and assigns the remaining attributes after construction."""
    env: dict[str, Any] = {"make": make}
    names = [f"c{i}" for i in range(len(columns))]
    values = {}
    for i, column in enumerate(columns):
        value, back = names[i], column.back
        if isinstance(back, Mapping):
            env[f"back{i}"] = back
            value = f"back{i}[{value}]"
        elif back is not None:
            env[f"back{i}"] = back
            value = f"back{i}({value})"
        values[column.attr] = value
    args = []
    for parameter in inspect.signature(make).parameters.values():
        if parameter.name not in values:
            if parameter.default is inspect.Parameter.empty:
                raise TypeError(f"{make!r} needs {parameter.name}, which no column holds")
            break  # the rest take their defaults or are assigned below
        args.append(values.pop(parameter.name))
    lines = [
        f"{', '.join(names)}, = row",
        f"obj = make({', '.join(args)})",
        *(f"obj.{attr} = {value}" for attr, value in values.items()),
        "return obj",
    ]
    return cast("Callable[[Row], T]", _compile("read", "row", "\n    ".join(lines), env))


def _compile(name: str, argument: str, body: str, env: dict[str, Any]) -> Any:
    source = f"def {name}({argument}):\n    {body}\n"
    exec(compile(source, f"<{name} of a table>", "exec"), env)
    return env[name]
