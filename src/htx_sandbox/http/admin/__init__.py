"""The sandbox's admin API under /sandbox-api/v1/: accounts, deposits, API keys, contracts, a
look at open orders, the exchange's health, and index prices; and what the dashboard
(/sandbox/) reads and does: positions, strategy orders, history, fills, a contract's market and
cancels on a UID's behalf. Not part of HTX's API: it stands
in for HTX's web console.

Every request carries ``Authorization: Bearer <admin token>``; a missing or wrong token (or no
token configured at all) is answered HTTP 401 before the body is read, so it changes nothing.
Everything else answers HTTP 200 in HTX's v1 envelope with HTX's codes for bad input. Writes go
through the engine like every other change; reads run on the engine thread, after those writes
commit.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    accounts,
    cancels,
    clock,
    contracts,
    faults,
    health,
    history,
    index_prices,
    keys,
    market,
    orders,
    positions,
    runtime,
    sessions,
    state,
    strategy_orders,
)

routes: list[BaseRoute] = [
    *health.routes,
    *accounts.routes,
    *keys.routes,
    *contracts.routes,
    *orders.routes,
    *index_prices.routes,
    *positions.routes,
    *strategy_orders.routes,
    *history.routes,
    *cancels.routes,
    *market.routes,
    *clock.routes,
    *faults.routes,
    *runtime.routes,
    *sessions.routes,
    *state.routes,
]
