"""The exchange's state and the primitives every command is built from.

Commands (placement, cancellation, the dead man's switch) validate first and only then call these
primitives, so a rejected command changes nothing.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import KeysView, Sequence
from decimal import Decimal

from .accounts import Account
from .book import OrderBook
from .contracts import Contract, ContractRegistry
from .errors import ErrorCode, HtxError
from .events import (
    AccountChanged,
    Event,
    OrderCancelled,
    OrderTraded,
    PositionChanged,
    StrategyOrderChanged,
)
from .eviction import evict_ended
from .ids import OrderIdGenerator, TradeIdGenerator
from .liquidation_book import LiquidationIndex
from .money import contract_value, fee, initial_margin
from .orders import ORDER_TYPE_QUOTATION, Order, Trade
from .positions import Holding, closed_side, opened_side
from .premium import PremiumPeriod, SettlementFills
from .price_limits import PriceBand
from .strategy_book import StrategyBook, StrategyLimits
from .types import BUY, MAKER, OPEN, UID, ZERO, Millis, OrderId, Role, TradeId

NEVER = 2**63
"""Later than any time."""


class ExchangeState:
    """Everything the exchange knows. Deterministic: no clock, no randomness, no I/O."""

    def __init__(
        self,
        contracts: ContractRegistry,
        *,
        cancel_delay_ms: int = 0,
        strategy_limits: StrategyLimits | None = None,
        settlement_window_ms: int = 0,
    ) -> None:
        self.contracts = contracts
        self.cancel_delay_ms = cancel_delay_ms
        """0 cancels at once; more leaves cancelled orders in status 11 (and fillable) that long."""
        self.settlement_window_ms = settlement_window_ms
        """0 settles funding in an instant; more halts trading (status 5, 1056) that long."""
        self.now = Millis(0)
        self.users: set[UID] = set()
        self.accounts: dict[tuple[UID, str], Account] = {}
        self.holdings: dict[tuple[UID, str], Holding] = {}
        self.holdings_by_user: dict[UID, dict[str, Holding]] = {}
        self.orders: dict[OrderId, Order] = {}
        self.client_orders: dict[tuple[UID, int], OrderId] = {}
        self.books: dict[str, OrderBook] = {c.contract_code: OrderBook(c.contract_code)
                                            for c in contracts}
        self.last_price: dict[str, Decimal] = {}
        self.index_prices: dict[str, Decimal] = {}
        """Per contract, the latest index price fed to the exchange (domain/prices.py)."""
        self.index_times: dict[str, Millis] = {}
        self.price_bands: dict[str, PriceBand] = {}
        """Per contract with an index, its price band (domain/price_limits.py)."""
        self.fee_pool: dict[str, Decimal] = {}
        """Fees collected, per coin: the exchange's side of every fee paid."""
        self.order_ids = OrderIdGenerator()
        self.trade_ids = TradeIdGenerator()
        self.pending_cancels: list[tuple[Millis, OrderId]] = []
        """Heap of (due time, order id) for orders in status 11."""
        self.finished: deque[OrderId] = deque()
        """Orders in the order they reached a final status: the eviction queue."""
        self.client_order_times: deque[tuple[Millis, UID, int]] = deque()
        """(created_at, uid, client_order_id) in acceptance order: the dedupe window's queue."""
        self.cancel_after: dict[UID, Millis] = {}
        self.cancel_after_heap: list[tuple[Millis, UID]] = []
        self.strategies = StrategyBook(strategy_limits)
        self.liquidations = LiquidationIndex()
        """Accounts holding positions, ordered by the mark that would liquidate them: derived
        from accounts and holdings (rebuilt on restore), kept current after every command."""
        # Funding (domain/funding_clock.py): the next sample, settlement and end of a
        # settlement window, and the earliest of them (0 until the clock starts).
        self.next_sample: Millis | None = None
        self.next_settlement: Millis | None = None
        self.window_end: Millis | None = None
        self.funding_due = 0
        self.premiums: dict[str, PremiumPeriod] = {}
        self.settlement_fills: dict[str, SettlementFills] = {}
        """Per contract, its fills since `settlement_fills_from` (the settlement price's)."""
        self.settlement_fills_from = NEVER
        self.funding_pool: dict[str, Decimal] = {}
        """Per coin, the rounding of funding settlements left with the exchange (payments are
        rounded up and receipts down, booked profits truncated; domain/settlement.py)."""
        self.last_record_id = 0
        """The last financial record's query_id (assigned when a commit writes them)."""
        self.last_fill_id = 0
        """The last fill's query_id (Trade.query_id)."""
        self.traded: dict[str, list[int]] = {}
        """Per contract, [lowest, highest] ticks traded since strategy orders were last checked:
        what fires them once the command's own matching is done."""
        # The current command's events; account and position changes are named once each, at the
        # end, in first-touched order.
        self.events: list[Event] = []
        self._touched_accounts: dict[tuple[UID, str], None] = {}
        self._touched_holdings: dict[tuple[UID, str], None] = {}

    # -- lookups ---------------------------------------------------------------------------

    def require_user(self, uid: UID) -> None:
        if uid not in self.users:
            raise HtxError(ErrorCode.CONTRACTS_NOT_OPENED)

    def book(self, contract: Contract) -> OrderBook:
        book = self.books.get(contract.contract_code)
        if book is None:
            book = self.books[contract.contract_code] = OrderBook(contract.contract_code)
        return book

    def account(self, uid: UID, symbol: str) -> Account:
        key = (uid, symbol)
        account = self.accounts.get(key)
        if account is None:
            account = self.accounts[key] = Account(uid, symbol)
        return account

    def holding(self, uid: UID, contract_code: str) -> Holding:
        key = (uid, contract_code)
        holding = self.holdings.get(key)
        if holding is None:
            holding = self.holdings[key] = Holding(uid, contract_code)
            self.holdings_by_user.setdefault(uid, {})[contract_code] = holding
        return holding

    def order_by_client_id(self, uid: UID, client_order_id: int) -> Order | None:
        """The UID's order with that client_order_id, while the duplicate window remembers it."""
        order_id = self.client_orders.get((uid, client_order_id))
        return self.orders.get(order_id) if order_id is not None else None

    def latest_price(self, contract: Contract) -> Decimal:
        """The last trade price, else the contract's reference price: HTX's "latest price",
        which trigger rules name (always on the tick grid, unlike the mark price)."""
        return self.last_price.get(contract.contract_code, contract.reference_price)

    def mark_price(self, contract: Contract) -> Decimal:
        """The price margins, profit and risk are measured at: the median of the index, the
        last trade and the book's mid price, a missing one counting as the index (HTX does not
        publish its formula: docs/compatibility.md). Without an index, the last trade price,
        else the reference price."""
        code = contract.contract_code
        last = self.last_price.get(code)
        index = self.index_prices.get(code)
        if index is None:
            return last if last is not None else contract.reference_price
        mid = index
        book = self.books.get(code)
        if book is not None:
            bid, ask = book.bids.best_ticks(), book.asks.best_ticks()
            if bid is not None and ask is not None:
                mid = contract.price(bid + ask) / 2
        return sorted((index, index if last is None else last, mid))[1]

    # -- change tracking -------------------------------------------------------------------

    def touch_account(self, uid: UID, symbol: str) -> None:
        self._touched_accounts[(uid, symbol)] = None

    def touch_holding(self, uid: UID, contract_code: str) -> None:
        self._touched_holdings[(uid, contract_code)] = None

    def take_events(self) -> list[Event]:
        """The current command's events, closing them with the accounts and positions it changed."""
        events = self.events
        if self._touched_accounts:
            accounts = self.accounts
            for key in self._touched_accounts:
                # Checked here, inside the command: the engine then refuses this command alone,
                # where a row missing at commit time would fail the commit of its whole batch.
                if key not in accounts:
                    raise LookupError(f"account {key} changed but does not exist")
                events.append(AccountChanged(*key))
            self._touched_accounts = {}
        if self._touched_holdings:
            holdings = self.holdings
            for key in self._touched_holdings:
                if key not in holdings:
                    raise LookupError(f"holding {key} changed but does not exist")
                events.append(PositionChanged(*key))
            self._touched_holdings = {}
        self.events = []
        return events

    @property
    def touched_holdings(self) -> list[tuple[UID, str]]:
        """The holdings the current command changed so far."""
        return list(self._touched_holdings)

    @property
    def touched_accounts(self) -> list[tuple[UID, str]]:
        """The accounts the current command changed so far."""
        return list(self._touched_accounts)

    def touched(self) -> tuple[KeysView[tuple[UID, str]], KeysView[tuple[UID, str]]]:
        """The accounts and the holdings the current command changed so far, as live views (no
        copies: the liquidation check looks at them after every command)."""
        return self._touched_accounts.keys(), self._touched_holdings.keys()

    def discard_events(self) -> None:
        self.events = []
        self.traded = {}
        self._touched_accounts = {}
        self._touched_holdings = {}

    # -- order life ------------------------------------------------------------------------

    def rest(self, order: Order, book: OrderBook, holding: Holding) -> None:
        book.side(order.direction).add(order)
        holding.add_open_order(order)

    def release(self, order: Order) -> None:
        """Give back what the order still holds: its margin, or the position volume it froze."""
        if order.offset is OPEN:
            if order.margin_frozen:
                account = self.account(order.uid, order.symbol)
                account.margin_frozen -= order.margin_frozen
                order.margin_frozen = ZERO
                self.touch_account(order.uid, order.symbol)
        else:
            holding = self.holding(order.uid, order.contract_code)
            holding.position(closed_side(order.direction)).frozen -= order.remaining
            self.touch_holding(order.uid, order.contract_code)

    def cancel_now(self, order: Order, now: Millis) -> None:
        """Finish a cancel: off the book, holdings released, status 5 or 7."""
        holding = self.holding(order.uid, order.contract_code)
        if order.order_id in holding.open_orders:
            self.books[order.contract_code].side(order.direction).remove(order)
            holding.remove_open_order(order)
        self.release(order)
        order.mark_cancelled(now)
        self.finished.append(order.order_id)
        self.events.append(OrderCancelled(order.order_id, order.status))
        if self.strategies.attached and order.order_id in self.strategies.attached:
            self.events.extend(self._opening_ended(order, now))

    def cancel_resting(self, holding: Holding, orders: list[Order], now: Millis) -> None:
        """cancel_now for many resting orders of one holding, releasing margin once: the hot
        path of cancel-all, whose cost must stay a small constant per own order."""
        book = self.books[holding.contract_code]
        bids, asks = book.bids, book.asks
        events, finished = self.events, self.finished
        attached = self.strategies.attached
        released = ZERO
        close_released = False
        for order in orders:
            (bids if order.direction is BUY else asks).remove(order)
            holding.remove_open_order(order)
            if order.offset is OPEN:
                released += order.margin_frozen
                order.margin_frozen = ZERO
            else:
                holding.position(closed_side(order.direction)).frozen -= order.remaining
                close_released = True
            order.mark_cancelled(now)
            finished.append(order.order_id)
            events.append(OrderCancelled(order.order_id, order.status))
            if attached and order.order_id in attached:
                events.extend(self._opening_ended(order, now))
        if released:
            symbol = orders[0].symbol
            self.account(holding.uid, symbol).margin_frozen -= released
            self.touch_account(holding.uid, symbol)
        if close_released:
            self.touch_holding(holding.uid, holding.contract_code)

    def _opening_ended(self, order: Order, now: Millis) -> list[StrategyOrderChanged]:
        """An opening order with TP/SL legs was cancelled: the legs learn whether the position
        they guard is still there."""
        position = self.holding(order.uid, order.contract_code).position(
            opened_side(order.direction)
        )
        return self.strategies.opening_ended(order, now, position_open=position.volume > 0)

    def schedule_cancel(self, order: Order, now: Millis) -> None:
        heapq.heappush(self.pending_cancels, (Millis(now + self.cancel_delay_ms), order.order_id))

    # -- fills -----------------------------------------------------------------------------

    def match(
        self,
        contract: Contract,
        taker: Order,
        fills: Sequence[tuple[Order, int]],
        book: OrderBook,
        now: Millis,
    ) -> None:
        """A taker order's round of matching against (maker, volume) fills: one match id for
        them all, as HTX gives every fill of one taker order (only the fills' ids differ)."""
        if not fills:
            return
        trade_id = self.trade_ids.next()
        for maker, volume in fills:
            self._fill(contract, taker, maker, volume, book, trade_id, now)
        self.trade_ids.reserve(len(fills))

    def _fill(
        self,
        contract: Contract,
        taker: Order,
        maker: Order,
        volume: int,
        book: OrderBook,
        trade_id: TradeId,
        now: Millis,
    ) -> None:
        """One fill at the maker's price: both orders, positions and accounts move together."""
        price = maker.price
        self._fill_side(contract, maker, volume, price, MAKER, trade_id, now)
        self._fill_side(contract, taker, volume, price, Role.TAKER, trade_id, now)
        if not maker.remaining:
            book.side(maker.direction).remove(maker)
            self.holding(maker.uid, maker.contract_code).remove_open_order(maker)
        code = contract.contract_code
        self.last_price[code] = price
        if now >= self.settlement_fills_from:  # the 10 minutes before a settlement
            value = contract_value(volume, contract.contract_size, price)
            self.settlement_fill(code, volume, value)
        ticks = maker.price_ticks
        traded = self.traded.get(code)
        if traded is None:
            self.traded[code] = [ticks, ticks]
        elif ticks < traded[0]:
            traded[0] = ticks
        elif ticks > traded[1]:
            traded[1] = ticks

    def fill_off_book(
        self,
        contract: Contract,
        order: Order,
        volume: int,
        price: Decimal,
        trade_id: int,
        now: Millis,
    ) -> None:
        """A fill that is no market trade (a liquidation's netting, a takeover by the insurance
        fund): the order's side alone, recorded as a maker's, so that no public print, last
        price or strategy trigger comes of it."""
        self._fill_side(contract, order, volume, price, MAKER, trade_id, now)

    def _fill_side(
        self,
        contract: Contract,
        order: Order,
        volume: int,
        price: Decimal,
        role: Role,
        trade_id: int,
        now: Millis,
    ) -> None:
        size = contract.contract_size
        value = contract_value(volume, size, price)
        rate = contract.maker_fee_rate if role is MAKER else contract.taker_fee_rate
        # Liquidation orders trade free of charge for the account liquidated (HTX: partial
        # liquidation is free; see docs/compatibility.md for full liquidation).
        paid = fee(value, rate) if order.order_type == ORDER_TYPE_QUOTATION else ZERO
        uid, symbol = order.uid, order.symbol
        account = self.account(uid, symbol)
        account.margin_static -= paid
        account.fees_paid += paid
        self.fee_pool[symbol] = self.fee_pool.get(symbol, ZERO) + paid
        holding = self.holding(uid, order.contract_code)
        if order.offset is OPEN:
            holding.position(opened_side(order.direction)).open(volume, value)
            still_frozen = initial_margin(
                order.remaining - volume, size, order.price, order.lever_rate
            )
            account.margin_frozen -= order.margin_frozen - still_frozen
            order.margin_frozen = still_frozen
            profit = ZERO
        else:
            profit = holding.position(closed_side(order.direction)).close(volume, value)
            account.margin_static += profit
            account.profit_real += profit
        trade = Trade(
            trade_id=trade_id,  # type: ignore[arg-type]
            id=f"{trade_id}-{order.order_id}-{len(order.trades) + 1}",
            order_id=order.order_id,
            uid=uid,
            contract_code=order.contract_code,
            direction=order.direction,
            offset=order.offset,
            price=price,
            volume=volume,
            turnover=size * volume,
            value=value,
            fee=-paid,
            fee_asset=symbol,
            role=role,
            profit=profit,
            created_at=now,
            query_id=self.next_fill_id(),
        )
        order.record_fill(trade)
        if not order.remaining:
            self.finished.append(order.order_id)
        attached = self.strategies.attached
        if attached and order.order_id in attached:
            self.events.extend(self.strategies.opening_filled(order, now))
        self.events.append(OrderTraded(trade))
        self.touch_account(uid, symbol)
        self.touch_holding(uid, order.contract_code)

    def next_fill_id(self) -> int:
        self.last_fill_id += 1
        return self.last_fill_id

    def settlement_fill(self, code: str, volume: int, value: Decimal) -> None:
        """Count a fill towards the next settlement price."""
        fills = self.settlement_fills.get(code)
        if fills is None:
            fills = self.settlement_fills[code] = SettlementFills()
        fills.volume += volume
        fills.value += value

    # -- bounded memory --------------------------------------------------------------------

    def evict_finished(self, before: Millis) -> int:
        """Forget finished orders that ended before `before` (storage keeps them); returns how
        many. Cancelling one afterwards answers 1061, as HTX does once it purges them."""
        self.strategies.evict_finished(before)
        return evict_ended(self.finished, self.orders, before)

    def forget_client_order_ids(self, before: Millis) -> None:
        """Client order ids accepted before `before` may be reused: the duplicate window."""
        times, index = self.client_order_times, self.client_orders
        while times and times[0][0] < before:
            _, uid, client_order_id = times.popleft()
            index.pop((uid, client_order_id), None)
