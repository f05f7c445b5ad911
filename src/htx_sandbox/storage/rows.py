"""Domain objects to table rows and back, shared by every SQL adapter.

Each table's columns are listed once here; the SQL statements are built from those lists, so a
column cannot be written in one order and read in another. Decimals go out as text (exact in
SQLite's TEXT and cast exactly into PostgreSQL's NUMERIC) and come back through Decimal().
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.accounts import Account
from ..domain.contracts import Contract
from ..domain.orders import Order, Trade
from ..domain.positions import Holding
from ..domain.types import (
    UID,
    ClientOrderId,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    Role,
    SelfMatchPrevent,
    TradeId,
)
from ..service.api_keys import ApiKey
from ..service.ports import ChangeSet, StorageError

Row = Sequence[Any]

# Restart reads every open order; Enum(value) calls and fresh copies of the same few strings and
# prices would dominate its time and memory, so reads go through these lookups and caches.
_DIRECTIONS = {d.value: d for d in Direction}
_OFFSETS = {o.value: o for o in Offset}
_PRICE_TYPES = {t.value: t for t in OrderPriceType}
_STATUSES = {int(s): s for s in OrderStatus}
_SMP = {int(s): s for s in SelfMatchPrevent}
_CACHE_LIMIT = 65_536
_decimals: dict[str, Decimal] = {}
_strings: dict[str, str] = {}


def dec(value: Any) -> Decimal:
    """A Decimal from a stored value (text from SQLite, Decimal from PostgreSQL); repeated
    values (prices, zeros) share one object."""
    if type(value) is Decimal:
        value = str(value)
    found = _decimals.get(value)
    if found is None:
        found = Decimal(value)
        if len(_decimals) < _CACHE_LIMIT:
            _decimals[value] = found
    return found


def text(value: str) -> str:
    """One shared copy of a repeated short string (contract codes, symbols, sources)."""
    found = _strings.get(value)
    if found is None:
        found = value
        if len(_strings) < _CACHE_LIMIT:
            _strings[value] = value
    return found

CONTRACT_COLUMNS = (
    "contract_code", "symbol", "contract_size", "price_tick", "reference_price",
    "contract_status", "create_date", "max_order_volume", "max_open_orders", "lever_rates",
    "maker_fee_rate", "taker_fee_rate",
)  # fmt: skip
ACCOUNT_COLUMNS = (
    "uid", "symbol", "margin_static", "margin_frozen", "profit_real", "fees_paid", "deposited",
)  # fmt: skip
HOLDING_COLUMNS = (
    "uid", "contract_code", "lever_rate", "long_volume", "long_frozen", "long_cost_value",
    "short_volume", "short_frozen", "short_cost_value",
)  # fmt: skip
ORDER_COLUMNS = (
    "order_id", "uid", "contract_code", "symbol", "direction", '"offset"', "volume", "price",
    "price_ticks", "order_price_type", "lever_rate", "client_order_id", "self_match_prevent",
    "margin_frozen", "created_at", "update_time", "order_source", "status", "trade_volume",
    "trade_turnover", "trade_value", "fee", "profit", "canceled_at",
)  # fmt: skip
ORDER_STATE_COLUMNS = (
    "margin_frozen", "update_time", "status", "trade_volume", "trade_turnover", "trade_value",
    "fee", "profit", "canceled_at",
)  # fmt: skip
"""What fills and cancels change in an order once it is stored; the rest is fixed at acceptance."""
TRADE_COLUMNS = (
    "id", "trade_id", "order_id", "uid", "contract_code", "direction", '"offset"', "price",
    "volume", "turnover", "value", "fee", "fee_asset", "role", "profit", "created_at",
)  # fmt: skip


def contract_row(c: Contract) -> Row:
    return (
        c.contract_code, c.symbol, str(c.contract_size), str(c.price_tick),
        str(c.reference_price), int(c.contract_status), c.create_date, c.max_order_volume,
        c.max_open_orders, ",".join(map(str, c.lever_rates)), str(c.maker_fee_rate),
        str(c.taker_fee_rate),
    )  # fmt: skip


def contract_from(r: Row) -> Contract:
    try:
        return _contract_from(r)
    except ValueError as error:  # stored by a build without today's bounds: say which
        raise StorageError(f"contract {r[0]} in the store cannot be used: {error}") from None


def _contract_from(r: Row) -> Contract:
    return Contract(
        contract_code=r[0],
        symbol=r[1],
        contract_size=Decimal(r[2]),
        price_tick=Decimal(r[3]),
        reference_price=Decimal(r[4]),
        contract_status=ContractStatus(r[5]),
        create_date=r[6],
        max_order_volume=r[7],
        max_open_orders=r[8],
        lever_rates=tuple(int(x) for x in r[9].split(",")),
        maker_fee_rate=Decimal(r[10]),
        taker_fee_rate=Decimal(r[11]),
    )


def account_row(a: Account) -> Row:
    return (
        a.uid, a.symbol, str(a.margin_static), str(a.margin_frozen), str(a.profit_real),
        str(a.fees_paid), str(a.deposited),
    )  # fmt: skip


def account_from(r: Row) -> Account:
    return Account(
        uid=UID(r[0]),
        symbol=r[1],
        margin_static=Decimal(r[2]),
        margin_frozen=Decimal(r[3]),
        profit_real=Decimal(r[4]),
        fees_paid=Decimal(r[5]),
        deposited=Decimal(r[6]),
    )


def holding_row(h: Holding) -> Row:
    return (
        h.uid, h.contract_code, h.lever_rate, h.long.volume, h.long.frozen,
        str(h.long.cost_value), h.short.volume, h.short.frozen, str(h.short.cost_value),
    )  # fmt: skip


def holding_from(r: Row) -> Holding:
    """A holding with its positions and lever rate; open orders are re-attached on restore."""
    holding = Holding(UID(r[0]), r[1])
    holding.lever_rate = r[2]
    holding.long.volume, holding.long.frozen = r[3], r[4]
    holding.long.cost_value = Decimal(r[5])
    holding.short.volume, holding.short.frozen = r[6], r[7]
    holding.short.cost_value = Decimal(r[8])
    return holding


def order_row(o: Order) -> Row:
    return (
        o.order_id, o.uid, o.contract_code, o.symbol, o.direction.value, o.offset.value,
        o.volume, str(o.price), o.price_ticks, o.order_price_type.value, o.lever_rate,
        o.client_order_id, int(o.self_match_prevent), str(o.margin_frozen), o.created_at,
        o.update_time, o.order_source, int(o.status), o.trade_volume, str(o.trade_turnover),
        str(o.trade_value), str(o.fee), str(o.profit), o.canceled_at,
    )  # fmt: skip


def order_state_row(o: Order) -> Row:
    """ORDER_STATE_COLUMNS, then the order_id to update."""
    return (
        str(o.margin_frozen), o.update_time, int(o.status), o.trade_volume, str(o.trade_turnover),
        str(o.trade_value), str(o.fee), str(o.profit), o.canceled_at, o.order_id,
    )  # fmt: skip


def order_from(r: Row) -> Order:
    client_order_id = r[11]
    order = Order(
        order_id=OrderId(r[0]),
        uid=UID(r[1]),
        contract_code=text(r[2]),
        symbol=text(r[3]),
        direction=_DIRECTIONS[r[4]],
        offset=_OFFSETS[r[5]],
        volume=r[6],
        price=dec(r[7]),
        price_ticks=r[8],
        order_price_type=_PRICE_TYPES[r[9]],
        lever_rate=r[10],
        client_order_id=ClientOrderId(client_order_id) if client_order_id is not None else None,
        self_match_prevent=_SMP[r[12]],
        margin_frozen=dec(r[13]),
        created_at=Millis(r[14]),
        order_source=text(r[16]),
    )
    order.update_time = Millis(r[15])
    order.status = _STATUSES[r[17]]
    order.trade_volume = r[18]
    order.trade_turnover = dec(r[19])
    order.trade_value = dec(r[20])
    order.fee = dec(r[21])
    order.profit = dec(r[22])
    order.canceled_at = Millis(r[23])
    return order


def trade_row(t: Trade) -> Row:
    return (
        t.id, t.trade_id, t.order_id, t.uid, t.contract_code, t.direction.value, t.offset.value,
        str(t.price), t.volume, str(t.turnover), str(t.value), str(t.fee), t.fee_asset,
        t.role.value, str(t.profit), t.created_at,
    )  # fmt: skip


def trade_from(r: Row) -> Trade:
    return Trade(
        id=r[0],
        trade_id=TradeId(r[1]),
        order_id=OrderId(r[2]),
        uid=UID(r[3]),
        contract_code=r[4],
        direction=Direction(r[5]),
        offset=Offset(r[6]),
        price=Decimal(r[7]),
        volume=r[8],
        turnover=Decimal(r[9]),
        value=Decimal(r[10]),
        fee=Decimal(r[11]),
        fee_asset=r[12],
        role=Role(r[13]),
        profit=Decimal(r[14]),
        created_at=Millis(r[15]),
    )


API_KEY_COLUMNS = (
    "access_key", "secret_key", "uid", "permissions", "created_at", "ip_whitelist", "expires_at",
    "enabled",
)  # fmt: skip


def api_key_row(k: ApiKey) -> Row:
    return (
        k.access_key, k.secret_key, k.uid, ",".join(sorted(k.permissions)), k.created_at,
        ",".join(k.ip_whitelist), k.expires_at, int(k.enabled),
    )  # fmt: skip


def api_key_from(r: Row) -> ApiKey:
    return ApiKey(
        access_key=r[0],
        secret_key=r[1],
        uid=UID(r[2]),
        permissions=frozenset(p for p in r[3].split(",") if p),
        created_at=Millis(r[4]),
        ip_whitelist=tuple(ip for ip in r[5].split(",") if ip),
        expires_at=Millis(r[6]) if r[6] is not None else None,
        enabled=bool(r[7]),
    )


# -- the exchange's key/value figures --------------------------------------------------------


def exchange_values(c: ChangeSet) -> list[tuple[str, str]]:
    """The counters and per-coin/per-contract figures a commit writes to the `exchange` table."""
    values = [
        ("last_order_id", str(c.last_order_id)),
        ("last_trade_id", str(c.last_trade_id)),
        ("now", str(c.now)),
    ]
    values += [(f"fee_pool:{symbol}", str(v)) for symbol, v in c.fee_pool.items()]
    values += [(f"last_price:{code}", str(v)) for code, v in c.last_price.items()]
    return values


@dataclass(frozen=True, slots=True)
class ExchangeFigures:
    fee_pool: dict[str, Decimal]
    last_price: dict[str, Decimal]
    last_order_id: int
    last_trade_id: int
    now: Millis


def exchange_figures(kv: Mapping[str, str]) -> ExchangeFigures:
    def prefixed(prefix: str) -> dict[str, Decimal]:
        return {k[len(prefix) :]: Decimal(v) for k, v in kv.items() if k.startswith(prefix)}

    return ExchangeFigures(
        fee_pool=prefixed("fee_pool:"),
        last_price=prefixed("last_price:"),
        last_order_id=int(kv.get("last_order_id", 0)),
        last_trade_id=int(kv.get("last_trade_id", 0)),
        now=Millis(int(kv.get("now", 0))),
    )
