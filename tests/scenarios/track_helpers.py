"""Builders for the trailing-order scenarios: placing a trailing order and moving the price.

Usage::

    ex = make_exchange()
    order = track(ex, BUY, active="59000", callback="0.01")   # Alice's, waiting (is_active 0)
    trade_at(ex, "59000")                    # one trade there: activates it
    sweep_up(ex, "58500", "59200")           # one command trading 58500, then 59200

Trades are between Bob (maker) and Carol (taker), who both open positions; Alice is the one
who places trailing orders. Each sweep is ONE command, so its trades are seen as one range.
"""

from __future__ import annotations

from typing import Any

import pytest

from htx_sandbox.domain.commands import PlaceOrder, PlaceTrackOrder
from htx_sandbox.domain.errors import HtxError
from htx_sandbox.domain.events import StrategyOrderChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyPriceType
from htx_sandbox.domain.types import UID, Direction, Offset, OrderId, OrderPriceType

from .helpers import ALICE, BOB, BTC, BUY, CAROL, LEVER, NOW, OPEN, SELL, D, PriceLike, snapshot

FORMULA = StrategyPriceType.FORMULA_PRICE


def track_cmd(
    direction: Direction = BUY,
    *,
    active: PriceLike = "59000",
    callback: PriceLike = "0.01",
    volume: int = 1,
    offset: Offset = OPEN,
    kind: StrategyPriceType = FORMULA,
    lever: int | None = LEVER,
    uid: UID = ALICE,
    code: str = BTC,
) -> PlaceTrackOrder:
    return PlaceTrackOrder(
        uid, code, direction, offset, volume, D(callback), D(active), kind, lever
    )


def track(ex: Exchange, direction: Direction = BUY, **fields: Any) -> StrategyOrder:
    """Place a trailing order (it must be accepted) and return the exchange's live record."""
    placed = ex.place_track_order(track_cmd(direction, **fields), NOW).reply
    order = ex.strategy_order(placed.order_id)
    assert order is not None
    return order


def refused(ex: Exchange, cmd: PlaceTrackOrder) -> HtxError:
    """Place `cmd`, which must be refused without changing anything; return the error."""
    before = snapshot(ex), len(ex.state.strategies), dict(ex.state.strategies.by_owner)
    with pytest.raises(HtxError) as info:
        ex.place_track_order(cmd, NOW)
    after = snapshot(ex), len(ex.state.strategies), dict(ex.state.strategies.by_owner)
    assert after == before, "a refused trailing order changed the exchange"
    return info.value


def sweep_up(ex: Exchange, *prices: PriceLike) -> list[StrategyOrderChanged]:
    """Bob asks 1 at each price, then Carol buys them all in one order: trades in rising
    order, in one command. Returns the strategy order changes that command caused."""
    return _sweep(ex, BUY, prices)


def sweep_down(ex: Exchange, *prices: PriceLike) -> list[StrategyOrderChanged]:
    """Bob bids 1 at each price, then Carol sells into them all: trades in falling order."""
    return _sweep(ex, SELL, prices)


def trade_at(ex: Exchange, price: PriceLike) -> list[StrategyOrderChanged]:
    """One trade of 1 contract at `price`."""
    return _sweep(ex, BUY, (price,))


def _sweep(
    ex: Exchange, taker: Direction, prices: tuple[PriceLike, ...]
) -> list[StrategyOrderChanged]:
    maker = SELL if taker is BUY else BUY
    levels = [D(p) for p in prices]
    for level in levels:
        ask_or_bid = PlaceOrder(BOB, BTC, maker, OPEN, 1, LEVER, OrderPriceType.LIMIT, level)
        ex.place_order(ask_or_bid, NOW)
    limit = max(levels) if taker is BUY else min(levels)
    applied = ex.place_order(
        PlaceOrder(CAROL, BTC, taker, OPEN, len(levels), LEVER, OrderPriceType.LIMIT, limit), NOW
    )
    taken = ex.order(applied.reply.order_id)
    assert taken is not None and taken.trade_volume == len(levels), "the sweep must fill whole"
    return [event for event in applied.events if isinstance(event, StrategyOrderChanged)]


def child(ex: Exchange, order: StrategyOrder) -> Order:
    """The ordinary order a fired trailing order placed."""
    assert order.relation_order_id is not None, f"{order.order_id} has not placed an order"
    placed = ex.order(OrderId(order.relation_order_id))
    assert placed is not None
    return placed

