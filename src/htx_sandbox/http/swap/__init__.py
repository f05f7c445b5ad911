"""HTX's /swap-api/ paths, one module per family: trade, lightning, orders, account, matches,
public, reference, trigger and strategy (the cancels and queries of every strategy kind),
tpsl, track, open_interest, funding (public funding and settlement data) and financial (a
UID's financial and settlement records)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    account,
    financial,
    funding,
    lightning,
    matches,
    open_interest,
    orders,
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
    *open_interest.routes,
    *funding.routes,
    *financial.routes,
]
