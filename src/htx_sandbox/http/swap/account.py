"""A UID's margin accounts and positions: swap_account_info and swap_position_info."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.margin import AccountFigures
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
            {
                **shapes.account_info(reads.account(uid, c.symbol), c.contract_code),
                "transfer_profit_ratio": shapes.TRANSFER_PROFIT_RATIO,
            }
            for c in reads.contracts(code)
        ]

    return await call.read(read)


@private("read")
async def swap_position_info(call: Call) -> Any:
    uid = call.uid
    code = fields.contract_code(call.body, required=False)

    def read(reads: Reads) -> list[dict[str, Any]]:
        accounts: dict[str, AccountFigures] = {}
        rows = []
        for p in reads.positions(uid, code):
            if p.symbol not in accounts:
                accounts[p.symbol] = reads.account(uid, p.symbol)
            liq_px = shapes.liquidation_price(accounts[p.symbol], p.contract_code)
            rows.append(shapes.position_info(p, liq_px))
        return rows

    return await call.read(read)


routes = [
    Route(fields.V1 + "swap_account_info", swap_account_info, methods=["POST"]),
    Route(fields.V1 + "swap_position_info", swap_position_info, methods=["POST"]),
]
