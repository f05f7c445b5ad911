"""The store for shared deployments: PostgreSQL through psycopg 3 (extra `postgres`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..service.ports import Durability, StorageError
from .sql import SqlStore

# One advisory lock per database: a second server on the same database is refused.
ADVISORY_LOCK_KEY = 0x48545853


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


class PostgresStore(SqlStore):
    dialect = "postgres"
    mark = "%s"

    def __init__(self, url: str, *, durability: Durability = "normal") -> None:
        super().__init__(redact(url))
        try:
            import psycopg
        except ImportError:
            raise StorageError(
                "PostgreSQL support is not installed: pip install 'htx-swap-sandbox[postgres]'"
            ) from None
        self._psycopg = psycopg
        # A lost or refused connection, a full disk: the server, not the data.
        self.outage_errors = (psycopg.OperationalError, psycopg.InterfaceError, OSError)
        self._url = url
        self._durability = durability
        self._conn = self._connect()
        try:
            self._migrate()
        except psycopg.Error as error:
            self._conn.close()
            raise StorageError(f"{self.name}: {_first_line(error)}") from None
        except BaseException:
            self._conn.close()
            raise

    def _connect(self) -> Any:
        """A session with the durability set and the database's advisory lock held."""
        psycopg = self._psycopg
        try:
            conn = psycopg.connect(self._url, autocommit=False)
        except psycopg.Error as error:
            raise StorageError(f"{self.name}: cannot connect: {_first_line(error)}") from None
        try:
            with conn.cursor() as cursor:
                synchronous = "on" if self._durability == "full" else "off"
                cursor.execute(f"SET synchronous_commit = {synchronous}")
                cursor.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
                row = cursor.fetchone()
            conn.commit()
            if row is None or not row[0]:
                raise StorageError(f"{self.name}: in use by another running htx-sandbox")
        except psycopg.Error as error:
            conn.close()
            raise StorageError(f"{self.name}: {_first_line(error)}") from None
        except BaseException:
            conn.close()
            raise
        return conn

    def recover(self) -> None:
        """A lost session is opened again (its advisory lock retaken) before the probe."""
        if self._conn.closed or self._conn.broken:
            self._conn.close()
            self._conn = self._connect()
        super().recover()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A query outside a commit: end its implicit transaction either way, so that a failed
        read never leaves the connection aborted for the next commit."""
        try:
            return self._execute(sql, params)
        finally:
            self._conn.rollback()

    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(sql, params)

    def _begin(self) -> None:
        """psycopg opens a transaction on the first statement."""

    def _commit(self) -> None:
        self._conn.commit()

    def _rollback(self) -> None:
        self._conn.rollback()

    def _has_table(self, name: str) -> bool:
        (found,) = self._execute("SELECT to_regclass(%s) IS NOT NULL", (name,))[0]
        return bool(found)

    def _has_foreign_tables(self) -> bool:
        (count,) = self._execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )[0]
        return bool(count)

    def _run_script(self, sql: str) -> None:
        self._execute(sql)

    def _tables(self) -> list[str]:
        found = self._execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return [str(name) for (name,) in found]

    def close(self) -> None:
        # The server frees a session's advisory lock only once the backend has exited, which
        # can lag the disconnect; unlocking first lets the next server start at once.
        try:
            self._conn.rollback()
            self._execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
            self._conn.commit()
        except self._psycopg.Error:
            pass
        self._conn.close()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
