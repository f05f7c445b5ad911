"""What each endpoint of HTX's swap API sends and how its answer is read, shared by the sync and
async clients (the envelope and `Op` itself are in `_wire`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from ._wire import Op, convert, drop_none, parse_as, parse_list
from .errors import UnexpectedResponse
from .models import (
    Account,
    AdjustFactors,
    BasisSeries,
    BatchResult,
    BatchTick,
    CancelAfterResult,
    CancelError,
    CancelResult,
    Contract,
    Depth,
    Direction,
    Heartbeat,
    HistoryPage,
    IndexPrice,
    InsuranceFundPage,
    Klines,
    LadderMargin,
    LeverRate,
    LiquidationOrder,
    MergedDetail,
    Offset,
    OpenInterest,
    OpenInterestHistory,
    Order,
    OrderDetail,
    OrderPlaced,
    OrderRequest,
    OrdersPage,
    Position,
    PriceLimit,
    RelationTpslOrder,
    RiskInfo,
    TpslPlaced,
    Trades,
)

T = TypeVar("T")
Number = Decimal | int | str
Ids = int | str | Sequence[int | str]

DEFAULT_BASE_URL = "https://api.hbdm.com"
SWAP = "/swap-api/v1/"
V3 = "/swap-api/v3/"
MARKET = "/swap-ex/market/"


def _decimal(value: Number | None) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _ids(value: Ids | None) -> str | None:
    """One id or several, as HTX's comma-separated list."""
    if value is None:
        return None
    if isinstance(value, int | str):
        return str(value)
    return ",".join(str(v) for v in value)


# -- trading ---------------------------------------------------------------------------------


def order_body(order: OrderRequest) -> dict[str, Any]:
    fields: dict[str, Any] = msgspec.to_builtins(order, builtin_types=(Decimal,))
    return drop_none(fields)


def swap_order(order: OrderRequest) -> Op[OrderPlaced]:
    return Op("POST", SWAP + "swap_order", parse_as(OrderPlaced), body=order_body(order))


TpslFields = dict[str, Any]
"""tp_* and sl_* request fields, None values left out."""


def tpsl_fields(
    tp_trigger_price: Number | None,
    tp_order_price: Number | None,
    tp_order_price_type: str | None,
    sl_trigger_price: Number | None,
    sl_order_price: Number | None,
    sl_order_price_type: str | None,
) -> TpslFields:
    """A take-profit and/or stop-loss leg's fields, prices as Decimal."""
    return drop_none(
        {
            "tp_trigger_price": _decimal(tp_trigger_price),
            "tp_order_price": _decimal(tp_order_price),
            "tp_order_price_type": tp_order_price_type,
            "sl_trigger_price": _decimal(sl_trigger_price),
            "sl_order_price": _decimal(sl_order_price),
            "sl_order_price_type": sl_order_price_type,
        }
    )


def make_order(
    contract_code: str,
    direction: Direction,
    offset: Offset,
    volume: int,
    lever_rate: int,
    order_price_type: str,
    price: Number | None,
    client_order_id: int | None,
    self_match_prevent: int | None,
    reduce_only: bool | None,
    tpsl: TpslFields | None = None,
) -> OrderRequest:
    return OrderRequest(
        contract_code=contract_code,
        direction=direction,
        offset=offset,
        volume=volume,
        lever_rate=lever_rate,
        order_price_type=order_price_type,
        price=_decimal(price),
        client_order_id=client_order_id,
        self_match_prevent=self_match_prevent,
        reduce_only=None if reduce_only is None else int(reduce_only),
        **(tpsl or {}),
    )


def swap_tpsl_order(
    contract_code: str, direction: Direction, volume: int, tpsl: TpslFields
) -> Op[TpslPlaced]:
    body = {"contract_code": contract_code, "direction": direction, "volume": volume, **tpsl}
    return Op("POST", SWAP + "swap_tpsl_order", parse_as(TpslPlaced), body=body)


def swap_batchorder(orders: Sequence[OrderRequest]) -> Op[BatchResult]:
    body = {"orders_data": [order_body(o) for o in orders]}
    return Op("POST", SWAP + "swap_batchorder", parse_as(BatchResult), body=body)


def _cancel_result(data: Any) -> CancelResult:
    if not isinstance(data, dict):
        raise UnexpectedResponse(f"unexpected answer: {data!r}")
    successes = str(data.get("successes") or "")
    try:
        ids = [int(i) for i in successes.split(",") if i]
    except ValueError:
        raise UnexpectedResponse(f"unexpected successes: {successes!r}") from None
    return CancelResult(
        successes=ids,
        errors=convert(data.get("errors") or [], list[CancelError]),
    )


def swap_cancel(
    contract_code: str, order_id: Ids | None, client_order_id: Ids | None
) -> Op[CancelResult]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "order_id": _ids(order_id),
            "client_order_id": _ids(client_order_id),
        }
    )
    return Op("POST", SWAP + "swap_cancel", _cancel_result, body=body)


def swap_cancelall(
    contract_code: str, direction: Direction | None, offset: Offset | None
) -> Op[CancelResult]:
    body = drop_none({"contract_code": contract_code, "direction": direction, "offset": offset})
    return Op("POST", SWAP + "swap_cancelall", _cancel_result, body=body)


def swap_lightning_close_position(
    contract_code: str,
    direction: Direction,
    volume: int,
    order_price_type: str,
    client_order_id: int | None,
) -> Op[OrderPlaced]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "volume": volume,
            "direction": direction,
            "client_order_id": client_order_id,
            "order_price_type": order_price_type,
        }
    )
    return Op(
        "POST", SWAP + "swap_lightning_close_position", parse_as(OrderPlaced), body=body
    )


def swap_switch_lever_rate(contract_code: str, lever_rate: int) -> Op[LeverRate]:
    body = {"contract_code": contract_code, "lever_rate": lever_rate}
    return Op("POST", SWAP + "swap_switch_lever_rate", parse_as(LeverRate), body=body)


def swap_cancel_after(on: bool, time_out: int | None) -> Op[CancelAfterResult]:
    body = drop_none({"on_off": 1 if on else 0, "time_out": time_out})
    parse = parse_as(CancelAfterResult)
    return Op("POST", SWAP + "swap-cancel-after", parse, envelope="v3", body=body)


# -- reads -----------------------------------------------------------------------------------


def swap_openorders(
    contract_code: str | None,
    page_index: int | None,
    page_size: int | None,
    trade_type: int | None,
    sort_by: str | None,
) -> Op[OrdersPage]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "page_index": page_index,
            "page_size": page_size,
            "trade_type": trade_type,
            "sort_by": sort_by,
        }
    )
    return Op("POST", SWAP + "swap_openorders", parse_as(OrdersPage), body=body)


def swap_order_info(
    contract_code: str, order_id: Ids | None, client_order_id: Ids | None
) -> Op[list[Order]]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "order_id": _ids(order_id),
            "client_order_id": _ids(client_order_id),
        }
    )
    return Op("POST", SWAP + "swap_order_info", parse_list(Order), body=body)


def swap_order_detail(
    contract_code: str,
    order_id: int,
    created_at: int | None,
    order_type: int | None,
    page_index: int | None,
    page_size: int | None,
) -> Op[OrderDetail]:
    body = drop_none(
        {
            "contract_code": contract_code,
            "order_id": order_id,
            "created_at": created_at,
            "order_type": order_type,
            "page_index": page_index,
            "page_size": page_size,
        }
    )
    return Op("POST", SWAP + "swap_order_detail", parse_as(OrderDetail), body=body)


def swap_hisorders(
    contract_code: str,
    trade_type: int,
    type: int,
    status: int | Sequence[int],
    create_date: int,
    page_index: int | None,
    page_size: int | None,
    sort_by: str | None,
) -> Op[HistoryPage]:
    statuses = str(status) if isinstance(status, int) else ",".join(str(s) for s in status)
    body = drop_none(
        {
            "contract_code": contract_code,
            "trade_type": trade_type,
            "type": type,
            "status": statuses,
            "create_date": create_date,
            "page_index": page_index,
            "page_size": page_size,
            "sort_by": sort_by,
        }
    )
    return Op("POST", SWAP + "swap_hisorders", parse_as(HistoryPage), body=body)


def swap_relation_tpsl_order(contract_code: str, order_id: int | str) -> Op[RelationTpslOrder]:
    body = {"contract_code": contract_code, "order_id": str(order_id)}
    return Op("POST", SWAP + "swap_relation_tpsl_order", parse_as(RelationTpslOrder), body=body)


def swap_account_info(contract_code: str | None) -> Op[list[Account]]:
    body = drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_account_info", parse_list(Account), body=body)


def swap_position_info(contract_code: str | None) -> Op[list[Position]]:
    body = drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_position_info", parse_list(Position), body=body)


# -- public ----------------------------------------------------------------------------------


def swap_contract_info(contract_code: str | None) -> Op[list[Contract]]:
    params = drop_none({"contract_code": contract_code})
    parse = parse_list(Contract)
    return Op("GET", SWAP + "swap_contract_info", parse, private=False, params=params)


def swap_adjustfactor(contract_code: str | None) -> Op[list[AdjustFactors]]:
    params = drop_none({"contract_code": contract_code})
    parse = parse_list(AdjustFactors)
    return Op("GET", SWAP + "swap_adjustfactor", parse, private=False, params=params)


def swap_risk_info(contract_code: str | None) -> Op[list[RiskInfo]]:
    params = drop_none({"contract_code": contract_code})
    return Op("GET", SWAP + "swap_risk_info", parse_list(RiskInfo), private=False, params=params)


def swap_insurance_fund(
    contract_code: str, page_index: int | None, page_size: int | None
) -> Op[InsuranceFundPage]:
    params = drop_none(
        {"contract_code": contract_code, "page_index": page_index, "page_size": page_size}
    )
    parse = parse_as(InsuranceFundPage)
    return Op("GET", SWAP + "swap_insurance_fund", parse, private=False, params=params)


def swap_ladder_margin(contract_code: str | None) -> Op[list[LadderMargin]]:
    params = drop_none({"contract_code": contract_code})
    parse = parse_list(LadderMargin)
    return Op("GET", SWAP + "swap_ladder_margin", parse, private=False, params=params)


def swap_liquidation_orders(
    contract: str,
    trade_type: int,
    start_time: int | None,
    end_time: int | None,
    direct: str | None,
    from_id: int | None,
) -> Op[list[LiquidationOrder]]:
    params = drop_none({
        "contract": contract, "trade_type": trade_type, "start_time": start_time,
        "end_time": end_time, "direct": direct, "from_id": from_id,
    })  # fmt: skip
    parse = parse_list(LiquidationOrder)
    return Op(
        "GET", V3 + "swap_liquidation_orders", parse, "v3", private=False, params=params
    )


def timestamp() -> Op[int]:
    return Op("GET", "/api/v1/timestamp", parse_as(int), envelope="v1-ts", private=False)


def heartbeat() -> Op[Heartbeat]:
    return Op("GET", "/heartbeat/", parse_as(Heartbeat), private=False)


def _tick(kind: type[T], fix: Callable[[dict[str, Any]], None] | None = None) -> Callable[[Any], T]:
    """The market body's tick with its `ch` (and the tick's own ts)."""

    def parse(body: Any) -> T:
        tick = dict(body.get("tick") or {})
        tick["ch"] = body.get("ch", "")
        tick.setdefault("ts", body.get("ts"))
        if fix is not None:
            fix(tick)
        return convert(tick, kind)

    return parse


def _empty_levels_absent(tick: dict[str, Any]) -> None:
    """detail/merged sends `[]` for the side of an empty book."""
    for side in ("bid", "ask"):
        if tick.get(side) == []:
            tick[side] = None


def market_depth(contract_code: str, type: str) -> Op[Depth]:
    params = {"contract_code": contract_code, "type": type}
    return Op("GET", MARKET + "depth", _tick(Depth), "market", private=False, params=params)


def market_detail_merged(contract_code: str) -> Op[MergedDetail]:
    params = {"contract_code": contract_code}
    parse = _tick(MergedDetail, _empty_levels_absent)
    return Op("GET", MARKET + "detail/merged", parse, "market", private=False, params=params)


def market_trade(contract_code: str | None) -> Op[Trades]:
    params = drop_none({"contract_code": contract_code})
    return Op("GET", MARKET + "trade", _tick(Trades), "market", private=False, params=params)


def market_history_kline(
    contract_code: str, period: str, size: int | None, start: int | None, end: int | None
) -> Op[Klines]:
    params = drop_none({
        "contract_code": contract_code,
        "period": period,
        "size": None if size is None else str(size),
        "from": None if start is None else str(start),
        "to": None if end is None else str(end),
    })  # fmt: skip
    return Op("GET", MARKET + "history/kline", parse_as(Klines), "market", private=False,
              params=params)  # fmt: skip


def swap_mark_price_kline(contract_code: str, period: str, size: int) -> Op[Klines]:
    params = {"contract_code": contract_code, "period": period, "size": str(size)}
    path = "/index/market/history/swap_mark_price_kline"
    return Op("GET", path, parse_as(Klines), "market", private=False, params=params)


def swap_basis(
    contract_code: str, period: str, size: int | None, basis_price_type: str | None
) -> Op[BasisSeries]:
    params = drop_none({
        "contract_code": contract_code,
        "period": period,
        "size": None if size is None else str(size),
        "basis_price_type": basis_price_type,
    })  # fmt: skip
    path = "/index/market/history/swap_basis"
    return Op("GET", path, parse_as(BasisSeries), "market", private=False, params=params)


def _ticks(body: Any) -> list[BatchTick]:
    ticks = [dict(t) for t in body.get("ticks") or []]
    for tick in ticks:
        _empty_levels_absent(tick)
    return convert(ticks, list[BatchTick])


def market_batch_merged(contract_code: str | None, *, v2: bool = False) -> Op[list[BatchTick]]:
    params = drop_none({"contract_code": contract_code})
    path = ("/v2" if v2 else "") + MARKET + "detail/batch_merged"
    return Op("GET", path, _ticks, "market", private=False, params=params)


def swap_open_interest(contract_code: str | None) -> Op[list[OpenInterest]]:
    params = drop_none({"contract_code": contract_code})
    parse = parse_list(OpenInterest)
    return Op("GET", SWAP + "swap_open_interest", parse, private=False, params=params)


def swap_his_open_interest(
    contract_code: str, period: str, amount_type: int, size: int | None
) -> Op[OpenInterestHistory]:
    params = drop_none({
        "contract_code": contract_code,
        "period": period,
        "amount_type": str(amount_type),
        "size": None if size is None else str(size),
    })  # fmt: skip
    parse = parse_as(OpenInterestHistory)
    return Op("GET", SWAP + "swap_his_open_interest", parse, private=False, params=params)
def swap_index(contract_code: str | None) -> Op[list[IndexPrice]]:
    params = drop_none({"contract_code": contract_code})
    return Op("GET", SWAP + "swap_index", parse_list(IndexPrice), private=False, params=params)


def swap_price_limit(contract_code: str | None) -> Op[list[PriceLimit]]:
    params = drop_none({"contract_code": contract_code})
    parse = parse_list(PriceLimit)
    return Op("GET", SWAP + "swap_price_limit", parse, private=False, params=params)
