"""Every endpoint answers every field HTX documents for it, with HTX's JSON type, and nothing
HTX does not send (as HTX's own QA suite validates its answers), its numbers in plain digits on
the 1e-18 grid: one parametrized test over the table of tests/schema/endpoints.py, against one
exchange with something in every list (tests/schema/world.py). A route without an entry fails
the last test."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from starlette.routing import Route

from htx_sandbox.http.app import ROUTES
from htx_sandbox.http.core.endpoint import Endpoint
from tests.http.conftest import KEYS

from .endpoints import ENTRIES, Entry
from .types import EXPONENT, number_problems, problems
from .world import World

Served = tuple[asyncio.Runner, World]
AUTH: dict[str, str] = {
    f"{method} {route.path}": route.endpoint.auth
    for route in ROUTES
    if isinstance(route, Route) and isinstance(route.endpoint, Endpoint)  # the JSON API's
    for method in (route.methods or set()) - {"HEAD"}
}
"""Every JSON endpoint the app serves (http/core/endpoint.py), by "METHOD path": its auth."""


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One exchange for the whole table, on one event loop: the entries run in order."""
    runner = asyncio.Runner()
    world = World()
    try:
        runner.run(world.build())
        yield runner, world
    finally:
        runner.run(world.aclose())
        runner.close()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_the_answer_has_htx_s_fields_and_types(served: Served, entry: Entry) -> None:
    runner, world = served
    key = getattr(KEYS, entry.key)
    reply = runner.run(world.send(entry.method, entry.path, AUTH[entry.name], entry.request, key))
    succeeded = reply.get("status") == "ok" if "status" in reply else reply.get("code") == 200
    assert succeeded, reply
    found = problems(reply, entry.shape) + number_problems(reply)
    assert not found, "\n".join(found)
    assert not EXPONENT.search(world.last_text), world.last_text


ADMIN_PREFIX = "/sandbox-api/"


def test_every_route_has_a_schema_entry() -> None:
    """A new HTX endpoint fails here until the table knows its fields. The sandbox's own admin
    API is HTX's nowhere: its entries check what its docs say, but a new admin route may come
    without one."""
    named = [entry.name for entry in ENTRIES]
    htx_routes = {name for name in AUTH if not name.split(" ", 1)[1].startswith(ADMIN_PREFIX)}
    assert htx_routes - set(named) == set()
    assert set(named) - set(AUTH) == set(), "entries for routes the app does not serve"
    assert len(named) == len(set(named)), "an endpoint with two entries"
