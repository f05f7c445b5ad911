"""Turns the events of a group of commands into one ChangeSet for one commit."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.events import (
    AccountChanged,
    BalanceChanged,
    CancelAfterFired,
    CancelAfterSet,
    ContractChanged,
    Deposited,
    Event,
    FundingSettled,
    IndexPriceChanged,
    InsuranceFundChanged,
    LeverRateSwitched,
    OrderAccepted,
    OrderCancelled,
    OrderCancelling,
    OrderTraded,
    PositionChanged,
    PremiumSampled,
    StrategyOrderChanged,
    UserOpened,
)
from ..domain.insurance_fund import fund_balance
from ..domain.orders import ORDER_TYPE_LIQUIDATION, Trade
from ..domain.records import (
    Entry,
    FinancialRecord,
    FinancialType,
    settlement_entries,
    trade_entries,
)
from ..domain.state import ExchangeState
from ..domain.types import UID, Millis, OrderId
from .api_keys import ApiKey
from .clock import ClockSetting
from .ports import ChangeSet, FundingFigures, FundRecord

Source = Trade | Deposited | FundingSettled | BalanceChanged
"""What financial records are derived from, in the order the commands made them."""


class UnitOfWork:
    """Collects what commands touched; rows are read from the state only at commit time, so a
    row changed by several commands of one group is written once, as it ended up."""

    def __init__(self) -> None:
        self._users: dict[UID, None] = {}
        self._accounts: dict[tuple[UID, str], None] = {}
        self._holdings: dict[tuple[UID, str], None] = {}
        self._new_orders: dict[OrderId, None] = {}
        self._orders: dict[OrderId, None] = {}
        """Orders of earlier commits that changed."""
        self._trades: list[Trade] = []
        self._strategy_orders: dict[OrderId, None] = {}
        self._cancel_after: dict[UID, None] = {}
        self._api_keys: dict[str, ApiKey] = {}
        self._contracts = False
        self._index_prices: dict[str, None] = {}
        self._sources: list[Source] = []
        self._funding = False
        self._funds: dict[str, None] = {}
        self._clock: ClockSetting | None = None
        self.commands = 0

    def record(self, events: Iterable[Event]) -> None:
        self.commands += 1
        # Tested by exact type, the commonest first: class patterns in a match statement cost
        # several times as much, for every event of every command, and a table of one function
        # per type costs a call per event (about 1.5 times this on a cancel-all's events).
        # tests/unit/service/test_unit_of_work.py fails for an event type missing here.
        for event in events:
            if type(event) is OrderCancelled or type(event) is OrderCancelling:
                if event.order_id not in self._new_orders:
                    self._orders[event.order_id] = None
            elif type(event) is AccountChanged:
                self._accounts[(event.uid, event.symbol)] = None
            elif type(event) is OrderAccepted:
                self._new_orders[event.order_id] = None
            elif type(event) is OrderTraded:
                trade = event.trade
                if trade.order_id not in self._new_orders:
                    self._orders[trade.order_id] = None
                self._trades.append(trade)
                self._sources.append(trade)
            elif type(event) is PositionChanged or type(event) is LeverRateSwitched:
                self._holdings[(event.uid, event.contract_code)] = None
            elif type(event) is CancelAfterSet or type(event) is CancelAfterFired:
                self._cancel_after[event.uid] = None
            elif type(event) is StrategyOrderChanged:
                self._strategy_orders[event.order_id] = None
            elif type(event) is UserOpened:
                self._users[event.uid] = None
            elif type(event) is IndexPriceChanged:
                self._index_prices[event.contract_code] = None
            elif type(event) is ContractChanged:
                self._contracts = True
            elif type(event) is Deposited:
                self._accounts[(event.uid, event.symbol)] = None
                self._sources.append(event)
            elif type(event) is PremiumSampled:
                self._funding = True
            elif type(event) is FundingSettled:
                self._funding = True
                self._sources.append(event)
            elif type(event) is BalanceChanged:
                self._accounts[(event.uid, event.symbol)] = None
                self._sources.append(event)
            elif type(event) is InsuranceFundChanged:
                self._funds[event.symbol] = None
            else:
                raise TypeError(f"no row for event {event!r}")

    def record_api_key(self, key: ApiKey) -> None:
        self.commands += 1
        self._api_keys[key.access_key] = key

    def record_clock(self, setting: ClockSetting) -> None:
        self.commands += 1
        self._clock = setting

    @property
    def api_keys(self) -> dict[str, ApiKey]:
        """This batch's key changes, to be published once committed."""
        return self._api_keys

    @property
    def touched(self) -> bool:
        """Whether anything needs writing: a Tick that fired nothing commits nothing."""
        return bool(
            self._users or self._accounts or self._holdings or self._new_orders or self._orders
            or self._cancel_after or self._contracts or self._api_keys or self._strategy_orders
            or self._index_prices or self._funding or self._sources or self._funds
            or self._clock is not None
        )

    def include_contracts(self) -> None:
        """Write the contract registry too (on first start, or after an admin change)."""
        self._contracts = True

    def include_funding(self) -> None:
        """Write the funding clock too (when the engine started it)."""
        self._funding = True

    def changes(self, state: ExchangeState) -> ChangeSet:
        strategies = state.strategies.orders
        settlements = [e.settlement for e in self._sources if type(e) is FundingSettled]
        return ChangeSet(
            users=list(self._users),
            contracts=list(state.contracts) if self._contracts else [],
            accounts=[state.accounts[key] for key in self._accounts],
            holdings=[state.holdings[key] for key in self._holdings],
            orders=[state.orders[order_id] for order_id in self._new_orders],
            order_updates=[state.orders[order_id] for order_id in self._orders],
            trades=self._trades,
            strategy_orders=[strategies[order_id] for order_id in self._strategy_orders],
            cancel_after={uid: state.cancel_after.get(uid) for uid in self._cancel_after},
            api_keys=list(self._api_keys.values()),
            fee_pool=dict(state.fee_pool) if self._trades else {},
            last_price=dict(state.last_price) if self._trades else {},
            index_prices={
                code: (state.index_prices[code], state.index_times[code])
                for code in self._index_prices
            },
            financial_records=self._records(state) if self._sources else [],
            settlements=[c for s in settlements for c in s.contracts],
            user_settlements=[u for s in settlements for u in s.users],
            funding=_funding(state) if self._funding or self._contracts else None,
            insurance_fund=[
                FundRecord(symbol, Millis(state.now), fund_balance(state, symbol))
                for symbol in self._funds
            ],
            last_order_id=state.order_ids.last,
            last_trade_id=state.trade_ids.last,
            now=Millis(state.now),
            clock=self._clock,
            commands=self.commands,
        )

    def _records(self, state: ExchangeState) -> list[FinancialRecord]:
        """The batch's financial records, numbered on from the last committed one."""
        entries: list[Entry] = []
        orders = state.orders
        for source in self._sources:
            if type(source) is Trade:
                order = orders.get(source.order_id)
                liquidation = order is not None and order.order_type == ORDER_TYPE_LIQUIDATION
                entries.extend(trade_entries(source, liquidation=liquidation))
            elif type(source) is FundingSettled:
                for user in source.settlement.users:
                    entries.extend(settlement_entries(user))
            elif type(source) is Deposited:
                code = _contract_of(state, source.symbol)
                entries.append((source.uid, source.symbol, code, FinancialType.TRANSFER_FROM_SPOT,
                                source.amount, source.at))  # fmt: skip
            elif type(source) is BalanceChanged:
                entries.append((source.uid, source.symbol, source.contract_code, source.type,
                                source.amount, source.at))  # fmt: skip
        first = state.last_record_id + 1
        state.last_record_id += len(entries)
        return [FinancialRecord(first + i, *entry) for i, entry in enumerate(entries)]


def _contract_of(state: ExchangeState, symbol: str) -> str:
    """The contract a coin's account change is recorded under (contract codes are SYMBOL-USD,
    one per coin)."""
    codes = sorted(c.contract_code for c in state.contracts if c.symbol == symbol)
    return codes[0] if codes else f"{symbol}-USD"


def _funding(state: ExchangeState) -> FundingFigures:
    return FundingFigures(
        next_sample=state.next_sample,
        next_settlement=state.next_settlement,
        window_end=state.window_end,
        premiums=dict(state.premiums),
        funding_pool=dict(state.funding_pool),
    )
