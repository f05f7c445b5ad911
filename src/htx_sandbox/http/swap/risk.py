"""Public risk data: swap_adjustfactor, swap_risk_info, swap_insurance_fund, swap_ladder_margin
(v1, GET) and the liquidation feed, `GET /swap-api/v3/swap_liquidation_orders`.

The feed lists every partial and full liquidation order of a contract that filled, with the
bankruptcy price it was sent at, newest first (`direct=prev`, the default) or oldest first
(`next`), `query_id` (the order id) being the cursor (`from_id`). Netting orders move nothing
between accounts and are left out (the account's own history shows them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import Route

from ...domain.contracts import Contract
from ...domain.errors import ErrorCode, HtxError
from ...domain.money import contract_value
from ...domain.orders import Order
from ...domain.types import Millis
from ...service.ports import LiquidationQuery
from ...service.queries import Reads
from ..core.endpoint import Call, public
from ..core.envelopes import V3_ENVELOPE
from ..core.wire import num
from . import fields

FUND_PAGE_SIZE = 100
"""swap_insurance_fund: 100 by default, 100 at most."""
FEED_PAGE = 20
"""Rows a feed request answers (HTX documents no size parameter for it)."""
FEED_DEFAULT_MS = 2 * 3_600_000
"""Without start_time: the 2 hours before end_time."""
FEED_WINDOW_MS = 48 * 3_600_000
FEED_AGE_MS = 90 * 86_400_000
FEED_TRADE_TYPES = {0: None, 5: "sell", 6: "buy"}
"""0 every liquidation, 5 liquidated longs (a sell closing), 6 liquidated shorts."""


def _ladders(contract: Contract) -> dict[str, Any]:
    return {
        "symbol": contract.symbol,
        "contract_code": contract.contract_code,
        "list": [
            {
                "lever_rate": lever_rate,
                "ladders": [
                    {
                        "ladder": t.ladder,
                        "min_size": t.min_size,
                        "max_size": t.max_size,
                        "adjust_factor": num(t.adjust_factor),
                    }
                    for t in contract.ladders(lever_rate)
                ],
            }
            for lever_rate in sorted(contract.lever_rates)
        ],
    }


@public()
async def swap_adjustfactor(call: Call) -> Any:
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [_ladders(c) for c in reads.contracts(code)]

    return await call.read(read)


@public()
async def swap_risk_info(call: Call) -> Any:
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [
            {
                "contract_code": c.contract_code,
                "insurance_fund": num(reads.insurance_fund(c.symbol)),
                # No clawback: the fund may go below 0 instead (docs/compatibility.md).
                "estimated_clawback": 0,
            }
            for c in reads.contracts(code)
        ]

    return await call.read(read)


@public()
async def swap_insurance_fund(call: Call) -> Any:
    body = call.body
    code = fields.contract_code(body, required=True)
    assert code is not None
    index = body.integer("page_index")
    size = body.integer("page_size")
    index = 1 if index is None else index
    size = FUND_PAGE_SIZE if size is None else size
    if not 1 <= index <= fields.MAX_PAGE_INDEX:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_index")
    if not 1 <= size <= FUND_PAGE_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_size")

    def read(reads: Reads) -> dict[str, Any]:
        contract = reads.contract(code)
        records, total = reads.insurance_fund_history(contract.symbol, index, size)
        return {
            "total_page": -(-total // size),
            "current_page": index,
            "total_size": total,
            "symbol": contract.symbol,
            "contract_code": contract.contract_code,
            "tick": [{"insurance_fund": num(r.balance), "ts": r.ts} for r in records],
        }

    return await call.read(read)


@public()
async def swap_ladder_margin(call: Call) -> Any:
    """HTX's tiered margin: how much of a balance may be used. The sandbox lets all of it be:
    one tier, open-ended, at every lever rate (docs/compatibility.md)."""
    code = call.query.get("contract_code") or None

    def read(reads: Reads) -> list[dict[str, Any]]:
        return [
            {
                "symbol": c.symbol,
                "contract_code": c.contract_code,
                "list": [
                    {
                        "lever_rate": lever_rate,
                        "ladders": [
                            {
                                "min_margin_balance": 0,
                                "max_margin_balance": None,
                                "min_margin_available": 0,
                                "max_margin_available": None,
                            }
                        ],
                    }
                    for lever_rate in sorted(c.lever_rates)
                ],
            }
            for c in reads.contracts(code)
        ]

    return await call.read(read)


@public(V3_ENVELOPE)
async def swap_liquidation_orders(call: Call) -> Any:
    body = call.body
    code = body.text("contract", required=True)
    assert code is not None
    trade_type = body.integer("trade_type", required=True)
    if trade_type not in FEED_TRADE_TYPES:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "trade_type")
    now = call.now
    end = body.integer("end_time")
    end = now if end is None else end
    start = body.integer("start_time")
    start = end - FEED_DEFAULT_MS if start is None else start
    if start > end or end - start > FEED_WINDOW_MS or start < now - FEED_AGE_MS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "start_time")
    direct = body.text("direct") or "prev"
    if direct not in ("prev", "next"):
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "direct")
    from_id = body.integer("from_id")
    if from_id is not None and from_id < 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "from_id")

    def read(reads: Reads) -> list[dict[str, Any]]:
        contract = reads.contract(code)
        query = LiquidationQuery(
            contract.contract_code, Millis(start), Millis(end), FEED_TRADE_TYPES[trade_type],
            newest_first=direct == "prev", from_id=from_id, size=FEED_PAGE,
        )  # fmt: skip
        return [_liquidation(o, contract.contract_size) for o in reads.liquidation_orders(query)]

    return await call.read(read)


def _liquidation(order: Order, contract_size: Decimal) -> dict[str, Any]:
    return {
        "query_id": order.order_id,
        "contract_code": order.contract_code,
        "symbol": order.symbol,
        "direction": order.direction.value,
        "offset": order.offset.value,
        "volume": order.trade_volume,
        "price": num(order.price),
        "created_at": order.created_at,
        # The coin value at the bankruptcy price: HTX's example is 173 x 100 / 17102.9.
        "amount": num(contract_value(order.trade_volume, contract_size, order.price)),
    }


routes = [
    Route(fields.V1 + "swap_adjustfactor", swap_adjustfactor, methods=["GET"]),
    Route(fields.V1 + "swap_risk_info", swap_risk_info, methods=["GET"]),
    Route(fields.V1 + "swap_insurance_fund", swap_insurance_fund, methods=["GET"]),
    Route(fields.V1 + "swap_ladder_margin", swap_ladder_margin, methods=["GET"]),
    Route(fields.V3 + "swap_liquidation_orders", swap_liquidation_orders, methods=["GET"]),
]
