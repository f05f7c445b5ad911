"""Data the stores must refuse, without changing it: corrupt files, other applications' files
and databases, a file or database already in use, a schema newer than the code.

Every refusal is a StorageError whose message is one line naming the file (or the database,
without its password); the refused file's bytes, and the refused database's tables, are exactly
as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, OrderPlaced, PlaceTriggerOrder
from htx_sandbox.domain.strategy_orders import StrategyPriceType, TriggerType
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import StorageError
from htx_sandbox.storage.postgres import PostgresStore
from htx_sandbox.storage.sqlite import APPLICATION_ID, SqliteStore

from .postgres import PostgresCluster

PASSWORD = "s3cret-pw"
T0 = Millis(1_764_000_000_000)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> dict[str, str]:
    """Every file in `folder` with its hash: nothing may appear beside a refused file."""
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def assert_one_line_naming(error: StorageError, name: str) -> None:
    message = str(error)
    assert message.strip(), "empty message"
    assert "\n" not in message.strip(), f"not one line: {message!r}"
    assert name in message, f"{name!r} not named in {message!r}"
    assert PASSWORD not in message, f"password leaked in {message!r}"


def refuse_sqlite(path: Path, *, expect: str | None = None) -> StorageError:
    """Open `path`, expecting a refusal that leaves it and its folder byte for byte as it was."""
    before = listing(path.parent)
    with pytest.raises(StorageError) as caught:
        SqliteStore(path)
    assert_one_line_naming(caught.value, str(path))
    if expect is not None:
        assert expect in str(caught.value)
    assert listing(path.parent) == before
    return caught.value


def make_store_file(path: Path) -> None:
    """A real, closed htx-sandbox database with some data in it."""
    store = SqliteStore(path)
    engine = Engine(store, ManualClock(T0))
    engine.start()
    engine.execute(OpenUser(UID(1)))
    engine.execute(Deposit(UID(1), "BTC", Decimal(1)))
    engine.stop()
    store.close()


# -- SQLite: files that are not ours ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(random.Random(1).randbytes(8192), id="random-bytes"),
        pytest.param(b"SQLite format 3\x00" + random.Random(2).randbytes(4080), id="bad-header"),
        pytest.param(b"hello, this is a text file\n" * 40, id="text"),
    ],
)
def test_corrupt_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.db"
    path.write_bytes(content)
    refuse_sqlite(path)
    assert path.read_bytes() == content


def test_truncated_database_is_refused_untouched(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    make_store_file(good)
    path = tmp_path / "truncated.db"
    path.write_bytes(good.read_bytes()[: 4096 + 100])
    refuse_sqlite(path)


def _other_app(path: Path, *, app_id: int = 0, meta_application: str | None = None) -> None:
    conn = sqlite3.connect(path)
    if app_id:
        conn.execute(f"PRAGMA application_id={app_id}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [("one",), ("two",)])
    if meta_application is not None:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('application', ?)", (meta_application,))
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "kind",
    ["plain", "own-application-id", "meta-of-another-app", "our-id-but-not-ours"],
)
def test_another_apps_sqlite_database_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "other.sqlite"
    if kind == "plain":
        _other_app(path)
    elif kind == "own-application-id":
        _other_app(path, app_id=0x12345678)
    elif kind == "meta-of-another-app":
        _other_app(path, meta_application="someone-else")
    else:
        # Our application id in the header, but a meta table naming another application.
        _other_app(path, app_id=APPLICATION_ID, meta_application="someone-else")
    digest = sha256(path)
    refuse_sqlite(path, expect="not an htx-sandbox database")
    assert sha256(path) == digest
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "users" not in tables and "orders" not in tables
        assert [r[0] for r in conn.execute("SELECT body FROM notes ORDER BY id")] == ["one", "two"]
    finally:
        conn.close()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a-directory"
    path.mkdir()
    with pytest.raises(StorageError) as caught:
        SqliteStore(path)
    assert_one_line_naming(caught.value, str(path))


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    """The one kind of existing file that is taken: an empty one (as `touch` leaves it)."""
    path = tmp_path / "empty.db"
    path.touch()
    store = SqliteStore(path)
    try:
        assert store.load(T0, retention_ms=1, client_id_window_ms=1) is None
    finally:
        store.close()
    (app_id,) = sqlite3.connect(path).execute("PRAGMA application_id").fetchone()
    assert app_id == APPLICATION_ID


# -- SQLite: a file in use -------------------------------------------------------------------


def test_file_locked_by_another_store_in_this_process(tmp_path: Path) -> None:
    path = tmp_path / "htx.db"
    first = SqliteStore(path)
    try:
        before = listing(tmp_path)
        with pytest.raises(StorageError) as caught:
            SqliteStore(path)
        assert_one_line_naming(caught.value, str(path))
        assert "in use" in str(caught.value)
        assert listing(tmp_path) == before
        # The refusal did not disturb the holder.
        assert first.load(T0, retention_ms=1, client_id_window_ms=1) is None
    finally:
        first.close()
    SqliteStore(path).close()  # free again once closed


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from htx_sandbox.storage.sqlite import SqliteStore
    store = SqliteStore(Path(sys.argv[1]))
    print("ready", flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """Another process holding tmp_path/htx.db open in a SqliteStore."""
    path = tmp_path / "htx.db"
    make_store_file(path)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        yield path, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def test_file_locked_by_another_process(
    holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, _proc = holder
    error = refuse_sqlite(path, expect="in use")
    assert "another running htx-sandbox" in str(error)


def test_lock_of_a_killed_process_is_gone(holder: tuple[Path, subprocess.Popen[str]]) -> None:
    """A crashed server leaves no stale lock: SIGKILL the holder, then the file opens."""
    path, proc = holder
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = SqliteStore(path)
    try:
        snapshot = store.load(T0, retention_ms=1, client_id_window_ms=1)
        assert snapshot is not None and set(snapshot.users) == {1}
    finally:
        store.close()


def test_another_process_is_refused_while_we_hold_the_file(tmp_path: Path) -> None:
    path = tmp_path / "htx.db"
    store = SqliteStore(path)
    try:
        script = textwrap.dedent(
            """
            import sys
            from pathlib import Path
            from htx_sandbox.service.ports import StorageError
            from htx_sandbox.storage.sqlite import SqliteStore
            try:
                SqliteStore(Path(sys.argv[1]))
            except StorageError as error:
                print("refused:", error)
            else:
                print("opened")
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        lines = result.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith("refused:"), result.stdout
        assert str(path) in lines[0] and "in use" in lines[0]
    finally:
        store.close()


# -- SQLite: a newer schema ------------------------------------------------------------------


def _set_schema_version(path: Path, version: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.commit()
    conn.close()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    original = tmp_path / "original.db"
    make_store_file(original)
    newer = tmp_path / "newer.db"
    shutil.copyfile(original, newer)
    _set_schema_version(newer, "999")
    error = refuse_sqlite(newer, expect="newer")
    assert "999" in str(error)
    # Still the copy we made, still version 999, and the original still opens.
    conn = sqlite3.connect(newer)
    assert dict(conn.execute("SELECT key, value FROM meta"))["schema_version"] == "999"
    conn.close()
    SqliteStore(original).close()


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_store(url: str) -> PostgresStore:
    return PostgresStore(url)


def _tables(cluster: PostgresCluster, database: str) -> dict[str, list[str]]:
    """Every table of the public schema with its rows, for before/after comparison."""
    with cluster.connect(database) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            ).fetchall()
        ]
        # Compared by repr: NaN, which NUMERIC holds, is unequal to itself.
        return {
            name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"').fetchall()))
            for name in names
        }


def refuse_pg(cluster: PostgresCluster, database: str, *, expect: str) -> StorageError:
    url = cluster.url(database, password=PASSWORD)
    before = _tables(cluster, database)
    with pytest.raises(StorageError) as caught:
        _pg_store(url)
    assert_one_line_naming(caught.value, database)
    assert expect in str(caught.value)
    assert _tables(cluster, database) == before
    return caught.value


def test_pg_database_with_foreign_tables_is_refused_untouched(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    with postgres_cluster.connect(postgres_database) as conn:
        conn.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO customers (name) VALUES ('ada'), ('grace')")
        conn.execute("CREATE TABLE orders (id int PRIMARY KEY, amount numeric)")
        conn.execute("INSERT INTO orders VALUES (1, 9.99)")
    refuse_pg(postgres_cluster, postgres_database, expect="not an htx-sandbox database")
    assert set(_tables(postgres_cluster, postgres_database)) == {"customers", "orders"}


def test_pg_database_with_another_apps_meta_is_refused_untouched(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    with postgres_cluster.connect(postgres_database) as conn:
        conn.execute("CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('application', 'someone-else')")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    refuse_pg(postgres_cluster, postgres_database, expect="not an htx-sandbox database")


def test_pg_newer_schema_is_refused_untouched(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    store = _pg_store(postgres_cluster.url(postgres_database))
    store.close()
    with postgres_cluster.connect(postgres_database) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    error = refuse_pg(postgres_cluster, postgres_database, expect="newer")
    assert "999" in str(error)


def test_second_pg_store_on_the_same_database_is_refused(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    url = postgres_cluster.url(postgres_database, password=PASSWORD)
    first = _pg_store(url)
    try:
        with pytest.raises(StorageError) as caught:
            _pg_store(url)
        assert_one_line_naming(caught.value, postgres_database)
        assert "in use" in str(caught.value)
        # The refusal did not disturb the holder.
        assert first.load(T0, retention_ms=1, client_id_window_ms=1) is None
    finally:
        first.close()


def test_pg_stores_on_two_databases_of_one_cluster_do_not_conflict(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    other = postgres_cluster.create_database()
    try:
        first = _pg_store(postgres_cluster.url(postgres_database))
        second = _pg_store(postgres_cluster.url(other))
        first.close()
        second.close()
    finally:
        postgres_cluster.drop_database(other)


class SlowCloseProxy:
    """A TCP proxy in front of the cluster that forwards every message at once except the
    client's goodbye (libpq's Terminate message, and the end of the stream), which it holds
    back until released, as a slow network or a pooler may: the server then learns of the
    disconnect only later, so only what a client did before closing is sure to have happened
    when its close() returns. Needs sslmode=disable and gssencmode=disable (plain protocol)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.release = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            threading.Thread(target=self._from_client, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _read(source: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = source.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _from_client(self, client: socket.socket, upstream: socket.socket) -> None:
        """Message by message: the startup packet (untyped), then typed messages."""
        with contextlib.suppress(OSError, EOFError):
            head = self._read(client, 4)
            upstream.sendall(head + self._read(client, int.from_bytes(head, "big") - 4))
            while True:
                head = self._read(client, 5)
                body = self._read(client, int.from_bytes(head[1:], "big") - 4)
                if head[:1] == b"X":  # Terminate: hold it back
                    self.release.wait(60)
                upstream.sendall(head + body)
        self.release.wait(60)
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.release.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()


def test_closing_a_pg_store_frees_the_database_at_once(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    """A restart reopens the database right after closing it: close() must release the
    advisory lock itself, not leave it to the server noticing the disconnect some time later
    (here: never, until the proxy lets the disconnect through)."""
    _pg_store(postgres_cluster.url(postgres_database)).close()  # migrated: later opens are quick
    proxy = SlowCloseProxy(postgres_cluster.port)
    try:
        via_proxy = (
            postgres_cluster.url(postgres_database, password=PASSWORD).replace(
                f":{postgres_cluster.port}/", f":{proxy.port}/"
            )
            + "?sslmode=disable&gssencmode=disable"
        )
        first = _pg_store(via_proxy)
        first.close()
        second = _pg_store(postgres_cluster.url(postgres_database))  # the restart
        second.close()
    finally:
        proxy.close()


def test_unreachable_pg_names_the_database_without_password() -> None:
    database = "htx_nowhere"
    with socket_closed_port() as port:
        url = f"postgresql://someone:{PASSWORD}@127.0.0.1:{port}/{database}?connect_timeout=5"
        with pytest.raises(StorageError) as caught:
            _pg_store(url)
    assert_one_line_naming(caught.value, database)
    assert "cannot connect" in str(caught.value)


class socket_closed_port:  # noqa: N801 - used as a context manager, reads as a function
    """A local TCP port with nothing listening on it (bound, never listened, while in use)."""

    def __enter__(self) -> int:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        port: int = self._socket.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self._socket.close()


# -- rows the domain could not use -----------------------------------------------------------


def make_strategy_store(open_store: Callable[[], SqliteStore | PostgresStore]) -> OrderId:
    """A closed store holding one waiting trigger order on BTC-USD; its id."""
    store = open_store()
    engine = Engine(store, ManualClock(T0))
    engine.start()
    try:
        engine.execute(OpenUser(UID(1)))
        engine.execute(Deposit(UID(1), "BTC", Decimal(1)))
        command = PlaceTriggerOrder(
            UID(1), "BTC-USD", TriggerType.GE, Decimal("70000"), Direction.BUY, Offset.OPEN, 1,
            StrategyPriceType.LIMIT, Decimal("70000"), 10,
        )  # fmt: skip
        placed = engine.execute(command).reply
        assert isinstance(placed, OrderPlaced)
    finally:
        engine.stop()
        store.close()
    return placed.order_id


STRATEGY_CORRUPTIONS = [
    pytest.param("status", "3", "status 3 is not valid", id="status-3"),
    pytest.param("kind", "'plan'", "kind 'plan' is not valid", id="unknown-kind"),
    pytest.param("volume", "0", "volume 0 is not 1 to", id="volume-0"),
    pytest.param("is_active", "7", "is_active 7 is not valid", id="is_active-7"),
    pytest.param(
        "contract_code",
        "'XRP-USD'",
        "contract_code 'XRP-USD' is not a listed contract",
        id="unlisted",
    ),
    pytest.param(
        "trigger_ticks", "12", "trigger_price 70000.0 is not trigger_ticks 12 x", id="ticks"
    ),
]


@pytest.mark.parametrize(("column", "value", "reason"), STRATEGY_CORRUPTIONS)
def test_a_strategy_order_out_of_bounds_is_refused_untouched(
    tmp_path: Path, column: str, value: str, reason: str
) -> None:
    """The store opens (its schema is fine), but the load that restart does refuses the row,
    and every row of the file is left as it was."""
    path = tmp_path / "htx.db"
    order_id = make_strategy_store(lambda: SqliteStore(path))
    conn = sqlite3.connect(path)
    conn.execute(f'UPDATE strategy_orders SET "{column}" = {value}')
    conn.commit()
    conn.close()
    before = _sqlite_tables(path)
    store = SqliteStore(path)
    try:
        with pytest.raises(StorageError) as caught:
            Engine(store, ManualClock(T0))
    finally:
        store.close()
    assert_one_line_naming(caught.value, str(path))
    assert f"strategy order {order_id} in the store cannot be used: {reason}" in str(caught.value)
    assert _sqlite_tables(path) == before


def _sqlite_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: conn.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    finally:
        conn.close()


def test_pg_strategy_order_out_of_bounds_is_refused_untouched(
    postgres_cluster: PostgresCluster, postgres_database: str
) -> None:
    """NUMERIC holds NaN, which no price may be."""
    url = postgres_cluster.url(postgres_database, password=PASSWORD)
    order_id = make_strategy_store(lambda: _pg_store(url))
    with postgres_cluster.connect(postgres_database) as conn:
        conn.execute("UPDATE strategy_orders SET trigger_price = 'NaN'")
    before = _tables(postgres_cluster, postgres_database)
    store = _pg_store(url)
    try:
        with pytest.raises(StorageError) as caught:
            Engine(store, ManualClock(T0))
    finally:
        store.close()
    assert_one_line_naming(caught.value, postgres_database)
    assert f"strategy order {order_id} in the store cannot be used: trigger_price NaN" in str(
        caught.value
    )
    assert _tables(postgres_cluster, postgres_database) == before
