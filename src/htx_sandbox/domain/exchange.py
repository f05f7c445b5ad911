"""The exchange: applies commands one at a time, deterministically, and answers queries.

`execute` is the engine's single entry point: it first lets the timers that fell due run (the
dead man's switch, delayed cancels), then applies the command through the table of handlers.py,
and returns the reply or the error together with every event. The typed methods apply one command
without advancing time, which is what tests of a single behaviour want.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from . import funding_clock
from .accounts import Account
from .batch import place_batch
from .cancel_after import fire, next_due, next_trigger, set_cancel_after
from .cancellation import cancel_all, cancel_orders, land_cancel
from .commands import (
    BatchItem,
    CancelAfter,
    CancelAfterReply,
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelReply,
    CancelStrategyOrders,
    Command,
    Deposit,
    LeverRateReply,
    LightningClose,
    ListContract,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceBatch,
    PlaceOrder,
    PlaceTpsl,
    PlaceTrackOrder,
    PlaceTriggerOrder,
    Reply,
    SetContract,
    SwitchLeverRate,
    TpslPlaced,
)
from .contracts import ContractRegistry
from .errors import HtxError
from .events import Event
from .firing import settle_strategies
from .handlers import HANDLERS
from .leverage import switch_lever_rate
from .lightning import lightning_close
from .listing import list_contract, set_contract
from .margin import AccountFigures, PositionFigures, account_figures, position_figures
from .orders import Order, Trade
from .placement import place_order
from .state import NEVER, ExchangeState
from .strategy_book import StrategyLimits
from .strategy_cancel import cancel_all_strategy, cancel_strategy_orders
from .strategy_orders import StrategyOrder
from .tpsl import place_tpsl
from .track_orders import place_track_order
from .trigger_orders import place_trigger_order
from .types import UID, Millis, OrderId, Role
from .users import deposit, open_user

T = TypeVar("T")
C = TypeVar("C")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Timer:
    """A timer of the exchange: a dead man's switch ("switch", uid), a delayed cancel
    ("cancel", order id) or the funding clock's ("funding", 0), due at `due`."""

    kind: Literal["switch", "cancel", "funding"]
    key: int
    due: Millis


class TimerFailedError(Exception):
    """A timer raised while time advanced: a bug, and not the fault of the command that advanced
    time. `Exchange.drop_timer` takes it out, so that time can pass again."""

    def __init__(self, timer: Timer, error: Exception) -> None:
        super().__init__(f"{timer} failed: {error!r}")
        self.timer = timer


@dataclass(slots=True)
class Applied(Generic[T_co]):
    """A command's reply and the events it caused."""

    reply: T_co
    events: list[Event] = field(default_factory=list)


class Exchange:
    def __init__(
        self,
        contracts: ContractRegistry | None = None,
        *,
        cancel_delay_ms: int = 0,
        strategy_limits: StrategyLimits | None = None,
        settlement_window_ms: int = 0,
    ) -> None:
        if not 0 <= settlement_window_ms <= funding_clock.MAX_SETTLEMENT_WINDOW_MS:
            raise ValueError("settlement_window_ms must be 0 to 600000")
        self.state = ExchangeState(
            contracts if contracts is not None else ContractRegistry.with_defaults(),
            cancel_delay_ms=cancel_delay_ms,
            strategy_limits=strategy_limits,
            settlement_window_ms=settlement_window_ms,
        )

    @property
    def contracts(self) -> ContractRegistry:
        return self.state.contracts

    # -- the engine's entry point ----------------------------------------------------------

    def execute(self, command: Command, now: Millis) -> Outcome:
        """Advance to `now`, then apply `command`; never raises an HtxError."""
        outcome = Outcome(events=self.advance(now).events)
        try:
            applied = self._dispatch(command, self.state.now)
        except HtxError as error:
            self.state.discard_events()
            # Kept as a value: without its traceback, which would tie it to this frame (and the
            # frame to the outcome holding it) in a cycle only the cyclic GC can free.
            outcome.error = error.with_traceback(None)
        else:
            outcome.reply = applied.reply
            outcome.events.extend(applied.events)
        return outcome

    def _dispatch(self, command: Command, now: Millis) -> Applied[Reply]:
        return self._apply(HANDLERS[type(command)], command, now)

    def advance(self, now: Millis) -> Applied[None]:
        """Let time pass to `now`: delayed cancels land, switches fire, premium samples and
        funding settlements run, in time order (domain/funding_clock.py)."""
        state = self.state
        if now < state.now:
            now = state.now  # time never runs backwards for the exchange
        if now < state.funding_due and not state.pending_cancels and not state.cancel_after_heap:
            state.now = now  # no timer can fall due: only the time moves (the common case)
            return Applied(None, [])
        if state.next_sample is None:
            funding_clock.start(state, now)
        while True:
            cancel_due = state.pending_cancels[0][0] if state.pending_cancels else NEVER
            trigger = next_trigger(state)
            switch_due = trigger[0] if trigger is not None else NEVER
            funding_due = state.funding_due
            if min(switch_due, cancel_due, funding_due) > now:
                break
            if trigger is not None and switch_due <= cancel_due and switch_due <= funding_due:
                due, uid = trigger
                try:
                    fire(state, uid, due)
                except Exception as error:
                    raise TimerFailedError(Timer("switch", uid, due), error) from error
            elif cancel_due <= funding_due:
                due, order_id = heapq.heappop(state.pending_cancels)
                try:
                    land_cancel(state, order_id, due)
                except Exception as error:
                    raise TimerFailedError(Timer("cancel", order_id, due), error) from error
            else:
                try:
                    funding_clock.run_next(state, min(now, min(switch_due, cancel_due) - 1))
                except Exception as error:
                    timer = Timer("funding", 0, Millis(funding_due))
                    raise TimerFailedError(timer, error) from error
        state.now = now
        return Applied(None, state.take_events())

    def drop_timer(self, timer: Timer) -> bool:
        """Take a timer out without running it (it raised when due); whether it was there.
        Only memory forgets it: a restart from storage arms it again."""
        state = self.state
        if timer.kind == "funding":
            return funding_clock.skip(state, timer.due)
        if timer.kind == "switch":
            if state.cancel_after.get(UID(timer.key)) != timer.due:
                return False
            del state.cancel_after[UID(timer.key)]  # its heap entry is skipped from now on
            return True
        entry = (timer.due, OrderId(timer.key))
        if entry not in state.pending_cancels:
            return False
        state.pending_cancels.remove(entry)
        heapq.heapify(state.pending_cancels)
        return True

    def next_due(self) -> Millis | None:
        """When advance() next has work: the earliest delayed cancel, switch trigger or funding
        timer."""
        due = next_due(self.state)
        funding = self.state.funding_due
        if funding >= NEVER:
            return due
        return Millis(funding) if due is None else Millis(min(due, funding))

    def _apply(
        self, action: Callable[[ExchangeState, C, Millis], T], cmd: C, now: Millis
    ) -> Applied[T]:
        state = self.state
        try:
            reply = action(state, cmd, now)
        except HtxError:
            state.discard_events()
            raise
        if state.traded:  # what the command's trades fire belongs to the command
            settle_strategies(state, now)
        return Applied(reply, state.take_events())

    # -- commands: the handlers of handlers.py, each typed with its reply -------------------

    def open_user(self, cmd: OpenUser, now: Millis) -> Applied[None]:
        return self._apply(open_user, cmd, now)

    def deposit(self, cmd: Deposit, now: Millis) -> Applied[None]:
        """Credit coin to an account: the sandbox's stand-in for a transfer in."""
        return self._apply(deposit, cmd, now)

    def place_order(self, cmd: PlaceOrder, now: Millis) -> Applied[OrderPlaced]:
        return self._apply(place_order, cmd, now)

    def lightning_close(self, cmd: LightningClose, now: Millis) -> Applied[OrderPlaced]:
        return self._apply(lightning_close, cmd, now)

    def place_batch(self, cmd: PlaceBatch, now: Millis) -> Applied[list[BatchItem]]:
        """swap_batchorder: each order stands or falls alone; indexes are 1-based."""
        return self._apply(place_batch, cmd, now)

    def cancel_orders(self, cmd: CancelOrders, now: Millis) -> Applied[CancelReply]:
        return self._apply(cancel_orders, cmd, now)

    def cancel_all(self, cmd: CancelAll, now: Millis) -> Applied[CancelReply]:
        return self._apply(cancel_all, cmd, now)

    def place_trigger_order(self, cmd: PlaceTriggerOrder, now: Millis) -> Applied[OrderPlaced]:
        return self._apply(place_trigger_order, cmd, now)

    def cancel_strategy_orders(
        self, cmd: CancelStrategyOrders, now: Millis
    ) -> Applied[CancelReply]:
        return self._apply(cancel_strategy_orders, cmd, now)

    def cancel_all_strategy(self, cmd: CancelAllStrategy, now: Millis) -> Applied[CancelReply]:
        return self._apply(cancel_all_strategy, cmd, now)

    def place_tpsl(self, cmd: PlaceTpsl, now: Millis) -> Applied[TpslPlaced]:
        """swap_tpsl_order: a TP and/or an SL on the position `cmd.direction` closes."""
        return self._apply(place_tpsl, cmd, now)

    def place_track_order(self, cmd: PlaceTrackOrder, now: Millis) -> Applied[OrderPlaced]:
        return self._apply(place_track_order, cmd, now)

    def switch_lever_rate(self, cmd: SwitchLeverRate, now: Millis) -> Applied[LeverRateReply]:
        return self._apply(switch_lever_rate, cmd, now)

    def cancel_after(self, cmd: CancelAfter, now: Millis) -> Applied[CancelAfterReply]:
        return self._apply(set_cancel_after, cmd, now)

    def list_contract(self, cmd: ListContract, now: Millis) -> Applied[None]:
        return self._apply(list_contract, cmd, now)

    def set_contract(self, cmd: SetContract, now: Millis) -> Applied[None]:
        return self._apply(set_contract, cmd, now)

    def start_funding_clock(self, now: Millis) -> bool:
        """Start the funding clock at `now` unless it runs; whether it started."""
        if self.state.next_sample is not None:
            return False
        funding_clock.start(self.state, now)
        return True

    def count_settlement_fills(self, trades: Iterable[Trade]) -> None:
        """Count stored fills (one side of each match) towards the next settlement price:
        after a restart, those of its window made before it."""
        state = self.state
        for trade in trades:
            if (
                trade.role is Role.TAKER
                and state.settlement_fills_from <= trade.created_at < (state.next_settlement or 0)
            ):
                state.settlement_fill(trade.contract_code, trade.volume, trade.value)

    # -- queries ---------------------------------------------------------------------------

    def order(self, order_id: OrderId) -> Order | None:
        return self.state.orders.get(order_id)

    def order_by_client_id(self, uid: UID, client_order_id: int) -> Order | None:
        return self.state.order_by_client_id(uid, client_order_id)

    def strategy_order(self, order_id: OrderId) -> StrategyOrder | None:
        """A strategy order held in memory: open, or recently finished."""
        return self.state.strategies.orders.get(order_id)

    def open_orders(self, uid: UID, contract_code: str | None = None) -> list[Order]:
        holdings = self.state.holdings_by_user.get(uid, {})
        codes = [contract_code.upper()] if contract_code else sorted(holdings)
        return [
            order
            for code in codes
            if code in holdings
            for order in holdings[code].open_orders.values()
        ]

    def accounts(self, uid: UID) -> list[AccountFigures]:
        """Figures of each of the UID's margin accounts, one per coin of a listed contract."""
        symbols = sorted({contract.symbol for contract in self.state.contracts})
        return [self.account(uid, symbol) for symbol in symbols]

    def account(self, uid: UID, symbol: str) -> AccountFigures:
        existing = self.state.accounts.get((uid, symbol.upper()))
        return account_figures(self.state, existing or Account(uid, symbol.upper()))

    def positions(self, uid: UID, contract_code: str | None = None) -> list[PositionFigures]:
        """Open positions (volume > 0), long before short, contracts in code order."""
        holdings = self.state.holdings_by_user.get(uid, {})
        out = []
        for code in sorted(holdings):
            if contract_code and code != contract_code.upper():
                continue
            holding = holdings[code]
            for position in (holding.long, holding.short):
                if position.volume and holding.lever_rate is not None:
                    out.append(position_figures(self.state, position, holding.lever_rate))
        return out

    def depth(self, contract_code: str, levels: int = 150) -> tuple[
        list[tuple[Decimal, int]], list[tuple[Decimal, int]]
    ]:
        """(bids, asks) as (price, volume), best first."""
        contract = self.state.contracts.get(contract_code)
        book = self.state.book(contract)
        return (
            [(contract.price(t), v) for t, v in book.bids.depth(levels)],
            [(contract.price(t), v) for t, v in book.asks.depth(levels)],
        )
