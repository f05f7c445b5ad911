"""The read side: every question an endpoint asks of the exchange, by name.

A `Reads` is made on the engine thread for one read, after the commit of everything submitted
before it, so no answer ever shows a half-applied command; whatever it hands out must be turned
into wire shapes on that thread too (the engine goes on changing the objects afterwards). Orders
evicted from memory (finished longer ago than the engine's retention) are read from the store.
"""

from __future__ import annotations

from decimal import Decimal

from ..domain.contracts import Contract
from ..domain.exchange import Exchange
from ..domain.funding import live_rate
from ..domain.funding_clock import next_settlement_after
from ..domain.insurance_fund import fund_balance
from ..domain.margin import AccountFigures, PositionFigures
from ..domain.orders import Order
from ..domain.price_limits import PriceBand
from ..domain.records import FinancialRecord
from ..domain.settlement import estimated_settlement_price
from ..domain.settlement_records import ContractSettlement, UserSettlement
from ..domain.strategy_orders import StrategyKind, StrategyOrder
from ..domain.types import UID, Direction, Millis, OrderId
from ..domain.valuation import balance_valuation
from .bars import Bar, SeriesKey
from .periods import Period
from .ports import (
    Fill,
    FinancialRecordQuery,
    FundRecord,
    HistoryQuery,
    LiquidationQuery,
    OrderQuery,
    SettlementQuery,
    Store,
    StrategyOrderQuery,
)
from .series_book import SeriesBook

Level = tuple[Decimal, int]


class Reads:
    __slots__ = ("_exchange", "_series", "_store")

    def __init__(self, exchange: Exchange, store: Store, series: SeriesBook | None = None) -> None:
        self._exchange = exchange
        self._store = store
        self._series = series if series is not None else SeriesBook()

    # -- contracts -------------------------------------------------------------------------

    def contract(self, code: str) -> Contract:
        """The contract, case-insensitive; 1014 if it is not listed."""
        return self._exchange.contracts.get(code)

    def contracts(self, code: str | None = None) -> list[Contract]:
        """Every listed contract, or only `code` (1014 if it is not listed)."""
        exchange = self._exchange
        return [exchange.contracts.get(code)] if code else list(exchange.contracts)

    def mark_price(self, contract: Contract) -> Decimal:
        return self._exchange.state.mark_price(contract)

    def latest_price(self, contract: Contract) -> Decimal:
        """The last trade price, else the reference price."""
        return self._exchange.state.latest_price(contract)

    def depth(self, code: str, levels: int) -> tuple[list[Level], list[Level]]:
        """(bids, asks) as (price, volume), best first."""
        return self._exchange.depth(code, levels)

    # -- orders ----------------------------------------------------------------------------

    def open_orders(self, uid: UID, code: str | None = None) -> list[Order]:
        """The UID's open orders, on one contract (1014 if it is not listed) or on all."""
        if code:
            self.contract(code)
        return self._exchange.open_orders(uid, code)

    def order(self, order_id: int) -> Order | None:
        """Any order: from memory, else (evicted history) from the store."""
        found = self._exchange.order(OrderId(order_id))
        return found if found is not None else self._store.order(order_id)

    def own_order(self, uid: UID, contract: Contract, order_id: int) -> Order | None:
        """The order if it is the UID's and on this contract: for anyone else it is absent."""
        order = self.order(order_id) if order_id > 0 else None
        if order is None or order.uid != uid or order.contract_code != contract.contract_code:
            return None
        return order

    def order_ids_of(self, uid: UID, client_order_ids: list[int]) -> list[int]:
        """The order ids the UID's client order ids name (within the dedupe window)."""
        index = self._exchange.state.client_orders  # kept after the order leaves memory
        return [index[(uid, c)] for c in client_order_ids if (uid, c) in index]

    def order_history(self, query: OrderQuery) -> tuple[list[Order], int]:
        """One page of the UID's orders from the store (without their fills), and the total."""
        return self._store.orders_of(query)

    def order_window(self, query: HistoryQuery) -> tuple[list[Order], int]:
        """Orders by query_id from the store (without their fills), and how many match."""
        return self._store.order_window(query)

    def fill_window(self, query: HistoryQuery) -> tuple[list[Fill], int]:
        """Fills by query_id from the store, and how many match."""
        return self._store.fill_window(query)

    # -- strategy orders -------------------------------------------------------------------

    def open_strategy_orders(
        self, kind: StrategyKind, uid: UID, contract: Contract
    ) -> list[StrategyOrder]:
        """The UID's open orders of `kind` on the contract, oldest first."""
        owned = self._exchange.state.strategies.owned(uid, contract.contract_code, kind)
        return list(owned.values())

    def strategy_order(self, order_id: int) -> StrategyOrder | None:
        """A strategy order held in memory (open or recently finished)."""
        return self._exchange.strategy_order(OrderId(order_id))

    def strategy_history(self, query: StrategyOrderQuery) -> tuple[list[StrategyOrder], int]:
        """One page of the UID's strategy orders of one kind from the store, and the total."""
        return self._store.strategy_orders_of(query)

    def lever_rate(self, uid: UID, contract: Contract) -> int | None:
        """The lever rate the UID's holding on the contract is at, if it has one: what a
        strategy order placed without a lever rate places with."""
        holding = self._exchange.state.holdings.get((uid, contract.contract_code))
        return holding.lever_rate if holding is not None else None

    def tpsl_legs_of(self, opening: Order) -> list[StrategyOrder]:
        """The TP/SL legs attached to an opening order, TP first. They were made by the
        command that placed it, so their ids are the next one or two: in memory they are
        read there, else (finished and evicted) from the store, by the order they name."""
        if not opening.is_tpsl:
            return []
        legs = {}
        for order_id in (opening.order_id + 1, opening.order_id + 2):
            leg = self._exchange.strategy_order(OrderId(order_id))
            if leg is not None and leg.source_order_id == opening.order_id:
                legs[leg.order_id] = leg
        wanted = {r for leg in legs.values() if (r := leg.relation_tpsl_order_id) is not None}
        if not legs or not wanted <= legs.keys():
            for leg in self._store.tpsl_legs_of(opening.order_id):
                legs.setdefault(leg.order_id, leg)
        return [legs[order_id] for order_id in sorted(legs)]

    # -- accounts --------------------------------------------------------------------------

    def account(self, uid: UID, symbol: str) -> AccountFigures:
        return self._exchange.account(uid, symbol)

    def accounts(self, uid: UID) -> list[AccountFigures]:
        """One per coin of a listed contract."""
        return self._exchange.accounts(uid)

    def positions(self, uid: UID, code: str | None = None) -> list[PositionFigures]:
        """Open positions on one contract (1014 if it is not listed) or on all."""
        if code:
            self.contract(code)
        return self._exchange.positions(uid, code)

    def balance_valuation(self, uid: UID, asset: str) -> Decimal:
        """The UID's equity over every coin in USD or BTC (domain/valuation.py)."""
        return balance_valuation(self._exchange.state, uid, asset)
    # -- funding ---------------------------------------------------------------------------

    def funding_rate(self, contract: Contract, now: int) -> tuple[Decimal, Millis]:
        """The rate the current period would settle at, and when it settles."""
        state = self._exchange.state
        due = state.next_settlement
        if due is None or due <= now:  # the clock has not run yet (or is about to)
            due = next_settlement_after(now)
        return live_rate(state, contract), due

    def estimated_settlement_price(self, contract: Contract, now: int) -> Decimal | None:
        return estimated_settlement_price(self._exchange.state, contract, now)

    def settlements(self, query: SettlementQuery) -> tuple[list[ContractSettlement], int]:
        """A page of a contract's settlements (with their funding rates), newest first."""
        return self._store.settlements_of(query)

    def user_settlements(self, query: SettlementQuery) -> tuple[list[UserSettlement], int]:
        return self._store.user_settlements_of(query)

    def financial_records(self, query: FinancialRecordQuery) -> list[FinancialRecord]:
        return self._store.financial_records_of(query)

    # -- market series ---------------------------------------------------------------------

    def bars(self, series: str, code: str, period: Period, first: int, last: int) -> list[Bar]:
        """A kline series' bars from bar id `first` to `last` (aligned to `period`), every
        period from its first bar on (service/bars.py); never a scan of the trades."""
        key = SeriesKey(series, code, period.name)
        return self._series.read(key, period, first, last, self._store)

    def open_interest(self, code: str) -> int:
        """Contracts open on one side of the contract."""
        return self._series.open_interest.total(code)

    # -- risk ------------------------------------------------------------------------------

    def insurance_fund(self, symbol: str) -> Decimal:
        """The coin's insurance fund balance now (at the marks)."""
        return fund_balance(self._exchange.state, symbol)

    def insurance_fund_history(
        self, symbol: str, page_index: int, page_size: int
    ) -> tuple[list[FundRecord], int]:
        return self._store.insurance_fund(symbol, page_index, page_size)

    def liquidation_orders(self, query: LiquidationQuery) -> list[Order]:
        """A page of the contract's public liquidation feed, from the store."""
        return self._store.liquidation_orders(query)

    # -- users -----------------------------------------------------------------------------

    def users(self) -> list[UID]:
        return sorted(self._exchange.state.users)

    def has_user(self, uid: UID) -> bool:
        return uid in self._exchange.state.users

    def free_uid(self, first: int) -> UID:
        """The smallest uid from `first` up that no account has."""
        users = self._exchange.state.users
        uid = first
        while uid in users:
            uid += 1
        return UID(uid)

    # -- index prices and price limits -----------------------------------------------------

    def index_price(self, contract: Contract) -> tuple[Decimal, Millis] | None:
        """The contract's index price and when it was set; None before it has one."""
        state = self._exchange.state
        code = contract.contract_code
        price = state.index_prices.get(code)
        return None if price is None else (price, state.index_times[code])

    def price_band(self, contract: Contract) -> PriceBand | None:
        """The contract's price band (swap_price_limit); None without an index."""
        return self._exchange.state.price_bands.get(contract.contract_code)

    # -- the book in ticks (push feeds) ------------------------------------------------------

    def book_ticks(self, code: str) -> tuple[Decimal, list[tuple[int, int]], list[tuple[int, int]]]:
        """The contract's price tick and its whole book as (ticks, volume), best first: what
        a push feed starts from before it follows the levels orders touch."""
        contract = self._exchange.contracts.get(code)
        book = self._exchange.state.book(contract)
        return contract.price_tick, book.bids.depth(len(book.bids)), book.asks.depth(len(book.asks))

    def level_volume(self, code: str, direction: Direction, ticks: int) -> int:
        """The volume resting at one price of one side of a contract's book."""
        contract = self._exchange.contracts.get(code)
        return self._exchange.state.book(contract).side(direction).volume_at(ticks)
