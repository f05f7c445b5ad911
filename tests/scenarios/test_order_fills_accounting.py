"""What a trade does to both sides: positions, fees, frozen margin, averages and trade ids."""

from __future__ import annotations

from decimal import Decimal, localcontext

from htx_sandbox.domain.money import coin
from htx_sandbox.domain.types import Role

from .helpers import ALICE, BOB, BTC, BTC_FUNDS, CAROL, LEVER, buy, make_exchange, sell

SIZE = Decimal(100)
MAKER_RATE = Decimal("0.0002")
TAKER_RATE = Decimal("0.0005")


def coin_value(volume: int, price: Decimal | str) -> Decimal:
    """Inverse contract value in coin, computed here (not by the domain): volume*size/price."""
    with localcontext() as ctx:
        ctx.prec = 60
        return coin(Decimal(volume) * SIZE / Decimal(price))


def margin(volume: int, price: Decimal | str, lever: int = LEVER) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return coin(Decimal(volume) * SIZE / (Decimal(price) * lever))


def test_exact_fees_positions_and_balances_after_one_trade() -> None:
    ex = make_exchange()
    maker = sell(ex, BOB, 2, "50000")
    taker = buy(ex, ALICE, 2, "50000")

    value = coin_value(2, "50000")
    assert value == Decimal("0.004")  # 2 x 100 USD / 50000 USD per BTC
    maker_fee = value * MAKER_RATE
    taker_fee = value * TAKER_RATE
    assert (maker_fee, taker_fee) == (Decimal("0.0000008"), Decimal("0.000002"))

    # Fees are reported negative on the order and on each trade.
    assert taker.fee == -taker_fee
    assert maker.fee == -maker_fee
    assert [(t.role, t.fee, t.fee_asset) for t in taker.trades] == [
        (Role.TAKER, -taker_fee, "BTC")
    ]
    assert [(t.role, t.fee, t.fee_asset) for t in maker.trades] == [
        (Role.MAKER, -maker_fee, "BTC")
    ]
    assert taker.trades[0].value == value
    assert taker.trades[0].turnover == Decimal(200)

    # Positions: Alice long 2, Bob short 2, both opened at 50000.
    (alice_pos,) = ex.positions(ALICE)
    (bob_pos,) = ex.positions(BOB)
    opened_at = Decimal(50000)
    assert (alice_pos.direction, alice_pos.volume, alice_pos.cost_open) == ("buy", 2, opened_at)
    assert (bob_pos.direction, bob_pos.volume, bob_pos.cost_open) == ("sell", 2, opened_at)
    assert alice_pos.available == 2 and alice_pos.frozen == 0
    assert alice_pos.position_margin == margin(2, "50000") == Decimal("0.0004")

    # Balances: fees come out of margin_static; frozen margin is fully released.
    alice = ex.account(ALICE, "BTC")
    bob = ex.account(BOB, "BTC")
    assert alice.margin_static == BTC_FUNDS - taker_fee
    assert bob.margin_static == BTC_FUNDS - maker_fee
    assert alice.margin_frozen == bob.margin_frozen == 0
    assert taker.margin_frozen == maker.margin_frozen == 0
    assert alice.margin_position == Decimal("0.0004")
    assert alice.profit_unreal == 0
    assert alice.margin_available == BTC_FUNDS - taker_fee - Decimal("0.0004")
    assert bob.margin_available == BTC_FUNDS - maker_fee - Decimal("0.0004")
    # The exchange collected exactly what both sides paid.
    assert ex.state.fee_pool["BTC"] == maker_fee + taker_fee


def test_fees_on_a_non_terminating_value_use_the_coin_grid() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    taker = buy(ex, ALICE, 1, "60000")

    value = coin_value(1, "60000")
    assert value == Decimal("0.001666666666666667")
    assert taker.fee == -coin(value * TAKER_RATE)
    assert ex.account(ALICE, "BTC").margin_static == BTC_FUNDS - coin(value * TAKER_RATE)


def test_partial_fills_release_frozen_margin_exactly() -> None:
    ex = make_exchange()
    bid = buy(ex, ALICE, 3, "62500")
    assert bid.margin_frozen == margin(3, "62500") == Decimal("0.00048")
    assert ex.account(ALICE, "BTC").margin_frozen == Decimal("0.00048")

    # Bob takes one contract: two are left, holding margin for two at the order's price.
    sell(ex, BOB, 1, "62500")
    assert bid.margin_frozen == margin(2, "62500") == Decimal("0.00032")
    assert ex.account(ALICE, "BTC").margin_frozen == Decimal("0.00032")

    sell(ex, CAROL, 2, "62000")
    assert bid.margin_frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == 0
    assert ex.positions(ALICE)[0].volume == 3


def test_taker_freezes_at_its_limit_but_trades_at_the_maker_price_and_releases_all() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "50000")

    taker = buy(ex, ALICE, 1, "62500")

    assert taker.trades[0].price == Decimal("50000")
    assert taker.trade_avg_price == Decimal("50000")
    assert taker.margin_frozen == 0
    alice = ex.account(ALICE, "BTC")
    assert alice.margin_frozen == 0
    assert ex.positions(ALICE)[0].cost_open == Decimal("50000")
    assert taker.fee == -(coin_value(1, "50000") * TAKER_RATE)


def test_trade_avg_price_is_the_harmonic_mean_of_fill_prices() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "30000")
    sell(ex, BOB, 1, "60000")

    taker = buy(ex, ALICE, 2, "60000")

    # 2 x 100 USD bought for 100/30000 + 100/60000 = 0.005 BTC: 40000, not the arithmetic 45000.
    total_value = coin_value(1, "30000") + coin_value(1, "60000")
    assert total_value == Decimal("0.005")
    harmonic = Decimal(2) * SIZE / total_value
    assert harmonic == Decimal(40000)
    assert taker.trade_avg_price == harmonic
    assert taker.trade_avg_price != Decimal(45000)
    (position,) = ex.positions(ALICE)
    assert position.cost_open == harmonic
    assert taker.fee == -(
        coin(coin_value(1, "30000") * TAKER_RATE) + coin(coin_value(1, "60000") * TAKER_RATE)
    )


def test_trade_avg_price_with_unequal_volumes() -> None:
    ex = make_exchange()
    sell(ex, BOB, 3, "50000")
    sell(ex, CAROL, 1, "62500")

    taker = buy(ex, ALICE, 4, "62500")

    # 400 USD for 3*100/50000 + 100/62500 = 0.006 + 0.0016 = 0.0076 BTC.
    expected = Decimal(400) / Decimal("0.0076")
    with localcontext() as ctx:
        ctx.prec = 15
        expected = +expected
    assert taker.trade_avg_price == expected
    assert abs(taker.trade_avg_price - Decimal("52631.5789473684")) < Decimal("0.0000000001")


def test_a_taker_orders_fills_share_one_match_id_and_ids_are_formatted() -> None:
    ex = make_exchange()
    first = sell(ex, BOB, 1, "60000")
    second = sell(ex, CAROL, 2, "60010")

    taker = buy(ex, ALICE, 3, "60010")

    assert len(taker.trades) == 2
    assert [t.trade_id for t in taker.trades] == [
        first.trades[0].trade_id,
        second.trades[0].trade_id,
    ]
    # One taker order's round of matching is one match: HTX's match_id "includes all trade
    # records of a taker order and N maker orders".
    assert taker.trades[0].trade_id == taker.trades[1].trade_id
    # The fill sequence (query_id) tells every fill apart, in the order they happened.
    fills = [first.trades[0], taker.trades[0], second.trades[0], taker.trades[1]]
    assert [t.query_id for t in fills] == sorted({t.query_id for t in fills})
    for n, trade in enumerate(taker.trades, start=1):
        assert trade.id == f"{trade.trade_id}-{taker.order_id}-{n}"
        assert trade.order_id == taker.order_id
    assert first.trades[0].id == f"{first.trades[0].trade_id}-{first.order_id}-1"
    assert second.trades[0].id == f"{second.trades[0].trade_id}-{second.order_id}-1"
    # Maker and taker sides of one match share trade_id but never the unique id.
    assert first.trades[0].id != taker.trades[0].id
    # The next taker order is the next match.
    third = sell(ex, BOB, 1, "60020")
    fourth = buy(ex, CAROL, 1, "60020")
    assert fourth.trades[0].trade_id == third.trades[0].trade_id == taker.trades[0].trade_id + 1


def test_a_maker_filled_twice_numbers_its_trades() -> None:
    ex = make_exchange()
    maker = sell(ex, BOB, 3, "60000")
    buy(ex, ALICE, 1, "60000")
    buy(ex, CAROL, 2, "60000")

    assert [t.id for t in maker.trades] == [
        f"{maker.trades[0].trade_id}-{maker.order_id}-1",
        f"{maker.trades[1].trade_id}-{maker.order_id}-2",
    ]
    assert maker.trades[1].trade_id > maker.trades[0].trade_id
    assert maker.fee == -(
        coin(coin_value(1, "60000") * MAKER_RATE) + coin(coin_value(2, "60000") * MAKER_RATE)
    )


def test_volume_and_cost_add_up_over_several_opening_trades() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "50000")
    buy(ex, ALICE, 1, "50000")
    sell(ex, BOB, 1, "62500")
    buy(ex, ALICE, 1, "62500")

    (position,) = ex.positions(ALICE)
    assert position.volume == 2
    # 200 USD for 0.002 + 0.0016 BTC.
    with localcontext() as ctx:
        ctx.prec = 15
        assert position.cost_open == +(Decimal(200) / Decimal("0.0036"))
    (short,) = ex.positions(BOB)
    assert short.volume == 2 and short.cost_open == position.cost_open
    assert ex.state.holdings[(ALICE, BTC)].long.cost_value == Decimal("0.0036")


def test_frozen_margin_stays_the_sum_of_open_orders_through_awkward_partial_fills() -> None:
    ex = make_exchange()
    bid = buy(ex, ALICE, 7, "59999.9", lever=3)
    other = buy(ex, ALICE, 2, "59000.3", lever=3)
    assert bid.margin_frozen == margin(7, "59999.9", 3)

    for volume in (1, 2, 3):
        sell(ex, BOB, volume, "59999.9", lever=3)
        assert bid.margin_frozen == margin(bid.remaining, "59999.9", 3)
        account = ex.account(ALICE, "BTC")
        assert account.margin_frozen == bid.margin_frozen + other.margin_frozen

    sell(ex, CAROL, 1, "59999.9", lever=3)
    assert bid.margin_frozen == 0
    assert ex.account(ALICE, "BTC").margin_frozen == other.margin_frozen
    sell(ex, CAROL, 2, "59000.3", lever=3)
    assert ex.account(ALICE, "BTC").margin_frozen == 0
