"""Typed messages of HTX's three WebSocket services, as msgspec Structs like `models`: a push
(`MarketPush`, one `*Notify` per notification topic), a reply (`MarketReply`,
`NotificationReply`), and `Reconnected`, the client's own marker of a new connection.

Amounts and prices are `Decimal` whether HTX sends them as numbers (market pushes) or strings
(`req` replies, /ws_index ticks, funding rates); fields HTX adds later are ignored. A topic the
client does not know arrives with its payload as plain data, not an error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import msgspec

from .models import Direction, Level, Model, Offset

# -- /swap-ws and /ws_index ------------------------------------------------------------------


class KlineTick(Model, frozen=True, kw_only=True):
    """One bar of `market.$code.kline.$period` (and of /ws_index's index, premium_index,
    estimated_rate and mark_price series): `id` is its start in seconds."""

    id: int
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    amount: Decimal
    vol: Decimal
    count: int
    mrid: int | None = None
    """The last match in the bar (trade klines' pushes only)."""
    trade_turnover: Decimal | None = None


class DepthTick(Model, frozen=True, kw_only=True):
    """`depth.stepN` (the whole book each time) and `depth.size_N.high_freq` (with `event`:
    "snapshot", then "update"s holding changed levels, a volume of 0 removing one)."""

    ch: str
    ts: int
    """The book's time."""
    mrid: int
    id: int
    version: int
    bids: list[Level]
    asks: list[Level]
    event: Literal["snapshot", "update"] | None = None


class BboTick(Model, frozen=True, kw_only=True):
    ch: str
    ts: int
    mrid: int
    id: int
    version: int
    bid: Level | None = None
    ask: Level | None = None


class DetailTick(Model, frozen=True, kw_only=True):
    """`market.$code.detail`: the rolling 24 hours."""

    id: int
    mrid: int | None = None
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    amount: Decimal
    vol: Decimal
    count: int
    bid: Level | None = None
    ask: Level | None = None


class TradeItem(Model, frozen=True, kw_only=True):
    id: int
    ts: int
    price: Decimal
    amount: Decimal
    """Contracts."""
    direction: Direction
    """The taker's side."""
    quantity: Decimal | None = None
    """Coin (HTX since 2021-02-03)."""


class TradeTick(Model, frozen=True, kw_only=True):
    """`market.$code.trade.detail`: the prints of one match."""

    id: int
    ts: int
    data: list[TradeItem]


class BasisTick(Model, frozen=True, kw_only=True):
    """`market.$code.basis.$period.$basis_price_type` on /ws_index."""

    id: int
    index_price: Decimal
    contract_price: Decimal
    basis: Decimal
    basis_rate: Decimal


MarketTick = KlineTick | DepthTick | BboTick | DetailTick | TradeTick | BasisTick


class MarketPush(Model, frozen=True, kw_only=True):
    """`{"ch", "ts", "tick"}`; `tick` is typed by the channel (plain data for a channel the
    client does not know)."""

    ch: str
    ts: int
    tick: MarketTick | dict[str, Any]


class MarketReply(Model, frozen=True, kw_only=True):
    """A reply to `sub` (`subbed`), `unsub` (`unsubbed`) or `req` (`rep`, `data`), or a
    refusal (`status` "error" with `err_code`/`err_msg`, e.g. "bad-request")."""

    status: str
    ts: int | None = None
    id: str | int | None = None
    subbed: str | None = None
    unsubbed: str | None = None
    rep: str | None = None
    wsid: int | None = None
    data: list[Any] | None = None
    """A `req` reply's items: `KlineTick`s, `TradeItem`s, `BasisTick`s ... by channel."""
    err_code: str | None = msgspec.field(default=None, name="err-code")
    err_msg: str | None = msgspec.field(default=None, name="err-msg")


# -- /swap-notification ----------------------------------------------------------------------


class OrderTrade(Model, frozen=True, kw_only=True):
    """One fill in an `orders` push (`matchOrders` pushes leave out fee and profit)."""

    id: str
    """`tradeId-orderId-n`, unique."""
    trade_id: int
    """The match id: both sides of a match share it."""
    trade_volume: Decimal
    trade_price: Decimal
    trade_turnover: Decimal
    created_at: int
    role: Literal["taker", "maker"]
    trade_fee: Decimal | None = None
    fee_asset: str | None = None
    profit: Decimal | None = None
    real_profit: Decimal | None = None


class OrderNotify(Model, frozen=True, kw_only=True):
    """`orders.$contract_code`: an order's state after each change (cumulative figures)."""

    topic: str
    ts: int
    uid: str
    symbol: str
    contract_code: str
    order_id: int
    order_id_str: str
    client_order_id: int | None = None
    status: int
    direction: Direction
    offset: Offset
    volume: Decimal
    price: Decimal | None = None
    order_price_type: str
    order_type: int
    order_source: str
    lever_rate: int
    created_at: int
    trade_volume: Decimal
    trade_turnover: Decimal | None = None
    trade_avg_price: Decimal | None = None
    fee: Decimal | None = None
    fee_asset: str | None = None
    margin_frozen: Decimal | None = None
    profit: Decimal | None = None
    real_profit: Decimal | None = None
    liquidation_type: str | None = None
    canceled_at: int | None = None
    is_tpsl: int | None = None
    trade: list[OrderTrade] = msgspec.field(default_factory=list)


class MatchOrderNotify(Model, frozen=True, kw_only=True):
    """`matchOrders.$contract_code`: what the matching engine matched (before `orders`)."""

    topic: str
    ts: int
    uid: str
    symbol: str
    contract_code: str
    order_id: int
    order_id_str: str
    client_order_id: int | None = None
    status: int
    direction: Direction
    offset: Offset
    volume: Decimal
    price: Decimal | None = None
    order_price_type: str
    order_type: int
    order_source: str
    lever_rate: int
    created_at: int
    trade_volume: Decimal
    is_tpsl: int | None = None
    trade: list[OrderTrade] = msgspec.field(default_factory=list)


class AccountUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    margin_balance: Decimal
    margin_static: Decimal | None = None
    margin_position: Decimal
    margin_frozen: Decimal
    margin_available: Decimal
    profit_real: Decimal
    profit_unreal: Decimal
    risk_rate: Decimal | None = None
    liquidation_price: Decimal | None = None
    withdraw_available: Decimal
    lever_rate: int
    adjust_factor: Decimal | None = None


class AccountsNotify(Model, frozen=True, kw_only=True):
    """`accounts.$contract_code`; `event` says why ("order.match", "snapshot" ...)."""

    topic: str
    ts: int
    uid: str
    event: str
    data: list[AccountUpdate]


class PositionUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    volume: Decimal
    available: Decimal
    frozen: Decimal
    cost_open: Decimal
    cost_hold: Decimal
    profit_unreal: Decimal
    profit_rate: Decimal
    profit: Decimal
    position_margin: Decimal
    lever_rate: int
    direction: Direction
    last_price: Decimal | None = None
    adl_risk_percent: Decimal | None = None


class PositionsNotify(Model, frozen=True, kw_only=True):
    """`positions.$contract_code`: the whole position after each change."""

    topic: str
    ts: int
    uid: str
    event: str
    data: list[PositionUpdate]


class TriggerOrderUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    trigger_type: Literal["ge", "le"]
    volume: Decimal
    order_type: int
    direction: Direction
    offset: Offset
    lever_rate: int
    order_id: int
    order_id_str: str
    relation_order_id: str
    order_price_type: str
    status: int
    order_source: str
    trigger_price: Decimal
    triggered_price: Decimal | None = None
    order_price: Decimal | None = None
    created_at: int
    triggered_at: int | None = None
    order_insert_at: int | None = None
    canceled_at: int | None = None
    fail_code: int | None = None
    fail_reason: str | None = None


class TriggerOrderNotify(Model, frozen=True, kw_only=True):
    """`trigger_order.$contract_code`; `event` is "order", "cancel", "trigger_success" or
    "trigger_fail"."""

    topic: str
    ts: int
    uid: str
    event: str
    data: list[TriggerOrderUpdate]


class LiquidationOrderUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    direction: Direction
    offset: Offset
    volume: Decimal
    amount: Decimal | None = None
    price: Decimal
    """The bankruptcy price."""
    created_at: int


class LiquidationOrdersNotify(Model, frozen=True, kw_only=True):
    """`public.$contract_code.liquidation_orders`."""

    topic: str
    ts: int
    data: list[LiquidationOrderUpdate]


class FundingRateUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    fee_asset: str
    funding_time: int
    funding_rate: Decimal
    estimated_rate: Decimal | None = None
    settlement_time: int


class FundingRateNotify(Model, frozen=True, kw_only=True):
    """`public.$contract_code.funding_rate` (HTX sends the figures as strings)."""

    topic: str
    ts: int
    data: list[FundingRateUpdate]


class ContractInfoUpdate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    contract_size: Decimal
    price_tick: Decimal
    settlement_date: str
    create_date: str
    delivery_time: str
    contract_status: int


class ContractInfoNotify(Model, frozen=True, kw_only=True):
    """`public.$contract_code.contract_info`; `event` is "init", "update" or "snapshot"."""

    topic: str
    ts: int
    event: str
    data: list[ContractInfoUpdate]


class Notify(Model, frozen=True, kw_only=True):
    """A push of a topic the client does not know: its fields as plain data."""

    topic: str
    ts: int | None = None
    fields: dict[str, Any]


NotificationPush = (
    OrderNotify
    | MatchOrderNotify
    | AccountsNotify
    | PositionsNotify
    | TriggerOrderNotify
    | LiquidationOrdersNotify
    | FundingRateNotify
    | ContractInfoNotify
    | Notify
)


class NotificationReply(Model, frozen=True, kw_only=True):
    """A reply to `auth`, `sub` or `unsub` (`err_code` 0 when accepted), or the server's
    `{"op": "error"}` (an illegal op) and `{"op": "close"}` (it is closing the connection)."""

    op: str
    ts: int | None = None
    cid: str | None = None
    topic: str | None = None
    type: str | None = None
    err_code: int = msgspec.field(default=0, name="err-code")
    err_msg: str | None = msgspec.field(default=None, name="err-msg")
    data: dict[str, Any] | None = None
    """The auth reply's `{"user-id": ...}`."""


# -- the client's own ------------------------------------------------------------------------


class Reconnected(Model, frozen=True, kw_only=True):
    """The connection was lost and opened again (authenticated, every subscription renewed):
    pushes in between are missing, so rebuild what depends on them (a book from its new
    snapshot, orders from REST)."""

    url: str
    attempts: int
    """Connection attempts it took."""
    reason: str
    """Why the old connection ended."""


MarketMessage = MarketPush | MarketReply | Reconnected
NotificationMessage = NotificationPush | NotificationReply | Reconnected
