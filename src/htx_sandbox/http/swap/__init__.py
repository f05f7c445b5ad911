"""HTX's /swap-api/ paths, one module per family: trade, lightning, orders, account, matches,
public, reference, trigger and strategy (the cancels and queries of every strategy kind),
tpsl, track, limits (what the API lets a UID do), assets (what it holds), open_interest,
funding (public funding and settlement data), financial (a UID's financial and settlement
records), prices (the index and the price band) and risk (adjust factors, the insurance fund,
the liquidation feed) and history (the order history with HTX's query_id paging)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    account,
    assets,
    financial,
    funding,
    history,
    lightning,
    limits,
    matches,
    open_interest,
    orders,
    prices,
    public,
    reference,
    risk,
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
    *limits.routes,
    *assets.routes,
    *open_interest.routes,
    *funding.routes,
    *financial.routes,
    *prices.routes,
    *risk.routes,
    *history.routes,
]
