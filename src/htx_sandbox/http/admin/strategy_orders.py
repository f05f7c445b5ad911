"""A UID's open strategy orders of every kind (`GET /strategy-orders?uid=&contract_code=`):
each row as its kind's openorders endpoint lists it (swap_trigger_openorders,
swap_tpsl_openorders, swap_track_openorders), plus `kind` ("trigger", "tpsl", "track"),
oldest first; on one contract, or on all."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, admin
from ..swap.strategy import FAMILIES
from . import fields


@admin
async def list_strategy_orders(call: Call) -> Any:
    uid = fields.required_uid(call.body)
    code = call.body.text("contract_code")
    await fields.require_user(call, uid)

    def read(reads: Reads) -> list[dict[str, Any]]:
        rows = []
        for contract in reads.contracts(code):  # 1014 for an unknown contract_code
            held = reads.lever_rate(uid, contract)
            for family in FAMILIES:
                for o in reads.open_strategy_orders(family.kind, uid, contract):
                    row = family.open_row(o, held if o.lever_rate is None else o.lever_rate)
                    rows.append({"kind": family.kind.value, **row})
        rows.sort(key=lambda r: int(r["order_id"]))
        return rows

    return await call.read(read)


routes = [Route(f"{fields.PREFIX}/strategy-orders", list_strategy_orders, methods=["GET"])]
