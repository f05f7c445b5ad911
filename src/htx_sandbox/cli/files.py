"""Files the sandbox writes (the admin token, the demo credentials): whole or not at all.

A file is written under a temporary name in its own directory, synced, then renamed (or linked)
into place, and the directory synced, so that after a crash or a power loss the path holds the
old content or the whole new content, never an empty or half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: Path, text: str, *, replace: bool) -> None:
    """Write `text` (UTF-8) to `path`, readable and writable by the owner only.

    replace=False never replaces an existing file: FileExistsError then, and the file is left
    as it is (two processes creating the same file: one wins, the other reads its content).
    On any error the temporary file is removed and `path` is unchanged, except when only the
    final directory sync fails: `path` then already holds the whole new content."""
    directory = path.parent
    # mkstemp: O_EXCL and mode 0600 from the first byte, in the same file system as `path`.
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    temporary = Path(name)
    try:
        try:
            view = memoryview(text.encode("utf-8"))
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # atomic, and fails rather than replace
            os.unlink(temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    # The new name is durable only once the directory is.
    sync_directory(directory)


def sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
