"""A throwaway PostgreSQL cluster for tests, started once per session from the server binaries.

Usage from any test package::

    from tests.integration.postgres import (  # noqa: F401 - fixtures
        postgres_cluster,
        postgres_database,
        postgres_url,
    )

    def test_something(postgres_url: str) -> None:
        store = PostgresStore(postgres_url)       # a fresh, empty database of its own

`postgres_cluster` (session scope) initialises a cluster in a temporary directory, listening on
127.0.0.1 on a free port (and on a unix socket in that directory), with trust authentication;
`postgres_database`/`postgres_url` (function scope) hand each test an empty database of its own.
A database is created (CREATE DATABASE, unique name) when none is free; after the test, every
session still connected to it is ended (waiting until each has gone, so no advisory lock
survives), every schema in it is dropped and an empty `public` recreated, and it goes back to a
free list for a later test: resetting takes milliseconds where creating takes hundreds.
`PostgresCluster` can also be used directly as a context manager.

When the binaries (initdb, pg_ctl) or psycopg are missing, the fixtures skip with a reason that
says how to install them, except when the environment variable CI is set: CI must run these tests,
so there they fail loudly instead. initdb refuses to run as root; as root the cluster runs as the
`postgres` OS user (runuser), on a directory owned by it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import pytest

INSTALL_HINT = "install the PostgreSQL server with `apt-get install postgresql`"
ADMIN_DATABASE = "postgres"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60


class ClusterUnavailableError(RuntimeError):
    """This machine cannot start a cluster (binaries, psycopg or OS user missing)."""


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def unavailable(reason: str) -> NoReturn:
    """Skip with `reason` on a developer's machine; fail loudly in CI, which must run the tests."""
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: $PG_BINDIR, then PATH, then the newest
    /usr/lib/postgresql/<version>/bin (Debian and Ubuntu keep the server binaries there)."""
    override = os.environ.get("PG_BINDIR")
    candidates: list[Path] = [Path(override)] if override else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True
    )
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresCluster:
    """One throwaway cluster: `start()` (or `with`) initialises and starts it, `stop()` stops it
    and deletes its directory. `create_database()` hands out a fresh database URL."""

    def __init__(self, bindir: Path | None = None, *, durable: bool = False) -> None:
        """`durable` keeps fsync on (for benchmarks); tests run faster without it."""
        self.durable = durable
        found = bindir or find_bindir()
        if found is None:
            raise ClusterUnavailableError(
                "the PostgreSQL server binaries (initdb, pg_ctl) were not found; " + INSTALL_HINT
            )
        self.bindir = found
        try:
            import psycopg
        except ImportError:
            raise ClusterUnavailableError(
                "psycopg is not installed: pip install -e '.[dev]'"
            ) from None
        self._psycopg = psycopg
        self._run_as: list[str] = []
        self._owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailableError(
                    "running as root, and initdb refuses root, but there is no `postgres` OS "
                    "user to run the cluster as; " + INSTALL_HINT
                ) from None
            self._run_as = ["runuser", "-u", "postgres", "--"]
        self.port = 0
        self.root: Path | None = None
        self.running = False
        self._free: list[str] = []
        self._free_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> PostgresCluster:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def datadir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None
        return self.root

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [*self._run_as, str(self.bindir / args[0]), *args[1:]]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
        )

    def start(self) -> None:
        # /tmp, not $TMPDIR: the postgres user must be able to reach the directory.
        parent = "/tmp" if self._owner is not None and os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="htx-pg-", dir=parent))
        if self._owner is not None:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        atexit.register(self.stop)
        init = self._run(
            "initdb", "-D", str(self.datadir), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            self._give_up("initdb failed", init)
        for _attempt in range(3):
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} "
                "-c max_connections=100"
            )
            if not self.durable:
                options += " -c fsync=off -c full_page_writes=off"
            started = self._run(
                "pg_ctl", "start", "-D", str(self.datadir), "-w", "-t", str(START_TIMEOUT_S),
                "-l", str(self.root / "server.log"), "-o", options,
            )  # fmt: skip
            if started.returncode == 0:
                self.running = True
                return
        self._give_up("pg_ctl start failed", started)

    def _give_up(self, what: str, result: subprocess.CompletedProcess[str]) -> NoReturn:
        log = ""
        if self.root is not None and (self.root / "server.log").exists():
            log = (self.root / "server.log").read_text(errors="replace")[-2000:]
        output = (result.stdout + result.stderr)[-2000:]
        self.stop()
        raise RuntimeError(f"{what} (exit {result.returncode}):\n{output}\n{log}")

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is worth keeping) and delete its files."""
        if self.running:
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w")
            self.running = False
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    # -- databases -------------------------------------------------------------------------

    def url(self, database: str, *, password: str | None = None) -> str:
        """A libpq URL for `database`; trust authentication ignores any password given."""
        credentials = SUPERUSER if password is None else f"{SUPERUSER}:{password}"
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = ADMIN_DATABASE) -> Any:
        """An autocommit psycopg connection, for setting up or inspecting a database."""
        return self._psycopg.connect(self.url(database), autocommit=True)

    def create_database(self, prefix: str = "htx_test") -> str:
        """A new empty database with a unique name; returns its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending any session still connected to it (a test's unclosed store)."""
        self.disconnect_all(name)
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def disconnect_all(self, name: str) -> None:
        """End every session connected to `name` and wait until they have all exited (their
        advisory locks go only then)."""
        others = (
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        with self.connect() as conn:
            conn.execute(f"SELECT pg_terminate_backend(pid) {others}", (name,))
            deadline = time.monotonic() + START_TIMEOUT_S
            while conn.execute(f"SELECT count(*) {others}", (name,)).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sessions on database {name} did not end")
                time.sleep(0.002)

    def reset_database(self, name: str) -> None:
        """Make `name` empty again: no sessions, no schema but an empty `public`."""
        self.disconnect_all(name)
        with self.connect(name) as conn:
            schemas = [
                row[0]
                for row in conn.execute(
                    "SELECT nspname FROM pg_namespace "
                    "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
                ).fetchall()
            ]
            for schema in schemas:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.execute("CREATE SCHEMA public")
        self.disconnect_all(name)

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """An empty database for the duration of the block (reused later, once reset)."""
        with self._free_lock:
            name = self._free.pop() if self._free else None
        if name is None:
            name = self.create_database()
        try:
            yield name
        finally:
            try:
                self.reset_database(name)
            except Exception:
                with contextlib.suppress(Exception):
                    self.drop_database(name)
            else:
                with self._free_lock:
                    self._free.append(name)


# -- pytest fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's cluster, started on first use; skipped (or failed in CI) when unavailable."""
    try:
        cluster = PostgresCluster()
    except ClusterUnavailableError as error:
        unavailable(str(error))
    with cluster:
        yield cluster


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The name of an empty database of this test's own (reset and reused after the test)."""
    with postgres_cluster.fresh_database() as name:
        yield name


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster, postgres_database: str) -> str:
    """A URL of a fresh, empty database of this test's own."""
    return postgres_cluster.url(postgres_database)
