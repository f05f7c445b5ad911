"""Domain events: what a command changed, in the order it happened.

Events name what changed; the state they point to is the engine's. Storage persists the named
rows and pushes go out from them, so an event never has to copy a whole order or account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .orders import Trade
from .settlement_records import Settlement
from .types import EPOCH, UID, Millis, OrderId, OrderStatus


@dataclass(slots=True)
class OrderAccepted:
    order_id: OrderId


@dataclass(slots=True)
class OrderTraded:
    """One side of a match; maker and taker each get one."""

    trade: Trade


@dataclass(slots=True)
class OrderCancelling:
    """A cancel was accepted and lands after the exchange's cancel delay (status 11)."""

    order_id: OrderId


@dataclass(slots=True)
class OrderCancelled:
    order_id: OrderId
    status: OrderStatus
    """5 when partly filled, otherwise 7."""


@dataclass(slots=True)
class StrategyOrderChanged:
    """A strategy order was placed, fired, cancelled or expired, or a leg was activated."""

    order_id: OrderId


@dataclass(slots=True)
class AccountChanged:
    uid: UID
    symbol: str


@dataclass(slots=True)
class PositionChanged:
    uid: UID
    contract_code: str


@dataclass(slots=True)
class LeverRateSwitched:
    uid: UID
    contract_code: str
    lever_rate: int


@dataclass(slots=True)
class CancelAfterSet:
    """The dead man's switch was armed or refreshed (trigger_time set) or disarmed (None)."""

    uid: UID
    trigger_time: Millis | None


@dataclass(slots=True)
class CancelAfterFired:
    uid: UID
    trigger_time: Millis


@dataclass(slots=True)
class ContractChanged:
    """A contract was listed, or its status or reference price changed."""

    contract_code: str


@dataclass(slots=True)
class IndexPriceChanged:
    contract_code: str


@dataclass(slots=True)
class UserOpened:
    uid: UID


@dataclass(slots=True)
class Deposited:
    uid: UID
    symbol: str
    amount: Decimal
    at: Millis = EPOCH


@dataclass(slots=True)
class PremiumSampled:
    """The contract took a premium index sample (or a run of equal ones) at `at`."""

    contract_code: str
    at: Millis


@dataclass(slots=True)
class FundingSettled:
    """A funding settlement: every position paid or received funding and booked its unrealized
    profit; what it did is the settlement's records."""

    settlement: Settlement


@dataclass(slots=True)
class BalanceChanged:
    """A change of an account's balance that no trade, deposit or settlement record carries
    (for the financial records: e.g. a liquidation's or the insurance fund's transfers), with
    HTX's financial record type."""

    uid: UID
    symbol: str
    contract_code: str
    type: int
    amount: Decimal
    at: Millis


Event = (
    OrderAccepted
    | OrderTraded
    | OrderCancelling
    | OrderCancelled
    | StrategyOrderChanged
    | AccountChanged
    | PositionChanged
    | LeverRateSwitched
    | CancelAfterSet
    | CancelAfterFired
    | UserOpened
    | Deposited
    | ContractChanged
    | IndexPriceChanged
    | PremiumSampled
    | FundingSettled
    | BalanceChanged
)
