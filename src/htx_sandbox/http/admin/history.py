"""What a UID did on one contract, newest first: its orders (`GET /order-history?uid=
&contract_code=&size=`, open and finished, by update time, each as swap_hisorders lists it) and
its fills (`GET /fills?uid=&contract_code=&size=`, each as swap_order_detail lists a trade, with
the order's id, direction and offset). Both read the last 90 days from the store, `size` 1 to
100 (default 50), like the API's own history endpoints."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis
from ...service.ports import OrderQuery
from ...service.queries import Reads
from ..core.body import Body
from ..core.endpoint import Call, admin
from ..shapes.orders import history_order, trade
from . import fields

MAX_SIZE = 100
DEFAULT_SIZE = 50
MAX_AGE_MS = 90 * 86_400_000
FILLED_STATUSES = (4, 5, 6)
"""Orders that can carry fills: partially filled (open or cancelled) and filled."""


def _size(body: Body) -> int:
    size = body.integer("size")
    if size is None:
        return DEFAULT_SIZE
    if not 1 <= size <= MAX_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "size")
    return size


async def _query(call: Call, statuses: tuple[int, ...], size: int) -> OrderQuery:
    uid = fields.required_uid(call.body)
    code = fields.required_text(call.body, "contract_code")
    await fields.require_user(call, uid)
    return OrderQuery(
        uid=uid,
        contract_code=code,
        since=Millis(call.gateway.now_ms() - MAX_AGE_MS),
        statuses=statuses,
        sort_by="update_time",
        page_size=size,
    )


@admin
async def order_history(call: Call) -> Any:
    query = await _query(call, (), _size(call.body))

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(query.contract_code)  # 1014 for an unknown contract_code
        orders, _ = reads.order_history(_on(query, contract.contract_code))
        return [history_order(o) for o in orders]

    return await call.read(read)


@admin
async def fills(call: Call) -> Any:
    size = _size(call.body)
    # The fills of the `size` most recently updated orders that filled: enough for a person's
    # view (an order cancelled later can stand before one that filled later).
    query = await _query(call, FILLED_STATUSES, size)

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(query.contract_code)
        orders, _ = reads.order_history(_on(query, contract.contract_code))
        # order_history leaves out the fills: the order from memory, else whole from the store
        whole = [reads.order(o.order_id) or o for o in orders]
        found = [(o, t) for o in whole for t in o.trades]
        found.sort(key=lambda ot: (ot[1].created_at, ot[1].trade_id), reverse=True)
        return [
            {
                "order_id": o.order_id,
                "order_id_str": str(o.order_id),
                "contract_code": o.contract_code,
                "direction": o.direction.value,
                "offset": o.offset.value,
                **trade(t),
            }
            for o, t in found[:size]
        ]

    return await call.read(read)


def _on(query: OrderQuery, code: str) -> OrderQuery:
    """The query on the contract's own spelling (the store keys orders by it)."""
    return replace(query, contract_code=code)


routes = [
    Route(f"{fields.PREFIX}/order-history", order_history, methods=["GET"]),
    Route(f"{fields.PREFIX}/fills", fills, methods=["GET"]),
]
