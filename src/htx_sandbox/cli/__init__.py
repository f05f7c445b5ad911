"""The `htx-sandbox` command."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from . import admin, controls, replay, serve
from .serve import CommandError

PROG = "htx-sandbox"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A self-hosted exchange that speaks HTX's Coin-Margined Swap API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    serve.add_parser(commands)
    admin.add_parsers(commands)
    controls.add_parsers(commands)
    replay.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status instead of exiting."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            # Same shape as argparse's own usage errors: usage and one line on stderr, status 2.
            parser.error("a command is required")
        status: int = args.command(args)
    except SystemExit as exc:  # argparse exits for --version, --help and usage errors
        return _exit_status(exc)
    except CommandError as error:
        sys.stderr.write(f"{PROG}: error: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return status


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1
