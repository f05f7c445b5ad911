"""The sync clients are generated from the async ones (scripts/unasync.py): the same public
methods with the same signatures, coroutines on one side only."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from htx_sandbox.client import AdminClient, AsyncAdminClient, AsyncHtxSwapClient, HtxSwapClient

PAIRS = [(HtxSwapClient, AsyncHtxSwapClient), (AdminClient, AsyncAdminClient)]
ASYNC_NAME = {"close": "aclose"}  # httpx's naming: the only public name that differs


def public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["swap", "admin"])
def test_the_same_public_members(sync: type, async_: type) -> None:
    assert {ASYNC_NAME.get(name, name) for name in public(sync)} == public(async_)


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["swap", "admin"])
def test_the_same_signatures(sync: type, async_: type) -> None:
    for name in public(sync):
        blocking: Any = getattr(sync, name)
        awaited: Any = getattr(async_, ASYNC_NAME.get(name, name))
        if isinstance(blocking, property):
            assert isinstance(awaited, property), name
            assert inspect.signature(blocking.fget) == inspect.signature(awaited.fget), name
            continue
        assert inspect.signature(blocking) == inspect.signature(awaited), name
        assert not inspect.iscoroutinefunction(blocking), name
        assert inspect.iscoroutinefunction(awaited), name


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["swap", "admin"])
def test_the_same_constructor_parameters(sync: type, async_: type) -> None:
    """Names, kinds and defaults; only the transport's type differs (httpx's sync and async
    transports)."""

    def shape(cls: type) -> list[tuple[str, Any, Any]]:
        params = inspect.signature(cls.__init__).parameters.values()
        return [(p.name, p.kind, p.default) for p in params]

    assert shape(sync) == shape(async_)
