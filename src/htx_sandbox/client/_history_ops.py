"""The history family with HTX's query_id paging: what each endpoint sends and how its answer
is read (v3 swap_hisorders and _exact, v3 swap_matchresults and _exact; v1
swap_hisorders_exact, swap_matchresults and swap_matchresults_exact)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ._wire import Op, drop_none, parse_as, parse_list
from .models import (
    ExactHistoryOrder,
    ExactHistoryPage,
    MatchResult,
    MatchResultsExactPage,
    MatchResultsPage,
)

SWAP = "/swap-api/v1/"
V3 = "/swap-api/v3/"
Direct = Literal["prev", "next"]


def _statuses(status: int | Sequence[int]) -> str:
    return str(status) if isinstance(status, int) else ",".join(str(s) for s in status)


def window(
    start_time: int | None, end_time: int | None, direct: Direct | None, from_id: int | None,
    size: int | None,
) -> dict[str, Any]:  # fmt: skip
    return {"start_time": start_time, "end_time": end_time, "direct": direct,
            "from_id": from_id, "size": size}  # fmt: skip


def v3_hisorders(
    contract: str,
    trade_type: int,
    type: int,
    status: int | Sequence[int],
    price_type: str | None,
    window: dict[str, Any],
    *,
    exact: bool,
) -> Op[list[ExactHistoryOrder]]:
    body = drop_none({
        "contract": contract, "trade_type": trade_type, "type": type,
        "status": _statuses(status), "price_type": price_type, **window,
    })  # fmt: skip
    path = V3 + ("swap_hisorders_exact" if exact else "swap_hisorders")
    return Op("POST", path, parse_list(ExactHistoryOrder), envelope="v3", body=body)


def v3_matchresults(
    contract: str, trade_type: int, window: dict[str, Any], *, exact: bool
) -> Op[list[MatchResult]]:
    body = drop_none({"contract": contract, "trade_type": trade_type, **window})
    path = V3 + ("swap_matchresults_exact" if exact else "swap_matchresults")
    return Op("POST", path, parse_list(MatchResult), envelope="v3", body=body)


def swap_hisorders_exact(
    contract_code: str,
    trade_type: int,
    type: int,
    status: int | Sequence[int],
    order_price_type: str | None,
    window: dict[str, Any],
) -> Op[ExactHistoryPage]:
    body = drop_none({
        "contract_code": contract_code, "trade_type": trade_type, "type": type,
        "status": _statuses(status), "order_price_type": order_price_type, **window,
    })  # fmt: skip
    return Op("POST", SWAP + "swap_hisorders_exact", parse_as(ExactHistoryPage), body=body)


def swap_matchresults(
    contract_code: str, trade_type: int, create_date: int, page_index: int | None,
    page_size: int | None,
) -> Op[MatchResultsPage]:  # fmt: skip
    body = drop_none({
        "contract_code": contract_code, "trade_type": trade_type, "create_date": create_date,
        "page_index": page_index, "page_size": page_size,
    })  # fmt: skip
    return Op("POST", SWAP + "swap_matchresults", parse_as(MatchResultsPage), body=body)


def swap_matchresults_exact(
    contract_code: str, trade_type: int, window: dict[str, Any]
) -> Op[MatchResultsExactPage]:
    body = drop_none({"contract_code": contract_code, "trade_type": trade_type, **window})
    path = SWAP + "swap_matchresults_exact"
    return Op("POST", path, parse_as(MatchResultsExactPage), body=body)

