"""What each endpoint sends and how its answer is read, shared by the sync and async clients:
a client method builds an `Op` here, sends it, and hands the response back to `Op.result`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

import httpx
import msgspec

from .errors import HtxHttpError, UnexpectedResponse, api_error
from .models import (
    Account,
    BatchResult,
    CancelAfterResult,
    CancelError,
    CancelResult,
    Contract,
    Depth,
    Direction,
    Heartbeat,
    HistoryPage,
    LeverRate,
    MergedDetail,
    Offset,
    Order,
    OrderDetail,
    OrderPlaced,
    OrderRequest,
    OrdersPage,
    Position,
    Trades,
)

T = TypeVar("T")
Envelope = Literal["v1", "v1-ts", "v3", "market"]
Number = Decimal | int | str
Ids = int | str | Sequence[int | str]

DEFAULT_BASE_URL = "https://api.hbdm.com"
DEFAULT_TIMEOUT = 10.0
SWAP = "/swap-api/v1/"
MARKET = "/swap-ex/market/"

# JSON numbers with a fraction become Decimal: a price or a balance never passes through float.
_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder(decimal_format="number")
JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True, slots=True)
class Op(Generic[T]):
    method: Literal["GET", "POST"]
    path: str
    parse: Callable[[Any], T]
    """Turns the envelope's payload (data; ts; the whole market body) into the result."""
    envelope: Envelope = "v1"
    private: bool = True
    params: Mapping[str, str] | None = None
    body: Any = None

    @property
    def content(self) -> bytes | None:
        if self.method == "GET":
            return None
        return _encoder.encode({} if self.body is None else self.body)

    @property
    def headers(self) -> dict[str, str]:
        return JSON_HEADERS if self.method == "POST" else {}

    def result(self, response: httpx.Response) -> T:
        return self.parse(payload(response, self.envelope))


def decode(response: httpx.Response) -> Any:
    try:
        return _decoder.decode(response.content)
    except msgspec.DecodeError:
        raise HtxHttpError(response.status_code, response.text) from None


def payload(response: httpx.Response, envelope: Envelope) -> Any:
    """The payload of an ok envelope; raises the typed error of an error envelope, or
    HtxHttpError when the answer is no envelope at all."""
    body = decode(response)
    if not isinstance(body, dict):
        raise HtxHttpError(response.status_code, response.text)
    if envelope == "v3":
        code = body.get("code")
        if code == 200:
            return body.get("data")
        if isinstance(code, int) and "msg" in body:
            raise api_error(code, str(body["msg"]))
        return _v1(response, body, envelope)
    return _v1(response, body, envelope)


def _v1(response: httpx.Response, body: dict[str, Any], envelope: Envelope) -> Any:
    status = body.get("status")
    if status == "ok":
        if envelope == "v1-ts":
            return body.get("ts")
        if envelope == "market":
            return body
        return body.get("data")
    if status == "error":
        if "err_code" in body:
            raise api_error(body["err_code"], str(body.get("err_msg", "")))
        if "err-code" in body:
            raise api_error(str(body["err-code"]), str(body.get("err-msg", "")))
    raise HtxHttpError(response.status_code, response.text)


def convert(data: Any, kind: type[T]) -> T:
    """Wire data into a result type; numeric strings become numbers where the type says so."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as error:
        raise UnexpectedResponse(f"unexpected answer: {error}") from None


def _as(kind: type[T]) -> Callable[[Any], T]:
    return lambda data: convert(data, kind)


def _list_of(kind: type[T]) -> Callable[[Any], list[T]]:
    return lambda data: convert(data, list[kind])  # type: ignore[valid-type]


def _drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


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
    return _drop_none(fields)


def swap_order(order: OrderRequest) -> Op[OrderPlaced]:
    return Op("POST", SWAP + "swap_order", _as(OrderPlaced), body=order_body(order))


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
    )


def swap_batchorder(orders: Sequence[OrderRequest]) -> Op[BatchResult]:
    body = {"orders_data": [order_body(o) for o in orders]}
    return Op("POST", SWAP + "swap_batchorder", _as(BatchResult), body=body)


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
    body = _drop_none(
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
    body = _drop_none({"contract_code": contract_code, "direction": direction, "offset": offset})
    return Op("POST", SWAP + "swap_cancelall", _cancel_result, body=body)


def swap_switch_lever_rate(contract_code: str, lever_rate: int) -> Op[LeverRate]:
    body = {"contract_code": contract_code, "lever_rate": lever_rate}
    return Op("POST", SWAP + "swap_switch_lever_rate", _as(LeverRate), body=body)


def swap_cancel_after(on: bool, time_out: int | None) -> Op[CancelAfterResult]:
    body = _drop_none({"on_off": 1 if on else 0, "time_out": time_out})
    return Op("POST", SWAP + "swap-cancel-after", _as(CancelAfterResult), envelope="v3", body=body)


# -- reads -----------------------------------------------------------------------------------


def swap_openorders(
    contract_code: str | None,
    page_index: int | None,
    page_size: int | None,
    trade_type: int | None,
    sort_by: str | None,
) -> Op[OrdersPage]:
    body = _drop_none(
        {
            "contract_code": contract_code,
            "page_index": page_index,
            "page_size": page_size,
            "trade_type": trade_type,
            "sort_by": sort_by,
        }
    )
    return Op("POST", SWAP + "swap_openorders", _as(OrdersPage), body=body)


def swap_order_info(
    contract_code: str, order_id: Ids | None, client_order_id: Ids | None
) -> Op[list[Order]]:
    body = _drop_none(
        {
            "contract_code": contract_code,
            "order_id": _ids(order_id),
            "client_order_id": _ids(client_order_id),
        }
    )
    return Op("POST", SWAP + "swap_order_info", _list_of(Order), body=body)


def swap_order_detail(
    contract_code: str,
    order_id: int,
    created_at: int | None,
    order_type: int | None,
    page_index: int | None,
    page_size: int | None,
) -> Op[OrderDetail]:
    body = _drop_none(
        {
            "contract_code": contract_code,
            "order_id": order_id,
            "created_at": created_at,
            "order_type": order_type,
            "page_index": page_index,
            "page_size": page_size,
        }
    )
    return Op("POST", SWAP + "swap_order_detail", _as(OrderDetail), body=body)


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
    body = _drop_none(
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
    return Op("POST", SWAP + "swap_hisorders", _as(HistoryPage), body=body)


def swap_account_info(contract_code: str | None) -> Op[list[Account]]:
    body = _drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_account_info", _list_of(Account), body=body)


def swap_position_info(contract_code: str | None) -> Op[list[Position]]:
    body = _drop_none({"contract_code": contract_code})
    return Op("POST", SWAP + "swap_position_info", _list_of(Position), body=body)


# -- public ----------------------------------------------------------------------------------


def swap_contract_info(contract_code: str | None) -> Op[list[Contract]]:
    params = _drop_none({"contract_code": contract_code})
    return Op("GET", SWAP + "swap_contract_info", _list_of(Contract), private=False, params=params)


def timestamp() -> Op[int]:
    return Op("GET", "/api/v1/timestamp", _as(int), envelope="v1-ts", private=False)


def heartbeat() -> Op[Heartbeat]:
    return Op("GET", "/heartbeat/", _as(Heartbeat), private=False)


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
    params = _drop_none({"contract_code": contract_code})
    return Op("GET", MARKET + "trade", _tick(Trades), "market", private=False, params=params)
