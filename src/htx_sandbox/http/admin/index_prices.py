"""Index prices: read them (`GET /index-prices`) and set one contract's (`POST /index-prices`)
to a value now (`price`), a path of `[ms, "price"]` points followed on the engine's clock
(`path`), or back to the random walk (`walk: true`). Changes go through the price source
(service/price_source.py), which submits them to the engine at once."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from functools import partial
from typing import Any

from starlette.routing import Route

from ...domain import bounds
from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis
from ...service.index_feeds import Point
from ...service.price_source import FeedState, anchor
from ...service.queries import Reads
from ..core.body import INT64, Body
from ..core.endpoint import Call, admin
from ..core.wire import num, text
from . import fields

MAX_PATH_POINTS = 1000
"""Points of one path: a day at 1.5-minute steps, and always within a request body's 64 KiB."""
_SETTERS = ("price", "path", "walk")


def index_row(reads: Reads, code: str, feed: FeedState) -> dict[str, Any]:
    contract = reads.contract(code)
    index = reads.index_price(contract)
    return {
        "contract_code": contract.contract_code,
        "index_price": None if index is None else num(index[0]),
        "index_ts": None if index is None else index[1],
        "mode": feed.mode,
        "path": [[at, text(price)] for at, price in feed.points],
    }


def _price(body: Body) -> Decimal:
    price = body.decimal("price", digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS)
    if price is None or price <= 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "price")
    return price


def _path(body: Body) -> list[Point]:
    """1 to MAX_PATH_POINTS [ms, price] pairs, strictly ascending in time, each price positive
    and within the domain's bounds; anything else is 1067 path."""
    value = body.fields.get("path")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PATH_POINTS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "path")
    points: list[Point] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "path")
        at = Body({"path": item[0]}).integer("path")
        price = Body({"path": item[1]}).decimal(
            "path", digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS
        )
        if at is None or not 0 <= at < INT64 or price is None or price <= 0:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "path")
        if points and at <= points[-1][0]:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "path")
        points.append((Millis(at), price))
    return points


@admin
async def list_index_prices(call: Call) -> Any:
    code = call.param("contract_code") or None
    feeds = call.gateway.prices.feeds()
    walking = FeedState("walk", [])

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [
            index_row(reads, c.contract_code, feeds.get(c.contract_code, walking))
            for c in reads.contracts(code)  # 1014 for an unknown contract_code
        ]

    return await call.read(read)


@admin
async def set_index_price(call: Call) -> Any:
    body = call.body
    code = fields.required_text(body, "contract_code").upper()
    given = [name for name in _SETTERS if body.has(name)]
    if not given:
        raise HtxError(ErrorCode.FIELD_EMPTY, "price")
    if len(given) > 1:  # one way to move the index at a time
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, given[1])
    setter = given[0]
    price = _price(body) if setter == "price" else None
    points = _path(body) if setter == "path" else None
    if setter == "walk" and body.fields["walk"] is not True:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "walk")
    at = await call.gateway.engine.query_async(partial(anchor, code=code))  # 1014: not listed
    source = call.gateway.prices
    if price is not None:
        submitted = source.fix(at.contract_code, price)
    elif points is not None:
        submitted = source.follow(at, points)
    else:
        submitted = source.walk(at)
    outcome = await asyncio.wrap_future(submitted)
    if outcome.error is not None:
        raise outcome.error
    feed = source.feed_state(at.contract_code)
    return await call.read(lambda reads: index_row(reads, at.contract_code, feed))


routes = [
    Route(f"{fields.PREFIX}/index-prices", list_index_prices, methods=["GET"]),
    Route(f"{fields.PREFIX}/index-prices", set_index_price, methods=["POST"]),
]
