"""The public tape: the last round of matching (`GET /swap-ex/market/trade`) and a batch of
recent trades (`GET /swap-ex/market/history/trade?contract_code=&size=`, ccxt's fetch_trades),
both read from the in-memory tape (service/market.py).

history/trade: `size` 1-2000 (default 1), newest match first, grouped per match (one taker
order's round of matching, HTX's match id), each fill with its own id, ascending in a group:
`{"ch": "market.BTC-USD.trade.detail", "status": "ok", "ts": ..., "data": [{"id", "ts",
"data": [{"amount", "quantity", "direction", "id", "price", "ts"}]}]}`, amount, quantity and price
as JSON numbers.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...service.market import Print
from ..core.body import unsigned
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketError, MarketReply
from ..core.wire import num, text
from . import fields
from .fields import SIDES

HISTORY_MAX_SIZE = 2000
MAX_AGE_MS = 90 * 86_400_000
"""history/trade answers trades of the last 90 days at most."""


def _print(p: Print) -> dict[str, Any]:
    return {
        "amount": str(p.volume * SIDES),
        "quantity": text(p.value * SIDES),
        "direction": p.direction.value,
        "id": p.id,
        "price": text(p.price),
        "ts": p.ts,
        "contract_code": p.contract_code,
    }


@market_data
async def trade(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.optional_contract(call, market)
    codes = [code] if code is not None else market.contract_codes()
    data = [_print(p) for c in codes for p in market.last_round(c)]
    tick = {"data": data, "id": now, "ts": now}
    return MarketReply(f"market.{code or '*'}.trade.detail", now, tick=tick)


def _size(text: str) -> int:
    if not text:
        return 1
    size = unsigned(text)
    if size is None or not 1 <= size <= HISTORY_MAX_SIZE:
        raise MarketError("invalid size")
    return size


def _history_print(p: Print) -> dict[str, Any]:
    """As HTX documents it (2021 and today): amount, quantity and price are JSON numbers, where
    market/trade prints strings; and no trade_turnover."""
    return {
        "amount": p.volume * SIDES,
        "quantity": num(p.value * SIDES),
        "direction": p.direction.value,
        "id": p.id,
        "price": num(p.price),
        "ts": p.ts,
    }


@market_data
async def history_trade(call: Call) -> MarketReply:
    market, now = call.gateway.market, call.now
    code = fields.contract(call, market)
    size = _size(call.param("size"))
    if not call.gateway.engine.running:  # the tape is in memory, but a stopped exchange
        raise HtxError(ErrorCode.SYSTEM_BUSY)  # serves no reads, as every other path
    since = now - MAX_AGE_MS
    prints = [p for p in market.recent(code, size) if p.ts >= since]
    groups: list[dict[str, Any]] = []
    for p in reversed(prints):  # newest match first
        if not groups or groups[-1]["id"] != p.trade_id:
            groups.append({"id": p.trade_id, "ts": p.ts, "data": []})
        groups[-1]["data"].append(_history_print(p))
    for group in groups:  # a match's fills in the order they happened, as HTX lists them
        group["data"].reverse()
    return MarketReply(f"market.{code}.trade.detail", now, data=groups)


routes = [
    Route("/swap-ex/market/trade", trade, methods=["GET"]),
    Route("/swap-ex/market/history/trade", history_trade, methods=["GET"]),
]
