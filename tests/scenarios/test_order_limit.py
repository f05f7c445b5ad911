"""Limit orders: resting, crossing in price-time priority, partial fills, and every rejection."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from htx_sandbox.domain.commands import PlaceOrder
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.money import coin
from htx_sandbox.domain.types import (
    CLIENT_ORDER_ID_MAX,
    UID,
    ClientOrderId,
    OrderPriceType,
    OrderStatus,
)
from tests.texts import empty, invalid

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BTC_FUNDS,
    BUY,
    CAROL,
    LEVER,
    NOW,
    OPEN,
    SELL,
    buy,
    make_exchange,
    order_cmd,
    rejected,
    sell,
)


def test_resting_limit_buy_waits_on_the_bids_and_freezes_initial_margin() -> None:
    ex = make_exchange()

    order = buy(ex, ALICE, 3, "59000")

    assert order.status is OrderStatus.SUBMITTED
    assert order.trade_volume == 0
    assert order.trades == ()
    assert order.trade_avg_price is None
    assert ex.depth(BTC) == ([(Decimal("59000"), 3)], [])
    assert [o.order_id for o in ex.open_orders(ALICE, BTC)] == [order.order_id]
    # Initial margin of an inverse contract: volume x size / (price x lever), in BTC.
    with localcontext() as ctx:
        ctx.prec = 50
        expected = coin(Decimal(3) * Decimal(100) / (Decimal(59000) * LEVER))
    assert order.margin_frozen == expected
    account = ex.account(ALICE, "BTC")
    assert account.margin_frozen == expected
    assert account.margin_available == BTC_FUNDS - expected
    assert ex.positions(ALICE) == []


def test_resting_limit_sell_waits_on_the_asks() -> None:
    ex = make_exchange()

    order = sell(ex, BOB, 2, "61000.5")

    assert order.status is OrderStatus.SUBMITTED
    assert ex.depth(BTC) == ([], [(Decimal("61000.5"), 2)])


def test_crossing_limit_takes_levels_in_price_time_priority_at_maker_prices() -> None:
    ex = make_exchange()
    carol_far = sell(ex, CAROL, 2, "60010")
    bob_first = sell(ex, BOB, 1, "60000")
    carol_second = sell(ex, CAROL, 1, "60000")
    bob_best = sell(ex, BOB, 1, "59990")

    taker = buy(ex, ALICE, 4, "60010")

    assert taker.status is OrderStatus.FILLED
    assert taker.trade_volume == 4
    # Best price first; at 60000 Bob's older order before Carol's; each at the maker's price.
    assert [(t.price, t.volume) for t in taker.trades] == [
        (Decimal("59990"), 1),
        (Decimal("60000"), 1),
        (Decimal("60000"), 1),
        (Decimal("60010"), 1),
    ]
    makers = [bob_best, bob_first, carol_second]
    assert [t.trade_id for t in taker.trades[:3]] == [m.trades[0].trade_id for m in makers]
    assert all(m.status is OrderStatus.FILLED for m in makers)
    assert carol_far.status is OrderStatus.PARTIALLY_FILLED
    assert carol_far.remaining == 1
    assert ex.depth(BTC) == ([], [(Decimal("60010"), 1)])


def test_time_priority_within_one_level() -> None:
    ex = make_exchange()
    first = sell(ex, CAROL, 2, "60000")
    second = sell(ex, BOB, 2, "60000")

    taker = buy(ex, ALICE, 3, "60000")

    assert taker.status is OrderStatus.FILLED
    assert first.status is OrderStatus.FILLED
    assert second.status is OrderStatus.PARTIALLY_FILLED
    assert second.remaining == 1
    assert [t.order_id for t in (*first.trades, *second.trades)] == [
        first.order_id,
        second.order_id,
    ]


def test_crossing_limit_sell_takes_the_highest_bids_first() -> None:
    ex = make_exchange()
    low = buy(ex, BOB, 1, "59000")
    high = buy(ex, CAROL, 1, "59500")

    taker = sell(ex, ALICE, 2, "58000")

    assert [t.price for t in taker.trades] == [Decimal("59500"), Decimal("59000")]
    assert taker.status is OrderStatus.FILLED
    assert low.status is OrderStatus.FILLED and high.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([], [])


def test_limit_does_not_take_beyond_its_price() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    sell(ex, BOB, 5, "60000.1")

    taker = buy(ex, ALICE, 3, "60000")

    assert taker.trade_volume == 1
    assert ex.depth(BTC) == ([(Decimal("60000"), 2)], [(Decimal("60000.1"), 5)])


def test_partial_fill_then_rest_is_status_4() -> None:
    ex = make_exchange()
    maker = sell(ex, BOB, 2, "60000")

    taker = buy(ex, ALICE, 5, "60000")

    assert taker.status is OrderStatus.PARTIALLY_FILLED
    assert taker.trade_volume == 2
    assert taker.remaining == 3
    assert maker.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([(Decimal("60000"), 3)], [])
    assert [o.order_id for o in ex.open_orders(ALICE, BTC)] == [taker.order_id]
    assert [p.volume for p in ex.positions(ALICE)] == [2]


def test_price_off_the_tick_is_1038() -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "60000.05"))
    assert error.code == 1038  # PRICE_PRECISION


def test_price_off_the_tick_of_eth_is_1038() -> None:
    ex = make_exchange()
    assert rejected(ex, order_cmd(ALICE, BUY, 1, "3000.005", code="ETH-USD")).code == 1038
    # Two decimals is on ETH's 0.01 grid.
    assert buy(ex, ALICE, 1, "3000.01", code="ETH-USD").status is OrderStatus.SUBMITTED


@pytest.mark.parametrize("price", ["0", "-0.1", "-60000"])
def test_price_not_positive_is_1069(price: str) -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, price))
    assert error.code == 1069  # PRICE_NOT_REASONABLE


@pytest.mark.parametrize(
    "kind",
    [OrderPriceType.LIMIT, OrderPriceType.POST_ONLY, OrderPriceType.IOC, OrderPriceType.FOK],
)
def test_missing_price_is_1066(kind: OrderPriceType) -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, None, kind=kind))
    assert error.code == 1066  # FIELD_EMPTY
    assert error.message() == empty("price")


@pytest.mark.parametrize("volume", [0, -1])
def test_volume_not_positive_is_1040(volume: int) -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, volume, "60000"))
    assert error.code == 1040  # INVALID_AMOUNT


def test_volume_above_the_default_cap_is_1041_with_the_cap_in_the_message() -> None:
    ex = make_exchange()
    cap = ex.contracts.get(BTC).max_order_volume
    error = rejected(ex, order_cmd(ALICE, BUY, cap + 1, "60000"))
    assert error.code == 1041  # AMOUNT_EXCEEDS_LIMIT
    assert error.message() == (
        f"The order amount exceeds the limit ({cap}Cont), please modify and order again."
    )


def test_volume_above_a_configured_cap_is_1041_and_the_cap_itself_is_allowed() -> None:
    registry = ContractRegistry()
    registry.add(
        Contract("BTC-USD", "BTC", Decimal(100), Decimal("0.1"), Decimal(60000),
                 max_order_volume=250)
    )
    ex = make_exchange(contracts=registry)

    error = rejected(ex, order_cmd(ALICE, BUY, 251, "60000"))
    assert error.code == 1041
    assert error.message() == (
        "The order amount exceeds the limit (250Cont), please modify and order again."
    )
    assert error.message("zh") == "下单数量超出限制 (250张),请修改后下单"
    assert buy(ex, ALICE, 250, "60000").volume == 250


def test_unknown_contract_is_1014() -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "1", code="XRP-USD"))
    assert error.code == 1014  # CONTRACT_NOT_EXIST


def test_lower_case_contract_code_is_accepted_and_stored_upper_case() -> None:
    ex = make_exchange()

    order = buy(ex, ALICE, 1, "60000", code="btc-usd")

    assert order.contract_code == "BTC-USD"
    assert ex.depth("BTC-USD") == ([(Decimal("60000"), 1)], [])
    assert [o.order_id for o in ex.open_orders(ALICE, "BTC-USD")] == [order.order_id]
    # And it meets orders placed with the upper-case code.
    taker = sell(ex, BOB, 1, "60000", code="Btc-Usd")
    assert taker.status is OrderStatus.FILLED
    assert order.status is OrderStatus.FILLED


def test_client_order_id_is_echoed() -> None:
    ex = make_exchange()
    cmd = order_cmd(ALICE, BUY, 1, "60000", coid=424242)

    placed = ex.place_order(cmd, NOW).reply

    assert placed.client_order_id == 424242
    order = ex.order(placed.order_id)
    assert order is not None
    assert order.client_order_id == 424242
    assert ex.order_by_client_id(ALICE, 424242) is order


def test_order_without_client_order_id_echoes_none() -> None:
    ex = make_exchange()
    placed = ex.place_order(order_cmd(ALICE, BUY, 1, "60000"), NOW).reply
    assert placed.client_order_id is None


def test_client_order_id_at_the_maximum_is_accepted() -> None:
    ex = make_exchange()
    order = buy(ex, ALICE, 1, "60000", coid=CLIENT_ORDER_ID_MAX)
    assert order.client_order_id == 2**63 - 1


def test_duplicate_client_order_id_is_1050() -> None:
    ex = make_exchange()
    buy(ex, ALICE, 1, "60000", coid=7)

    error = rejected(ex, order_cmd(ALICE, BUY, 1, "59000", coid=7))

    assert error.code == 1050  # CLIENT_ORDER_ID_REPEATED
    assert ex.depth(BTC) == ([(Decimal("60000"), 1)], [])


def test_client_order_id_is_unique_per_user() -> None:
    ex = make_exchange()
    mine = buy(ex, ALICE, 1, "59000", coid=7)
    theirs = buy(ex, BOB, 1, "59000", coid=7)
    assert ex.order_by_client_id(ALICE, 7) is mine
    assert ex.order_by_client_id(BOB, 7) is theirs


@pytest.mark.parametrize("coid", [0, -1, 2**63])
def test_client_order_id_out_of_range_is_1067(coid: int) -> None:
    ex = make_exchange()
    error = rejected(ex, order_cmd(ALICE, BUY, 1, "60000", coid=coid))
    assert error.code == 1067  # ILLEGAL_PARAMETER
    assert error.message() == invalid("client_order_id")


def test_user_not_opened_is_1220() -> None:
    ex = make_exchange()
    stranger = UID(99)
    cmd = PlaceOrder(
        uid=stranger,
        contract_code=BTC,
        direction=SELL,
        offset=OPEN,
        volume=1,
        lever_rate=LEVER,
        order_price_type=OrderPriceType.LIMIT,
        price=Decimal(60000),
        client_order_id=ClientOrderId(1),
    )
    error = rejected(ex, cmd)
    assert error.code == 1220  # CONTRACTS_NOT_OPENED
