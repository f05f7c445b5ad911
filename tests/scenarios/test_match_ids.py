"""Match ids (HTX's match_id / trade_id): one per taker order's round of matching, shared by
its fills and the makers' sides of them, for ordinary and liquidation orders alike; an
off-book fill (a takeover by the insurance fund) is a match of its own. Every fill has its own
query_id, increasing in the order fills happen."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import Direction, Role

from .helpers import (
    BOB,
    BTC,
    CAROL,
    DAVE,
    buy,
    fund,
    liquidation_orders,
    make_exchange,
    sell,
    set_index,
)


def test_a_sweep_of_three_makers_is_one_match() -> None:
    ex = make_exchange((BOB, CAROL))
    asks = [sell(ex, BOB, 1, 60000 + n) for n in range(3)]
    taker = buy(ex, CAROL, 3, 60002)
    [match] = {t.trade_id for t in taker.trades}
    assert [t.id for t in taker.trades] == [f"{match}-{taker.order_id}-{n}" for n in (1, 2, 3)]
    assert [a.trades[0].trade_id for a in asks] == [match] * 3
    fills = [f for a, t in zip(asks, taker.trades, strict=True) for f in (a.trades[0], t)]
    assert [f.query_id for f in fills] == list(range(fills[0].query_id, fills[0].query_id + 6))
    assert buy(ex, CAROL, 1, 50000).trades == ()  # nothing to take: no match, no id taken
    ask = sell(ex, BOB, 1, 60010)
    later = buy(ex, CAROL, 1, 60010)
    assert later.trades[0].trade_id == ask.trades[0].trade_id == match + 1


def test_a_liquidation_order_into_the_book_is_one_match_and_the_takeover_another() -> None:
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, "0.001")
    sell(ex, BOB, 10, 60000)
    buy(ex, DAVE, 10, 60000, lever=20)
    bids = [buy(ex, CAROL, 1, 57100 - n) for n in range(2)]
    set_index(ex, 57000)
    [order] = liquidation_orders(ex, DAVE)
    first, second, takeover = order.trades
    assert (first.role, second.role, takeover.role) == (Role.TAKER, Role.TAKER, Role.MAKER)
    assert first.trade_id == second.trade_id == bids[0].trades[0].trade_id
    assert bids[1].trades[0].trade_id == first.trade_id
    assert takeover.trade_id == first.trade_id + 1
    assert (first.price, second.price) == (Decimal(57100), Decimal(57099))
    assert first.query_id < second.query_id < takeover.query_id
    assert order.direction is Direction.SELL and order.contract_code == BTC
