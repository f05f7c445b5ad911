"""The dispatch table of domain/handlers.py covers the Command union exactly: a new command
type fails here until it has a handler."""

from __future__ import annotations

from typing import get_args

from htx_sandbox.domain.commands import Command
from htx_sandbox.domain.handlers import HANDLERS


def test_every_command_type_has_a_handler() -> None:
    commands = set(get_args(Command))
    assert commands, "Command is no longer a union of types"
    assert commands - set(HANDLERS) == set(), "command types without a handler"
    assert set(HANDLERS) - commands == set(), "handlers of types outside the Command union"
