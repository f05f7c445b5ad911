"""Public funding and settlement data of each contract (GET, no signature):
`swap_funding_rate`, `swap_batch_funding_rate`, `swap_historical_funding_rate`,
`swap_settlement_records` and `swap_estimated_settlement_price`."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis
from ...service.ports import SettlementQuery
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, public
from ..core.wire import num
from ..shapes import funding as shapes
from . import fields

MAX_AGE_MS = 90 * 86_400_000
"""HTX keeps settlement records queryable for 90 days."""
EVER = Millis(0)
NEVER = Millis(2**62)


@public()
async def swap_funding_rate(call: Call) -> Any:
    code = fields.contract_code(call.body, required=True)
    assert code is not None
    now = call.now

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        return shapes.funding_rate(contract, *reads.funding_rate(contract, now))

    return await call.read(read)


@public()
async def swap_batch_funding_rate(call: Call) -> Any:
    code = fields.contract_code(call.body, required=False)
    now = call.now

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [shapes.funding_rate(c, *reads.funding_rate(c, now)) for c in reads.contracts(code)]

    return await call.read(read)


@public()
async def swap_historical_funding_rate(call: Call) -> Any:
    """Every settled period's rate, newest first, paged (page_size up to 50)."""
    code = fields.contract_code(call.body, required=True)
    assert code is not None
    index, size = fields.page(call.body)

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        query = SettlementQuery(contract.contract_code, EVER, NEVER, index, size)
        found, total = reads.settlements(query)
        rows = [shapes.historical_funding_rate(s) for s in found]
        return fields.paged("data", rows, total, index, size)

    return await call.read(read)


def settlement_window(body: Body, now: int) -> tuple[Millis, Millis]:
    """start_time in [now - 90 days, now] (default now - 90 days) and end_time in (start, now]
    (default now), as HTX bounds the settlement record queries; 1067 otherwise."""
    start = body.integer("start_time")
    end = body.integer("end_time")
    start = now - MAX_AGE_MS if start is None else start
    if not now - MAX_AGE_MS <= start <= now:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "start_time")
    end = now if end is None else end
    if not start < end <= now:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "end_time")
    return Millis(start), Millis(end)


@public()
async def swap_settlement_records(call: Call) -> Any:
    """The platform's settlements of a contract in a window, newest first."""
    code = fields.contract_code(call.body, required=True)
    assert code is not None
    start, end = settlement_window(call.body, call.now)
    index, size = fields.page(call.body)

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        query = SettlementQuery(contract.contract_code, start, end, index, size)
        found, total = reads.settlements(query)
        rows = [shapes.settlement_record(s) for s in found]
        return fields.paged("settlement_record", rows, total, index, size)

    return await call.read(read)


@public()
async def swap_estimated_settlement_price(call: Call) -> Any:
    """The price the next settlement would take now: only within its last 10 minutes (HTX:
    empty at other moments); null otherwise."""
    code = fields.contract_code(call.body, required=False)
    now = call.now

    def read(reads: Reads) -> list[dict[str, Any]]:
        found = []
        for contract in reads.contracts(code):
            price = reads.estimated_settlement_price(contract, now)
            found.append({
                "contract_code": contract.contract_code,
                "estimated_settlement_price": num(price) if price is not None else None,
                "settlement_type": shapes.SETTLEMENT,
            })  # fmt: skip
        return found

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_funding_rate", swap_funding_rate, methods=["GET"]),
    Route(fields.V1 + "swap_batch_funding_rate", swap_batch_funding_rate, methods=["GET"]),
    Route(
        fields.V1 + "swap_historical_funding_rate", swap_historical_funding_rate, methods=["GET"]
    ),
    Route(fields.V1 + "swap_settlement_records", swap_settlement_records, methods=["GET"]),
    Route(
        fields.V1 + "swap_estimated_settlement_price",
        swap_estimated_settlement_price,
        methods=["GET"],
    ),
]
