"""Reset and snapshots: the test controls that bring the whole exchange back to a known state
without a restart (the admin API's /reset and /snapshots, the CLI, the pytest plugin).

Each is one engine job (Engine.rebuild): the commands before it commit first, the store changes
in one transaction (a copy of its tables, never a replay), memory is rebuilt from the store and
whatever keeps a copy of the exchange starts over from it (market data, the maker, the rebuild
listeners such as WebSocket sessions), then the commands after it apply. The price source's
feeds follow under its lock: after a reset every contract walks as on a new exchange; a snapshot
keeps fixed values and paths beside the store's tables and a restore sets them again.

Calls block until done: call them from a worker thread, never from the event loop.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from ..domain.commands import Command
from .api_keys import ApiKeyCommand
from .clock import Clock
from .engine import Engine
from .fixtures import Fixtures, check
from .ports import SnapshotError, SnapshotInfo, Store
from .price_source import PriceSource

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A snapshot's name: 1 to 64 letters, digits, ".", "_" or "-", not starting with a sign."""
TIMEOUT_S = 120.0
"""A reset or restore of a large store copies every row: generous, but never for ever."""


class StateControl:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        prices: PriceSource | None = None,
        fixtures: Fixtures | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.prices = prices
        self.fixtures = fixtures
        """What a reset brings the exchange back to (None: empty)."""
        self._lock = threading.Lock()  # one reset, save or restore at a time

    def reset(self, *, fixtures: Fixtures | None = None, empty: bool = False) -> None:
        """Empty the exchange (its contracts stay), then apply `fixtures`, else the configured
        ones unless `empty`. Bad fixtures raise FixturesError with nothing changed."""
        chosen = None if empty else (fixtures or self.fixtures)
        with self._lock, self._prices_held():
            after: tuple[Command | ApiKeyCommand, ...] = ()
            if chosen is not None:
                contracts = self.engine.query(lambda exchange: exchange.contracts).result()
                check(chosen, contracts, self.clock.now())
                after = chosen.commands
            self.engine.rebuild(_reset, "reset", after).result(TIMEOUT_S)
            if self.prices is not None:
                self.prices.start_over()

    def save(self, name: str) -> SnapshotInfo:
        """Save the whole state as `name` (SnapshotError if the name is bad or taken)."""
        check_name(name)
        with self._lock, self._prices_held():
            feeds = self.prices.saved() if self.prices is not None else {}
            now = self.clock.now()

            def save(store: Store) -> SnapshotInfo:
                exchange_time = self.engine.exchange.state.now  # on the engine thread
                info = SnapshotInfo(name, now, exchange_time, json.dumps({"feeds": feeds}))
                store.save_snapshot(info)
                return info

            return self.engine.in_turn(save).result(TIMEOUT_S)

    def restore(self, name: str) -> SnapshotInfo:
        """Bring back the state saved as `name` (SnapshotError if there is none)."""
        check_name(name)
        with self._lock, self._prices_held():
            info = self.engine.rebuild(lambda s: s.restore_snapshot(name), "restore").result(
                TIMEOUT_S
            )
            if self.prices is not None:
                self.prices.start_over(_feeds(info))
            return info

    def snapshots(self) -> list[SnapshotInfo]:
        return self.engine.in_turn(lambda store: store.snapshots()).result(TIMEOUT_S)

    def delete(self, name: str) -> None:
        """Forget a snapshot (SnapshotError if there is none)."""
        check_name(name)
        with self._lock:
            if not self.engine.in_turn(lambda store: store.delete_snapshot(name)).result(
                TIMEOUT_S
            ):
                raise SnapshotError(f'no snapshot named "{name}"')

    @contextmanager
    def _prices_held(self) -> Iterator[None]:
        with self.prices.held() if self.prices is not None else nullcontext():
            yield


def check_name(name: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise SnapshotError(
            f'bad snapshot name "{name[:80]}": 1 to 64 letters, digits, ".", "_" or "-"'
        )


def _reset(store: Store) -> None:
    store.reset()


def _feeds(info: SnapshotInfo) -> dict[str, Any]:
    try:
        extra = json.loads(info.extra)
        feeds = extra.get("feeds", {})
    except (ValueError, AttributeError):
        return {}
    return feeds if isinstance(feeds, dict) else {}

