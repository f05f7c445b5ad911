"""An exclusive lock on the data file itself, so that two servers never share one.

flock(2) locks are independent of the POSIX record locks SQLite takes on the same file, and the
kernel drops them when the process dies, so a crash never leaves a stale lock behind. Locking the
file itself, rather than a lock file beside it, leaves nothing behind next to a file we refuse.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..service.ports import StorageError


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageError(f"{path}: cannot open: {error.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            raise StorageError(f"{path}: in use by another running htx-sandbox") from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
