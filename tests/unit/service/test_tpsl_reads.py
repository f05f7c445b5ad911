"""Reads.tpsl_legs_of: an opening order's TP/SL legs from memory, and from the store once
they finished and left memory, however many TP/SL orders the UID made after them."""

from __future__ import annotations

from htx_sandbox.domain.commands import CancelOrders, CancelStrategyOrders
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyKind
from htx_sandbox.domain.types import Millis
from htx_sandbox.service.ports import ChangeSet
from htx_sandbox.service.queries import Reads
from htx_sandbox.storage.memory import MemoryStore
from tests.scenarios.helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    NOW,
    SELL,
    make_exchange,
    order_cmd,
    sell,
)
from tests.scenarios.tpsl_helpers import attach, leg, legs_of, long_position, place_tpsl

LATER = Millis(NOW + 10 * 86_400_000)


def stored(ex: Exchange) -> MemoryStore:
    """A store holding every order and strategy order the exchange has made so far."""
    store = MemoryStore()
    state = ex.state
    store.commit(
        ChangeSet(orders=list(state.orders.values()),
                  strategy_orders=list(state.strategies.orders.values()))
    )  # fmt: skip
    return store


def test_legs_in_memory_come_from_memory() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000), sl=leg(59000))
    reads = Reads(ex, MemoryStore())
    assert reads.tpsl_legs_of(opening) == legs_of(ex, opening)
    plain = attach(ex, order_cmd(ALICE, BUY, 1, 60000))
    assert reads.tpsl_legs_of(plain) == []


def test_evicted_legs_are_read_from_the_store_past_many_newer_tpsl_orders() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, SELL, 1, 60000), tp=leg(58000), sl=leg(61000))
    tp_id, sl_id = (o.order_id for o in legs_of(ex, opening))
    ex.cancel_orders(CancelOrders(ALICE, BTC, [str(opening.order_id)]), NOW)  # legs end: 12
    long_position(ex, 1)
    for n in range(45):  # 90 newer TP/SL orders: the legs are on the second page
        place_tpsl(ex, SELL, 1, tp=leg(61000 + n), sl=leg(59000 - n), now=Millis(NOW + 1 + n))
    store = stored(ex)
    ex.state.evict_finished(LATER)
    assert ex.strategy_order(tp_id) is None and ex.strategy_order(sl_id) is None
    legs = Reads(ex, store).tpsl_legs_of(opening)
    assert [o.order_id for o in legs] == [tp_id, sl_id]
    assert [int(o.status) for o in legs] == [12, 12]


def test_a_leg_still_open_and_its_evicted_sibling_are_both_found() -> None:
    ex = make_exchange()
    opening = attach(ex, order_cmd(ALICE, BUY, 1, 60000), tp=leg(62000), sl=leg(59000))
    sell(ex, BOB, 1, 60000)  # fills the opening order: both legs active
    tp, sl = legs_of(ex, opening)
    ex.cancel_strategy_orders(
        CancelStrategyOrders(StrategyKind.TPSL, ALICE, BTC, [str(tp.order_id)]), NOW
    )
    store = stored(ex)
    ex.state.evict_finished(LATER)
    assert ex.strategy_order(tp.order_id) is None and ex.strategy_order(sl.order_id) is sl
    legs = Reads(ex, store).tpsl_legs_of(opening)
    assert [o.order_id for o in legs] == [tp.order_id, sl.order_id] and legs[1] is sl
