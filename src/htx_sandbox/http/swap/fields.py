"""Request fields several /swap-api/ endpoints share, checked as HTX checks them."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from ...domain.errors import ErrorCode, HtxError
from ...domain.types import Direction, Offset
from ..core.body import Body, unsigned

V1 = "/swap-api/v1/"
V3 = "/swap-api/v3/"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PAGE_INDEX = 1_000_000
"""Far past any real history, and small enough that the row offset fits a database integer."""

# trade_type: 1 buy-open (open long), 2 sell-open (open short), 3 buy-close (close short),
# 4 sell-close (close long). 0 is every order.
TRADE_TYPES: dict[int, tuple[Direction, Offset]] = {
    1: (Direction.BUY, Offset.OPEN),
    2: (Direction.SELL, Offset.OPEN),
    3: (Direction.BUY, Offset.CLOSE),
    4: (Direction.SELL, Offset.CLOSE),
}


def contract_code(body: Body, *, required: bool) -> str | None:
    return body.text("contract_code", required=required)


def page(body: Body) -> tuple[int, int]:
    """page_index (default 1, at least 1) and page_size (default 20, 1 to 50); else 1067."""
    index = body.integer("page_index")
    size = body.integer("page_size")
    index = 1 if index is None else index
    size = DEFAULT_PAGE_SIZE if size is None else size
    if not 1 <= index <= MAX_PAGE_INDEX:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_index")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "page_size")
    return index, size


def trade_type(body: Body, *, required: bool, allowed: Container[int]) -> int:
    value = body.integer("trade_type", required=required)
    if value is None:
        return 0
    if value not in allowed:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "trade_type")
    return value


def sort_by(body: Body, choices: tuple[str, ...]) -> str:
    """The first choice is the default; every choice sorts newest first."""
    value = body.text("sort_by")
    if value is None:
        return choices[0]
    if value not in choices:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "sort_by")
    return value


def paged(
    key: str, rows: list[dict[str, Any]], total: int, index: int, size: int
) -> dict[str, Any]:
    return {
        key: rows,
        "total_page": -(-total // size),
        "current_page": index,
        "total_size": total,
    }


def order_ids(values: list[str]) -> list[int]:
    """The distinct ids that can name an order, in request order; anything else names none."""
    found: dict[int, None] = {}
    for value in values:
        # Ids are 64-bit: a longer number names no order (and must not reach the database).
        number = unsigned(value)
        if number is not None:
            found[number] = None
    return list(found)


def statuses(body: Body, allowed: Container[int]) -> set[int]:
    """`status`: a comma list of values in `allowed`, 1066 when empty and 1067 for any other;
    what 0 stands for is the endpoint's to say."""
    values = body.id_list("status")
    if not values:
        raise HtxError(ErrorCode.FIELD_EMPTY, "status")
    found: set[int] = set()
    for value in values:
        status = unsigned(value)
        if status is None or status not in allowed:
            raise HtxError(ErrorCode.ILLEGAL_PARAMETER, "status")
        found.add(status)
    return found
