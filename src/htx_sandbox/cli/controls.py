"""The test-control commands over the admin API (docs/test-controls.md): `clock show | freeze
| live | speed N | advance DURATION`, `faults arm | list | clear`, `cancel-delay show | set`,
`rate-limits show | set | clear`, `sessions close [--uid N]`, and `prices play CODE FILE`
(added to admin.py's `prices`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..client import AdminClient
from . import tables
from .admin import DEFAULT_URL, SubParsers, _command, _common, command_group, command_leaf
from .price_files import PriceFileError, read_points
from .serve import CommandError
from .values import argtype, duration_between, integer_between, positive_integer

MAX_ADVANCE_MS = 366 * 86_400_000
ADVANCE = argtype(duration_between(0, MAX_ADVANCE_MS, "0", "366d"), "duration")
SPEED = argtype(integer_between(1, 100_000), "speed")
DELAY = argtype(duration_between(0, 60_000, "0", "60s"), "duration")
FAULT_DELAY = argtype(duration_between(1, 60_000, "1ms", "60s"), "duration")
COUNT = argtype(integer_between(1, 1_000_000), "count")
LIMIT = argtype(integer_between(0, 1_000_000), "limit")
UID = argtype(positive_integer, "uid")
CODE = argtype(integer_between(1, 99_999), "err_code")
STATUS = argtype(integer_between(400, 599), "http_status")
ADVANCE_TIMEOUT_S = 300.0
"""An advance answers once everything it passed is committed: a day through an index path
takes seconds (a stop before each premium sample), a year of settlements longer."""
MAX_PATH_POINTS = 1000
"""What one index path holds (http/admin/index_prices.py)."""


def add_parsers(commands: SubParsers) -> None:
    common = _common()

    def group(name: str, help_text: str) -> SubParsers:
        return command_group(commands, name, help_text)

    def leaf(
        parent: SubParsers, name: str, help_text: str, action: Any, render: Any = tables.record
    ) -> argparse.ArgumentParser:
        return command_leaf(parent, name, help_text, action, render, common)

    clock = group("clock", "show, freeze, run, speed up or advance the exchange clock")
    leaf(clock, "show", "the exchange's time, mode and speed", lambda a, _: a.clock())
    leaf(clock, "freeze", "stop the exchange clock", lambda a, _: a.set_clock("frozen"))
    leaf(clock, "live", "run it at the wall clock's pace", lambda a, _: a.set_clock("live"))
    p = leaf(clock, "speed", "run it N times the wall clock's pace",
             lambda a, args: a.set_clock("scaled", args.speed))  # fmt: skip
    p.add_argument("speed", type=SPEED, metavar="N", help="1 to 100000")
    p = leaf(clock, "advance", "move it forward at once (what falls due runs, in order)",
             lambda a, args: a.advance_clock(args.duration))  # fmt: skip
    p.add_argument("duration", type=ADVANCE, metavar="DURATION", help="e.g. 90s, 15m, 8h, 2d")
    p.set_defaults(timeout_s=ADVANCE_TIMEOUT_S)

    faults = group("faults", "make HTX paths fail on purpose")
    p = leaf(faults, "arm", "the next requests to a path fail as told", _arm)
    p.add_argument("path", metavar="PATH", help="an HTX path, e.g. /swap-api/v1/swap_order")
    p.add_argument("--uid", type=UID, default=None, help="only this UID's requests")
    p.add_argument("--count", type=COUNT, default=1, help="how many requests (default 1)")
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--err-code", type=CODE, default=None, help="answer this HTX error")
    kind.add_argument("--http-status", type=STATUS, default=None, help="answer this status")
    kind.add_argument("--delay", type=FAULT_DELAY, default=None, metavar="DURATION",
                      help="hold each request back this long, then serve it")  # fmt: skip
    kind.add_argument("--drop", action="store_true", help="close the connection, no answer")
    leaf(faults, "list", "the armed faults and what remains of them",
         lambda a, _: a.faults(), _faults_table)  # fmt: skip
    leaf(faults, "clear", "disarm every fault", lambda a, _: {"cleared": a.clear_faults()})

    delay = group("cancel-delay", "how long a cancel stays in status 11 (cancelling)")
    leaf(delay, "show", "the cancel delay", lambda a, _: {"cancel_delay_ms": a.cancel_delay()})
    p = leaf(delay, "set", "set it from now on",
             lambda a, args: {"cancel_delay_ms": a.set_cancel_delay(args.duration)})  # fmt: skip
    p.add_argument("duration", type=DELAY, metavar="DURATION", help="0 to 60s, e.g. 1500ms")

    limits = group("rate-limits", "per-UID rate limits, at run time")
    leaf(limits, "show", "the defaults and each UID's own limits",
         lambda a, _: a.rate_limits(), _limits_table)  # fmt: skip
    p = leaf(limits, "set", "a UID's requests per 3 s window",
             lambda a, args: a.set_rate_limit(args.uid, trade=args.trade, read=args.read),
             _limits_table)  # fmt: skip
    p.add_argument("--uid", type=UID, required=True)
    p.add_argument("--trade", type=LIMIT, default=None, help="trade bucket (orders, cancels)")
    p.add_argument("--read", type=LIMIT, default=None, help="read bucket (queries)")
    p = leaf(limits, "clear", "back to the defaults",
             lambda a, args: a.clear_rate_limits(args.uid), _limits_table)  # fmt: skip
    p.add_argument("--uid", type=UID, default=None, help="default: every UID")

    sessions = group("sessions", "WebSocket sessions")
    p = leaf(sessions, "close", "close sessions (code 1012, as a server restart): a UID's or all",
             lambda a, args: {"closed": a.close_sessions(args.uid)})  # fmt: skip
    p.add_argument("--uid", type=UID, default=None,
                   help="that UID's /swap-notification sessions (default: every session)")


def add_play(
    prices: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """`prices play CODE FILE`, in admin.py's `prices` group."""
    p = prices.add_parser("play", help="follow a price path from a CSV of time,price or klines",
                          parents=[common])  # fmt: skip
    p.set_defaults(command=_command(_play, tables.index_price))
    p.add_argument("code", metavar="CODE")
    p.add_argument("file", type=Path, metavar="FILE",
                   help="CSV of time,price rows or klines (- reads stdin)")  # fmt: skip
    p.add_argument("--as-is", action="store_true",
                   help="keep the file's times (default: its first row plays now, on the "
                        "exchange clock)")  # fmt: skip


def _arm(admin: AdminClient, args: argparse.Namespace) -> Any:
    return admin.arm_fault(
        args.path, uid=args.uid, count=args.count, err_code=args.err_code,
        http_status=args.http_status, delay_ms=args.delay, drop=args.drop,
    )  # fmt: skip


def _play(admin: AdminClient, args: argparse.Namespace) -> Any:
    file: Path = args.file
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{file}: not UTF-8 text") from None
    try:
        points = read_points(text)
    except PriceFileError as error:
        raise CommandError(f"{file}: {error}") from None
    if len(points) > MAX_PATH_POINTS:
        raise CommandError(
            f"{file}: {len(points)} points; a path holds at most {MAX_PATH_POINTS} (use longer "
            "bars, or split the file and play the parts in turn)"
        )
    if args.as_is:
        return admin.set_index_path(args.code.upper(), points)
    return admin.play_index_path(args.code.upper(), points)


def _faults_table(data: Any) -> str:
    rows = data if isinstance(data, list) else []
    return tables.table(
        ["ID", "PATH", "UID", "FAULT", "REMAINING"],
        [[r.get("fault_id"), r.get("path"), r.get("uid"), _fault_kind(r), r.get("remaining")]
         for r in rows if isinstance(r, dict)],
    )  # fmt: skip


def _fault_kind(row: dict[str, Any]) -> str:
    for name in ("err_code", "http_status", "delay_ms"):
        if row.get(name) is not None:
            return f"{name}={row[name]}"
    return "drop"


def _limits_table(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    defaults = data.get("defaults") or {}
    rows = [["default", *(defaults.get(b, {}).get("limit") for b in ("trade", "read"))]]
    rows += [[u.get("uid"), u.get("trade"), u.get("read")] for u in data.get("uids") or []]
    return tables.table(["UID", "TRADE", "READ"], rows)


__all__ = ["DEFAULT_URL", "add_parsers", "add_play"]
