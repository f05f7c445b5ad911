"""A UID's positions, as the operator sees them (`GET /positions?uid=&contract_code=`):
swap_position_info's rows, each with the estimated liquidation price that swap_account_info
gives per contract (domain/risk.py), so one read shows what the dashboard lists per position."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, admin
from ..core.wire import num
from ..shapes.accounts import position
from . import fields


@admin
async def list_positions(call: Call) -> Any:
    uid = fields.required_uid(call.body)
    code = call.body.text("contract_code")
    await fields.require_user(call, uid)

    def read(reads: Reads) -> list[dict[str, Any]]:
        risks = {a.symbol: a.risk for a in reads.accounts(uid)}
        rows = []
        for p in reads.positions(uid, code):  # 1014 for an unknown contract_code
            row = position(p)
            risk = risks.get(p.symbol)
            contract = None if risk is None else risk.contracts.get(p.contract_code)
            price = None if contract is None else contract.liquidation_price
            row["liquidation_price"] = None if price is None else num(price)
            rows.append(row)
        return rows

    return await call.read(read)


routes = [Route(f"{fields.PREFIX}/positions", list_positions, methods=["GET"])]
