"""The history family's rows (swap_hisorders_exact v1, swap_hisorders and _exact v3, the match
results of both): HTX's v1 order history row with the paging fields each adds, and one fill.

Order rows build on shapes.orders.history_order, so that a correction of the order fields
there reaches every history endpoint; an order's query_id is its order id (increasing with
its creation), a fill's its place in the exchange's sequence of fills (Trade.query_id)."""

from __future__ import annotations

from typing import Any

from ...domain.orders import Order
from ...service.ports import Fill
from ..core.wire import num
from .orders import history_order


def exact_order(o: Order) -> dict[str, Any]:
    """swap_hisorders_exact (v1): the query_id first, order_price_type a string (as HTX's
    example prints it, where swap_hisorders v1 prints an integer code), no update_time."""
    row = {"query_id": o.order_id, **history_order(o)}
    row["order_price_type"] = o.order_price_type.value
    del row["update_time"]
    return row


def v3_order(o: Order, *, update_time: bool) -> dict[str, Any]:
    """swap_hisorders (with update_time) and swap_hisorders_exact (without) of v3: the v1
    exact row with the fields HTX's 2022 pages add, canceled_source only when someone other
    than the client cancelled it."""
    row = exact_order(o)
    if update_time:
        row["update_time"] = o.update_time
    if o.canceled_source:
        row["canceled_source"] = o.canceled_source
    row["self_match_prevent"] = int(o.self_match_prevent)
    return row


def fill(f: Fill, *, query_id: bool = True) -> dict[str, Any]:
    """One fill as the match results list it; v1 swap_matchresults has no query_id."""
    t = f.trade
    row: dict[str, Any] = {"query_id": t.query_id} if query_id else {}
    row.update({
        "match_id": t.trade_id,
        "order_id": t.order_id,
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
        "role": t.role.value.capitalize(),  # "Maker" / "Taker", as HTX's examples print it
        "order_source": f.order_source,
        "order_id_str": str(t.order_id),
        "id": t.id,
        "fee_asset": t.fee_asset,
        "real_profit": num(t.profit),
    })  # fmt: skip
    return row
