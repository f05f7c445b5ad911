"""The 24-hour overview: `GET /swap-ex/market/detail/merged?contract_code=`."""

from __future__ import annotations

from decimal import Decimal

from starlette.routing import Route

from ...domain.types import Millis
from ...service.market import Summary
from ...service.queries import Level, Reads
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketReply
from ..core.wire import text
from . import fields
from .fields import SIDES


@market_data
async def detail_merged(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.contract(call, market)

    def read(reads: Reads) -> tuple[list[Level], list[Level], Decimal, Summary | None]:
        bids, asks = reads.depth(code, 1)
        latest = reads.latest_price(reads.contract(code))
        return bids, asks, latest, market.summary(code, Millis(now))

    bids, asks, latest, summary = await call.read(read)
    if summary is None:  # no trade in 24 h: the last price, nothing traded
        summary = Summary(latest, latest, latest, latest, 0, Decimal(0), 0)
    tick = {
        "amount": text(summary.value * SIDES),
        "ask": fields.level(asks[0]) if asks else [],
        "bid": fields.level(bids[0]) if bids else [],
        "close": text(summary.close),
        "count": summary.count * SIDES,
        "high": text(summary.high),
        "id": now // 1000,
        "low": text(summary.low),
        "open": text(summary.open),
        "ts": now,
        "vol": str(summary.volume * SIDES),
    }
    return MarketReply(f"market.{code}.detail.merged", now, tick=tick)


routes = [Route("/swap-ex/market/detail/merged", detail_merged, methods=["GET"])]
