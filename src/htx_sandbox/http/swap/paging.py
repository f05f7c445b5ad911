"""HTX's query_id paging of the history family, and the order filters its order endpoints share.

v3 (`swap_hisorders`, `_exact`, `swap_matchresults`, `_exact`): a window of at most 48 h
within the last 90 days, `direct` prev (newest first, the default) or next (oldest first),
`from_id` the last query_id of the page before (that row is not repeated). The answer is the
list of rows.

v1 `_exact` (`swap_hisorders_exact`, `swap_matchresults_exact`): any window within the last 90
days (start by default 10 days before the end), `from_id` included (the row that a page's
`next_id` named opens the next), `size` up to 50; rows newest first whatever the direction,
with `remain_size` (the rows past the page) and `next_id` (the query_id that opens the next
page, null on the last).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Millis, OrderPriceType
from ...service.ports import HistoryQuery
from ..core.body import Body
from . import fields
from .financial import direction, record_window

DEFAULT_SIZE = 20
V3_MAX_SIZE = 100
"""HTX's v3 pages state no size: the sandbox answers 20 rows unless `size` (1-100) asks."""
V1_MAX_SIZE = 50
DAY_MS = 86_400_000
MAX_AGE_MS = 90 * DAY_MS
V1_DEFAULT_SPAN_MS = 10 * DAY_MS

ORDER_TRADE_TYPES = (0, *fields.TRADE_TYPES, *fields.LIQUIDATION_SIDES, 7, 8, 11, 12)
"""The history's trade_type: 7/8 (deliveries) and 11/12 (the risk engine's reduce-only
closes) are valid and match nothing here (perpetuals are never delivered)."""
NOTHING_TRADE_TYPES = frozenset({7, 8, 11, 12})
FILL_TRADE_TYPES = (0, *fields.TRADE_TYPES, *fields.LIQUIDATION_SIDES)
HISTORY_STATUSES = frozenset({0, 3, 4, 5, 6, 7})
FINISHED_STATUSES = (5, 6, 7)
PRICE_TYPES = frozenset(t.value for t in OrderPriceType)

Row = TypeVar("Row")


def size(body: Body, largest: int) -> int:
    value = body.integer("size")
    value = DEFAULT_SIZE if value is None else value
    if not 1 <= value <= largest:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "size")
    return value


def from_id(body: Body) -> int | None:
    value = body.integer("from_id")
    if value is not None and value < 0:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "from_id")
    return value


def v3_window(body: Body, now: int) -> tuple[Millis, Millis]:
    """end_time (default now) and start_time (default end - 48 h), at most 48 h apart within
    the last 90 days; 1067 naming the field otherwise (as the v3 financial records)."""
    return record_window(body, now)


def v1_window(body: Body, now: int) -> tuple[Millis, Millis]:
    """v1 _exact: end_time past now is now; start_time within the last 90 days and before
    the end, by default 10 days before the end (and at most 10 days ago, at least 90)."""
    end = body.integer("end_time")
    start = body.integer("start_time")
    end = now if end is None or end > now else end
    if end < now - MAX_AGE_MS:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "end_time")
    if start is None:
        start = max(now - MAX_AGE_MS, min(end - V1_DEFAULT_SPAN_MS, now - V1_DEFAULT_SPAN_MS))
    elif not now - MAX_AGE_MS <= start <= now or start >= end:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "start_time")
    return Millis(start), Millis(end)


def newest_first(body: Body) -> bool:
    return direction(body) == "prev"


@dataclass(frozen=True, slots=True)
class Cursor:
    """A paged history request's window and page, read in HTX's order of checks (the window,
    then direct, from_id and size)."""

    start: Millis
    end: Millis
    newest_first: bool
    from_id: int | None
    size: int

    def fields(self) -> dict[str, Any]:
        """As HistoryQuery's keyword arguments."""
        return {
            "start": self.start, "end": self.end, "newest_first": self.newest_first,
            "from_id": self.from_id, "size": self.size,
        }  # fmt: skip


def v3_cursor(body: Body, now: int) -> Cursor:
    start, end = v3_window(body, now)
    return Cursor(start, end, newest_first(body), from_id(body), size(body, V3_MAX_SIZE))


def v1_cursor(body: Body, now: int) -> Cursor:
    start, end = v1_window(body, now)
    return Cursor(start, end, newest_first(body), from_id(body), size(body, V1_MAX_SIZE))


def v1_page(
    window: Callable[[HistoryQuery], tuple[list[Row], int]],
    query: HistoryQuery,
    query_id: Callable[[Row], int],
    shape: Callable[[Row], dict[str, Any]],
    key: str,
) -> dict[str, Any]:
    """One v1 _exact page: `size` rows from from_id (included) in the query's direction, newest
    first, how many are left past them, and the query_id that opens the next page."""
    found, total = window(replace(query, size=query.size + 1, include_from=True))
    page: Sequence[Row] = found[: query.size]
    after = found[query.size :]
    rows = sorted(page, key=query_id, reverse=True)
    return {
        key: [shape(r) for r in rows],
        "remain_size": total - len(page),
        "next_id": query_id(after[0]) if after else None,
    }


class OrderFilters:
    """What the order history endpoints' trade_type, type, status and price type keep."""

    __slots__ = ("matches_nothing", "order_types", "price_types", "sides", "statuses")

    def __init__(self, body: Body, price_type_field: str | None) -> None:
        trade_type = fields.trade_type(body, required=True, allowed=ORDER_TRADE_TYPES)
        kind = body.integer("type", required=True)
        if kind not in (1, 2):
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "type")
        found = fields.statuses(body, HISTORY_STATUSES)
        statuses = () if 0 in found else tuple(sorted(found))
        nothing = trade_type in NOTHING_TRADE_TYPES
        if kind == 2:  # finished orders only
            statuses = tuple(s for s in (statuses or FINISHED_STATUSES) if s in FINISHED_STATUSES)
            nothing = nothing or not statuses
        self.statuses = statuses
        self.matches_nothing = nothing
        self.sides, self.order_types = fields.order_filter(trade_type)
        self.price_types: tuple[str, ...] = ()
        if price_type_field is not None:
            value = body.text(price_type_field)
            if value is not None:
                if value not in PRICE_TYPES:
                    raise HtxError(ErrorCode.ILLEGAL_PARAMETER, price_type_field)
                self.price_types = (value,)

    def query(self, **window: Any) -> HistoryQuery:
        return HistoryQuery(
            statuses=self.statuses, sides=self.sides, order_types=self.order_types,
            price_types=self.price_types, **window,
        )  # fmt: skip


def history_days(body: Body) -> int:
    """v1 `create_date`: the last N days, N a positive integer; past 90 HTX answers the last
    90 days ("Requesting data beyond 90 will not be supported, otherwise, system will return
    ... within the last 90 days by default")."""
    days = body.integer("create_date", required=True)
    assert days is not None
    if days < 1:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "create_date")
    return min(days, MAX_AGE_MS // DAY_MS)
