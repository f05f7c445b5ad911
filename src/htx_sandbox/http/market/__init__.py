"""HTX's market data under /swap-ex/market/: the book, the 24-hour overview, the trades and
their klines; and the klines of sampled series under /index/market/history/ (the mark price,
the premium index and the estimated funding rate), and the basis of trade and index prices.

These answer in HTX's market-data shape, not the /swap-api/ envelope:
`{"ch": "market.BTC-USD.<topic>", "status": "ok", "tick": {...}, "ts": ...}`, and errors with
hyphenated keys and string codes: `{"ts": ..., "status": "error", "err-code": "invalid-request",
"err-msg": "invalid contract code"}` (HTTP 200, as every HTX business error).

HTX counts both sides of a match in its public volumes: a match of 3 contracts is printed with
amount 6 on the tape and adds 6 to the 24-hour vol (and 2 to count). `fields.SIDES` applies that.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import basis, bbo, depth, funding_klines, index_klines, klines, overview, trades

routes: list[BaseRoute] = [
    *depth.routes,
    *bbo.routes,
    *overview.routes,
    *trades.routes,
    *klines.routes,
    *index_klines.routes,
    *funding_klines.routes,
    *basis.routes,
]
