"""The sandbox's WebSocket services on a real uvicorn, for the feeds' tests: tests/ws/conftest.py's
fixtures (``server`` and what it needs), which a test module takes with

    from .ws_served import *  # noqa: F403

(a module's own ``ws_settings`` overrides the default). ``base_url(served)`` is the REST base
URL, which the feeds take as well."""

from __future__ import annotations

from tests.ws.conftest import UID1, UID2, Served, place, send_buffer, server, ws_settings

__all__ = ["UID1", "UID2", "Served", "base_url", "place", "send_buffer", "server", "ws_settings"]


def base_url(served: Served) -> str:
    return f"http://127.0.0.1:{served.port}"
