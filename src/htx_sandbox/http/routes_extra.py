"""Endpoints ccxt's `htx` maps for inverse swaps beyond the core set: the public trade history
(`fetch_trades`) and a UID's own fills (`fetch_my_trades`).

- `GET /swap-ex/market/history/trade?contract_code=&size=`: HTX's batch of recent trades, `size`
  1-2000 (default 1), newest match first, grouped per taker order:
  `{"ch": "market.BTC-USD.trade.detail", "status": "ok", "ts": ..., "data": [{"id", "ts",
  "data": [{"amount", "quantity", "trade_turnover", "direction", "id", "price", "ts"}]}]}`.
  Volumes count both sides of a match, as /swap-ex/market/trade does.
- `POST /swap-api/v3/swap_matchresults_exact` (signed, read): `contract` and `trade_type`
  (0 all, 1-4 as swap_hisorders; 5/6 liquidations are valid and match nothing) required,
  `start_time`/`end_time` in ms (a window of at most 48 h within 90 days; default the last
  48 h), `size` 1-100 (default 20). v3 envelope `{"code": 200, "msg": "", "data": [...]}`, each
  row one fill of the UID, newest first, with `query_id` (the match id) for paging.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.errors import ErrorCode, HtxError
from ..domain.exchange import Exchange
from ..domain.orders import Order, Trade
from ..domain.types import Millis
from ..service.engine import EngineUnavailableError
from ..service.ports import OrderQuery
from . import routes_market as mk
from . import wire
from .gateway import Call, gateway_of, private
from .inputs import unsigned
from .routes_read import TRADE_TYPES, _find, _store, _trade_type
from .wire import num

HISTORY_MAX_SIZE = 2000
MATCH_MAX_SIZE = 100
MATCH_DEFAULT_SIZE = 20
WINDOW_MS = 48 * 3_600_000
MAX_AGE_MS = 90 * 86_400_000
FILLED_STATUSES = (4, 5, 6)
"""Orders that can carry fills: partially filled (open or cancelled) and filled."""
ORDER_PAGE = 200
ORDER_PAGES = 50


async def history_trade(request: Request) -> Response:
    gateway = gateway_of(request)
    market = mk.market_of(request)
    now = gateway.now_ms()
    ip = request.client.host if request.client else ""
    allowed, headers = mk._limiter(request, gateway).take(ip, now)
    if not allowed:
        text = HtxError(ErrorCode.RATE_LIMITED).wire_message()
        return mk._error(text, "too-many-requests", now, headers)
    try:
        code = mk._contract(request, market)
        size = _size(request.query_params.get("size", "").strip())
    except mk.MarketError as error:
        return mk._error(str(error), error.code, now, headers)
    store = gateway.engine.store
    since = Millis(max(0, now - MAX_AGE_MS))

    def read(exchange: Exchange) -> list[Trade]:
        return store.recent_trades(since, HISTORY_MAX_SIZE * 4)

    try:
        recent = await gateway.read(read)
    except EngineUnavailableError:
        busy = HtxError(ErrorCode.SYSTEM_BUSY).wire_message()
        return mk._error(busy, "system-busy", now, headers)
    fills = [t for t in recent if t.contract_code == code][-size:]
    groups: list[dict[str, Any]] = []
    for fill in reversed(fills):  # newest first, one group per taker order
        if not groups or groups[-1]["_order"] != fill.order_id:
            groups.append({"_order": fill.order_id, "id": fill.trade_id, "ts": fill.created_at,
                           "data": []})  # fmt: skip
        groups[-1]["data"].append(_print(fill))
    data = [{k: v for k, v in g.items() if k != "_order"} for g in groups]
    body = {"ch": f"market.{code}.trade.detail", "status": "ok", "ts": now, "data": data}
    return wire.json_response(body, headers)


def _size(text: str) -> int:
    if not text:
        return 1
    size = unsigned(text)
    if size is None or not 1 <= size <= HISTORY_MAX_SIZE:
        raise mk.MarketError("invalid size")
    return size


def _print(t: Trade) -> dict[str, Any]:
    sides = mk.SIDES
    return {
        "amount": str(t.volume * sides),
        "quantity": wire.text(t.value * sides),
        "trade_turnover": wire.text(t.turnover * sides),
        "direction": t.direction.value,
        "id": t.trade_id,
        "price": wire.text(t.price),
        "ts": t.created_at,
    }


@private("read", envelope="v3")
async def swap_matchresults_exact(call: Call) -> Any:
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    trade_type = _trade_type(body, required=True, allowed=(0, *TRADE_TYPES, 5, 6))
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
    side = TRADE_TYPES.get(trade_type)
    store = _store(call)
    uid = call.uid

    def read(exchange: Exchange) -> list[dict[str, Any]]:
        contract = exchange.contracts.get(code)
        if trade_type in (5, 6):
            return []
        orders: list[Order] = []
        for index in range(1, ORDER_PAGES + 1):
            page, total = store.orders_of(OrderQuery(
                uid=uid, contract_code=contract.contract_code, since=Millis(start - WINDOW_MS),
                statuses=FILLED_STATUSES,
                sides=() if side is None else ((side[0].value, side[1].value),),
                page_index=index, page_size=ORDER_PAGE,
            ))  # fmt: skip
            # orders_of leaves out the fills: the order from memory, else whole from the store
            orders.extend(_find(exchange, store, o.order_id) or o for o in page)
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
    Route("/swap-ex/market/history/trade", history_trade, methods=["GET"]),
    Route("/swap-api/v3/swap_matchresults_exact", swap_matchresults_exact, methods=["POST"]),
]
