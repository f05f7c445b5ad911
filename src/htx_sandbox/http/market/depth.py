"""The order book: `GET /swap-ex/market/depth?contract_code=&type=stepN`.

type=step0-5, 14, 15 answer up to 150 levels and step6-13 up to 20. On HTX every step other
than step0 and step6 merges levels at a coarser price; HTX does not document those precisions, so
the sandbox answers unmerged levels for every step.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Level, Reads
from ..core.body import unsigned
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketError, MarketReply
from . import fields

DEPTH_150 = frozenset({0, 1, 2, 3, 4, 5, 14, 15})
DEPTH_20 = frozenset(range(6, 14))


def levels(call: Call) -> tuple[str, int]:
    """type=stepN: N in 0-5, 14, 15 gives up to 150 levels, 6-13 up to 20."""
    step = call.param("type")
    if not step:
        raise MarketError("type cannot be empty")
    digits = step.removeprefix("step")
    number = unsigned(digits) if digits != step else None
    if number is not None and str(number) == digits:
        if number in DEPTH_150:
            return step, 150
        if number in DEPTH_20:
            return step, 20
    raise MarketError("invalid type")


@market_data
async def depth(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.contract(call, market)
    step, count = levels(call)

    def read(reads: Reads) -> tuple[list[Level], list[Level], int]:
        bids, asks = reads.depth(code, count)
        return bids, asks, market.last_trade_id(code)

    bids, asks, mrid = await call.read(read)
    ch = f"market.{code}.depth.{step}"
    tick: dict[str, Any] = {
        "mrid": mrid,
        "id": now // 1000,
        "bids": [fields.level(b) for b in bids],
        "asks": [fields.level(a) for a in asks],
        "ts": now,
        "version": now // 1000,
        "ch": ch,
    }
    return MarketReply(ch, now, tick=tick)


routes = [Route("/swap-ex/market/depth", depth, methods=["GET"])]
