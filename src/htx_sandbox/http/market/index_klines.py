"""Candles of a sampled series under `/index/market/history/`: the mark price here
(`swap_mark_price_kline`, ccxt's fetch_mark_ohlcv); the premium index and the estimated funding
rate take the same shape (`series_kline` builds their endpoints from their series' names).

`?contract_code=&period=&size=`, all three required (size in [1, 2000]; no from/to), answering
`{"ch": "market.BTC-USD.mark_price.5min", "status": "ok", "ts": ..., "data": [{"amount": "0",
"close", "count": "0", "high", "id", "low", "open", "trade_turnover": "0", "vol": "0"}]}`: the
prices as strings, the volumes "0", as HTX prints them. Errors are the market service's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...service.bars import Bar
from ...service.periods import KLINE_PERIODS, Period
from ...service.queries import Reads
from ...service.series_book import MARK_PRICE
from ..core.endpoint import Call, Endpoint, market_data
from ..core.envelopes import MarketError, MarketReply
from ..core.wire import text
from . import fields
from .fields import MISSING
from .klines import newest

PERIODS: dict[str, Period] = {p.name: p for p in KLINE_PERIODS}
_ZERO = "0"


def _wire(bars: list[Bar]) -> list[dict[str, Any]]:
    texts: dict[Decimal, str] = {}  # a quiet stretch repeats one value: print it once

    def t(value: Decimal) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = text(value)
        return found

    return [
        {
            "amount": _ZERO,
            "close": t(bar.close),
            "count": _ZERO,
            "high": t(bar.high),
            "id": bar.id,
            "low": t(bar.low),
            "open": t(bar.open),
            "trade_turnover": _ZERO,
            "vol": _ZERO,
        }
        for bar in bars
    ]


def series_kline(series: str) -> Endpoint:
    """The kline endpoint of a sampled series; its channel is `market.<code>.<series>.<period>`."""

    async def handler(call: Call) -> MarketReply:
        now = call.now
        code = fields.contract(call, call.gateway.market)
        name, period = fields.period(call, PERIODS)
        size = fields.size(call)
        if size is None:
            raise MarketError("size cannot be empty", MISSING)
        first, last = newest(period, size, now // 1000)

        def read(reads: Reads) -> list[dict[str, Any]]:
            return _wire(reads.bars(series, code, period, first, last))

        return MarketReply(f"market.{code}.{series}.{name}", now, data=await call.read(read))

    handler.__name__ = f"swap_{series}_kline"
    return market_data(handler)


swap_mark_price_kline = series_kline(MARK_PRICE)

routes = [
    Route(
        "/index/market/history/swap_mark_price_kline", swap_mark_price_kline, methods=["GET"]
    ),
]
