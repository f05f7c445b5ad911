"""Commands the exchange applies, and their replies.

Commands carry already-typed values; decoding HTX's wire forms (numeric strings, case, nulls) is
the HTTP layer's job. Identifier lists in cancels stay strings because HTX answers an unparsable
id with a per-order error, which only the domain can place in the reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .contracts import Contract
from .errors import HtxError
from .events import Event
from .strategy_orders import StrategyKind, StrategyPriceType, TriggerType
from .types import (
    UID,
    ClientOrderId,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    SelfMatchPrevent,
)


@dataclass(frozen=True, slots=True)
class OpenUser:
    uid: UID


@dataclass(frozen=True, slots=True)
class Deposit:
    uid: UID
    symbol: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TpslLeg:
    """One leg of a take-profit / stop-loss request: once the last trade price reaches
    `trigger_price`, close with `order_price_type` (at `order_price` for a limit)."""

    trigger_price: Decimal
    order_price: Decimal | None = None
    order_price_type: StrategyPriceType = StrategyPriceType.LIMIT


@dataclass(frozen=True, slots=True)
class Tpsl:
    """The TP and/or SL attached to an opening order (swap_order's tp_* and sl_* fields)."""

    tp: TpslLeg | None = None
    sl: TpslLeg | None = None


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    uid: UID
    contract_code: str
    direction: Direction
    offset: Offset
    volume: int
    lever_rate: int
    order_price_type: OrderPriceType
    price: Decimal | None = None
    client_order_id: ClientOrderId | None = None
    self_match_prevent: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER
    order_source: str = "api"
    tpsl: Tpsl | None = None
    """Legs to attach (opening orders only): they wait, not activated, until the order fills."""


@dataclass(frozen=True, slots=True)
class LightningClose:
    """swap_lightning_close_position: close `volume` of the position `direction` closes (sell
    closes a long, buy a short) at the counterparty's best prices; no price, offset or lever."""

    uid: UID
    contract_code: str
    direction: Direction
    volume: int
    order_price_type: OrderPriceType = OrderPriceType.LIGHTNING
    client_order_id: ClientOrderId | None = None


@dataclass(frozen=True, slots=True)
class PlaceBatch:
    uid: UID
    orders: Sequence[PlaceOrder]


@dataclass(frozen=True, slots=True)
class CancelOrders:
    """swap_cancel: by order ids, or by client order ids when no order id is given."""

    uid: UID
    contract_code: str
    order_ids: Sequence[str] = ()
    client_order_ids: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class CancelAll:
    """swap_cancelall: the UID's open orders on one contract, filtered by direction and offset."""

    uid: UID
    contract_code: str
    direction: Direction | None = None
    offset: Offset | None = None


@dataclass(frozen=True, slots=True)
class PlaceTriggerOrder:
    """swap_trigger_order: place `order_price_type` at `order_price` once the last trade price
    is at or above (ge) or at or below (le) `trigger_price`."""

    uid: UID
    contract_code: str
    trigger_type: TriggerType
    trigger_price: Decimal
    direction: Direction
    offset: Offset
    volume: int
    order_price_type: StrategyPriceType = StrategyPriceType.LIMIT
    order_price: Decimal | None = None
    lever_rate: int | None = None
    """None: the holding's lever rate (required when opening without one)."""


@dataclass(frozen=True, slots=True)
class CancelStrategyOrders:
    """swap_trigger_cancel, swap_tpsl_cancel, swap_track_cancel: by order ids (at most 10)."""

    kind: StrategyKind
    uid: UID
    contract_code: str
    order_ids: Sequence[str]


@dataclass(frozen=True, slots=True)
class CancelAllStrategy:
    """swap_trigger_cancelall and its twins: the UID's open orders of one kind on one contract,
    filtered by direction and offset (TP/SL orders are all closing: no offset filter)."""

    kind: StrategyKind
    uid: UID
    contract_code: str
    direction: Direction | None = None
    offset: Offset | None = None


@dataclass(frozen=True, slots=True)
class PlaceTpsl:
    """swap_tpsl_order: a take-profit and/or a stop-loss on the position that `direction`
    closes (sell closes a long, buy a short), each closing up to `volume` contracts."""

    uid: UID
    contract_code: str
    direction: Direction
    volume: int
    tp: TpslLeg | None = None
    sl: TpslLeg | None = None


@dataclass(frozen=True, slots=True)
class PlaceTrackOrder:
    """swap_track_order: a trailing order. It activates once the last trade price reaches
    `active_price` (a buy on a fall to it, a sell on a rise), then follows the lowest (buy) or
    highest (sell) price and places `order_price_type` when the price turns back by
    `callback_rate` (0.01 = 1 %) from there."""

    uid: UID
    contract_code: str
    direction: Direction
    offset: Offset
    volume: int
    callback_rate: Decimal
    active_price: Decimal
    order_price_type: StrategyPriceType
    lever_rate: int | None = None
    """None: the holding's lever rate (required when opening without one)."""


@dataclass(frozen=True, slots=True)
class SwitchLeverRate:
    uid: UID
    contract_code: str
    lever_rate: int


@dataclass(frozen=True, slots=True)
class CancelAfter:
    """swap-cancel-after: arm or refresh (on) or disarm (off) the UID's dead man's switch."""

    uid: UID
    on: bool
    time_out: int = 5000


@dataclass(frozen=True, slots=True)
class ListContract:
    """List a new contract (a sandbox operation)."""

    contract: Contract


@dataclass(frozen=True, slots=True)
class SetContract:
    """Change a contract's status, reference price or price limit rate (a sandbox operation)."""

    contract_code: str
    contract_status: ContractStatus | None = None
    reference_price: Decimal | None = None
    price_limit_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SetIndexPrices:
    """New index prices from the price source (or the admin API), per contract code."""

    prices: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class SetPositionLimits:
    """A contract's per-UID position limits (a sandbox operation): the most contracts one UID
    may hold long (`buy_limit`) and short (`sell_limit`); NO_POSITION_LIMIT (0) lifts a limit,
    None leaves it as it is (as SetContract's fields)."""

    contract_code: str
    buy_limit: int | None = None
    sell_limit: int | None = None


NO_POSITION_LIMIT = 0


@dataclass(frozen=True, slots=True)
class SeedPosition:
    """Sandbox only (fixtures): a position opened at `price` without an order (seeding.py)."""

    uid: UID
    contract_code: str
    direction: Direction
    """buy: a long position, sell: a short one."""
    volume: int
    price: Decimal
    lever_rate: int


@dataclass(frozen=True, slots=True)
class Tick:
    """No change of its own: lets time-driven work (the switch, delayed cancels) run."""


Command = (
    OpenUser
    | Deposit
    | PlaceOrder
    | LightningClose
    | PlaceBatch
    | CancelOrders
    | CancelAll
    | PlaceTriggerOrder
    | CancelStrategyOrders
    | CancelAllStrategy
    | PlaceTpsl
    | PlaceTrackOrder
    | SwitchLeverRate
    | CancelAfter
    | ListContract
    | SetContract
    | SetIndexPrices
    | Tick
    | SetPositionLimits
    | SeedPosition
)


@dataclass(slots=True)
class OrderPlaced:
    order_id: OrderId
    client_order_id: ClientOrderId | None


@dataclass(frozen=True, slots=True)
class TpslPlaced:
    """swap_tpsl_order's answer: the id of each leg placed, None for a leg not asked for."""

    tp_order: OrderId | None
    sl_order: OrderId | None


@dataclass(slots=True)
class BatchItem:
    """One order of a batch: placed, or rejected with an error; index is 1-based as HTX's."""

    index: int
    placed: OrderPlaced | None
    error: HtxError | None


@dataclass(slots=True)
class CancelError:
    order_id: str
    error: HtxError


@dataclass(slots=True)
class CancelReply:
    """successes and errors as cancel and cancel-all answer them."""

    successes: list[str] = field(default_factory=list)
    errors: list[CancelError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LeverRateReply:
    contract_code: str
    lever_rate: int


@dataclass(frozen=True, slots=True)
class CancelAfterReply:
    current_time: Millis
    trigger_time: Millis | None


Reply = (
    OrderPlaced
    | list[BatchItem]
    | CancelReply
    | LeverRateReply
    | CancelAfterReply
    | TpslPlaced
    | None
)


@dataclass(slots=True)
class Outcome:
    """What one command did: its reply or its error, and every event it caused (including those of
    timers that fell due before it)."""

    reply: Reply = None
    error: HtxError | None = None
    events: list[Event] = field(default_factory=list)
