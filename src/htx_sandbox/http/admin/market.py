"""One contract's market at a glance (`GET /market?contract_code=&period=&size=`): what the
dashboard's market view shows, read at one instant on the engine thread.

The same figures the public endpoints serve, gathered in one answer so that a page polling it
costs one admin request a second and none of the per-IP market quota that the operator's bots
on the same address count against:

- `last_price`, `mark_price`, `index_price` (null before the index has a value) and `index_ts`;
- `funding_rate` (swap_funding_rate's string) and `funding_time` (ms of the settlement it
  applies at), `estimated_settlement_price` (null outside the window before a settlement);
- `bids`, `asks`: up to 20 levels `[price, volume]`, best first (swap-ex depth step0);
- `trades`: the newest 50 prints of the tape, newest first, `{id, ts, price, volume, direction}`
  in contracts traded (one side of each match, unlike HTX's doubled public amounts);
- `klines` (the trade bars: id, open, high, low, close, vol in contracts), `mark_klines` and
  `index_klines` (id, close) of `period` (a swap-ex kline period, default 1min), the newest
  `size` (1 to 300, default 120), oldest first.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...service.periods import Period
from ...service.queries import Reads
from ...service.series_book import INDEX, KLINE, MARK_PRICE
from ..core.endpoint import Call, admin
from ..core.wire import num, num_or_null
from ..market.klines import PERIODS, newest
from ..shapes.funding import rate_text
from . import fields

DEPTH_LEVELS = 20
TAPE_PRINTS = 50
MAX_BARS = 300
DEFAULT_BARS = 120


def _period(call: Call) -> Period:
    name = call.param("period") or "1min"
    found = PERIODS.get(name)
    if found is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "period")
    return found


@admin
async def market(call: Call) -> Any:
    code = fields.required_text(call.body, "contract_code")
    period = _period(call)
    size = fields.positive_int(call.body, "size", MAX_BARS) or DEFAULT_BARS
    now = call.now
    first, last = newest(period, size, now // 1000)
    tape = call.gateway.market

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)  # 1014 for an unknown contract_code
        code_ = contract.contract_code
        bids, asks = reads.depth(code_, DEPTH_LEVELS)
        index = reads.index_price(contract)
        rate, funding_time = reads.funding_rate(contract, now)
        bars = reads.bars(KLINE, code_, period, first, last)
        marks = reads.bars(MARK_PRICE, code_, period, first, last)
        indexes = reads.bars(INDEX, code_, period, first, last)
        prints = tape.recent(code_, TAPE_PRINTS) if tape.knows(code_) else ()
        return {
            "contract_code": code_,
            "symbol": contract.symbol,
            "contract_size": num(contract.contract_size),
            "price_tick": num(contract.price_tick),
            "last_price": num(reads.latest_price(contract)),
            "mark_price": num(reads.mark_price(contract)),
            "index_price": None if index is None else num(index[0]),
            "index_ts": None if index is None else index[1],
            "funding_rate": rate_text(rate),
            "funding_time": funding_time,
            "estimated_settlement_price": num_or_null(
                reads.estimated_settlement_price(contract, now)
            ),
            "bids": [[num(price), volume] for price, volume in bids],
            "asks": [[num(price), volume] for price, volume in asks],
            "trades": [
                {
                    "id": p.trade_id,
                    "ts": p.ts,
                    "price": num(p.price),
                    "volume": p.volume,
                    "direction": p.direction.value,
                }
                for p in reversed(prints)
            ],
            "klines": [
                {
                    "id": b.id,
                    "open": num(b.open),
                    "high": num(b.high),
                    "low": num(b.low),
                    "close": num(b.close),
                    "vol": b.vol,
                }
                for b in bars
            ],
            "mark_klines": [{"id": b.id, "close": num(b.close)} for b in marks],
            "index_klines": [{"id": b.id, "close": num(b.close)} for b in indexes],
        }

    return await call.read(read)


routes = [Route(f"{fields.PREFIX}/market", market, methods=["GET"])]
