"""A UID's margin accounts and positions: swap_account_info and swap_position_info."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, private
from ..shapes import accounts as shapes
from . import fields


@private("read")
async def swap_account_info(call: Call) -> Any:
    uid = call.uid
    code = fields.contract_code(call.body, required=False)

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [
            shapes.account(reads.account(uid, c.symbol), c.contract_code)
            for c in reads.contracts(code)
        ]

    return await call.read(read)


@private("read")
async def swap_position_info(call: Call) -> Any:
    uid = call.uid
    code = fields.contract_code(call.body, required=False)

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [shapes.position(p) for p in reads.positions(uid, code)]

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_account_info", swap_account_info, methods=["POST"]),
    Route(fields.V1 + "swap_position_info", swap_position_info, methods=["POST"]),
]
