"""The basis of a contract: `GET /index/market/history/swap_basis?contract_code=&period=
&basis_price_type=&size=` (service/basis.py computes it from the trade and index klines).

`{"ch": "market.BTC-USD.basis.5min.open", "status": "ok", "ts": ..., "data": [{"basis",
"basis_rate", "contract_price", "id", "index_price"}]}`, oldest first, every value a string, as
HTX prints them. Periods as HTX lists them (no 1week); basis_price_type open (the default),
close, high, low or average; size in [1, 2000], 150 when absent (HTX's documented default).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.basis import DEFAULT_PRICE_TYPE, PRICE_TYPES, BasisBar, basis_bars
from ...service.periods import BY_NAME, Period
from ...service.queries import Reads
from ...service.series_book import INDEX, KLINE
from ..core.endpoint import Call, market_data
from ..core.envelopes import MarketError, MarketReply
from ..core.wire import text
from . import fields
from .fields import INVALID
from .klines import newest

PERIODS: dict[str, Period] = {
    name: BY_NAME[name]
    for name in ("1min", "5min", "15min", "30min", "60min", "4hour", "1day", "1mon")
}
DEFAULT_SIZE = 150


def _wire(bars: list[BasisBar]) -> list[dict[str, Any]]:
    return [
        {
            "basis": text(bar.basis),
            "basis_rate": text(bar.basis_rate),
            "contract_price": text(bar.contract_price),
            "id": bar.id,
            "index_price": text(bar.index_price),
        }
        for bar in bars
    ]


@market_data
async def swap_basis(call: Call) -> MarketReply:
    now = call.now
    code = fields.contract(call, call.gateway.market)
    name, period = fields.period(call, PERIODS)
    price_type = call.param("basis_price_type") or DEFAULT_PRICE_TYPE
    if price_type not in PRICE_TYPES:
        raise MarketError("invalid basis_price_type", INVALID)
    size = fields.size(call) or DEFAULT_SIZE
    first, last = newest(period, size, now // 1000)

    def read(reads: Reads) -> list[dict[str, Any]]:
        trades = reads.bars(KLINE, code, period, first, last)
        index = reads.bars(INDEX, code, period, first, last)
        return _wire(basis_bars(trades, index, price_type))

    channel = f"market.{code}.basis.{name}.{price_type}"
    return MarketReply(channel, now, data=await call.read(read))


routes = [Route("/index/market/history/swap_basis", swap_basis, methods=["GET"])]
