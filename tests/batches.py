"""Commands the engine applies as one batch, whatever the machine's speed: what a busy
exchange does with commands that arrive together."""

from __future__ import annotations

import threading
from typing import Any

from htx_sandbox.domain.commands import Outcome
from htx_sandbox.service.engine import Engine

WAIT_S = 10


def one_batch(engine: Engine, *commands: Any) -> list[Outcome]:
    """Submit `commands` while the engine thread is held, so that it applies them as one batch;
    their outcomes."""
    held, release = threading.Event(), threading.Event()

    def hold(exchange: Any) -> None:
        held.set()
        release.wait(WAIT_S)

    engine.query(hold)
    try:
        assert held.wait(WAIT_S)
        futures = [engine.submit(command) for command in commands]
    finally:
        release.set()
    return [f.result(WAIT_S) for f in futures]
