"""Run bench_storage.py throughput against SQLite and a throwaway PostgreSQL cluster (fsync on).

    python bench/storage_with_postgres.py [--repeat 3] [--places 6400]

Uses the test suite's cluster helper (tests/integration/postgres.py): the server binaries must be
installed (apt-get install postgresql).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.postgres import PostgresCluster  # noqa: E402


def main() -> None:
    with PostgresCluster(durable=True) as cluster:
        url = cluster.url(cluster.create_database("bench"))
        command = [sys.executable, str(ROOT / "bench" / "bench_storage.py"), "throughput"]
        subprocess.run([*command, "--pg-url", url, *sys.argv[1:]], check=True)


if __name__ == "__main__":
    main()
