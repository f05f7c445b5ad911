"""Typed results of the client, as msgspec Structs (frozen, keyword-only; `msgspec.to_builtins`
turns any of them back into plain data). Money and prices are `Decimal`, never float; order ids
are `int`. Fields the server adds later are ignored, so newer servers do not break older clients."""

from __future__ import annotations

from decimal import Decimal
from typing import Generic, Literal, NamedTuple, TypeVar

import msgspec

Direction = Literal["buy", "sell"]
Offset = Literal["open", "close"]


class Model(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every result type."""


# -- requests --------------------------------------------------------------------------------


class OrderRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One order of swap_batchorder (the same fields as swap_order's arguments)."""

    contract_code: str
    direction: Direction
    offset: Offset
    volume: int
    lever_rate: int
    order_price_type: str = "limit"
    price: Decimal | None = None
    client_order_id: int | None = None
    self_match_prevent: int | None = None
    reduce_only: int | None = None
    tp_trigger_price: Decimal | None = None
    """A take-profit leg attached to an opening order (with its order price and type)."""
    tp_order_price: Decimal | None = None
    tp_order_price_type: str | None = None
    sl_trigger_price: Decimal | None = None
    """A stop-loss leg attached to an opening order (with its order price and type)."""
    sl_order_price: Decimal | None = None
    sl_order_price_type: str | None = None


# -- trading ---------------------------------------------------------------------------------


class OrderPlaced(Model, frozen=True, kw_only=True):
    order_id: int
    order_id_str: str
    client_order_id: int | None = None


class BatchSuccess(OrderPlaced, frozen=True, kw_only=True):
    index: int
    """1-based position of the order in the request."""


class BatchError(Model, frozen=True, kw_only=True):
    index: int
    err_code: int
    err_msg: str


class BatchResult(Model, frozen=True, kw_only=True):
    success: list[BatchSuccess]
    errors: list[BatchError]


class CancelError(Model, frozen=True, kw_only=True):
    order_id: str
    """As the request named it (it may not be a valid id)."""
    err_code: int
    err_msg: str


class CancelResult(Model, frozen=True, kw_only=True):
    successes: list[int]
    """The orders cancelled, named as the request named them: order ids, or client order ids
    when cancelled by client_order_id (HTX sends them as one comma-separated string)."""
    errors: list[CancelError]


class LeverRate(Model, frozen=True, kw_only=True):
    contract_code: str
    lever_rate: int


class CancelAfterResult(Model, frozen=True, kw_only=True):
    current_time: int
    trigger_time: int | None = None
    """When the orders will be cancelled; None once the dead man's switch is off."""


class TpslPlaced(Model, frozen=True, kw_only=True):
    """swap_tpsl_order's answer: each leg's ids, None for a leg not asked for."""

    tp_order: OrderPlaced | None = None
    sl_order: OrderPlaced | None = None


# -- orders ----------------------------------------------------------------------------------


class Order(Model, frozen=True, kw_only=True):
    """An order as swap_openorders and swap_order_info list it (`update_time` is only in
    swap_openorders)."""

    symbol: str
    contract_code: str
    volume: int
    price: Decimal
    order_price_type: str
    order_type: int
    direction: Direction
    offset: Offset
    lever_rate: int
    order_id: int
    order_id_str: str
    client_order_id: int | None = None
    created_at: int
    trade_volume: int
    trade_turnover: Decimal
    fee: Decimal
    trade_avg_price: Decimal | None = None
    margin_frozen: Decimal
    profit: Decimal
    status: int
    order_source: str
    fee_asset: str
    liquidation_type: str | None = None
    """null on swap_openorders while the order is no liquidation, as HTX prints it."""
    canceled_at: int | None = None
    """null on swap_openorders while the order is not cancelled, as HTX prints it."""
    is_tpsl: int
    real_profit: Decimal
    self_match_prevent: int | None = None
    update_time: int | None = None
    canceled_source: str | None = None
    """Who cancelled it when not its owner ("timeout-canceled-order": the dead man's switch,
    "prevent-self-dealing": self-trade prevention, "risk": a liquidation); "" otherwise."""


class OrdersPage(Model, frozen=True, kw_only=True):
    orders: list[Order]
    total_page: int
    current_page: int
    total_size: int


class Fill(Model, frozen=True, kw_only=True):
    """One trade of an order, as swap_order_detail lists it."""

    id: str
    trade_id: int
    trade_price: Decimal
    trade_volume: int
    trade_turnover: Decimal
    trade_fee: Decimal
    fee_asset: str
    role: str
    created_at: int
    profit: Decimal
    real_profit: Decimal


class OrderDetail(Order, frozen=True, kw_only=True):
    instrument_price: Decimal
    final_interest: Decimal
    adjust_value: Decimal
    trades: list[Fill]
    total_page: int
    current_page: int
    total_size: int


class HistoryOrder(Model, frozen=True, kw_only=True):
    """An order as swap_hisorders lists it: `create_date` and an integer `order_price_type`."""

    order_id: int
    order_id_str: str
    symbol: str
    contract_code: str
    lever_rate: int
    direction: Direction
    offset: Offset
    volume: int
    price: Decimal
    create_date: int
    update_time: int
    order_source: str
    order_price_type: int
    margin_frozen: Decimal
    profit: Decimal
    trade_volume: int
    trade_turnover: Decimal
    fee: Decimal
    trade_avg_price: Decimal | None = None
    status: int
    order_type: int
    fee_asset: str
    liquidation_type: str
    is_tpsl: int
    real_profit: Decimal


class HistoryPage(Model, frozen=True, kw_only=True):
    orders: list[HistoryOrder]
    total_page: int
    current_page: int
    total_size: int


class TpslOrderInfo(Model, frozen=True, kw_only=True):
    """A TP/SL leg as swap_relation_tpsl_order lists it. Ids it does not have are "-1"."""

    volume: int
    direction: Direction
    tpsl_order_type: str
    """tp or sl."""
    order_id: int
    order_id_str: str
    trigger_type: str
    """ge or le."""
    trigger_price: Decimal
    order_price: Decimal
    """0 for optimal_N."""
    created_at: int
    order_price_type: str
    relation_tpsl_order_id: str
    """The other leg set with it."""
    status: int
    """1 not activated, 2 waiting, 4 placed, 5 failed, 6 cancelled, 11 expired, 12 not
    activated and ended."""
    canceled_at: int
    fail_code: int | None = None
    fail_reason: str | None = None
    triggered_price: Decimal | None = None
    relation_order_id: str
    """The order it placed when it fired."""


class RelationTpslOrder(Model, frozen=True, kw_only=True):
    """swap_relation_tpsl_order's answer: an opening order and its TP/SL legs."""

    symbol: str
    contract_code: str
    volume: int
    price: Decimal
    order_price_type: str
    direction: Direction
    offset: Offset
    lever_rate: int
    order_id: int
    order_id_str: str
    client_order_id: int | None = None
    created_at: int
    trade_volume: int
    trade_turnover: Decimal
    fee: Decimal
    trade_avg_price: Decimal | None = None
    margin_frozen: Decimal
    profit: Decimal
    status: int
    order_type: int | None = None
    """HTX's own example prints null."""
    order_source: str
    fee_asset: str
    canceled_at: int
    tpsl_order_info: list[TpslOrderInfo]


# -- account ---------------------------------------------------------------------------------


class Balance(Model, frozen=True, kw_only=True):
    """One coin's margin account (the admin API lists these per UID)."""

    symbol: str
    margin_balance: Decimal
    margin_position: Decimal
    margin_frozen: Decimal
    margin_available: Decimal
    profit_real: Decimal
    profit_unreal: Decimal
    risk_rate: Decimal | None = None
    liquidation_price: Decimal | None = None
    withdraw_available: Decimal
    lever_rate: int | None = None
    adjust_factor: Decimal | None = None
    margin_static: Decimal


class Account(Balance, frozen=True, kw_only=True):
    """A margin account as swap_account_info lists it, one per contract."""

    contract_code: str
    new_risk_rate: str = ""
    trade_partition: str = ""
    transfer_profit_ratio: Decimal | None = None
    """Only in swap_account_info."""


class Position(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    volume: int
    available: int
    frozen: int
    cost_open: Decimal
    cost_hold: Decimal
    profit_unreal: Decimal
    profit_rate: Decimal
    profit: Decimal
    position_margin: Decimal
    lever_rate: int
    direction: Direction
    last_price: Decimal
    adl_risk_percent: str | None = None
    liq_px: str | None = None
    """swap_position_info's estimated liquidation price, "" when there is none."""
    new_risk_rate: str | None = None
    trade_partition: str | None = None


# -- public ----------------------------------------------------------------------------------


class Contract(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    contract_size: Decimal
    price_tick: Decimal
    delivery_time: str
    create_date: str
    contract_status: int
    settlement_date: str


class Heartbeat(Model, frozen=True, kw_only=True):
    heartbeat: int
    estimated_recovery_time: int | None = None
    swap_heartbeat: int
    swap_estimated_recovery_time: int | None = None
    linear_swap_heartbeat: int | None = None
    linear_swap_estimated_recovery_time: int | None = None


class Level(NamedTuple):
    """One price level of the book: HTX's `[price, volume]` pair."""

    price: Decimal
    volume: int


class Depth(Model, frozen=True, kw_only=True):
    ch: str
    ts: int
    mrid: int
    id: int
    version: int
    bids: list[Level]
    """Best (highest) first."""
    asks: list[Level]
    """Best (lowest) first."""


class MergedDetail(Model, frozen=True, kw_only=True):
    """The 24-hour overview of market/detail/merged. HTX counts both sides of each match in
    `vol`, `amount` and `count`."""

    ch: str
    ts: int
    id: int
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    vol: int
    amount: Decimal
    count: int
    bid: Level | None = None
    ask: Level | None = None


class MarketTrade(Model, frozen=True, kw_only=True):
    id: int
    ts: int
    contract_code: str
    price: Decimal
    amount: int
    """Contracts, both sides counted (HTX prints twice the matched volume)."""
    quantity: Decimal
    direction: Direction


class Trades(Model, frozen=True, kw_only=True):
    ch: str
    ts: int
    id: int
    data: list[MarketTrade]


class BatchTick(Model, frozen=True, kw_only=True):
    """One contract's 24-hour overview in detail/batch_merged (v1 and v2). In v2 `vol` is
    the USD turnover and `number_of` the contracts; in v1 `vol` is the contracts."""

    contract_code: str
    ts: int
    id: int
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    vol: Decimal
    amount: Decimal
    count: int
    bid: Level | None = None
    ask: Level | None = None
    number_of: int | None = None


class Kline(Model, frozen=True, kw_only=True):
    """One bar: `id` is its start (seconds). For trades `vol` (contracts), `count` and
    `amount` (coin) count both sides of each match; for a sampled series (the mark price) they
    are 0, as is `trade_turnover`."""

    id: int
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    vol: int
    count: int
    amount: Decimal
    trade_turnover: Decimal | None = None


class Klines(Model, frozen=True, kw_only=True):
    ch: str
    ts: int
    data: list[Kline]
    """Oldest first."""


class Basis(Model, frozen=True, kw_only=True):
    """One period's basis: `contract_price - index_price`, and that over the index."""

    id: int
    contract_price: Decimal
    index_price: Decimal
    basis: Decimal
    basis_rate: Decimal


class BasisSeries(Model, frozen=True, kw_only=True):
    ch: str
    ts: int
    data: list[Basis]
    """Oldest first."""


class OpenInterest(Model, frozen=True, kw_only=True):
    """Open interest (`volume` contracts on one side, `amount` the same in coin) and the last
    24 hours' matches, both sides counted."""

    symbol: str
    contract_code: str
    volume: Decimal
    amount: Decimal
    trade_amount: Decimal
    trade_volume: int
    trade_turnover: Decimal


class OpenInterestTick(Model, frozen=True, kw_only=True):
    volume: Decimal
    amount_type: int
    """1: `volume` in contracts, 2: in coin."""
    ts: int
    """The period's start (ms)."""


class OpenInterestHistory(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    tick: list[OpenInterestTick]
    """Newest first."""


# -- sandbox admin API -----------------------------------------------------------------------


class SandboxUser(Model, frozen=True, kw_only=True):
    uid: int
    accounts: list[Balance] = []


class ApiKey(Model, frozen=True, kw_only=True):
    access_key: str
    uid: int
    permissions: list[str]
    ip_whitelist: list[str] | None = None
    expires_at: int | None = None
    enabled: bool = True
    created_at: int | None = None
    secret_key: str | None = None
    """Only in the answer to the key's creation."""


class SandboxContract(Contract, frozen=True, kw_only=True):
    reference_price: Decimal | None = None
    max_order_volume: int | None = None
    max_open_orders: int | None = None
    lever_rates: list[int] | None = None
    maker_fee_rate: Decimal | None = None
    taker_fee_rate: Decimal | None = None
    price_limit_rate: Decimal | None = None
    buy_limit: int | None = None
    """The most contracts one UID may hold long; None: no limit."""
    sell_limit: int | None = None


# -- strategy orders -------------------------------------------------------------------------

Row = TypeVar("Row")
TriggerType = Literal["ge", "le"]


class StrategyOrdersPage(Model, Generic[Row], frozen=True, kw_only=True):
    """One page of a *_openorders or *_hisorders answer."""

    orders: list[Row]
    total_page: int
    current_page: int
    total_size: int


class TriggerOrder(Model, frozen=True, kw_only=True):
    """A trigger order as swap_trigger_openorders lists it. HTX prints volumes as decimals
    (25.000000000000000000), so they are Decimal here."""

    symbol: str
    contract_code: str
    trigger_type: TriggerType
    volume: Decimal
    order_type: int
    direction: Direction
    offset: Offset
    lever_rate: int | None = None
    """None only in the sandbox, for a close placed without one and without a holding."""
    order_id: int
    order_id_str: str
    order_source: str
    trigger_price: Decimal
    order_price: Decimal
    """0 for the optimal_N types."""
    created_at: int
    order_price_type: str
    status: int


class TriggerHistoryOrder(TriggerOrder, frozen=True, kw_only=True):
    """swap_trigger_hisorders: what became of it. `relation_order_id` is "-1" until it fired."""

    relation_order_id: str
    triggered_price: Decimal | None = None
    update_time: int
    triggered_at: int | None = None
    order_insert_at: int
    canceled_at: int
    fail_code: int | None = None
    fail_reason: str | None = None


class TpslOrder(Model, frozen=True, kw_only=True):
    """A take-profit or stop-loss leg as swap_tpsl_openorders lists it: always a close, so no
    offset and no lever rate."""

    symbol: str
    contract_code: str
    volume: Decimal
    order_type: int
    direction: Direction
    order_id: int
    order_id_str: str
    order_source: str
    trigger_type: TriggerType
    trigger_price: Decimal
    order_price: Decimal
    created_at: int
    order_price_type: str
    status: int
    tpsl_order_type: Literal["tp", "sl"]
    source_order_id: str | None = None
    """The opening order it is attached to; None for a TP/SL set on a position."""
    relation_tpsl_order_id: str
    """The other leg of a TP and SL set together, else "-1"."""


class TpslHistoryOrder(TpslOrder, frozen=True, kw_only=True):
    canceled_at: int
    fail_code: int | None = None
    fail_reason: str | None = None
    triggered_price: Decimal | None = None
    relation_order_id: str
    update_time: int


class TrackOrder(Model, frozen=True, kw_only=True):
    """A trailing order as swap_track_openorders lists it."""

    symbol: str
    contract_code: str
    volume: Decimal
    order_type: int
    direction: Direction
    offset: Offset
    lever_rate: int | None = None
    order_id: int
    order_id_str: str
    order_source: str
    created_at: int
    order_price_type: str
    status: int
    callback_rate: Decimal
    active_price: Decimal
    is_active: int
    """1 once the price reached active_price."""


class TrackHistoryOrder(TrackOrder, frozen=True, kw_only=True):
    update_time: int
    canceled_at: int
    fail_code: int | None = None
    fail_reason: str | None = None
    market_limit_price: Decimal | None = None
    """Since activation: the lowest price for a buy, the highest for a sell."""
    formula_price: Decimal | None = None
    real_volume: Decimal
    triggered_price: Decimal | None = None
    relation_order_id: str


# -- account reference -----------------------------------------------------------------------


class AccountPositions(Account, frozen=True, kw_only=True):
    """swap_account_position_info: a contract's margin account with its positions."""

    positions: list[Position]


class AvailableLevelRate(Model, frozen=True, kw_only=True):
    contract_code: str
    available_level_rate: str
    """HTX's comma-separated list, e.g. "1,2,3,5,10"."""

    @property
    def lever_rates(self) -> list[int]:
        return [int(rate) for rate in self.available_level_rate.split(",") if rate]


class OrderLimit(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    open_limit: Decimal
    """The most contracts one opening order may have (HTX prints a decimal: 6000.000...)."""
    close_limit: Decimal


class OrderLimits(Model, frozen=True, kw_only=True):
    """swap_order_limit: the per-order caps for one order_price_type."""

    order_price_type: str
    limits: list[OrderLimit] = msgspec.field(name="list")
    """HTX's `list`: a row per contract."""


class Fee(Model, frozen=True, kw_only=True):
    """swap_fee's rates (HTX sends them as strings)."""

    symbol: str
    contract_code: str
    open_maker_fee: Decimal
    open_taker_fee: Decimal
    close_maker_fee: Decimal
    close_taker_fee: Decimal
    delivery_fee: Decimal | None = None
    fee_asset: str


class TransferLimit(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    transfer_in_max_each: Decimal
    transfer_in_min_each: Decimal
    transfer_out_max_each: Decimal
    transfer_out_min_each: Decimal
    transfer_in_max_daily: Decimal
    transfer_out_max_daily: Decimal
    net_transfer_in_max_daily: Decimal
    net_transfer_out_max_daily: Decimal


class PositionLimit(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    buy_limit: Decimal
    """The most contracts one UID may hold long, its unfilled opening buys counted (HTX prints
    a decimal)."""
    sell_limit: Decimal


class BalanceValuation(Model, frozen=True, kw_only=True):
    valuation_asset: str
    balance: Decimal


class CancelOrderRatio(Model, frozen=True, kw_only=True):
    """The COR indicator of swap_api_trading_status."""

    orders_threshold: int
    orders: int
    invalid_cancel_orders: int
    cancel_ratio_threshold: Decimal
    cancel_ratio: Decimal
    is_trigger: int
    is_active: int


class TotalDisableNumber(Model, frozen=True, kw_only=True):
    """The TDN indicator of swap_api_trading_status."""

    disables_threshold: int
    disables: int
    is_trigger: int
    is_active: int


class ApiTradingStatus(Model, frozen=True, kw_only=True):
    """swap_api_trading_status: whether the UID's API orders are disabled, and why."""

    is_disable: int
    order_price_types: str
    disable_reason: str
    disable_interval: int
    recovery_time: int
    cor: CancelOrderRatio = msgspec.field(name="COR")
    tdn: TotalDisableNumber = msgspec.field(name="TDN")
# -- funding and settlement ------------------------------------------------------------------


class FundingRate(Model, frozen=True, kw_only=True):
    """swap_funding_rate: the rate of the running period, which settles at funding_time."""

    symbol: str
    contract_code: str
    fee_asset: str
    funding_time: int
    funding_rate: Decimal
    estimated_rate: Decimal | None = None
    """Deprecated by HTX (null)."""
    next_funding_time: int | None = None
    """Deprecated by HTX (null)."""


class HistoricalFundingRate(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    fee_asset: str
    funding_time: int
    funding_rate: Decimal
    realized_rate: Decimal | None = None
    avg_premium_index: Decimal | None = None


class FundingRatePage(Model, frozen=True, kw_only=True):
    total_page: int
    current_page: int
    total_size: int
    data: list[HistoricalFundingRate]


class SettlementRecord(Model, frozen=True, kw_only=True):
    """One of the platform's settlements of a contract (swap_settlement_records)."""

    symbol: str
    contract_code: str
    settlement_time: int
    clawback_ratio: Decimal
    settlement_price: Decimal
    settlement_type: str


class SettlementRecordsPage(Model, frozen=True, kw_only=True):
    total_page: int
    current_page: int
    total_size: int
    settlement_record: list[SettlementRecord]


class EstimatedSettlementPrice(Model, frozen=True, kw_only=True):
    contract_code: str
    estimated_settlement_price: Decimal | None = None
    """Only within the 10 minutes before a settlement."""
    settlement_type: str


class SettledPosition(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    direction: Direction
    volume: Decimal
    cost_open: Decimal
    cost_hold_pre: Decimal
    cost_hold: Decimal
    settlement_profit_unreal: Decimal
    settlement_price: Decimal
    settlement_type: str


class UserSettlementRecord(Model, frozen=True, kw_only=True):
    """One settlement of the UID's account on a contract (swap_user_settlement_records)."""

    symbol: str
    contract_code: str
    margin_balance_init: Decimal
    margin_balance: Decimal
    settlement_profit_real: Decimal
    settlement_time: int
    clawback: Decimal
    funding_fee: Decimal
    offset_profitloss: Decimal
    fee: Decimal
    fee_asset: str
    positions: list[SettledPosition]


class UserSettlementPage(Model, frozen=True, kw_only=True):
    total_page: int
    current_page: int
    total_size: int
    settlement_records: list[UserSettlementRecord]


class FinancialRecord(Model, frozen=True, kw_only=True):
    """One change of the account's balance (v3 swap_financial_record), with HTX's type code
    (5-8 fees, 3/4 closing profit, 14 transfer in, 16/17 settled profit, 30/31 funding...)."""

    query_id: int
    id: int | str
    symbol: str
    contract_code: str
    type: int
    amount: Decimal
    ts: int
# -- index prices and price limits -----------------------------------------------------------


class IndexPrice(Model, frozen=True, kw_only=True):
    """One row of swap_index."""

    contract_code: str
    index_price: Decimal
    index_ts: int


class PriceLimit(Model, frozen=True, kw_only=True):
    """One row of swap_price_limit: the highest price a buy may have, the lowest for a sell."""

    symbol: str
    contract_code: str
    high_limit: Decimal
    low_limit: Decimal


class SandboxIndexPrice(Model, frozen=True, kw_only=True):
    """A contract's index as the admin API shows it: its price and time (None before it has
    one), how it moves (walk, fixed or path) and a path's (ms, price) points still ahead."""

    contract_code: str
    index_price: Decimal | None = None
    index_ts: int | None = None
    mode: str
    path: list[tuple[int, Decimal]] = []


class SandboxSnapshot(Model, frozen=True, kw_only=True):
    """A saved state of the sandbox: its name, when it was taken (ms, the exchange's clock)
    and the exchange's own time in it."""

    name: str
    created_at: int
    exchange_time: int


class SandboxReset(Model, frozen=True, kw_only=True):
    """What a reset brought back: the fixtures' source (None: an empty exchange)."""

    fixtures: str | None = None


# -- risk ------------------------------------------------------------------------------------


class AdjustFactorTier(Model, frozen=True, kw_only=True):
    """Net positions from min_size to max_size contracts (None: no upper end)."""

    ladder: int
    min_size: int
    max_size: int | None = None
    adjust_factor: Decimal


class AdjustFactorLever(Model, frozen=True, kw_only=True):
    lever_rate: int
    ladders: list[AdjustFactorTier]


class AdjustFactors(Model, frozen=True, kw_only=True):
    """swap_adjustfactor: a contract's adjust-factor tiers at each lever rate."""

    symbol: str
    contract_code: str
    levers: list[AdjustFactorLever] = msgspec.field(name="list")
    """HTX's `list`: one entry per lever rate."""


class RiskInfo(Model, frozen=True, kw_only=True):
    contract_code: str
    insurance_fund: Decimal
    estimated_clawback: Decimal


class InsuranceFundTick(Model, frozen=True, kw_only=True):
    insurance_fund: Decimal
    ts: int


class InsuranceFundPage(Model, frozen=True, kw_only=True):
    """swap_insurance_fund: the fund's balance after each change, newest first."""

    total_page: int
    current_page: int
    total_size: int
    symbol: str
    contract_code: str
    tick: list[InsuranceFundTick]


class LadderMarginTier(Model, frozen=True, kw_only=True):
    min_margin_balance: Decimal
    max_margin_balance: Decimal | None = None
    min_margin_available: Decimal
    max_margin_available: Decimal | None = None


class LadderMarginLever(Model, frozen=True, kw_only=True):
    lever_rate: int
    ladders: list[LadderMarginTier]


class LadderMargin(Model, frozen=True, kw_only=True):
    symbol: str
    contract_code: str
    levers: list[LadderMarginLever] = msgspec.field(name="list")
    """HTX's `list`: one entry per lever rate."""


class LiquidationOrder(Model, frozen=True, kw_only=True):
    """One order of the public liquidation feed (v3 swap_liquidation_orders), at the
    bankruptcy price; `query_id` pages the feed."""

    query_id: int
    contract_code: str
    symbol: str
    direction: Direction
    offset: Offset
    volume: int
    price: Decimal
    created_at: int
    amount: Decimal


# -- order and fill history with query_id paging (v3 swap_hisorders, v1/v3 _exact) -----------


class ExactHistoryOrder(Model, frozen=True, kw_only=True):
    """An order as swap_hisorders_exact (v1 and v3) and v3 swap_hisorders list it: a
    `query_id` to page on, `create_date` and a string `order_price_type`; v3 swap_hisorders
    adds `update_time`, v3 `self_match_prevent` and (someone else's cancel) `canceled_source`."""

    query_id: int
    order_id: int
    order_id_str: str
    symbol: str
    contract_code: str
    lever_rate: int
    direction: Direction
    offset: Offset
    volume: int
    price: Decimal
    create_date: int
    order_source: str
    order_price_type: str
    margin_frozen: Decimal
    profit: Decimal
    trade_volume: int
    trade_turnover: Decimal
    fee: Decimal
    trade_avg_price: Decimal | None = None
    status: int
    order_type: int
    fee_asset: str
    liquidation_type: str
    is_tpsl: int
    real_profit: Decimal
    update_time: int | None = None
    self_match_prevent: int | None = None
    canceled_source: str | None = None


class MatchResult(Model, frozen=True, kw_only=True):
    """One of the UID's fills (swap_matchresults, _exact): `match_id` is shared by every fill
    of one taker order, `id` ("<match_id>-<order_id>-<n>") and `query_id` are the fill's own
    (v1 swap_matchresults has no query_id). `role` is "Maker" or "Taker"."""

    match_id: int
    order_id: int
    order_id_str: str
    symbol: str
    contract_code: str
    direction: Direction
    offset: Offset
    trade_volume: int
    trade_price: Decimal
    trade_turnover: Decimal
    trade_fee: Decimal
    offset_profitloss: Decimal
    create_date: int
    role: str
    order_source: str
    id: str
    fee_asset: str
    real_profit: Decimal
    query_id: int | None = None


class ExactHistoryPage(Model, frozen=True, kw_only=True):
    """v1 swap_hisorders_exact: newest first; `next_id` (None on the last page) is the
    `from_id` of the next page, `remain_size` how many rows are past this one."""

    orders: list[ExactHistoryOrder]
    remain_size: int
    next_id: int | None = None


class MatchResultsExactPage(Model, frozen=True, kw_only=True):
    """v1 swap_matchresults_exact: as ExactHistoryPage, of fills."""

    trades: list[MatchResult]
    remain_size: int
    next_id: int | None = None


class MatchResultsPage(Model, frozen=True, kw_only=True):
    """v1 swap_matchresults: one page of fills, newest first."""

    trades: list[MatchResult]
    total_page: int
    current_page: int
    total_size: int

# -- test controls (docs/test-controls.md) ---------------------------------------------------


class SandboxClock(Model, frozen=True, kw_only=True):
    """The exchange clock: its time (ms), mode (live, frozen or scaled) and pace (0 frozen,
    1 live, n scaled)."""

    now: int
    mode: str
    speed: int


class SandboxFault(Model, frozen=True, kw_only=True):
    """A fault armed on an HTX path (for one UID, or all when uid is None), with the requests
    it still answers; exactly one of err_code, http_status, delay_ms and drop is set."""

    fault_id: int
    path: str
    uid: int | None = None
    remaining: int
    err_code: int | None = None
    http_status: int | None = None
    delay_ms: int | None = None
    drop: bool = False


class SandboxQuota(Model, frozen=True, kw_only=True):
    limit: int
    interval_ms: int
    enabled: bool


class SandboxUidLimit(Model, frozen=True, kw_only=True):
    """A UID's own limits per window (None: that bucket's default)."""

    uid: int
    trade: int | None = None
    read: int | None = None


class SandboxRateLimits(Model, frozen=True, kw_only=True):
    defaults: dict[str, SandboxQuota]
    """The trade and read buckets' quotas per UID."""
    uids: list[SandboxUidLimit] = []
