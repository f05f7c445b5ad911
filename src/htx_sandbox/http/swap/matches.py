"""A UID's own fills: `POST /swap-api/v3/swap_matchresults_exact` (ccxt's fetch_my_trades).

`contract` and `trade_type` (0 all, 1-4 as swap_hisorders, 5/6 the fills of the UID's own
liquidation orders selling/buying) are required; `start_time`/`end_time` in ms (a window of
at most 48 h within 90 days; default the last 48 h), `size` 1-100 (default 20). Each row is
one fill of the UID, newest first, with `query_id` (the match id) for paging.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ...domain.orders import Order, Trade
from ...domain.types import Millis
from ...service.ports import OrderQuery
from ...service.queries import Reads
from ..core.endpoint import Call, private
from ..core.envelopes import V3_ENVELOPE
from ..core.wire import num
from . import fields

MATCH_MAX_SIZE = 100
MATCH_DEFAULT_SIZE = 20
WINDOW_MS = 48 * 3_600_000
MAX_AGE_MS = 90 * 86_400_000
FILLED_STATUSES = (4, 5, 6)
"""Orders that can carry fills: partially filled (open or cancelled) and filled."""
ORDER_PAGE = 200
ORDER_PAGES = 50


@private("read", V3_ENVELOPE)
async def swap_matchresults_exact(call: Call) -> Any:
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    trade_type = fields.trade_type(body, required=True, allowed=(0, *fields.TRADE_TYPES, 5, 6))
    now = call.gateway.now_ms()
    end = body.integer("end_time")
    start = body.integer("start_time")
    end = now if end is None else end
    start = end - WINDOW_MS if start is None else start
    if start > end or end - start > WINDOW_MS or start < now - MAX_AGE_MS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "start_time")
    size = body.integer("size")
    size = MATCH_DEFAULT_SIZE if size is None else size
    if not 1 <= size <= MATCH_MAX_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "size")
    sides, order_types = fields.order_filter(trade_type)
    uid = call.uid

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        orders: list[Order] = []
        for index in range(1, ORDER_PAGES + 1):
            page, total = reads.order_history(OrderQuery(
                uid=uid, contract_code=contract.contract_code, since=Millis(start - WINDOW_MS),
                statuses=FILLED_STATUSES, sides=sides, order_types=order_types,
                page_index=index, page_size=ORDER_PAGE,
            ))  # fmt: skip
            # order_history leaves out the fills: the order from memory, else whole from store
            orders.extend(reads.order(o.order_id) or o for o in page)
            if index * ORDER_PAGE >= total:
                break
        fills = [t for o in orders for t in o.trades if start <= t.created_at <= end]
        fills.sort(key=lambda t: (t.created_at, t.trade_id), reverse=True)
        sources = {o.order_id: o.order_source for o in orders}
        return [_fill(t, sources.get(t.order_id, "api")) for t in fills[:size]]

    return await call.read(read)


def _fill(t: Trade, source: str) -> dict[str, Any]:
    return {
        "query_id": t.trade_id,
        "match_id": t.trade_id,
        "order_id": t.order_id,
        "order_id_str": str(t.order_id),
        "symbol": t.fee_asset,
        "contract_code": t.contract_code,
        "direction": t.direction.value,
        "offset": t.offset.value,
        "trade_volume": t.volume,
        "trade_price": num(t.price),
        "trade_turnover": num(t.turnover),
        "trade_fee": num(t.fee),
        "offset_profitloss": num(t.profit),
        "create_date": t.created_at,
        "role": t.role.value.capitalize(),
        "order_source": source,
        "fee_asset": t.fee_asset,
        "real_profit": num(t.profit),
        "id": t.id,
    }


routes = [
    Route(fields.V3 + "swap_matchresults_exact", swap_matchresults_exact, methods=["POST"]),
]
