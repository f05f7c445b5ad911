"""Take-profit / stop-loss legs: what a TP or SL request becomes, and the checks it passes.

A leg is a closing strategy order of kind tpsl, without a lever rate (it closes at the
holding's). Its direction is the closing one (sell closes a long, buy a short) and its
trigger type follows from it, as in HTX's examples: a sell TP fires at or above its price (ge)
and a sell SL at or below (le); a buy TP is le and a buy SL ge. A TP and an SL asked for
together get consecutive ids, TP first, and name each other in relation_tpsl_order_id.

Used by swap_tpsl_order (legs on a position, checked against the latest price) and by
swap_order's tp_*/sl_* fields (legs attached to an opening order, checked against its price).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from .commands import TpslLeg
from .contracts import Contract
from .errors import ERROR_MESSAGES, ErrorCode, HtxError
from .state import ExchangeState
from .strategy_checks import limit_order_price, require_price_type, require_room
from .strategy_orders import (
    TRIGGER_PRICE_TYPES,
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from .types import CLOSE, SELL, UID, Direction, Millis, OrderId

TP, SL = TpslOrderType.TP, TpslOrderType.SL


class Reference(Enum):
    """What a leg's trigger price must lie beyond, named in 1405/1407."""

    LATEST_PRICE = ("the latest price ", "最新价")
    """swap_tpsl_order: the position's contract's last trade price."""
    ORDER_PRICE = ("the order price ", "委托价")
    """An attached leg: the price of the opening order it is attached to."""


# The side of the reference a trigger type may not be on: (English, Chinese).
_FORBIDDEN = {
    TriggerType.GE: ("lower than or equal to ", "低于或等于"),
    TriggerType.LE: ("higher than or equal to ", "高于或等于"),
}
_PRICE_CODES = {TP: ErrorCode.TAKE_PROFIT_PRICE, SL: ErrorCode.STOP_LOSS_PRICE}


class TpslPriceError(HtxError):
    """1405 / 1407 with HTX's {0}{1}{2} filled in the request's language: the forbidden side,
    what the price was compared with, and that price ("The take-profit price shall not be
    lower than or equal to the latest price 60000", "止盈价不得低于或等于最新价60000")."""

    def __init__(
        self, kind: TpslOrderType, trigger_type: TriggerType, reference: Reference, price: Decimal
    ) -> None:
        (side_en, side_zh), (ref_en, ref_zh) = _FORBIDDEN[trigger_type], reference.value
        shown = format(price, "f")
        super().__init__(_PRICE_CODES[kind], side_en, ref_en, shown)
        self.chinese = (side_zh, ref_zh, shown)

    def message(self, lang: str = "en") -> str:
        if lang != "zh":
            return super().message(lang)
        return ERROR_MESSAGES[self.code][1].format(*self.chinese)


@dataclass(frozen=True, slots=True)
class CheckedLeg:
    """A leg that passed every check, ready to become a StrategyOrder."""

    tpsl_order_type: TpslOrderType
    trigger_type: TriggerType
    trigger_ticks: int
    order_price_type: StrategyPriceType
    order_price: Decimal | None
    """None for optimal_N (HTX prints 0)."""


def trigger_type(kind: TpslOrderType, closing: Direction) -> TriggerType:
    """A TP waits for the price to move in the position's favour, an SL against it."""
    rises = (kind is TP) is (closing is SELL)  # a long (closed by a sell) profits upwards
    return TriggerType.GE if rises else TriggerType.LE


def check_legs(
    state: ExchangeState,
    uid: UID,
    contract: Contract,
    closing: Direction,
    tp: TpslLeg | None,
    sl: TpslLeg | None,
    reference: Reference,
    reference_price: Decimal,
) -> list[CheckedLeg]:
    """The legs asked for (TP first), each checked, and room for them under the UID's TP/SL
    limits (1403, 1454); raises without changing anything."""
    checked = [
        _check(contract, closing, kind, leg, reference, reference_price)
        for kind, leg in ((TP, tp), (SL, sl))
        if leg is not None
    ]
    if checked:
        require_room(state, uid, contract, StrategyKind.TPSL, adding=len(checked))
    return checked


def _check(
    contract: Contract,
    closing: Direction,
    kind: TpslOrderType,
    leg: TpslLeg,
    reference: Reference,
    reference_price: Decimal,
) -> CheckedLeg:
    require_price_type(leg.order_price_type, TRIGGER_PRICE_TYPES)
    ticks = contract.ticks(leg.trigger_price)
    fires = trigger_type(kind, closing)
    price = contract.price(ticks)
    wrong_side = price <= reference_price if fires is TriggerType.GE else price >= reference_price
    if wrong_side:
        raise TpslPriceError(kind, fires, reference, reference_price)
    order_price = limit_order_price(contract, leg.order_price_type, leg.order_price)
    return CheckedLeg(kind, fires, ticks, leg.order_price_type, order_price)


def add_legs(
    state: ExchangeState,
    checked: list[CheckedLeg],
    *,
    uid: UID,
    contract: Contract,
    closing: Direction,
    volume: int,
    now: Millis,
    source_order_id: OrderId | None = None,
) -> list[StrategyOrder]:
    """The checked legs as open strategy orders: waiting (2) on a position, not activated (1)
    when attached to an opening order, which activates them by filling."""
    status = StrategyStatus.WAITING if source_order_id is None else StrategyStatus.NOT_ACTIVATED
    legs = [
        StrategyOrder(
            state.order_ids.next(now),
            StrategyKind.TPSL,
            uid,
            contract.contract_code,
            contract.symbol,
            closing,
            CLOSE,
            volume,
            None,
            leg.order_price_type,
            leg.trigger_type,
            contract.price(leg.trigger_ticks),
            leg.trigger_ticks,
            leg.order_price,
            now,
            status=status,
            tpsl_order_type=leg.tpsl_order_type,
            source_order_id=source_order_id,
        )
        for leg in checked
    ]
    if len(legs) == 2:
        take_profit, stop_loss = legs
        take_profit.relation_tpsl_order_id = stop_loss.order_id
        stop_loss.relation_tpsl_order_id = take_profit.order_id
    state.events.extend(map(state.strategies.accept, legs))
    return legs
