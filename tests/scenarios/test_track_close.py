"""Closing trailing orders close what can be closed when they fire, at most their volume (HTX's
rule for closing trigger orders), at the holding's lever rate when they name none; nothing left
to close fails them with 1048."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.errors import ErrorCode
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyStatus

from .helpers import ALICE, BTC, BUY, CAROL, CLOSE, SELL, buy, make_exchange, sell
from .track_helpers import child, track, trade_at


def long_of(volume: int, lever: int = 10) -> Exchange:
    """Alice holds `volume` long at 60000, bought from Carol."""
    ex = make_exchange()
    sell(ex, CAROL, volume, 60000)
    buy(ex, ALICE, volume, 60000, lever=lever)
    return ex


def test_a_close_places_only_the_closable_volume() -> None:
    ex = long_of(3, lever=5)
    sell(ex, ALICE, 1, 70000, offset=CLOSE, lever=5)  # freezes 1 of the 3
    order = track(ex, SELL, active="61000", callback="0.01", volume=5, offset=CLOSE, lever=None)
    trade_at(ex, "61000")
    trade_at(ex, "60390")  # 61000 x 0.99
    assert order.status is StrategyStatus.PLACED
    placed = child(ex, order)
    assert (placed.offset, placed.direction, placed.volume, placed.lever_rate) == (
        CLOSE, SELL, 2, 5,
    )  # fmt: skip
    assert order.volume == 5 and order.real_volume == 2
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 3


def test_a_short_is_closed_by_a_buy() -> None:
    ex = make_exchange()
    buy(ex, CAROL, 2, 60000)
    sell(ex, ALICE, 2, 60000)
    order = track(ex, BUY, active="59000", callback="0.01", volume=2, offset=CLOSE, lever=None)
    trade_at(ex, "59000")
    trade_at(ex, "59590")
    placed = child(ex, order)
    assert (placed.offset, placed.direction, placed.volume, placed.price) == (
        CLOSE, BUY, 2, Decimal(59590),
    )  # fmt: skip


def test_nothing_left_to_close_fails_it_with_1048() -> None:
    ex = long_of(1)
    order = track(ex, SELL, active="61000", callback="0.01", offset=CLOSE, lever=None)
    sell(ex, ALICE, 1, 60500, offset=CLOSE)
    buy(ex, CAROL, 1, 60500)  # Alice's long is gone
    trade_at(ex, "61000")
    trade_at(ex, "60390")
    assert order.status is StrategyStatus.FAILED
    assert order.fail_code == ErrorCode.INSUFFICIENT_CLOSE_AMOUNT
    assert order.fail_reason == "Insufficient close amount available."
    assert order.relation_order_id is None and order.real_volume == 0
