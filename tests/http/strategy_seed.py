"""TP/SL legs and trailing orders for the HTTP tests of the kind-generic strategy endpoints.

swap_tpsl_order and swap_track_order are built on other branches; until they land, these put
an order straight into the exchange's strategy book on the engine thread, as a restore from
storage does (StrategyBook.add), with the fields those commands give it. The store first sees
the order when a command changes it (a cancel, a firing), which is all the history tests need.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

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
from htx_sandbox.service.engine import Engine


def _put(engine: Engine, build: Callable[[Exchange], list[StrategyOrder]]) -> list[OrderId]:
    def put(exchange: Exchange) -> list[OrderId]:
        orders = build(exchange)
        for order in orders:
            exchange.state.strategies.add(order)
        return [order.order_id for order in orders]

    return engine.query(put).result()


def tpsl_pair(
    engine: Engine,
    uid: UID,
    direction: Direction = Direction.SELL,
    tp: str = "62000",
    sl: str = "58000",
    volume: int = 1,
    status: StrategyStatus = StrategyStatus.WAITING,
    source_order_id: OrderId | None = None,
) -> tuple[OrderId, OrderId]:
    """A TP and an SL set together on BTC-USD, closing with `direction` (sell closes a long),
    the TP a limit at its trigger price, the SL optimal_5; trigger types as HTX derives them."""

    def build(exchange: Exchange) -> list[StrategyOrder]:
        state = exchange.state
        contract = state.contracts.get("BTC-USD")
        now = Millis(state.now)
        long = direction is Direction.SELL
        legs = []
        for kind, price, trigger_type, price_type in (
            (TpslOrderType.TP, tp, TriggerType.GE if long else TriggerType.LE,
             StrategyPriceType.LIMIT),
            (TpslOrderType.SL, sl, TriggerType.LE if long else TriggerType.GE,
             StrategyPriceType.OPTIMAL_5),
        ):  # fmt: skip
            ticks = contract.ticks(Decimal(price))
            limit = price_type is StrategyPriceType.LIMIT
            leg = StrategyOrder(
                order_id=state.order_ids.next(now),
                kind=StrategyKind.TPSL,
                uid=uid,
                contract_code=contract.contract_code,
                symbol=contract.symbol,
                direction=direction,
                offset=Offset.CLOSE,
                volume=volume,
                lever_rate=None,
                order_price_type=price_type,
                trigger_type=trigger_type,
                trigger_price=contract.price(ticks),
                trigger_ticks=ticks,
                order_price=contract.price(ticks) if limit else None,
                created_at=now,
                status=status,
                tpsl_order_type=kind,
                source_order_id=source_order_id,
            )
            legs.append(leg)
        legs[0].relation_tpsl_order_id = legs[1].order_id
        legs[1].relation_tpsl_order_id = legs[0].order_id
        return legs

    tp_id, sl_id = _put(engine, build)
    return tp_id, sl_id


def track_order(
    engine: Engine,
    uid: UID,
    direction: Direction = Direction.BUY,
    offset: Offset = Offset.OPEN,
    active_price: str = "59000",
    callback_rate: str = "0.003",
    lever_rate: int | None = 5,
    volume: int = 1,
    price_type: StrategyPriceType = StrategyPriceType.FORMULA_PRICE,
) -> OrderId:
    """A trailing order on BTC-USD: a buy activates when the price falls to active_price (le),
    a sell when it rises to it (ge)."""

    def build(exchange: Exchange) -> list[StrategyOrder]:
        state = exchange.state
        contract = state.contracts.get("BTC-USD")
        now = Millis(state.now)
        ticks = contract.ticks(Decimal(active_price))
        trigger_type = TriggerType.LE if direction is Direction.BUY else TriggerType.GE
        order = StrategyOrder(
            order_id=state.order_ids.next(now),
            kind=StrategyKind.TRACK,
            uid=uid,
            contract_code=contract.contract_code,
            symbol=contract.symbol,
            direction=direction,
            offset=offset,
            volume=volume,
            lever_rate=lever_rate,
            order_price_type=price_type,
            trigger_type=trigger_type,
            trigger_price=contract.price(ticks),
            trigger_ticks=ticks,
            order_price=None,
            created_at=now,
            callback_rate=Decimal(callback_rate),
        )
        return [order]

    (order_id,) = _put(engine, build)
    return order_id
