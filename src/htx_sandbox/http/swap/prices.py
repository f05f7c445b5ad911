"""The index and the price band of each contract: `GET /swap-api/v1/swap_index` and
`GET /swap-api/v1/swap_price_limit` (both with an optional contract_code: every contract when
it is omitted). A contract the price source has not fed yet has neither, and is left out."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, public
from ..core.wire import num
from . import fields


@public()
async def swap_index(call: Call) -> Any:
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        rows = []
        for contract in reads.contracts(code):  # 1014 for an unknown contract_code
            index = reads.index_price(contract)
            if index is not None:
                price, at = index
                rows.append(
                    {
                        "index_price": num(price),
                        "index_ts": at,
                        "contract_code": contract.contract_code,
                    }
                )
        return rows

    return await call.read(read)


@public()
async def swap_price_limit(call: Call) -> Any:
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        rows = []
        for contract in reads.contracts(code):
            band = reads.price_band(contract)
            if band is not None:
                rows.append(
                    {
                        "symbol": contract.symbol,
                        "contract_code": contract.contract_code,
                        "high_limit": num(band.high_limit),
                        "low_limit": num(band.low_limit),
                    }
                )
        return rows

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_index", swap_index, methods=["GET"]),
    Route(fields.V1 + "swap_price_limit", swap_price_limit, methods=["GET"]),
]
