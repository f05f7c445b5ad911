"""Builders shared by the take-profit / stop-loss scenarios (test_tpsl_*.py).

    ex = make_exchange()
    long_position(ex, 3)                       # Alice long 3 at 60000 (sold by Carol)
    tp, sl = place_tpsl(ex, SELL, 3, tp=leg(61000), sl=leg(59000, kind=OPTIMAL_5))
    opening = attach(ex, order_cmd(ALICE, BUY, 2, 60000), tp=leg(62000), sl=leg(59000))
    trade_at(ex, 61000)                        # Bob sells 1 to Carol at 61000
"""

from __future__ import annotations

import dataclasses

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder, PlaceTpsl, Tpsl, TpslLeg
from htx_sandbox.domain.errors import HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
)
from htx_sandbox.domain.types import UID, Direction, Millis, OrderId

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BTC_FUNDS,
    CAROL,
    ETH_FUNDS,
    NOW,
    USERS,
    D,
    PriceLike,
    buy,
    sell,
    snapshot,
    submit,
)

LIMIT = StrategyPriceType.LIMIT
OPTIMAL_5 = StrategyPriceType.OPTIMAL_5
S = StrategyStatus


def limited_exchange(limits: StrategyLimits) -> Exchange:
    """make_exchange()'s users and funds on an exchange with these strategy-order limits."""
    ex = Exchange(strategy_limits=limits)
    for uid in USERS:
        ex.open_user(OpenUser(uid), NOW)
        ex.deposit(Deposit(uid, "BTC", BTC_FUNDS), NOW)
        ex.deposit(Deposit(uid, "ETH", ETH_FUNDS), NOW)
    return ex


def leg(
    trigger: PriceLike, price: PriceLike | None = "same", *, kind: StrategyPriceType = LIMIT
) -> TpslLeg:
    """A TP or SL leg; a limit leg's order price defaults to its trigger price."""
    if kind is not LIMIT and price == "same":
        price = None
    order_price = D(trigger) if price == "same" else None if price is None else D(price)
    return TpslLeg(D(trigger), order_price, kind)


def long_position(ex: Exchange, volume: int, price: PriceLike = 60000, uid: UID = ALICE) -> None:
    """`uid` buys `volume` from Carol at `price`."""
    sell(ex, CAROL, volume, price)
    buy(ex, uid, volume, price)


def short_position(ex: Exchange, volume: int, price: PriceLike = 60000, uid: UID = ALICE) -> None:
    """`uid` sells `volume` to Carol at `price`."""
    buy(ex, CAROL, volume, price)
    sell(ex, uid, volume, price)


def tpsl_cmd(
    direction: Direction,
    volume: int,
    *,
    tp: TpslLeg | None = None,
    sl: TpslLeg | None = None,
    uid: UID = ALICE,
    code: str = BTC,
) -> PlaceTpsl:
    return PlaceTpsl(uid, code, direction, volume, tp, sl)


def place_tpsl(
    ex: Exchange,
    direction: Direction,
    volume: int,
    *,
    tp: TpslLeg | None = None,
    sl: TpslLeg | None = None,
    uid: UID = ALICE,
    now: Millis = NOW,
) -> tuple[StrategyOrder | None, StrategyOrder | None]:
    """swap_tpsl_order (must be accepted): the TP and SL legs made, None for one not asked."""
    placed = ex.place_tpsl(tpsl_cmd(direction, volume, tp=tp, sl=sl, uid=uid), now).reply
    return (
        None if placed.tp_order is None else ex.strategy_order(placed.tp_order),
        None if placed.sl_order is None else ex.strategy_order(placed.sl_order),
    )


def refused_tpsl(ex: Exchange, cmd: PlaceTpsl) -> HtxError:
    """Place `cmd`, assert it raises and changes nothing (strategy orders included)."""
    before = snapshot(ex), len(ex.state.strategies), ex.state.order_ids.last
    with pytest.raises(HtxError) as info:
        ex.place_tpsl(cmd, NOW)
    after = snapshot(ex), len(ex.state.strategies), ex.state.order_ids.last
    assert after == before, "a refused swap_tpsl_order changed the exchange"
    return info.value


def with_tpsl(cmd: PlaceOrder, tp: TpslLeg | None = None, sl: TpslLeg | None = None) -> PlaceOrder:
    return dataclasses.replace(cmd, tpsl=Tpsl(tp, sl))


def attach(
    ex: Exchange,
    cmd: PlaceOrder,
    *,
    tp: TpslLeg | None = None,
    sl: TpslLeg | None = None,
    now: Millis = NOW,
) -> Order:
    """Place an opening order with TP/SL legs attached (must be accepted)."""
    return submit(ex, with_tpsl(cmd, tp, sl), now)


def legs_of(ex: Exchange, opening: Order) -> list[StrategyOrder]:
    """The legs attached to `opening`, TP first (their ids follow the order's)."""
    found = [ex.strategy_order(OrderId(opening.order_id + n)) for n in (1, 2)]
    return [o for o in found if o is not None and o.source_order_id == opening.order_id]


def trade_at(ex: Exchange, price: PriceLike, volume: int = 1) -> None:
    """Bob and Carol trade `volume` at `price` (Bob rests a sell, Carol takes it)."""
    sell(ex, BOB, volume, price)
    buy(ex, CAROL, volume, price)


def trade_down_at(ex: Exchange, price: PriceLike, volume: int = 1) -> None:
    """Bob and Carol trade `volume` at `price` (Bob rests a buy, Carol sells into it)."""
    buy(ex, BOB, volume, price)
    sell(ex, CAROL, volume, price)


def child(ex: Exchange, leg_order: StrategyOrder) -> Order:
    """The ordinary order a fired leg placed."""
    assert leg_order.relation_order_id is not None, f"leg {leg_order.order_id} did not fire"
    order = ex.order(leg_order.relation_order_id)
    assert order is not None
    return order


def open_tpsl(ex: Exchange, uid: UID = ALICE) -> list[StrategyOrder]:
    return list(ex.state.strategies.owned(uid, BTC, StrategyKind.TPSL).values())

