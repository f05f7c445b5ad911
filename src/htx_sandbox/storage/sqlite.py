"""The embedded default store: one SQLite file, WAL mode, standard-library sqlite3."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..service.ports import Durability, StorageError
from .lock import FileLock
from .sql import RowWrite, SqlStore, statement

# Written into the file header so that the file says whose it is ("HTXS").
APPLICATION_ID = 0x48545853
DEFAULT_MAX_BOUND_VALUES = 32766


def split_statements(script: str) -> list[str]:
    """The statements of a migration file (no semicolons inside its literals)."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class SqliteStore(SqlStore):
    dialect = "sqlite"
    mark = "?"
    # A full disk, a read-only file system, an I/O error or a lock: the file, not the data.
    outage_errors = (sqlite3.OperationalError, OSError)

    def __init__(self, path: Path, *, durability: Durability = "normal") -> None:
        super().__init__(str(path))
        self.path = path
        self._lock = FileLock(path)
        try:
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # Values one multi-row statement binds: SQLite's default limit, or the build's if
            # lower (a higher one would only make huge statement texts).
            limit = self._conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            self._max_bound_values = min(DEFAULT_MAX_BOUND_VALUES, limit)
            self._check_identity()
            self._check_version()  # read-only: a refused file is never written
            # WAL: readers never block the writer, and a commit is one sequential append.
            # synchronous=NORMAL survives a process crash; FULL also survives power loss.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}")
            self._conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self._migrate()
        except sqlite3.Error as error:
            self._close_quietly()
            message = f"{path}: cannot use this file as an htx-sandbox database ({error})"
            raise StorageError(message) from None
        except BaseException:
            self._close_quietly()
            raise

    def _check_identity(self) -> None:
        """Refuse, before writing anything, a file that holds another application's data."""
        (app_id,) = self._conn.execute("PRAGMA application_id").fetchone()
        (tables,) = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            raise StorageError(f"{self.path}: not an htx-sandbox database")

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
        self._lock.release()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterable[tuple[Any, ...]]:
        return self._conn.execute(sql, params)

    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, params)

    def _write_rows(self, write: RowWrite, rows: Sequence[Sequence[Any]]) -> None:
        """All the rows in one statement (in chunks under SQLite's limit of bound values)
        rather than executemany's one per row: sqlite3 gives up and retakes the GIL around every
        statement it steps, and under load each retake waits for the event loop's thread, so a
        commit of fewer statements ends sooner (about 5% more signed writes/s over HTTP)."""
        if len(rows) == 1:
            self._conn.execute(statement(write, "?"), rows[0])
            return
        per_statement = max(1, self._max_bound_values // len(rows[0]))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            self._conn.execute(statement(write, "?", len(chunk)), [v for r in chunk for v in r])

    def _begin(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _has_table(self, name: str) -> bool:
        found = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return found is not None

    def _has_foreign_tables(self) -> bool:
        (tables,) = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return bool(tables)

    def _run_script(self, sql: str) -> None:
        for each in split_statements(sql):
            self._conn.execute(each)

    def _tables(self) -> list[str]:
        found = self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        ).fetchall()
        return [name for (name,) in found]

    def close(self) -> None:
        self._conn.close()
        self._lock.release()
