"""`htx-sandbox replay --data-dir DIR --until TIME --into NEWDIR`: the exchange's state at a
past moment, rebuilt from DIR's journal into a new data directory, which `serve --data-dir
NEWDIR` then serves (with a token of its own) for inspection (service/replay.py)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from ..domain.types import Millis
from ..service.ports import StorageError
from ..service.replay import ReplayError, replay
from ..storage.sqlite import SqliteStore
from .serve import DATABASE_FILE, CommandError

MAX_MS = 2**53
"""Times beyond this are no exchange's (JavaScript's safe integers, HTX's timestamps)."""


def parse_time(text: str) -> Millis:
    """Milliseconds since the epoch, or an ISO 8601 time (UTC unless it says otherwise)."""
    value = text.strip()
    if value.isdigit() and value.isascii():
        ms = int(value)
    else:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected milliseconds or an ISO 8601 time, got {text!r}"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        ms = int(when.timestamp() * 1000)
    if not 0 <= ms <= MAX_MS:
        raise argparse.ArgumentTypeError(f"time out of range: {text!r}")
    return Millis(ms)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "replay",
        help="rebuild the exchange's state at a past moment into a new data directory",
        description="Apply the journal of DIR's exchange (every accepted command, with its "
        "time) up to TIME to a new exchange in NEWDIR. Stop the server of DIR first.",
    )
    parser.add_argument("--data-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument(
        "--until",
        type=parse_time,
        default=Millis(MAX_MS),
        metavar="TIME",
        help="ms since the epoch or an ISO 8601 time, e.g. 2026-12-01T18:30:00Z "
        "(default: the whole journal)",
    )
    parser.add_argument("--into", type=Path, required=True, metavar="NEWDIR")
    parser.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    source_path = args.data_dir / DATABASE_FILE
    if not source_path.is_file():
        raise CommandError(f"{source_path}: no such database")
    target_path = args.into / DATABASE_FILE
    if target_path.exists():
        raise CommandError(f"{target_path} exists already: replay into a new directory")
    try:
        args.into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create {args.into}: {error.strerror}") from None
    try:
        source = SqliteStore(source_path)
    except StorageError as error:
        raise CommandError(str(error)) from None
    try:
        target = SqliteStore(target_path)
        try:
            done = replay(source, target, args.until)
        finally:
            target.close()
    except (StorageError, ReplayError) as error:
        target_path.unlink(missing_ok=True)
        raise CommandError(str(error)) from None
    finally:
        source.close()
    at = datetime.fromtimestamp(done.exchange_time / 1000, UTC).isoformat(timespec="milliseconds")
    print(
        f"replayed {done.commands} commands ({done.refused} refused, as they were) up to "
        f"{done.exchange_time} ({at}) into {target_path}"
    )
    return 0
