"""A fired leg closes what can be closed when it fires, at most its volume: HTX's rule for
closing trigger orders. A position reduced since, or partly frozen by resting close orders,
gets a smaller close order, never a refusal."""

from __future__ import annotations

from .helpers import ALICE, BTC, BUY, CAROL, CLOSE, SELL, buy, make_exchange, sell
from .tpsl_helpers import S, child, leg, long_position, place_tpsl, short_position, trade_at


def test_a_position_reduced_since_gets_a_close_for_what_is_left() -> None:
    ex = make_exchange()
    long_position(ex, 3)
    tp, _ = place_tpsl(ex, SELL, 3, tp=leg(61000))
    assert tp is not None
    buy(ex, CAROL, 1, 60500)
    sell(ex, ALICE, 1, 60500, offset=CLOSE)
    trade_at(ex, 61000)
    assert tp.status is S.PLACED and child(ex, tp).volume == 2
    assert tp.volume == 3 and tp.real_volume == 2


def test_resting_close_orders_keep_what_they_froze() -> None:
    ex = make_exchange()
    short_position(ex, 3)
    _, sl = place_tpsl(ex, BUY, 3, sl=leg(61000))
    assert sl is not None
    buy(ex, ALICE, 1, 55000, offset=CLOSE)  # rests, freezing 1 of the short
    trade_at(ex, 61000)
    assert child(ex, sl).volume == 2
    assert ex.state.holdings[(ALICE, BTC)].short.frozen == 3
