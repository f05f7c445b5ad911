"""Builders for the trigger-order scenarios: placing, trading through, cancelling, comparing.

Usage::

    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 2, "60150")   # waiting (status 2)
    trade_at(ex, "60100")                 # Bob sells 1, Carol takes it: the last price is 60100
    assert order.status is StrategyStatus.PLACED

ALICE owns the trigger orders in these scenarios; BOB and CAROL make the market. Every command
runs at NOW, as in helpers.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import pytest

from htx_sandbox.domain.commands import (
    CancelAllStrategy,
    CancelStrategyOrders,
    PlaceTriggerOrder,
    SetContract,
)
from htx_sandbox.domain.errors import HtxError
from htx_sandbox.domain.events import StrategyOrderChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    TriggerType,
)
from htx_sandbox.domain.types import UID, ContractStatus, Direction, Millis, Offset

from .helpers import BOB, BTC, CAROL, LEVER, NOW, OPEN, D, PriceLike, buy, sell, snapshot

GE = TriggerType.GE
LE = TriggerType.LE
P = StrategyPriceType
TRIGGER = StrategyKind.TRIGGER


def trigger_cmd(
    uid: UID,
    trigger_type: TriggerType,
    trigger_price: PriceLike,
    direction: Direction,
    volume: int,
    order_price: PriceLike | None = None,
    *,
    offset: Offset = OPEN,
    kind: StrategyPriceType = P.LIMIT,
    code: str = BTC,
    lever: int | None = LEVER,
) -> PlaceTriggerOrder:
    """A PlaceTriggerOrder: open, limit, BTC-USD, lever 10 unless told (None sends none)."""
    return PlaceTriggerOrder(
        uid=uid,
        contract_code=code,
        trigger_type=trigger_type,
        trigger_price=D(trigger_price),
        direction=direction,
        offset=offset,
        volume=volume,
        order_price_type=kind,
        order_price=None if order_price is None else D(order_price),
        lever_rate=lever,
    )


def submit_trigger(ex: Exchange, cmd: PlaceTriggerOrder, now: Millis = NOW) -> StrategyOrder:
    """Place `cmd` (must be accepted) and return the exchange's live StrategyOrder."""
    placed = ex.place_trigger_order(cmd, now).reply
    order = ex.strategy_order(placed.order_id)
    assert order is not None
    return order


def place_trigger(
    ex: Exchange,
    uid: UID,
    trigger_type: TriggerType,
    trigger_price: PriceLike,
    direction: Direction,
    volume: int,
    order_price: PriceLike | None = None,
    *,
    offset: Offset = OPEN,
    kind: StrategyPriceType = P.LIMIT,
    code: str = BTC,
    lever: int | None = LEVER,
) -> StrategyOrder:
    cmd = trigger_cmd(
        uid, trigger_type, trigger_price, direction, volume, order_price,
        offset=offset, kind=kind, code=code, lever=lever,
    )  # fmt: skip
    return submit_trigger(ex, cmd)


def trade_at(
    ex: Exchange, price: PriceLike, volume: int = 1, *, code: str = BTC, now: Millis = NOW
) -> Order:
    """Bob offers `volume` at `price` and Carol takes it (at `now`): one trade at `price`.
    Returns Carol's order, whose command fires what the trade crossed."""
    sell(ex, BOB, volume, price, code=code, now=now)
    return buy(ex, CAROL, volume, price, code=code, now=now)


def set_status(ex: Exchange, status: ContractStatus, code: str = BTC) -> None:
    ex.set_contract(SetContract(code, contract_status=status), NOW)


def cancel_ids(uid: UID, *ids: object, code: str = BTC) -> CancelStrategyOrders:
    return CancelStrategyOrders(TRIGGER, uid, code, [str(i) for i in ids])


def cancel_all_cmd(
    uid: UID,
    direction: Direction | None = None,
    offset: Offset | None = None,
    *,
    code: str = BTC,
) -> CancelAllStrategy:
    return CancelAllStrategy(TRIGGER, uid, code, direction, offset)


def strategy_rows(ex: Exchange) -> object:
    """Every strategy order's visible fields, and the indexes that find them."""
    strategies = ex.state.strategies
    return copy.deepcopy(
        (
            {
                oid: (
                    o.status, o.volume, o.lever_rate, o.relation_order_id, o.triggered_price,
                    o.triggered_at, o.order_insert_at, o.canceled_at, o.update_time,
                    o.fail_code, o.fail_reason,
                )
                for oid, o in strategies.orders.items()
            },
            {key: sorted(owned) for key, owned in strategies.by_owner.items()},
            dict(strategies.open_per_kind),
            {code: sorted(book.live) for code, book in strategies.books.items()},
        )
    )  # fmt: skip


def full_snapshot(ex: Exchange) -> object:
    """helpers.snapshot plus the strategy orders and the order id sequence."""
    return (snapshot(ex), strategy_rows(ex), ex.state.order_ids.last, sorted(ex.state.holdings))


def refused_trigger(ex: Exchange, cmd: PlaceTriggerOrder, now: Millis = NOW) -> HtxError:
    """Place `cmd`, assert it raises HtxError and changes nothing at all; return the error."""
    before = full_snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.place_trigger_order(cmd, now)
    assert full_snapshot(ex) == before, "a refused trigger order changed the exchange"
    return info.value


def changed_ids(events: Sequence[object]) -> list[int]:
    """The strategy orders an event list says changed, in order."""
    return [e.order_id for e in events if isinstance(e, StrategyOrderChanged)]
