"""Domain objects to table rows and back, shared by every store (SQL and memory alike).

Each table's columns are listed once here, each with its conversion both ways; the column lists
the SQL statements are built from, the row builders and the row readers all come from that one
spec (see columns.py), so a column cannot be written in one order and read in another. Decimals
go out as text (exact in SQLite's TEXT and cast exactly into PostgreSQL's NUMERIC) and come back
through Decimal().
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.accounts import Account
from ..domain.adjust_factors import ladders_from_text, ladders_text
from ..domain.contracts import Contract, ContractRegistry
from ..domain.orders import Order, Trade
from ..domain.positions import Holding
from ..domain.premium import PremiumPeriod
from ..domain.records import FinancialRecord
from ..domain.settlement_records import ContractSettlement, SettledPosition, UserSettlement
from ..domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from ..domain.types import (
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderPriceType,
    OrderStatus,
    PositionSide,
    Role,
    SelfMatchPrevent,
)
from ..service.api_keys import ApiKey
from ..service.bars import Bar, SeriesBar
from ..service.clock import CLOCK_MODES, MAX_SPEED, ClockSetting, StoredClock
from ..service.ports import ChangeSet, FundingFigures, StorageError
from .columns import Column, Row, Table
from .row_bounds import strategy_order_problem

# Restart reads every open order; Enum(value) calls and fresh copies of the same few strings and
# prices would dominate its time and memory, so reads go through these lookups and caches.
_DIRECTIONS = {d.value: d for d in Direction}
_OFFSETS = {o.value: o for o in Offset}
_PRICE_TYPES = {t.value: t for t in OrderPriceType}
_STATUSES = {int(s): s for s in OrderStatus}
_SMP = {int(s): s for s in SelfMatchPrevent}
_KINDS = {k.value: k for k in StrategyKind}
_TRIGGER_TYPES = {t.value: t for t in TriggerType}
_STRATEGY_PRICE_TYPES = {t.value: t for t in StrategyPriceType}
_STRATEGY_STATUSES = {int(s): s for s in StrategyStatus}
_TPSL_TYPES = {t.value: t for t in TpslOrderType}
_FLAGS = {0: False, 1: True}
_SIDES = {s.value: s for s in PositionSide}
_LIQUIDATION_TYPES = {t: t for t in ("0", "1", "2", "3")}
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


VALUE = operator.attrgetter("value")
"""A StrEnum member's text: stored as plain str, which every driver binds alike."""


def _text_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec_or_none(stored: Any) -> Decimal | None:
    return None if stored is None else dec(stored)


def _tpsl_out(value: TpslOrderType | None) -> str | None:
    return None if value is None else value.value


def _tpsl_back(stored: str | None) -> TpslOrderType | None:
    return None if stored is None else _TPSL_TYPES[stored]


def _lever_rates_out(rates: tuple[int, ...]) -> str:
    return ",".join(map(str, rates))


def _lever_rates_back(stored: str) -> tuple[int, ...]:
    return tuple(int(x) for x in stored.split(","))


def _names_out(names: Iterable[str]) -> str:
    return ",".join(names)


def _permissions_out(permissions: frozenset[str]) -> str:
    return ",".join(sorted(permissions))


def _permissions_back(stored: str) -> frozenset[str]:
    return frozenset(p for p in stored.split(",") if p)


def _ips_back(stored: str) -> tuple[str, ...]:
    return tuple(ip for ip in stored.split(",") if ip)


CONTRACT_TABLE = Table(
    Contract,
    [
        Column("contract_code"),
        Column("symbol"),
        Column("contract_size", out=str, back=Decimal),
        Column("price_tick", out=str, back=Decimal),
        Column("reference_price", out=str, back=Decimal),
        Column("contract_status", out=int, back=ContractStatus),
        Column("create_date"),
        Column("max_order_volume"),
        Column("max_open_orders"),
        Column("lever_rates", out=_lever_rates_out, back=_lever_rates_back),
        Column("maker_fee_rate", out=str, back=Decimal),
        Column("taker_fee_rate", out=str, back=Decimal),
        Column("buy_limit"),  # NULL: no position limit
        Column("sell_limit"),
        Column("price_limit_rate", out=str, back=Decimal),
        Column("adjust_factors", out=ladders_text, back=ladders_from_text),
    ],
)
ACCOUNT_TABLE = Table(
    Account,
    [
        Column("uid"),
        Column("symbol"),
        Column("margin_static", out=str, back=Decimal),
        Column("margin_frozen", out=str, back=Decimal),
        Column("profit_real", out=str, back=Decimal),
        Column("fees_paid", out=str, back=Decimal),
        Column("deposited", out=str, back=Decimal),
        Column("settled_balance", out=str, back=Decimal),
        Column("settled_fees", out=str, back=Decimal),
    ],
)
HOLDING_TABLE = Table(
    Holding,  # its open orders are re-attached on restore
    [
        Column("uid"),
        Column("contract_code"),
        Column("lever_rate"),
        Column("long_volume", "long.volume"),
        Column("long_frozen", "long.frozen"),
        Column("long_cost_value", "long.cost_value", out=str, back=Decimal),
        Column("short_volume", "short.volume"),
        Column("short_frozen", "short.frozen"),
        Column("short_cost_value", "short.cost_value", out=str, back=Decimal),
        Column("long_open_value", "long.open_value", out=str, back=Decimal),
        Column("short_open_value", "short.open_value", out=str, back=Decimal),
    ],
)
ORDER_TABLE = Table(
    Order,
    [
        Column("order_id"),
        Column("uid"),
        Column("contract_code", back=text),
        Column("symbol", back=text),
        Column("direction", out=VALUE, back=_DIRECTIONS),
        Column('"offset"', out=VALUE, back=_OFFSETS),
        Column("volume"),
        Column("price", out=str, back=dec),
        Column("price_ticks"),
        Column("order_price_type", out=VALUE, back=_PRICE_TYPES),
        Column("lever_rate"),
        Column("client_order_id"),
        Column("self_match_prevent", out=int, back=_SMP),
        Column("margin_frozen", out=str, back=dec),
        Column("created_at"),
        Column("update_time"),
        Column("order_source", back=text),
        Column("status", out=int, back=_STATUSES),
        Column("trade_volume"),
        Column("trade_turnover", out=str, back=dec),
        Column("trade_value", out=str, back=dec),
        Column("fee", out=str, back=dec),
        Column("profit", out=str, back=dec),
        Column("canceled_at"),
        Column("is_tpsl", out=int, back=_FLAGS),
        Column("order_type"),
        Column("liquidation_type", back=_LIQUIDATION_TYPES),
        Column("canceled_source", back=text),
    ],
)
TRADE_TABLE = Table(
    Trade,
    [
        Column("id"),
        Column("trade_id"),
        Column("order_id"),
        Column("uid"),
        Column("contract_code"),
        Column("direction", out=VALUE, back=Direction),
        Column('"offset"', out=VALUE, back=Offset),
        Column("price", out=str, back=Decimal),
        Column("volume"),
        Column("turnover", out=str, back=Decimal),
        Column("value", out=str, back=Decimal),
        Column("fee", out=str, back=Decimal),
        Column("fee_asset"),
        Column("role", out=VALUE, back=Role),
        Column("profit", out=str, back=Decimal),
        Column("created_at"),
        Column("query_id"),
    ],
)
API_KEY_TABLE = Table(
    ApiKey,
    [
        Column("access_key"),
        Column("secret_key"),
        Column("uid"),
        Column("permissions", out=_permissions_out, back=_permissions_back),
        Column("created_at"),
        Column("ip_whitelist", out=_names_out, back=_ips_back),
        Column("expires_at"),
        Column("enabled", out=int, back=bool),
    ],
)
STRATEGY_ORDER_TABLE = Table(
    StrategyOrder,
    [
        Column("order_id"),
        Column("kind", out=VALUE, back=_KINDS),
        Column("uid"),
        Column("contract_code", back=text),
        Column("symbol", back=text),
        Column("direction", out=VALUE, back=_DIRECTIONS),
        Column('"offset"', out=VALUE, back=_OFFSETS),
        Column("volume"),
        Column("lever_rate"),
        Column("order_price_type", out=VALUE, back=_STRATEGY_PRICE_TYPES),
        Column("trigger_type", out=VALUE, back=_TRIGGER_TYPES),
        Column("trigger_price", out=str, back=dec),
        Column("trigger_ticks"),
        Column("order_price", out=_text_or_none, back=_dec_or_none),
        Column("created_at"),
        Column("status", out=int, back=_STRATEGY_STATUSES),
        Column("update_time"),
        Column("order_source", back=text),
        Column("relation_order_id"),
        Column("triggered_price", out=_text_or_none, back=_dec_or_none),
        Column("triggered_at"),
        Column("order_insert_at"),
        Column("canceled_at"),
        Column("fail_code"),
        Column("fail_reason"),
        Column("tpsl_order_type", out=_tpsl_out, back=_tpsl_back),
        Column("source_order_id"),
        Column("relation_tpsl_order_id"),
        Column("callback_rate", out=_text_or_none, back=_dec_or_none),
        Column("is_active", out=int, back=_FLAGS),
        Column("market_limit_price", out=_text_or_none, back=_dec_or_none),
        Column("formula_price", out=_text_or_none, back=_dec_or_none),
        Column("real_volume"),
    ],
)
BAR_TABLE = Table(
    Bar,
    [
        Column("id"),
        Column("open", out=str, back=dec),
        Column("high", out=str, back=dec),
        Column("low", out=str, back=dec),
        Column("close", out=str, back=dec),
        Column("vol"),
        Column("count"),
        Column("amount", out=str, back=dec),
    ],
)
"""A kline bar; its row in `klines` starts with the series' key (KLINE_KEY_COLUMNS)."""

FINANCIAL_RECORD_TABLE = Table(
    FinancialRecord,
    [
        Column("query_id"),
        Column("uid"),
        Column("symbol", back=text),
        Column("contract_code", back=text),
        Column("type"),
        Column("amount", out=str, back=dec),
        Column("ts"),
    ],
)
SETTLEMENT_TABLE = Table(
    ContractSettlement,
    [
        Column("contract_code"),
        Column("settlement_time"),
        Column("symbol"),
        Column("settlement_price", out=str, back=Decimal),
        Column("funding_rate", out=str, back=Decimal),
        Column("avg_premium_index", out=_text_or_none, back=_dec_or_none),
    ],
)


def _positions_out(positions: tuple[SettledPosition, ...]) -> str:
    """direction:volume:cost_open:cost_hold_pre:cost_hold:profit, ';' between positions."""
    return ";".join(
        f"{p.direction.value}:{p.volume}:{p.cost_open}:{p.cost_hold_pre}:{p.cost_hold}:"
        f"{p.settlement_profit_unreal}"
        for p in positions
    )


def _positions_back(stored: str) -> tuple[SettledPosition, ...]:
    found = []
    for part in filter(None, stored.split(";")):
        direction, volume, cost_open, pre, hold, profit = part.split(":")
        found.append(SettledPosition(
            _SIDES[direction], int(volume), Decimal(cost_open), Decimal(pre), Decimal(hold),
            Decimal(profit),
        ))  # fmt: skip
    return tuple(found)


USER_SETTLEMENT_TABLE = Table(
    UserSettlement,
    [
        Column("uid"),
        Column("contract_code"),
        Column("settlement_time"),
        Column("symbol"),
        Column("margin_balance_init", out=str, back=Decimal),
        Column("margin_balance", out=str, back=Decimal),
        Column("settlement_profit_real", out=str, back=Decimal),
        Column("clawback", out=str, back=Decimal),
        Column("funding_fee", out=str, back=Decimal),
        Column("offset_profitloss", out=str, back=Decimal),
        Column("fee", out=str, back=Decimal),
        Column("settlement_price", out=str, back=Decimal),
        Column("positions", out=_positions_out, back=_positions_back),
    ],
)

CONTRACT_COLUMNS = CONTRACT_TABLE.columns
ACCOUNT_COLUMNS = ACCOUNT_TABLE.columns
HOLDING_COLUMNS = HOLDING_TABLE.columns
ORDER_COLUMNS = ORDER_TABLE.columns
ORDER_STATE_COLUMNS = (
    "margin_frozen", "update_time", "status", "trade_volume", "trade_turnover", "trade_value",
    "fee", "profit", "canceled_at", "canceled_source",
)  # fmt: skip
"""What fills and cancels change in an order once it is stored; the rest is fixed at acceptance."""
TRADE_COLUMNS = TRADE_TABLE.columns
API_KEY_COLUMNS = API_KEY_TABLE.columns
STRATEGY_ORDER_COLUMNS = STRATEGY_ORDER_TABLE.columns
FINANCIAL_RECORD_COLUMNS = FINANCIAL_RECORD_TABLE.columns
SETTLEMENT_COLUMNS = SETTLEMENT_TABLE.columns
USER_SETTLEMENT_COLUMNS = USER_SETTLEMENT_TABLE.columns
KLINE_KEY_COLUMNS = ("series", "contract_code", "period")
BAR_COLUMNS = BAR_TABLE.columns
KLINE_COLUMNS = (*KLINE_KEY_COLUMNS, *BAR_COLUMNS)

account_row = ACCOUNT_TABLE.row
account_from = ACCOUNT_TABLE.read
holding_row = HOLDING_TABLE.row
holding_from = HOLDING_TABLE.read
order_row = ORDER_TABLE.row
order_from = ORDER_TABLE.read
order_state_row = ORDER_TABLE.builder(*ORDER_STATE_COLUMNS, "order_id")
"""ORDER_STATE_COLUMNS, then the order_id to update."""
trade_row = TRADE_TABLE.row
trade_from = TRADE_TABLE.read
api_key_row = API_KEY_TABLE.row
api_key_from = API_KEY_TABLE.read
contract_row = CONTRACT_TABLE.row
strategy_order_row = STRATEGY_ORDER_TABLE.row
financial_record_row = FINANCIAL_RECORD_TABLE.row
financial_record_from = FINANCIAL_RECORD_TABLE.read
settlement_row = SETTLEMENT_TABLE.row
settlement_from = SETTLEMENT_TABLE.read
user_settlement_row = USER_SETTLEMENT_TABLE.row
user_settlement_from = USER_SETTLEMENT_TABLE.read


_bar_values = BAR_TABLE.row


def kline_row(b: SeriesBar) -> Row:
    key = b.key
    return (key.series, key.contract_code, key.period, *_bar_values(b.bar))


def bar_from(r: Row) -> Bar:
    """A stored bar (the BAR_COLUMNS of a klines row); a value no Decimal reads is refused with
    a line naming the bar."""
    try:
        return BAR_TABLE.read(r)
    except (LookupError, ValueError, ArithmeticError, TypeError):
        found = BAR_TABLE.unreadable(r)
        reason = f"{found[0]} {found[1]!r} is not valid" if found else "it cannot be read"
        bar_id = BAR_TABLE.value(r, "id")
        raise StorageError(f"kline bar {bar_id!r} cannot be used: {reason}") from None


def contract_from(r: Row) -> Contract:
    try:
        return CONTRACT_TABLE.read(r)
    except ValueError as error:  # stored by a build without today's bounds: say which
        code = CONTRACT_TABLE.value(r, "contract_code")
        raise StorageError(f"contract {code} in the store cannot be used: {error}") from None


def strategy_order_from(r: Row, contracts: ContractRegistry | None = None) -> StrategyOrder:
    """A stored strategy order, refused (one line naming it) when a value is outside what the
    domain accepts, or, given the contracts, when it does not fit its contract: a store written
    by another build, or edited by hand, must not reach the trigger books."""
    try:
        order = STRATEGY_ORDER_TABLE.read(r)
    except (LookupError, ValueError, ArithmeticError, TypeError):
        found = STRATEGY_ORDER_TABLE.unreadable(r)
        reason = f"{found[0]} {found[1]!r} is not valid" if found else "it cannot be read"
        order_id = STRATEGY_ORDER_TABLE.value(r, "order_id")
        raise StorageError(
            f"strategy order {order_id!r} in the store cannot be used: {reason}"
        ) from None
    problem = strategy_order_problem(order, contracts)
    if problem is not None:
        raise StorageError(
            f"strategy order {order.order_id!r} in the store cannot be used: {problem}"
        )
    return order


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
    values += [
        (f"index_price:{code}", f"{price}@{at}") for code, (price, at) in c.index_prices.items()
    ]
    if c.funding is not None:
        values += funding_values(c.funding)
    if c.clock is not None:
        k = c.clock
        values.append(("clock", f"{k.mode}@{k.speed}@{k.at}@{k.wall}"))
    return values


def stored_clock(kv: Mapping[str, str]) -> StoredClock | None:
    """The clock's setting (mode@speed@at@wall) and the last commit's time; None before the
    first commit. A value no clock could have written is refused (StorageError)."""
    if "now" not in kv:
        return None
    text = kv.get("clock")
    try:
        floor = Millis(int(kv["now"]))
        if text is None:
            return StoredClock(None, floor)
        mode, speed, at, wall = text.split("@")
        modes = [m for m in CLOCK_MODES if m == mode]
        if not modes or not 0 <= int(speed) <= MAX_SPEED:
            raise ValueError(text)
        setting = ClockSetting(modes[0], int(speed), Millis(int(at)), Millis(int(wall)))
    except ValueError:
        raise StorageError(f"the exchange clock in the store cannot be used: {text!r}") from None
    return StoredClock(setting, floor)


def _time_out(value: int | None) -> str:
    return "" if value is None else str(value)


def _time_back(stored: str | None) -> Millis | None:
    return Millis(int(stored)) if stored else None


def funding_values(f: FundingFigures) -> list[tuple[str, str]]:
    """The funding clock and each contract's premium samples of the period
    (total@samples@last@last_at, last empty before the first sample)."""
    values = [
        ("funding:next_sample", _time_out(f.next_sample)),
        ("funding:next_settlement", _time_out(f.next_settlement)),
        ("funding:window_end", _time_out(f.window_end)),
    ]
    values += [
        (f"premium:{code}", f"{p.total}@{p.samples}@{_text_or_none(p.last) or ''}@{p.last_at}")
        for code, p in f.premiums.items()
    ]
    values += [(f"funding_pool:{symbol}", str(v)) for symbol, v in f.funding_pool.items()]
    return values


def _premium(stored: str) -> PremiumPeriod:
    total, samples, last, last_at = stored.split("@")
    return PremiumPeriod(
        Decimal(total), int(samples), Decimal(last) if last else None, Millis(int(last_at))
    )


@dataclass(frozen=True, slots=True)
class ExchangeFigures:
    fee_pool: dict[str, Decimal]
    last_price: dict[str, Decimal]
    index_prices: dict[str, tuple[Decimal, Millis]]
    last_order_id: int
    last_trade_id: int
    now: Millis
    funding: FundingFigures


def _index_price(text: str) -> tuple[Decimal, Millis]:
    price, _, at = text.partition("@")
    return Decimal(price), Millis(int(at))


def exchange_figures(kv: Mapping[str, str]) -> ExchangeFigures:
    def prefixed(prefix: str) -> dict[str, Decimal]:
        return {k[len(prefix) :]: Decimal(v) for k, v in kv.items() if k.startswith(prefix)}

    return ExchangeFigures(
        fee_pool=prefixed("fee_pool:"),
        last_price=prefixed("last_price:"),
        index_prices={
            k[len("index_price:") :]: _index_price(v)
            for k, v in kv.items()
            if k.startswith("index_price:")
        },
        last_order_id=int(kv.get("last_order_id", 0)),
        last_trade_id=int(kv.get("last_trade_id", 0)),
        now=Millis(int(kv.get("now", 0))),
        funding=FundingFigures(
            next_sample=_time_back(kv.get("funding:next_sample")),
            next_settlement=_time_back(kv.get("funding:next_settlement")),
            window_end=_time_back(kv.get("funding:window_end")),
            premiums={
                k[len("premium:") :]: _premium(v) for k, v in kv.items() if k.startswith("premium:")
            },
            funding_pool=prefixed("funding_pool:"),
        ),
    )
