"""Public reference data of each contract: `GET /swap-api/v1/swap_api_state?contract_code=`,
whether the API may open, close, cancel and transfer now."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.cancellation import cancels_allowed
from ...domain.contracts import Contract
from ...domain.placement import orders_allowed
from ...service.queries import Reads
from ..core.endpoint import Call, public
from . import fields


def _state(contract: Contract) -> dict[str, Any]:
    trading = int(orders_allowed(contract))
    return {
        "symbol": contract.symbol,
        "contract_code": contract.contract_code,
        "open": trading,
        "close": trading,
        "cancel": int(cancels_allowed(contract)),
        # Transfers are not modelled (deposits come through the admin API): none is refused.
        "transfer_in": 1,
        "transfer_out": 1,
        "master_transfer_sub": 1,
        "sub_transfer_master": 1,
    }


@public()
async def swap_api_state(call: Call) -> Any:
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [_state(c) for c in reads.contracts(code)]

    return await call.read(read)


routes = [Route(fields.V1 + "swap_api_state", swap_api_state, methods=["GET"])]
