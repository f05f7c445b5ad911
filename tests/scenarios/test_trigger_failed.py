"""A trigger order whose ordinary order is refused when it fires ends in status 5 with HTX's
code and English text of the refusal, and nothing else changes: the trade that fired it
stands, no order, holding or frozen margin is left behind. A closing trigger order places what
can be closed when it fires."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.events import AccountChanged, OrderAccepted, PositionChanged
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_orders import StrategyOrder, StrategyStatus
from htx_sandbox.domain.types import ContractStatus, Millis, OrderStatus

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CLOSE,
    NOW,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    sell,
    snapshot,
)
from .triggers import GE, LE, TRIGGER, P, changed_ids, place_trigger, set_status, trade_at

LATER = Millis(NOW + 1_000)
FAILED = StrategyStatus.FAILED


def assert_failed(order: StrategyOrder, code: int, reason: str) -> None:
    assert (order.status, order.fail_code, order.fail_reason) == (FAILED, code, reason)
    assert order.relation_order_id is None and order.order_insert_at == 0
    assert order.triggered_at == LATER and order.update_time == LATER


def test_an_opening_order_the_margin_cannot_carry_fails_with_1047() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 200_000, "60100")  # ~33 BTC of margin
    trade_at(ex, "60100", now=LATER)
    assert_failed(order, 1047, "Insufficient margin available.")
    assert order.triggered_price == Decimal("60100")  # it did trigger, at that price
    assert ex.state.strategies.open_count(ALICE, BTC, TRIGGER) == 0


def test_a_refused_firing_changes_nothing_but_the_trigger_order() -> None:
    def scene(trigger_price: str) -> tuple[Exchange, StrategyOrder]:
        ex = make_exchange()
        order = place_trigger(ex, ALICE, GE, trigger_price, BUY, 200_000, "60100")
        trade_at(ex, "60100", now=LATER)
        return ex, order

    fired, order = scene("60100")
    untouched, waiting = scene("60200")  # the same commands, but the trade does not reach it
    assert (order.status, waiting.status) == (FAILED, StrategyStatus.WAITING)
    assert snapshot(fired) == snapshot(untouched)
    assert (ALICE, BTC) not in fired.state.holdings  # no holding is left by the refusal
    assert fired.account(ALICE, "BTC") == untouched.account(ALICE, "BTC")


def test_a_refused_firing_is_one_event_and_the_trade_stands() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 200_000, "60100")
    sell(ex, BOB, 1, 60100)
    applied = ex.place_order(order_cmd(CAROL, BUY, 1, 60100), LATER)
    carol = ex.order(applied.reply.order_id)
    assert carol is not None and carol.status is OrderStatus.FILLED
    assert changed_ids(applied.events) == [order.order_id]
    assert [e.order_id for e in applied.events if isinstance(e, OrderAccepted)] == [carol.order_id]
    for event in applied.events:
        if isinstance(event, AccountChanged | PositionChanged):
            assert event.uid != ALICE


def test_closing_with_nothing_to_close_fails_with_1048() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, LE, "59900", SELL, 1, "59900", offset=CLOSE, lever=None)
    trade_at(ex, "59900", now=LATER)
    assert_failed(order, 1048, "Insufficient close amount available.")
    assert (ALICE, BTC) not in ex.state.holdings


def test_closing_what_other_close_orders_already_hold_fails_with_1048() -> None:
    ex = make_exchange()
    sell(ex, BOB, 2, 60000)
    buy(ex, ALICE, 2, 60000)
    sell(ex, ALICE, 2, 61000, offset=CLOSE)  # holds the whole long
    order = place_trigger(ex, ALICE, LE, "59900", SELL, 2, "59900", offset=CLOSE)
    trade_at(ex, "59900", now=LATER)
    assert_failed(order, 1048, "Insufficient close amount available.")
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 2


def test_a_closing_trigger_places_only_what_can_be_closed_when_it_fires() -> None:
    ex = make_exchange()
    sell(ex, BOB, 3, 60000)
    buy(ex, ALICE, 3, 60000)
    sell(ex, ALICE, 1, 61000, offset=CLOSE)  # 2 of the 3 can still be closed
    order = place_trigger(ex, ALICE, LE, "59900", SELL, 5, "59800", offset=CLOSE)
    trade_at(ex, "59900", now=LATER)
    assert order.status is StrategyStatus.PLACED and order.volume == 5
    placed = ex.order(order.relation_order_id)  # type: ignore[arg-type]
    assert placed is not None and (placed.volume, placed.offset) == (2, CLOSE)
    assert ex.state.holdings[(ALICE, BTC)].long.frozen == 3


def test_a_lever_rate_the_holding_no_longer_has_fails_with_1349() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100", lever=10)  # nothing pinned
    buy(ex, ALICE, 1, 59000, lever=20)  # now the holding is at 20
    trade_at(ex, "60100", now=LATER)
    assert_failed(
        order,
        1349,
        "The leverage of the order does not match the leverage of the current position, "
        "please switch the leverage first.",
    )


def test_an_optimal_order_with_no_opposite_side_fails_with_1076() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, kind=P.OPTIMAL_5)
    trade_at(ex, "60100", now=LATER)  # Carol takes the only ask
    assert_failed(order, 1076, "No orders, please try again later.")


def test_a_suspended_contract_trades_nothing_so_its_trigger_orders_wait() -> None:
    ex = make_exchange()
    order = place_trigger(ex, ALICE, GE, "60100", BUY, 1, "60100")
    sell(ex, BOB, 1, 60100)
    set_status(ex, ContractStatus.SUSPENSION)
    refused = ex.execute(order_cmd(CAROL, BUY, 1, 60100), LATER)
    assert refused.error is not None and refused.error.code == 1058
    assert order.is_open and order.triggered_at is None
    set_status(ex, ContractStatus.LISTING)
    buy(ex, CAROL, 1, 60100, now=LATER)
    assert order.status is StrategyStatus.PLACED
