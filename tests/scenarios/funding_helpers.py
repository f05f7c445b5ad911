"""An exchange driven through `Exchange.execute`, so that time passes as on the engine and the
funding clock's timers run (premium samples each minute, settlements at 00:00/08:00/16:00 UTC).

Usage::

    m = FundingMarket()                          # ALICE, BOB, CAROL with 10 BTC each, 01:00 UTC
    m.index("60000")                             # the index price of BTC-USD
    m.trade(buyer=ALICE, seller=BOB, volume=10, price="60120")   # both open; book left empty
    m.tick(at=m.settlement(1))                   # time passes to the next settlement
    [s] = m.settlements                          # what FundingSettled carried
    s.users, s.contracts

With an empty book the premium index is (last price - index) / index, so a trade at a price
above the index makes longs pay, below it shorts (domain/funding.py).
"""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import (
    Command,
    Deposit,
    OpenUser,
    Outcome,
    PlaceOrder,
    SetIndexPrices,
    Tick,
)
from htx_sandbox.domain.contracts import ContractRegistry
from htx_sandbox.domain.events import Event, FundingSettled
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.settlement_records import Settlement, UserSettlement
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType

from .helpers import ALICE, BOB, BTC, CAROL, D, PriceLike

HOUR = 3_600_000
PERIOD = 8 * HOUR
S0 = Millis(1_764_028_800_000)
"""2025-11-25 00:00 UTC: a settlement instant."""


WIDE_BAND = Decimal("0.5")


class FundingMarket:
    def __init__(
        self,
        users: tuple[UID, ...] = (ALICE, BOB, CAROL),
        *,
        funds: dict[str, PriceLike] | None = None,
        contracts: ContractRegistry | None = None,
        start: int = S0 + HOUR,
        settlement_window_ms: int = 0,
    ) -> None:
        self.exchange = Exchange(contracts, settlement_window_ms=settlement_window_ms)
        # Funding scenarios trade far from the index on purpose (a premium of up to 10 %):
        # a band wider than that keeps the price band (test_price_band.py) out of their way.
        for contract in self.exchange.contracts:
            contract.price_limit_rate = WIDE_BAND
        self.now = Millis(start)
        self.events: list[Event] = []
        symbols = {c.symbol for c in self.exchange.contracts}
        for uid in users:
            self.run(OpenUser(uid))
            for symbol, amount in (funds or {"BTC": 10, "ETH": 100}).items():
                if symbol in symbols:
                    self.run(Deposit(uid, symbol, D(amount)))

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.exchange.state

    def settlement(self, n: int = 1) -> Millis:
        """The n-th settlement instant after the start (S0 + n periods)."""
        return Millis(S0 + n * PERIOD)

    def run(self, command: Command, at: int | None = None) -> Outcome:
        if at is not None:
            assert at >= self.now, "time runs forward"
            self.now = Millis(at)
        outcome = self.exchange.execute(command, self.now)
        self.events.extend(outcome.events)
        return outcome

    def ok(self, command: Command, at: int | None = None) -> Outcome:
        outcome = self.run(command, at)
        assert outcome.error is None, outcome.error
        return outcome

    def tick(self, at: int) -> Outcome:
        return self.ok(Tick(), at)

    def index(self, price: PriceLike, code: str = BTC, at: int | None = None) -> None:
        self.ok(SetIndexPrices({code: D(price)}), at)

    def order(
        self,
        uid: UID,
        direction: Direction,
        volume: int,
        price: PriceLike,
        *,
        offset: Offset = Offset.OPEN,
        code: str = BTC,
        lever: int = 10,
        at: int | None = None,
    ) -> Outcome:
        return self.ok(
            PlaceOrder(
                uid, code, direction, offset, volume, lever, OrderPriceType.LIMIT, D(price)
            ),
            at,
        )

    def trade(
        self,
        buyer: UID,
        seller: UID,
        volume: int,
        price: PriceLike,
        *,
        buyer_offset: Offset = Offset.OPEN,
        seller_offset: Offset = Offset.OPEN,
        code: str = BTC,
        lever: int = 10,
        at: int | None = None,
    ) -> None:
        """The seller rests, the buyer takes it all: the book is as empty as before."""
        self.order(seller, Direction.SELL, volume, price, offset=seller_offset, code=code,
                   lever=lever, at=at)  # fmt: skip
        self.order(buyer, Direction.BUY, volume, price, offset=buyer_offset, code=code,
                   lever=lever)  # fmt: skip

    @property
    def settlements(self) -> list[Settlement]:
        return [e.settlement for e in self.events if isinstance(e, FundingSettled)]

    def user(self, uid: UID, n: int = -1, code: str = BTC) -> UserSettlement:
        """The UID's record in the n-th settlement seen (the last by default)."""
        [found] = [u for u in self.settlements[n].users if u.uid == uid and u.contract_code == code]
        return found

    def balance(self, uid: UID, symbol: str = "BTC") -> Decimal:
        return self.state.accounts[(uid, symbol)].margin_static
