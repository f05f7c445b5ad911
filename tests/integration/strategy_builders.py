"""Strategy orders for the storage tests, built the way their placement builds them.

Trigger orders have their command (PlaceTriggerOrder). TP/SL legs and trailing orders are built
here as records, with the fields their placement sets, and handed to the exchange's strategy
book, which indexes them exactly as it indexes a placed or a restored one; from then on the
domain arms, moves, fires and expires them as it would any other.
"""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.commands import PlaceTriggerOrder
from htx_sandbox.domain.events import StrategyOrderChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId

BUY, SELL = Direction.BUY, Direction.SELL
OPEN, CLOSE = Offset.OPEN, Offset.CLOSE
GE, LE = TriggerType.GE, TriggerType.LE
LIMIT = StrategyPriceType.LIMIT


def trigger(
    uid: UID,
    code: str,
    trigger_type: TriggerType,
    trigger_price: str,
    direction: Direction,
    volume: int,
    *,
    offset: Offset = OPEN,
    price: str | None = None,
    kind: StrategyPriceType = LIMIT,
    lever: int | None = 10,
) -> PlaceTriggerOrder:
    """A trigger order; a limit one at `price` (the trigger price when not given)."""
    if kind is LIMIT and price is None:
        price = trigger_price
    return PlaceTriggerOrder(
        uid, code, trigger_type, Decimal(trigger_price), direction, offset, volume,
        kind, Decimal(price) if price is not None else None, lever,
    )  # fmt: skip


def tpsl_pair(
    exchange: Exchange,
    uid: UID,
    code: str,
    direction: Direction,
    volume: int,
    now: int,
    *,
    tp: str,
    sl: str,
    source: OrderId | None = None,
    sl_kind: StrategyPriceType = StrategyPriceType.OPTIMAL_5,
) -> tuple[StrategyOrder, StrategyOrder]:
    """A take-profit and a stop-loss that close with `direction`, set together (each names the
    other); attached to the opening order `source` (not activated until it fills) or set on
    the position. The TP is a limit at its trigger price, the SL `sl_kind`."""
    contract = exchange.contracts.get(code)
    ids = exchange.state.order_ids
    tp_id, sl_id = ids.next(Millis(now)), ids.next(Millis(now))
    status = StrategyStatus.NOT_ACTIVATED if source is not None else StrategyStatus.WAITING
    # Closing with a sell guards a long: its TP is above the price (ge), its SL below (le).
    tp_type, sl_type = (GE, LE) if direction is SELL else (LE, GE)
    legs = []
    for order_id, kind, trigger_type, price, other, leg in (
        (tp_id, LIMIT, tp_type, tp, sl_id, TpslOrderType.TP),
        (sl_id, sl_kind, sl_type, sl, tp_id, TpslOrderType.SL),
    ):
        ticks = contract.ticks(Decimal(price))
        legs.append(
            StrategyOrder(
                order_id=order_id,
                kind=StrategyKind.TPSL,
                uid=uid,
                contract_code=contract.contract_code,
                symbol=contract.symbol,
                direction=direction,
                offset=CLOSE,  # every TP/SL closes, without a lever rate of its own
                volume=volume,
                lever_rate=None,
                order_price_type=kind,
                trigger_type=trigger_type,
                trigger_price=contract.price(ticks),
                trigger_ticks=ticks,
                order_price=contract.price(ticks) if kind is LIMIT else None,
                created_at=Millis(now),
                status=status,
                tpsl_order_type=leg,
                source_order_id=source,
                relation_tpsl_order_id=other,
            )
        )
    return legs[0], legs[1]


def track(
    exchange: Exchange,
    uid: UID,
    code: str,
    direction: Direction,
    volume: int,
    now: int,
    *,
    active_price: str,
    callback_rate: str,
    offset: Offset = OPEN,
    lever: int | None = 10,
    kind: StrategyPriceType = StrategyPriceType.FORMULA_PRICE,
) -> StrategyOrder:
    """A trailing order, inactive until the price reaches `active_price` (a buy waits for the
    price to fall to it, a sell for it to rise)."""
    contract = exchange.contracts.get(code)
    ticks = contract.ticks(Decimal(active_price))
    return StrategyOrder(
        order_id=exchange.state.order_ids.next(Millis(now)),
        kind=StrategyKind.TRACK,
        uid=uid,
        contract_code=contract.contract_code,
        symbol=contract.symbol,
        direction=direction,
        offset=offset,
        volume=volume,
        lever_rate=lever,
        order_price_type=kind,
        trigger_type=LE if direction is BUY else GE,
        trigger_price=contract.price(ticks),
        trigger_ticks=ticks,
        order_price=None,
        created_at=Millis(now),
        callback_rate=Decimal(callback_rate),
    )


def hand_over(exchange: Exchange, *orders: StrategyOrder) -> list[StrategyOrderChanged]:
    """Give new orders to the exchange's strategy book, as their placement does; the events
    to record for the commit."""
    state = exchange.state
    events = []
    for order in orders:
        source = order.source_order_id
        opening = state.orders.get(source) if source is not None else None
        state.strategies.add(order, opening_open=opening is not None and opening.is_open)
        events.append(StrategyOrderChanged(order.order_id))
    return events
