"""HTX's /swap-api/ paths, one module per family: trade, lightning, orders, account, matches,
public, reference, track."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import account, lightning, matches, orders, public, reference, track, trade

routes: list[BaseRoute] = [
    *trade.routes,
    *lightning.routes,
    *orders.routes,
    *account.routes,
    *matches.routes,
    *public.routes,
    *reference.routes,
    *track.routes,
]
