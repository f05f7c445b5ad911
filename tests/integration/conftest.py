"""Fixtures for the integration tests: a store of every kind, reopenable for restarts.

`store_factory` is parametrized over "memory", "sqlite" and "postgres". Calling it opens a store;
calling it again after closing the first opens the same data again (the same SQLite file, the same
PostgreSQL database, the very same MemoryStore object), which is what a restart needs. Every store
it opened is closed after the test.

Tests that use PostgreSQL (the "postgres" parameter, or the `postgres_url`/`postgres_cluster`
fixtures) get the `postgres` marker, so `pytest -m postgres` runs just them and `-m "not postgres"`
leaves them out.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from htx_sandbox.domain.accounts import Account
from htx_sandbox.domain.contracts import Contract
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order, Trade
from htx_sandbox.domain.positions import Holding
from htx_sandbox.domain.strategy_orders import StrategyOrder
from htx_sandbox.service.ports import Store
from htx_sandbox.storage.memory import MemoryStore
from htx_sandbox.storage.sqlite import SqliteStore

from .postgres import (  # noqa: F401 - fixtures, registered by being imported here
    postgres_cluster,
    postgres_database,
    postgres_url,
)

STORE_KINDS = ("memory", "sqlite", "postgres")
POSTGRES_FIXTURES = frozenset({"postgres_cluster", "postgres_database", "postgres_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "postgres: needs the throwaway PostgreSQL cluster (select with -m postgres; skipped "
        "without the server binaries unless CI is set)",
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        uses_kind = callspec is not None and callspec.params.get("store_kind") == "postgres"
        fixtures = set(getattr(item, "fixturenames", ()))
        if uses_kind or fixtures & POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)


class StoreFactory:
    """Opens the store of one kind over the same data each time it is called."""

    def __init__(self, kind: str, *, path: Path | None = None, url: str | None = None) -> None:
        self.kind = kind
        self.path = path
        self.url = url
        self._memory = MemoryStore() if kind == "memory" else None
        self.opened: list[Store] = []

    def __call__(self) -> Store:
        store: Store
        if self._memory is not None:
            store = self._memory
        elif self.kind == "sqlite":
            assert self.path is not None
            store = SqliteStore(self.path)
        else:
            assert self.url is not None
            from htx_sandbox.storage.postgres import PostgresStore

            store = PostgresStore(self.url)
        self.opened.append(store)
        return store

    def close_all(self) -> None:
        for store in reversed(self.opened):
            with contextlib.suppress(Exception):
                store.close()


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def store_factory(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[StoreFactory]:
    if store_kind == "memory":
        factory = StoreFactory("memory")
    elif store_kind == "sqlite":
        factory = StoreFactory("sqlite", path=tmp_path / "htx.sqlite3")
    else:
        url: str = request.getfixturevalue("postgres_url")
        factory = StoreFactory("postgres", url=url)
    try:
        yield factory
    finally:
        factory.close_all()


# -- views for comparing state exactly -------------------------------------------------------
# Decimals are shown as their text, so "equal" means the same digits and exponent, not merely
# the same number: a restart must not turn "0.000500000000000000" into "0.0005".


def exact(value: object) -> object:
    """Decimals as text (exact digits), enums and everything else as they are."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def trade_view(trade: Trade) -> dict[str, object]:
    return {f.name: exact(getattr(trade, f.name)) for f in dataclasses.fields(trade)}


def order_view(order: Order) -> dict[str, object]:
    view = {name: exact(getattr(order, name)) for name in Order.__slots__ if name != "trades"}
    view["trades"] = [trade_view(t) for t in order.trades]
    return view


def account_view(account: Account) -> dict[str, object]:
    return {f.name: exact(getattr(account, f.name)) for f in dataclasses.fields(account)}


def contract_view(contract: Contract) -> dict[str, object]:
    return {f.name: exact(getattr(contract, f.name)) for f in dataclasses.fields(contract)}


def holding_view(holding: Holding) -> dict[str, object]:
    """Positions and lever rate: what a holding row stores."""
    return {
        "uid": holding.uid,
        "contract_code": holding.contract_code,
        "lever_rate": holding.lever_rate,
        "long": (
            holding.long.volume, holding.long.frozen, str(holding.long.cost_value),
            str(holding.long.open_value),
        ),
        "short": (
            holding.short.volume, holding.short.frozen, str(holding.short.cost_value),
            str(holding.short.open_value),
        ),
    }


def holding_full_view(holding: Holding) -> dict[str, object]:
    """A live holding: the stored fields plus its open-order index and counters."""
    return {
        **holding_view(holding),
        "open_orders": list(holding.open_orders),
        "opening_orders": holding.opening_orders,
        "close_orders": holding.close_orders,
    }


def is_blank(holding: Holding) -> bool:
    """A holding nothing was ever recorded in (the state creates these lazily on lookups)."""
    return (
        holding.lever_rate is None
        and not holding.open_orders
        and not (holding.long.volume or holding.long.frozen or holding.long.cost_value)
        and not (holding.short.volume or holding.short.frozen or holding.short.cost_value)
    )


def book_view(exchange: Exchange) -> dict[str, dict[str, list[tuple[int, list[int]]]]]:
    """Every contract's book, level by level from the best price, with the order ids of each
    level in time priority: (price ticks, [order ids])."""
    view: dict[str, dict[str, list[tuple[int, list[int]]]]] = {}
    for contract in exchange.contracts:
        book = exchange.state.books.get(contract.contract_code)
        if book is None:
            view[contract.contract_code] = {"bids": [], "asks": []}
            continue
        view[contract.contract_code] = {
            "bids": [(ticks, list(level)) for ticks, level in book.bids.levels()],
            "asks": [(ticks, list(level)) for ticks, level in book.asks.levels()],
        }
    return view


def strategy_view(order: StrategyOrder) -> dict[str, object]:
    """Every field of a strategy order (Decimals as their exact text)."""
    return {name: exact(getattr(order, name)) for name in StrategyOrder.__slots__}


def strategy_book_view(exchange: Exchange) -> dict[str, object]:
    """The strategy orders and every index over them: what fires them (the trigger books'
    live entries, the activated trailing orders), what arms and resizes attached legs, what
    cancel-all and the count limits read."""
    book = exchange.state.strategies
    return {
        "orders": {oid: strategy_view(o) for oid, o in sorted(book.orders.items())},
        "books": {
            code: sorted(
                (o.trigger_type.value, o.trigger_ticks, oid) for oid, o in trigger.live.items()
            )
            for code, trigger in sorted(book.books.items())
            if trigger.live
        },
        "tracking": {code: sorted(t) for code, t in sorted(book.tracking.items()) if t},
        "attached": {
            source: [leg.order_id for leg in legs]
            for source, legs in sorted(book.attached.items())
            if legs
        },
        "by_owner": {
            (uid, code, kind.value): sorted(owned)
            for (uid, code, kind), owned in sorted(book.by_owner.items())
        },
        "open_per_kind": {
            (uid, kind.value): n for (uid, kind), n in sorted(book.open_per_kind.items())
        },
        "finished": sorted(book.finished),
    }


def state_view(exchange: Exchange) -> dict[str, object]:
    """Everything a restart must bring back, in comparable form."""
    state = exchange.state
    return {
        "contracts": {c.contract_code: contract_view(c) for c in state.contracts},
        "users": sorted(state.users),
        "accounts": {key: account_view(a) for key, a in sorted(state.accounts.items())},
        "holdings": {
            key: holding_full_view(h)
            for key, h in sorted(state.holdings.items())
            if not is_blank(h)
        },
        "orders": {oid: order_view(o) for oid, o in sorted(state.orders.items())},
        "books": book_view(exchange),
        "strategies": strategy_book_view(exchange),
        "client_orders": dict(sorted(state.client_orders.items())),
        "cancel_after": dict(sorted(state.cancel_after.items())),
        "fee_pool": {k: str(v) for k, v in sorted(state.fee_pool.items())},
        "last_price": {k: str(v) for k, v in sorted(state.last_price.items())},
        "index_prices": {
            k: (str(v), state.index_times[k]) for k, v in sorted(state.index_prices.items())
        },
        "price_bands": {k: str(v) for k, v in sorted(state.price_bands.items())},
        "last_order_id": state.order_ids.last,
        "last_trade_id": state.trade_ids.last,
        "last_fill_id": state.last_fill_id,
        "funding": {
            "next_sample": state.next_sample,
            "next_settlement": state.next_settlement,
            "window_end": state.window_end,
            "premiums": {
                code: (str(p.total), p.samples, exact(p.last), p.last_at)
                for code, p in sorted(state.premiums.items())
            },
            "settlement_fills": {
                code: (f.volume, str(f.value))
                for code, f in sorted(state.settlement_fills.items())
                if f.volume
            },
            "funding_pool": {k: str(v) for k, v in sorted(state.funding_pool.items())},
            "last_record_id": state.last_record_id,
        },
    }
