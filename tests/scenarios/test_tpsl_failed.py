"""A leg whose close order is refused when it fires ends failed (5) with HTX's code and text
of the refusal in fail_code and fail_reason; nothing else changes, and it never fires again."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.types import OrderStatus

from .helpers import ALICE, BTC, CLOSE, NOW, SELL, make_exchange, sell
from .tpsl_helpers import OPTIMAL_5, S, leg, long_position, open_tpsl, place_tpsl, trade_at


def test_nothing_closable_when_it_fires_is_1048() -> None:
    ex = make_exchange()
    long_position(ex, 2)
    tp, _ = place_tpsl(ex, SELL, 2, tp=leg(61000))
    assert tp is not None
    resting = sell(ex, ALICE, 2, 70000, offset=CLOSE)  # freezes all of it
    orders = len(ex.state.orders)
    trade_at(ex, 61000)
    assert tp.status is S.FAILED
    assert (tp.fail_code, tp.fail_reason) == (1048, "Insufficient close amount available.")
    assert tp.triggered_price == Decimal(61000) and tp.triggered_at == NOW
    assert tp.relation_order_id is None and tp.order_insert_at == 0
    assert len(ex.state.orders) == orders + 2  # only the trade's two orders
    assert resting.status is OrderStatus.SUBMITTED
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 2
    assert open_tpsl(ex) == []
    trade_at(ex, 61500)
    assert tp.status is S.FAILED and len(ex.state.orders) == orders + 4


def test_an_optimal_leg_facing_an_empty_book_is_1076() -> None:
    ex = make_exchange()
    long_position(ex, 1)
    tp, _ = place_tpsl(ex, SELL, 1, tp=leg(61000, kind=OPTIMAL_5))
    assert tp is not None
    trade_at(ex, 61000)  # no bid is left for the close to sell into
    assert (tp.status, tp.fail_code, tp.fail_reason) == (
        S.FAILED, 1076, "No orders, please try again later.",
    )  # fmt: skip
