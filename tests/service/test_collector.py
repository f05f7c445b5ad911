"""The server's use of the cyclic collector: survivors of a full pass are frozen, and garbage
is still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from htx_sandbox.service.collector import freeze_survivors


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def freezing() -> Iterator[None]:
    stop = freeze_survivors()
    try:
        yield
    finally:
        stop()
        gc.unfreeze()


@pytest.mark.usefixtures("freezing")
def test_what_survives_a_full_pass_is_frozen_and_later_passes_skip_it() -> None:
    kept = [Node() for _ in range(1000)]
    before = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() >= before + len(kept)
    assert not any(gc.is_tracked(n) and n in gc.get_objects(generation=2) for n in kept[:3])


@pytest.mark.usefixtures("freezing")
def test_frozen_objects_are_still_freed_when_nothing_refers_to_them() -> None:
    node = Node()
    gc.collect()  # node is frozen now
    ref = weakref.ref(node)
    del node
    assert ref() is None


@pytest.mark.usefixtures("freezing")
def test_a_cycle_made_after_the_last_pass_is_still_collected() -> None:
    a, b = Node(), Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    del a, b
    gc.collect()
    assert ref() is None


def test_stopping_leaves_the_collector_as_it_was() -> None:
    callbacks = list(gc.callbacks)
    stop = freeze_survivors()
    stop()
    gc.unfreeze()
    gc.collect()
    assert gc.get_freeze_count() == 0
    assert gc.callbacks == callbacks
