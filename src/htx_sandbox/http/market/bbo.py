"""The best bid and offer: `GET /swap-ex/market/bbo?contract_code=` (every contract without it):
`{"status":"ok","ticks":[{"contract_code","ask":[price,volume],"bid":[...],"mrid","ts"}],"ts"}`,
a side `null` while the book has nothing on it."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketReply
from . import fields


@market_data
async def bbo(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.optional_contract(call, market)
    codes = [code] if code is not None else market.contract_codes()

    def read(reads: Reads) -> list[dict[str, Any]]:
        ticks = []
        for each in codes:
            bids, asks = reads.depth(each, 1)
            ticks.append({
                "contract_code": each,
                "ask": fields.level(asks[0]) if asks else None,
                "bid": fields.level(bids[0]) if bids else None,
                "mrid": market.last_trade_id(each),
                "ts": now,
            })  # fmt: skip
        return ticks

    return MarketReply(None, now, ticks=await call.read(read))


routes = [Route("/swap-ex/market/bbo", bbo, methods=["GET"])]
