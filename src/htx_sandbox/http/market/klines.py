"""Candles of the trades: `GET /swap-ex/market/history/kline?contract_code=&period=&size=` or
`&from=&to=` (seconds), ccxt's fetch_ohlcv.

`{"ch": "market.BTC-USD.kline.5min", "status": "ok", "ts": ..., "data": [{"amount", "close",
"count", "high", "id", "low", "open", "vol"}]}`, oldest first, numbers as HTX prints them; vol,
count and amount count both sides of each match. The bars are read from the series book
(service/series_book.py), never from the trades: a request costs the same after a thousand
trades as after a million.

HTX's rules: either `size`, or `from` with `to`; with `size` the newest bars up to now and
`from`/`to` ignored; without it both are needed ("from cannot be empty", "to cannot be empty").
A range of more than 2000 bars (both ends count) or of more than two years answers `[]`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...service.bars import Bar
from ...service.periods import BY_NAME, KLINE_PERIODS, Period
from ...service.queries import Reads
from ...service.series_book import KLINE
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketError, MarketReply
from ..core.wire import num
from . import fields
from .fields import MAX_SIZE, MISSING, SIDES

TWO_YEARS_S = 2 * 365 * 86_400
"""HTX answers at most two years of bars in one request."""
PERIODS: dict[str, Period] = {p.name: p for p in KLINE_PERIODS} | {"1hour": BY_NAME["60min"]}
"""HTX lists 1hour beside 60min (the same bars), and its own tests ask for 1week."""


def newest(period: Period, size: int, now_s: int) -> tuple[int, int]:
    """The ids of the oldest and the newest of the last `size` bars up to now."""
    last = period.start(now_s)
    return period.shift(last, 1 - size), last


def between(period: Period, start: int, end: int, now_s: int) -> tuple[int, int] | None:
    """The bar ids from the bar holding `start` to the one holding `end`, not past now; None
    when HTX answers nothing (an empty, reversed or too long range)."""
    if end < start or end - start > TWO_YEARS_S or period.count(start, end) > MAX_SIZE:
        return None
    first, last = period.start(start), min(period.start(end), period.start(now_s))
    return (first, last) if first <= last else None


def _wire(bars: list[Bar]) -> list[dict[str, Any]]:
    prices: dict[Decimal, Any] = {}  # a quiet stretch repeats one price: print it once

    def price(value: Decimal) -> Any:
        found = prices.get(value)
        if found is None:
            found = prices[value] = num(value)
        return found

    return [
        {
            "amount": num(bar.amount * SIDES) if bar.amount else 0,
            "close": price(bar.close),
            "count": bar.count * SIDES,
            "high": price(bar.high),
            "id": bar.id,
            "low": price(bar.low),
            "open": price(bar.open),
            "vol": bar.vol * SIDES,
        }
        for bar in bars
    ]


@market_data
async def history_kline(call: Call) -> MarketReply:
    now = call.now
    code = fields.contract(call, call.gateway.market)
    name, period = fields.period(call, PERIODS)
    size = fields.size(call)
    now_s = now // 1000
    if size is not None:
        span: tuple[int, int] | None = newest(period, size, now_s)
    else:
        start, end = fields.seconds(call, "from"), fields.seconds(call, "to")
        if start is None:
            raise MarketError("from cannot be empty", MISSING)
        if end is None:
            raise MarketError("to cannot be empty", MISSING)
        span = between(period, start, end, now_s)

    def read(reads: Reads) -> list[dict[str, Any]]:
        if span is None:
            return []
        return _wire(reads.bars(KLINE, code, period, *span))

    return MarketReply(f"market.{code}.kline.{name}", now, data=await call.read(read))


routes = [Route("/swap-ex/market/history/kline", history_kline, methods=["GET"])]
