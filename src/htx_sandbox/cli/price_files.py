"""A price path a user brings, for `htx-sandbox prices play`: a CSV file of (time, price) rows
or of klines, read into the (ms, price) points the admin API's index path takes.

- Rows of two cells are time,price. Rows of five or more are klines as ccxt, Binance and most
  exports write them, time,open,high,low,close[,volume...]: the bar's close is the price at its
  time. A header row may name the columns instead (time/timestamp/ts/id/date/open_time and
  price/close): then those columns are read, whatever their order.
- A time is milliseconds or seconds since the epoch (below 10^11: seconds, as HTX's kline
  `id`), or an ISO 8601 date (UTC unless it says otherwise).
- Blank lines and # comments are skipped; rows are sorted by time (HTX's klines may come
  newest first); two rows at one time are an error.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from .values import decimal_value

SECONDS_BELOW = 10**11
"""A time below this is in seconds (10^11 s is the year 5138; 10^11 ms is 1973)."""
TIME_NAMES = ("time", "timestamp", "ts", "id", "date", "datetime", "open_time")
PRICE_NAMES = ("price", "close", "index_price", "mark_price")


class PriceFileError(ValueError):
    pass


def _time(cell: str) -> int:
    if cell.isascii() and cell.isdigit():
        value = int(cell)
        return value * 1000 if value < SECONDS_BELOW else value
    try:
        when = datetime.fromisoformat(cell)
    except ValueError:
        raise PriceFileError(f"not a time: {cell!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _is_time(cell: str) -> bool:
    try:
        _time(cell)
    except PriceFileError:
        return False
    return True


def _columns(header: list[str]) -> tuple[int, int] | None:
    names = [cell.strip().lower() for cell in header]
    at = next((names.index(n) for n in TIME_NAMES if n in names), None)
    price = next((names.index(n) for n in PRICE_NAMES if n in names), None)
    return None if at is None or price is None else (at, price)


def read_points(text: str) -> list[tuple[int, Decimal]]:
    """The file's (ms, price) points, ascending in time (PriceFileError names the bad line)."""
    rows = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
    ]
    rows = [(n, cells) for n, cells in rows if any(cells) and not cells[0].startswith("#")]
    if not rows:
        raise PriceFileError("no rows")
    columns: tuple[int, int] | None = None
    first = rows[0][1]
    if not _is_time(first[0]):  # a header row
        columns = _columns(first)
        if columns is None:
            raise PriceFileError(
                f"line {rows[0][0]}: a header needs a time column ({', '.join(TIME_NAMES)}) "
                f"and a price column ({', '.join(PRICE_NAMES)})"
            )
        rows = rows[1:]
    points: dict[int, Decimal] = {}
    for number, cells in rows:
        if columns is not None:
            at_column, price_column = columns
        elif len(cells) == 2:
            at_column, price_column = 0, 1
        elif len(cells) >= 5:
            at_column, price_column = 0, 4  # time, open, high, low, close
        else:
            raise PriceFileError(
                f"line {number}: expected time,price or time,open,high,low,close, got {cells!r}"
            )
        try:
            at = _time(cells[at_column])
            price = decimal_value(cells[price_column])
        except (IndexError, ValueError) as error:
            raise PriceFileError(f"line {number}: {error}") from None
        if price <= 0:
            raise PriceFileError(f"line {number}: a price must be positive, got {price}")
        if at in points:
            raise PriceFileError(f"line {number}: a second row at time {at}")
        points[at] = price
    if not points:
        raise PriceFileError("no time,price rows")
    return sorted(points.items())

