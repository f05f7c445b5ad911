"""The sandbox's WebSocket services on a real uvicorn, for the feeds' tests: every fixture of
tests/ws/conftest.py (``server`` and what it needs; the engine, clock and store are
tests/client/conftest.py's, the same ones), which a test module takes with

    from .ws_served import *  # noqa: F403

(a module's own ``ws_settings`` overrides the default). ``base_url(served)`` is the REST base
URL, which the feeds take as well."""

from __future__ import annotations

from _pytest.fixtures import FixtureFunctionDefinition

from tests.ws import conftest as _ws
from tests.ws.conftest import UID1, UID2, Served, place

_SHARED = {"anyio_backend", "clock", "engine", "store"}
"""tests/client/conftest.py has these (tests/http's), and tests/ws takes the same."""
FIXTURES = sorted(
    name
    for name, value in vars(_ws).items()
    if isinstance(value, FixtureFunctionDefinition) and name not in _SHARED
)
globals().update({name: getattr(_ws, name) for name in FIXTURES})

__all__ = ["UID1", "UID2", "Served", "base_url", "place", *FIXTURES]

def base_url(served: Served) -> str:
    return f"http://127.0.0.1:{served.port}"
