"""The 24-hour overview: `GET /swap-ex/market/detail/merged?contract_code=` (ccxt's
fetch_ticker), and its batch form for every contract, or one, as `ticks`:
`GET /swap-ex/market/detail/batch_merged` (v1, ccxt's fetch_tickers) and
`GET /v2/swap-ex/market/detail/batch_merged`, where `vol` is the USD turnover and `number_of`
the contracts (HTX's v2 example: vol = number_of x the contract's face value)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain.types import Millis
from ...service.market import MarketData, Summary
from ...service.queries import Level, Reads
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketReply
from ..core.wire import text
from . import fields
from .fields import SIDES


@dataclass(frozen=True, slots=True)
class _Overview:
    code: str
    contract_size: Decimal
    bids: list[Level]
    asks: list[Level]
    summary: Summary


def _overviews(reads: Reads, market: MarketData, codes: list[str], now: int) -> list[_Overview]:
    found = []
    for code in codes:
        contract = reads.contract(code)
        bids, asks = reads.depth(code, 1)
        summary = market.summary(code, Millis(now))
        if summary is None:  # no trade in 24 h: the latest price (never the mark), nothing traded
            latest = reads.latest_price(contract)
            summary = Summary(latest, latest, latest, latest, 0, Decimal(0), 0)
        found.append(_Overview(code, contract.contract_size, bids, asks, summary))
    return found


def _tick(o: _Overview, now: int) -> dict[str, Any]:
    s = o.summary
    return {
        "amount": text(s.value * SIDES),
        "ask": fields.level(o.asks[0]) if o.asks else [],
        "bid": fields.level(o.bids[0]) if o.bids else [],
        "close": text(s.close),
        "count": s.count * SIDES,
        "high": text(s.high),
        "id": now // 1000,
        "low": text(s.low),
        "open": text(s.open),
        "ts": now,
        "vol": str(s.volume * SIDES),
    }


@market_data
async def detail_merged(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.contract(call, market)
    [overview] = await call.read(lambda reads: _overviews(reads, market, [code], now))
    return MarketReply(f"market.{code}.detail.merged", now, tick=_tick(overview, now))


def _codes(call: Call, market: MarketData) -> list[str]:
    code = fields.optional_contract(call, market)
    return [code] if code is not None else market.contract_codes()


@market_data
async def batch_merged(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    codes = _codes(call, market)
    overviews = await call.read(lambda reads: _overviews(reads, market, codes, now))
    ticks = [{"contract_code": o.code, **_tick(o, now)} for o in overviews]
    return MarketReply(None, now, ticks=ticks)


@market_data
async def batch_merged_v2(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    codes = _codes(call, market)
    overviews = await call.read(lambda reads: _overviews(reads, market, codes, now))
    ticks = []
    for o in overviews:
        contracts = o.summary.volume * SIDES
        tick = {"contract_code": o.code, **_tick(o, now)}
        tick["vol"] = text(o.contract_size * contracts)
        tick["number_of"] = str(contracts)
        ticks.append(tick)
    return MarketReply(None, now, ticks=ticks)


routes = [
    Route("/swap-ex/market/detail/merged", detail_merged, methods=["GET"]),
    Route("/swap-ex/market/detail/batch_merged", batch_merged, methods=["GET"]),
    Route("/v2/swap-ex/market/detail/batch_merged", batch_merged_v2, methods=["GET"]),
]
