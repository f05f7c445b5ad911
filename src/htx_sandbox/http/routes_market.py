"""Market data endpoints under /swap-ex/market/: depth, the 24-hour overview and the last trade.

These answer in HTX's market-data shape, not the /swap-api/ envelope:
`{"ch": "market.BTC-USD.<topic>", "status": "ok", "tick": {...}, "ts": ...}`, and errors with
hyphenated keys and string codes: `{"ts": ..., "status": "error", "err-code": "invalid-parameter",
"err-msg": "invalid contract code"}` (HTTP 200, as every HTX business error).

HTX counts both sides of a match in its public volumes: a match of 3 contracts is printed with
amount 6 on the tape and adds 6 to the 24-hour vol (and 2 to count). `SIDES` applies that here.

Depth: type=step0-5, 14, 15 answer up to 150 levels and step6-13 up to 20. On HTX every step other
than step0 and step6 merges levels at a coarser price; HTX does not document those precisions, so
the sandbox answers unmerged levels for every step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.errors import ErrorCode, HtxError
from ..domain.exchange import Exchange
from ..domain.types import Millis
from ..service.engine import EngineUnavailableError
from ..service.market import MarketData, Print, Summary
from . import wire
from .gateway import Gateway, gateway_of
from .inputs import unsigned
from .ratelimit import Quota, RateLimiter

SIDES = 2
"""HTX's public volumes are the sum of the buy and the sell side of each match."""
MARKET_QUOTA = Quota(800, 1000)
"""HTX: market data REST allows 800 requests per second per IP."""
INVALID_PARAMETER = "invalid-parameter"
DEPTH_150 = frozenset({0, 1, 2, 3, 4, 5, 14, 15})
DEPTH_20 = frozenset(range(6, 14))

Tick = tuple[str, dict[str, Any]]
"""A topic (the part of `ch` after the contract code) and the tick."""


class MarketError(Exception):
    def __init__(self, message: str, code: str = INVALID_PARAMETER) -> None:
        super().__init__(message)
        self.code = code


def market_of(request: Request) -> MarketData:
    found: MarketData = request.app.state.market
    return found


def _limiter(request: Request, gateway: Gateway) -> RateLimiter:
    """Per IP, apart from the other public endpoints (app.state.market_limiter to override)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "market_limiter", None)
    if limiter is None:
        limiter = state.market_limiter = RateLimiter(MARKET_QUOTA, gateway.settings.rate_limit)
    return limiter


def _error(message: str, code: str, ts: int, headers: dict[str, str]) -> Response:
    body = {"ts": ts, "status": "error", "err-code": code, "err-msg": message}
    return wire.json_response(body, headers)


def market(
    handler: Callable[[Request, Gateway, MarketData, int], Awaitable[tuple[str, Tick]]],
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler returning (contract code or "*", (topic, tick)): the rate limit, the
    `ch`/`tick` envelope and HTX's market errors."""

    async def endpoint(request: Request) -> Response:
        gateway = gateway_of(request)
        now = gateway.now_ms()
        ip = request.client.host if request.client else ""
        allowed, headers = _limiter(request, gateway).take(ip, now)
        if not allowed:
            text = HtxError(ErrorCode.RATE_LIMITED).wire_message()
            return _error(text, "too-many-requests", now, headers)
        try:
            code, (topic, tick) = await handler(request, gateway, market_of(request), now)
        except MarketError as error:
            return _error(str(error), error.code, now, headers)
        except EngineUnavailableError:
            text = HtxError(ErrorCode.SYSTEM_BUSY).wire_message()
            return _error(text, "system-busy", now, headers)
        body = {"ch": f"market.{code}.{topic}", "status": "ok", "tick": tick, "ts": now}
        return wire.json_response(body, headers)

    endpoint.__name__ = handler.__name__
    return endpoint


def _contract(request: Request, market: MarketData) -> str:
    """The contract_code parameter, upper case; case-insensitive as on HTX."""
    code = _optional_contract(request, market)
    if code is None:
        raise MarketError("contract_code cannot be empty")
    return code


def _optional_contract(request: Request, market: MarketData) -> str | None:
    code = request.query_params.get("contract_code", "").strip()
    if not code:
        return None
    if not market.knows(code):
        raise MarketError("invalid contract code")
    return code.upper()


def _levels(request: Request) -> tuple[str, int]:
    """type=stepN: N in 0-5, 14, 15 gives up to 150 levels, 6-13 up to 20."""
    step = request.query_params.get("type", "").strip()
    if not step:
        raise MarketError("type cannot be empty")
    digits = step.removeprefix("step")
    number = unsigned(digits) if digits != step else None
    if number is not None and str(number) == digits:
        if number in DEPTH_150:
            return step, 150
        if number in DEPTH_20:
            return step, 20
    raise MarketError("invalid type")


def _level(level: tuple[Decimal, int]) -> list[Any]:
    return [level[0], level[1]]


# -- endpoints ---------------------------------------------------------------------------------


@market
async def depth(
    request: Request, gateway: Gateway, market: MarketData, now: int
) -> tuple[str, Tick]:
    code = _contract(request, market)
    step, levels = _levels(request)

    def read(exchange: Exchange) -> tuple[Any, Any, int]:
        bids, asks = exchange.depth(code, levels)
        return bids, asks, market.last_trade_id(code)

    bids, asks, mrid = await gateway.read(read)
    ch = f"market.{code}.depth.{step}"
    tick = {
        "mrid": mrid,
        "id": now // 1000,
        "bids": [_level(b) for b in bids],
        "asks": [_level(a) for a in asks],
        "ts": now,
        "version": now // 1000,
        "ch": ch,
    }
    return code, (f"depth.{step}", tick)


@market
async def detail_merged(
    request: Request, gateway: Gateway, market: MarketData, now: int
) -> tuple[str, Tick]:
    code = _contract(request, market)

    def read(exchange: Exchange) -> tuple[Any, Any, Decimal, Summary | None]:
        bids, asks = exchange.depth(code, 1)
        mark = exchange.state.mark_price(exchange.contracts.get(code))
        return bids, asks, mark, market.summary(code, Millis(now))

    bids, asks, mark, summary = await gateway.read(read)
    if summary is None:  # no trade in 24 h: the last price, nothing traded
        summary = Summary(mark, mark, mark, mark, 0, Decimal(0), 0)
    tick = {
        "amount": wire.text(summary.value * SIDES),
        "ask": _level(asks[0]) if asks else [],
        "bid": _level(bids[0]) if bids else [],
        "close": wire.text(summary.close),
        "count": summary.count * SIDES,
        "high": wire.text(summary.high),
        "id": now // 1000,
        "low": wire.text(summary.low),
        "open": wire.text(summary.open),
        "ts": now,
        "vol": str(summary.volume * SIDES),
    }
    return code, ("detail.merged", tick)


def _print(p: Print) -> dict[str, Any]:
    return {
        "amount": str(p.volume * SIDES),
        "quantity": wire.text(p.value * SIDES),
        "direction": p.direction.value,
        "id": p.trade_id,
        "price": wire.text(p.price),
        "ts": p.ts,
        "contract_code": p.contract_code,
    }


@market
async def trade(
    request: Request, gateway: Gateway, market: MarketData, now: int
) -> tuple[str, Tick]:
    code = _optional_contract(request, market)
    codes = [code] if code is not None else market.contract_codes()
    data = [_print(p) for c in codes for p in market.last_round(c)]
    tick = {"data": data, "id": now, "ts": now}
    return code or "*", ("trade.detail", tick)


routes = [
    Route("/swap-ex/market/depth", depth, methods=["GET"]),
    Route("/swap-ex/market/detail/merged", detail_merged, methods=["GET"]),
    Route("/swap-ex/market/trade", trade, methods=["GET"]),
]
