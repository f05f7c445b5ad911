"""How the admin commands print answers: aligned plain-text tables (--json prints the data)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return ",".join(_cell(item) for item in value) if value else "-"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Plain columns, aligned with two spaces between them."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [list(headers), *cells]
    ]
    return "\n".join(lines)


def _columns(data: Any, columns: Sequence[tuple[str, str]]) -> str:
    rows = data if isinstance(data, list) else []
    return table(
        [header for header, _ in columns],
        [[row.get(key) for _, key in columns] for row in rows if isinstance(row, dict)],
    )


def record(data: Any) -> str:
    if not isinstance(data, dict):
        return _cell(data)
    return table(["FIELD", "VALUE"], [[key, value] for key, value in data.items()])


def accounts(data: Any) -> str:
    columns = (
        "symbol",
        "margin_balance",
        "margin_available",
        "margin_frozen",
        "margin_position",
        "profit_real",
        "profit_unreal",
    )
    rows: list[list[Any]] = []
    for user in data if isinstance(data, list) else []:
        accounts = user.get("accounts") or []
        if not accounts:
            rows.append([user.get("uid"), *[None] * len(columns)])
        for account in accounts:
            rows.append([user.get("uid"), *[account.get(c) for c in columns]])
    return table(["UID", *[c.upper() for c in columns]], rows)


def keys(data: Any) -> str:
    return _columns(
        data,
        [
            ("ACCESS_KEY", "access_key"),
            ("UID", "uid"),
            ("PERMISSIONS", "permissions"),
            ("ENABLED", "enabled"),
            ("IP_WHITELIST", "ip_whitelist"),
            ("EXPIRES_AT", "expires_at"),
            ("CREATED_AT", "created_at"),
        ],
    )


def contracts(data: Any) -> str:
    return _columns(
        data,
        [
            ("CONTRACT_CODE", "contract_code"),
            ("SYMBOL", "symbol"),
            ("STATUS", "contract_status"),
            ("CONTRACT_SIZE", "contract_size"),
            ("PRICE_TICK", "price_tick"),
            ("REFERENCE_PRICE", "reference_price"),
            ("MAKER_FEE", "maker_fee_rate"),
            ("TAKER_FEE", "taker_fee_rate"),
        ],
    )


def orders(data: Any) -> str:
    return _columns(
        data,
        [
            ("ORDER_ID", "order_id"),
            ("CONTRACT_CODE", "contract_code"),
            ("DIRECTION", "direction"),
            ("OFFSET", "offset"),
            ("PRICE", "price"),
            ("VOLUME", "volume"),
            ("FILLED", "trade_volume"),
            ("TYPE", "order_price_type"),
            ("LEVER", "lever_rate"),
            ("STATUS", "status"),
            ("CLIENT_ORDER_ID", "client_order_id"),
        ],
    )


def _index_row(row: dict[str, Any]) -> list[Any]:
    path = row.get("path") or []
    following = f"{len(path)} points, next {path[0][1]} at {path[0][0]}" if path else None
    return [
        row.get("contract_code"), row.get("index_price"), row.get("index_ts"), row.get("mode"),
        following,
    ]  # fmt: skip


_INDEX_HEADERS = ["CONTRACT_CODE", "INDEX_PRICE", "INDEX_TS", "MODE", "PATH"]


def index_prices(data: Any) -> str:
    rows = data if isinstance(data, list) else []
    return table(_INDEX_HEADERS, [_index_row(r) for r in rows if isinstance(r, dict)])


def index_price(data: Any) -> str:
    return index_prices([data])


def snapshots(data: Any) -> str:
    return _columns(data, [("NAME", "name"), ("CREATED_AT", "created_at"),
                           ("EXCHANGE_TIME", "exchange_time")])  # fmt: skip
