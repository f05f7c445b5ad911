"""Self-trade prevention: by default the taker is cancelled at its own resting order."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.money import contract_value, fee
from htx_sandbox.domain.types import OrderPriceType, OrderStatus, SelfMatchPrevent

from .helpers import ALICE, BOB, BTC, BTC_FUNDS, CAROL, buy, make_exchange, sell

ALLOW = SelfMatchPrevent.ALLOW


def test_default_cancels_the_taker_at_its_own_order_and_earlier_fills_stand() -> None:
    ex = make_exchange()
    bobs = sell(ex, BOB, 1, "60000")
    own = sell(ex, ALICE, 2, "60010")
    behind = sell(ex, CAROL, 1, "60020")
    own_margin = own.margin_frozen

    taker = buy(ex, ALICE, 4, "60020")

    # Bob's better ask was taken before the own order was reached; that trade stands.
    assert taker.status is OrderStatus.PARTIALLY_FILLED_CANCELLED
    assert taker.trade_volume == 1
    assert [(t.price, t.volume) for t in taker.trades] == [(Decimal("60000"), 1)]
    assert bobs.status is OrderStatus.FILLED
    # The maker (Alice's own ask) and everything behind it are untouched.
    assert own.status is OrderStatus.SUBMITTED and own.remaining == 2
    assert own.margin_frozen == own_margin
    assert behind.status is OrderStatus.SUBMITTED and behind.remaining == 1
    # The taker's remainder was cancelled, not rested.
    assert ex.depth(BTC) == ([], [(Decimal("60010"), 2), (Decimal("60020"), 1)])
    assert [o.order_id for o in ex.open_orders(ALICE, BTC)] == [own.order_id]
    assert taker.margin_frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == own_margin
    assert [(p.direction, p.volume) for p in ex.positions(ALICE)] == [("buy", 1)]


def test_default_with_own_order_at_the_top_cancels_the_taker_without_trading() -> None:
    ex = make_exchange()
    own = buy(ex, ALICE, 3, "60000")
    buy(ex, BOB, 3, "59990")

    taker = sell(ex, ALICE, 1, "59990")

    assert taker.status is OrderStatus.CANCELLED
    assert taker.trades == ()
    assert own.status is OrderStatus.SUBMITTED and own.remaining == 3
    assert ex.depth(BTC) == ([(Decimal("60000"), 3), (Decimal("59990"), 3)], [])
    assert ex.positions(ALICE) == []


def test_default_stops_at_own_order_even_with_others_behind_it_at_the_same_price() -> None:
    ex = make_exchange()
    own = sell(ex, ALICE, 1, "60000")
    other = sell(ex, BOB, 1, "60000")

    taker = buy(ex, ALICE, 1, "60000")

    assert taker.status is OrderStatus.CANCELLED
    assert own.remaining == 1 and other.remaining == 1
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 2)])


def test_default_self_match_makes_an_otherwise_fillable_fok_fail_whole() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    sell(ex, ALICE, 1, "60000")

    taker = buy(ex, ALICE, 2, "60000", kind=OrderPriceType.FOK)

    assert taker.status is OrderStatus.CANCELLED
    assert taker.trades == ()
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 2)])


def test_allow_trades_with_itself_and_pays_both_fees() -> None:
    ex = make_exchange()
    maker = sell(ex, ALICE, 1, "50000")

    taker = buy(ex, ALICE, 1, "50000", smp=ALLOW)

    assert taker.status is OrderStatus.FILLED
    assert maker.status is OrderStatus.FILLED
    assert taker.trades[0].trade_id == maker.trades[0].trade_id
    assert ex.depth(BTC) == ([], [])
    positions = {(p.direction, p.volume) for p in ex.positions(ALICE)}
    assert positions == {("buy", 1), ("sell", 1)}
    value = contract_value(1, Decimal(100), Decimal(50000))
    assert value == Decimal("0.002")
    paid = fee(value, Decimal("0.0002")) + fee(value, Decimal("0.0005"))
    assert paid == Decimal("0.0000014")
    account = ex.account(ALICE, "BTC")
    assert account.margin_static == BTC_FUNDS - paid
    assert account.margin_frozen == 0


def test_allow_on_the_taker_walks_past_its_own_order_in_priority() -> None:
    ex = make_exchange()
    own = sell(ex, ALICE, 1, "60000")
    other = sell(ex, BOB, 1, "60010")

    taker = buy(ex, ALICE, 2, "60010", smp=ALLOW)

    assert taker.status is OrderStatus.FILLED
    assert [t.price for t in taker.trades] == [Decimal("60000"), Decimal("60010")]
    assert [t.trade_id for t in taker.trades] == [own.trades[0].trade_id, other.trades[0].trade_id]
    assert own.status is OrderStatus.FILLED and other.status is OrderStatus.FILLED


def test_own_order_beyond_the_limit_price_does_not_cancel_the_taker() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    own = sell(ex, ALICE, 1, "60100")

    taker = buy(ex, ALICE, 2, "60000")

    # Matching ends at the limit price before reaching the own order: the rest rests as usual.
    assert taker.status is OrderStatus.PARTIALLY_FILLED
    assert taker.trade_volume == 1
    assert own.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([(Decimal("60000"), 1)], [(Decimal("60100"), 1)])


def test_default_self_match_on_an_opponent_order_cancels_it() -> None:
    ex = make_exchange()
    own = sell(ex, ALICE, 1, "60000")

    taker = buy(ex, ALICE, 1, kind=OrderPriceType.OPPONENT)

    assert taker.status is OrderStatus.CANCELLED
    assert own.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([], [(Decimal("60000"), 1)])
