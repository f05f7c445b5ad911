"""Open interest: `GET /swap-api/v1/swap_open_interest?contract_code=` (every contract
without it; ccxt's fetch_open_interest) and its history, `GET
/swap-api/v1/swap_his_open_interest?contract_code=&period=&size=&amount_type=` (ccxt's
fetch_open_interest_history).

`volume` is the contracts open on one side and `amount` the same in coin at the mark price;
`trade_volume`, `trade_amount` and `trade_turnover` are the last 24 hours' matches, both sides
counted, as HTX documents them. The history is the open-interest series of the series book
(service/series_book.py): one tick per period, newest first, stamped with the period's start,
its volume the open interest at the period's end (now, for the current one).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.money import contract_value
from ...domain.types import ZERO, Millis
from ...service.periods import OPEN_INTEREST_PERIODS, Period
from ...service.queries import Reads
from ...service.series_book import OPEN_INTEREST, OPEN_INTEREST_AMOUNT
from ..core.endpoint import Call, public
from ..core.wire import num
from ..market.fields import SIDES
from ..market.klines import newest
from . import fields

PERIODS: dict[str, Period] = {p.name: p for p in OPEN_INTEREST_PERIODS}
DEFAULT_SIZE = 48
MAX_SIZE = 200
AMOUNT_TYPES = {1: OPEN_INTEREST, 2: OPEN_INTEREST_AMOUNT}
"""amount_type 1: contracts, 2: coin."""


@public()
async def swap_open_interest(call: Call) -> Any:
    code = fields.contract_code(call.body, required=False)
    market, now = call.gateway.market, Millis(call.now)

    def read(reads: Reads) -> list[dict[str, Any]]:
        rows = []
        for contract in reads.contracts(code):
            each = contract.contract_code
            size = contract.contract_size
            volume = reads.open_interest(each)
            summary = market.summary(each, now)
            traded, value = (
                (summary.volume * SIDES, summary.value * SIDES) if summary else (0, ZERO)
            )
            rows.append({
                "volume": num(Decimal(volume)),
                "amount": num(contract_value(volume, size, reads.mark_price(contract))),
                "symbol": contract.symbol,
                "contract_code": each,
                "trade_amount": num(value),
                "trade_volume": traded,
                "trade_turnover": num(size * traded),
            })  # fmt: skip
        return rows

    return await call.read(read)


@public()
async def swap_his_open_interest(call: Call) -> Any:
    body = call.body
    code = fields.contract_code(body, required=True)
    assert code is not None
    name = body.text("period", required=True)
    period = PERIODS.get(name or "")
    if period is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "period")
    size = body.integer("size")
    size = DEFAULT_SIZE if size is None else size
    if not 1 <= size <= MAX_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "size")
    amount_type = body.integer("amount_type", required=True)
    series = AMOUNT_TYPES.get(amount_type or 0)
    if series is None:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "amount_type")
    first, last = newest(period, size, call.now // 1000)

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        bars = reads.bars(series, contract.contract_code, period, first, last)
        tick = [
            {"volume": num(b.close), "amount_type": amount_type, "ts": b.id * 1000}
            for b in reversed(bars)
        ]
        return {"symbol": contract.symbol, "tick": tick, "contract_code": contract.contract_code}

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_open_interest", swap_open_interest, methods=["GET"]),
    Route(fields.V1 + "swap_his_open_interest", swap_his_open_interest, methods=["GET"]),
]
