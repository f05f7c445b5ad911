"""A UID's open orders, as the operator sees them (`GET /orders?uid=&contract_code=`)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...service.queries import Reads
from ..core.endpoint import Call, admin
from ..shapes.orders import open_order
from . import fields


@admin
async def list_orders(call: Call) -> Any:
    uid = fields.required_uid(call.body)
    code = call.body.text("contract_code")
    await fields.require_user(call, uid)

    def read(reads: Reads) -> list[dict[str, Any]]:
        orders = sorted(reads.open_orders(uid, code), key=lambda o: o.order_id)  # 1014
        return [open_order(o) for o in orders]

    return await call.read(read)


routes = [Route(f"{fields.PREFIX}/orders", list_orders, methods=["GET"])]
