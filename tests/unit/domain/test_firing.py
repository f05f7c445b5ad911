"""domain/firing.py on what the scenarios of trigger orders cannot reach by themselves: a TP
and SL pair crossed together in one round of a batch."""

from __future__ import annotations

from htx_sandbox.domain.commands import PlaceBatch
from htx_sandbox.domain.strategy_orders import StrategyStatus
from tests.scenarios.helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
)
from tests.scenarios.tpsl_helpers import leg, place_tpsl


def test_a_pair_crossed_in_one_round_places_one_order_and_expires_the_other() -> None:
    ex = make_exchange()
    sell(ex, BOB, 5, 60000)
    buy(ex, ALICE, 5, 60000)  # Alice long 5: each leg would close 2
    tp, sl = place_tpsl(ex, SELL, 2, tp=leg(61000), sl=leg(59000))
    assert tp is not None and sl is not None
    sell(ex, BOB, 1, 61000)
    buy(ex, BOB, 1, 59000)
    # One command trades at 61000 and at 59000: both legs are crossed in the same round.
    batch = PlaceBatch(CAROL, [order_cmd(CAROL, BUY, 1, 61000), order_cmd(CAROL, SELL, 1, 59000)])
    outcome = ex.execute(batch, NOW)
    assert outcome.error is None  # used to raise ValueError (11 -> 5) and refuse the batch
    assert (tp.status, sl.status) == (StrategyStatus.PLACED, StrategyStatus.EXPIRED)
    placed = [o for o in ex.state.orders.values() if o.order_source == "tpsl"]
    assert [o.order_id for o in placed] == [tp.relation_order_id]
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 2  # only the TP's close holds any
    assert ex.state.traded == {}
