"""HTX's own limit on strategy orders: 5 requests per second per UID on each place, cancel and
cancel-all endpoint of trigger, TP/SL and trailing orders (S1-cn: "一个uid对应计划委托下单接口
请求1秒5次 ... 撤单接口 ... 全部撤单接口 1秒5次"), counted apart per endpoint, on top of the
trade bucket the endpoint already counts in.

    @private("trade")
    @strategy_limited
    async def swap_tpsl_order(call: Call) -> Any: ...

Over the limit answers 1032, HTX's generic "The number of access exceeded the limit." (HTX does
not document the code for this limit), in the endpoint's envelope with the trade bucket's
ratelimit-* headers; the request has then already used one of its trade bucket's calls, as a
request refused by a gateway behind the first one would.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from ...domain.errors import ErrorCode, HtxError
from .endpoint import Call, Handler


def strategy_limited(handler: Handler) -> Handler:
    """Count the request in the UID's 5-per-second window of this endpoint (keyed by the
    handler's name, so each endpoint has its own) before the handler checks any field."""
    name = handler.__name__

    @wraps(handler)
    async def limited(call: Call) -> Any:
        if not call.gateway.strategy_limiter.allow((call.uid, name), call.gateway.wall.now()):
            raise HtxError(ErrorCode.RATE_LIMITED)
        return await handler(call)

    return limited
