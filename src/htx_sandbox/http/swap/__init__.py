"""HTX's /swap-api/ paths, one module per family: trade, lightning, orders, account, matches,
public, reference, trigger and strategy (the cancels and queries of every strategy kind),
tpsl, track, prices (the index and the price band)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    account,
    lightning,
    matches,
    orders,
    prices,
    public,
    reference,
    strategy,
    tpsl,
    track,
    trade,
    trigger,
)

routes: list[BaseRoute] = [
    *trade.routes,
    *lightning.routes,
    *orders.routes,
    *account.routes,
    *matches.routes,
    *public.routes,
    *reference.routes,
    *trigger.routes,
    *strategy.routes,
    *tpsl.routes,
    *track.routes,
    *prices.routes,
]
