"""What the strategy-order endpoints send and how their answers are read: swap_trigger_order,
swap_track_order and the cancels and queries of the three kinds (swap_{trigger,tpsl,track}_*),
for both clients (swap_tpsl_order is _ops.py's, beside swap_order's tp_*/sl_* fields)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ._ops import SWAP, Ids, Number, _cancel_result, _decimal, _ids
from ._wire import Op, drop_none, parse_as
from .models import (
    CancelResult,
    Direction,
    Offset,
    OrderPlaced,
    StrategyOrdersPage,
    TpslHistoryOrder,
    TpslOrder,
    TrackHistoryOrder,
    TrackOrder,
    TriggerHistoryOrder,
    TriggerOrder,
    TriggerType,
)

Kind = Literal["trigger", "tpsl", "track"]
Statuses = int | Sequence[int]


def swap_trigger_order(
    contract_code: str,
    trigger_type: TriggerType,
    trigger_price: Number,
    volume: int,
    direction: Direction,
    offset: Offset,
    order_price: Number | None,
    order_price_type: str | None,
    lever_rate: int | None,
) -> Op[OrderPlaced]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "trigger_type": trigger_type,
            "trigger_price": _decimal(trigger_price),
            "order_price": _decimal(order_price),
            "order_price_type": order_price_type,
            "volume": volume,
            "direction": direction,
            "offset": offset,
            "lever_rate": lever_rate,
        }
    )
    return Op("POST", SWAP + "swap_trigger_order", parse_as(OrderPlaced), body=body)


def swap_track_order(
    contract_code: str,
    direction: Direction,
    offset: Offset,
    volume: int,
    callback_rate: Number,
    active_price: Number,
    order_price_type: str,
    lever_rate: int | None,
) -> Op[OrderPlaced]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "direction": direction,
            "offset": offset,
            "lever_rate": lever_rate,
            "volume": volume,
            "callback_rate": _decimal(callback_rate),
            "active_price": _decimal(active_price),
            "order_price_type": order_price_type,
        }
    )
    return Op("POST", SWAP + "swap_track_order", parse_as(OrderPlaced), body=body)


def cancel(kind: Kind, contract_code: str, order_id: Ids) -> Op[CancelResult]:
    body = {"contract_code": contract_code, "order_id": _ids(order_id)}
    return Op("POST", f"{SWAP}swap_{kind}_cancel", _cancel_result, body=body)


def cancel_all(
    kind: Kind, contract_code: str, direction: Direction | None, offset: Offset | None
) -> Op[CancelResult]:
    body = drop_none({"contract_code": contract_code, "direction": direction, "offset": offset})
    return Op("POST", f"{SWAP}swap_{kind}_cancelall", _cancel_result, body=body)


def _open_orders(
    kind: Kind,
    page: type[Any],
    contract_code: str,
    page_index: int | None,
    page_size: int | None,
    trade_type: int | None,
) -> Op[Any]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "page_index": page_index,
            "page_size": page_size,
            "trade_type": trade_type,
        }
    )
    return Op("POST", f"{SWAP}swap_{kind}_openorders", parse_as(page), body=body)


def trigger_openorders(
    contract_code: str, page_index: int | None, page_size: int | None, trade_type: int | None
) -> Op[StrategyOrdersPage[TriggerOrder]]:
    page = StrategyOrdersPage[TriggerOrder]
    return _open_orders("trigger", page, contract_code, page_index, page_size, trade_type)


def tpsl_openorders(
    contract_code: str, page_index: int | None, page_size: int | None, trade_type: int | None
) -> Op[StrategyOrdersPage[TpslOrder]]:
    page = StrategyOrdersPage[TpslOrder]
    return _open_orders("tpsl", page, contract_code, page_index, page_size, trade_type)


def track_openorders(
    contract_code: str, page_index: int | None, page_size: int | None, trade_type: int | None
) -> Op[StrategyOrdersPage[TrackOrder]]:
    page = StrategyOrdersPage[TrackOrder]
    return _open_orders("track", page, contract_code, page_index, page_size, trade_type)


def _history(
    kind: Kind,
    page: type[Any],
    contract_code: str,
    status: Statuses,
    create_date: int,
    trade_type: int | None,
    page_index: int | None,
    page_size: int | None,
    sort_by: str | None,
) -> Op[Any]:
    statuses = str(status) if isinstance(status, int) else ",".join(str(s) for s in status)
    body = drop_none(
        {
            "contract_code": contract_code,
            "status": statuses,
            "create_date": create_date,
            "trade_type": trade_type,
            "page_index": page_index,
            "page_size": page_size,
            "sort_by": sort_by,
        }
    )
    return Op("POST", f"{SWAP}swap_{kind}_hisorders", parse_as(page), body=body)


def trigger_hisorders(
    contract_code: str,
    status: Statuses,
    create_date: int,
    trade_type: int,
    page_index: int | None,
    page_size: int | None,
    sort_by: str | None,
) -> Op[StrategyOrdersPage[TriggerHistoryOrder]]:
    page = StrategyOrdersPage[TriggerHistoryOrder]
    return _history(
        "trigger", page, contract_code, status, create_date, trade_type, page_index, page_size,
        sort_by,
    )  # fmt: skip


def tpsl_hisorders(
    contract_code: str,
    status: Statuses,
    create_date: int,
    page_index: int | None,
    page_size: int | None,
    sort_by: str | None,
) -> Op[StrategyOrdersPage[TpslHistoryOrder]]:
    page = StrategyOrdersPage[TpslHistoryOrder]
    return _history(
        "tpsl", page, contract_code, status, create_date, None, page_index, page_size, sort_by
    )


def track_hisorders(
    contract_code: str,
    status: Statuses,
    create_date: int,
    trade_type: int,
    page_index: int | None,
    page_size: int | None,
    sort_by: str | None,
) -> Op[StrategyOrdersPage[TrackHistoryOrder]]:
    page = StrategyOrdersPage[TrackHistoryOrder]
    return _history(
        "track", page, contract_code, status, create_date, trade_type, page_index, page_size,
        sort_by,
    )  # fmt: skip
