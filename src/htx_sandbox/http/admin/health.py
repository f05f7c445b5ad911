"""`GET /health`: what the exchange can do now (engine, store, writes, reads) and why."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..core.endpoint import Call, admin
from . import fields


@admin
async def health(call: Call) -> Any:
    """Read from the engine's own record, never through its queue, so it answers while the
    store is down too."""
    engine = call.gateway.engine
    state = engine.health
    return {
        "engine": "running" if engine.running else "stopped",
        "store": "available" if state.store_available else "unavailable",
        "writes": "accepted" if engine.running and state.store_available else "refused",
        "reads": "served" if engine.running and state.memory_current else "refused",
        "unavailable_since": state.since,
        "last_error": state.last_error,
        "store_failures": state.store_failures,
        "refused_commands": state.refused_commands,
        "dropped_timers": state.dropped_timers,
        "commits": engine.commits,
    }


routes = [Route(f"{fields.PREFIX}/health", health, methods=["GET"])]
