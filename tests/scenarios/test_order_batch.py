"""swap_batchorder: each order stands or falls alone; indexes are 1-based; at most 25 orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceBatch
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.types import OrderStatus
from tests.texts import empty

from .helpers import (
    ALICE,
    BOB,
    BTC,
    BUY,
    NOW,
    SELL,
    make_exchange,
    order_cmd,
    sell,
    snapshot,
)


def test_mixed_batch_places_the_good_orders_and_reports_each_bad_one_by_index() -> None:
    ex = make_exchange()
    orders = [
        order_cmd(ALICE, BUY, 1, "59000", coid=11),  # 1 good
        order_cmd(ALICE, BUY, 1, "59000.05"),  # 2 off tick
        order_cmd(ALICE, SELL, 2, "61000"),  # 3 good
        order_cmd(ALICE, BUY, 0, "59000"),  # 4 bad volume
        order_cmd(ALICE, BUY, 1, "58000", coid=11),  # 5 repeats item 1's client id
        order_cmd(ALICE, BUY, 1, "58000", lever=7),  # 6 bad lever
        order_cmd(ALICE, BUY, 3, "58500", coid=12),  # 7 good
    ]

    items = ex.place_batch(PlaceBatch(ALICE, orders), NOW).reply

    assert [item.index for item in items] == [1, 2, 3, 4, 5, 6, 7]
    errors = {item.index: item.error.code for item in items if item.error is not None}
    assert errors == {2: 1038, 4: 1040, 5: 1050, 6: 1037}
    placed = {item.index: item.placed for item in items if item.placed is not None}
    assert sorted(placed) == [1, 3, 7]
    assert all(item.placed is None for item in items if item.error is not None)
    assert placed[1].client_order_id == 11 and placed[7].client_order_id == 12
    assert placed[3].client_order_id is None
    open_ids = {o.order_id for o in ex.open_orders(ALICE, BTC)}
    assert open_ids == {p.order_id for p in placed.values()}
    assert ex.depth(BTC) == (
        [(Decimal("59000"), 1), (Decimal("58500"), 3)],
        [(Decimal("61000"), 2)],
    )
    # Order ids follow the batch order.
    assert placed[1].order_id < placed[3].order_id < placed[7].order_id


def test_batch_items_match_the_book_like_single_orders() -> None:
    ex = make_exchange()
    ask = sell(ex, BOB, 2, "60000")

    items = ex.place_batch(
        PlaceBatch(ALICE, [order_cmd(ALICE, BUY, 1, "60000"), order_cmd(ALICE, BUY, 3, "60000")]),
        NOW,
    ).reply

    first, second = (ex.order(item.placed.order_id) for item in items if item.placed)
    assert first is not None and second is not None
    assert first.status is OrderStatus.FILLED
    assert second.status is OrderStatus.PARTIALLY_FILLED and second.trade_volume == 1
    assert ask.status is OrderStatus.FILLED
    assert ex.depth(BTC) == ([(Decimal("60000"), 2)], [])


def test_a_later_item_sees_margin_frozen_by_an_earlier_one() -> None:
    ex = make_exchange((BOB,))
    ex.open_user(OpenUser(ALICE), NOW)
    ex.deposit(Deposit(ALICE, "BTC", Decimal("0.001")), NOW)
    # Each freezes 100 / (50000 x 2) = 0.001 BTC: all of Alice's margin.
    orders = [order_cmd(ALICE, BUY, 1, "50000", lever=2) for _ in range(2)]

    items = ex.place_batch(PlaceBatch(ALICE, orders), NOW).reply

    assert items[0].placed is not None and items[0].error is None
    assert items[1].placed is None and items[1].error is not None
    assert (items[1].index, items[1].error.code) == (2, ErrorCode.INSUFFICIENT_MARGIN)


def test_batch_of_25_is_accepted() -> None:
    ex = make_exchange()
    orders = [order_cmd(ALICE, BUY, 1, Decimal(50000) + i) for i in range(25)]

    items = ex.place_batch(PlaceBatch(ALICE, orders), NOW).reply

    assert [item.index for item in items] == list(range(1, 26))
    assert all(item.placed is not None for item in items)
    assert len(ex.open_orders(ALICE)) == 25


def test_batch_of_more_than_25_is_1052_and_places_nothing() -> None:
    ex = make_exchange()
    orders = [order_cmd(ALICE, BUY, 1, Decimal(50000) + i) for i in range(26)]
    before = snapshot(ex)

    with pytest.raises(HtxError) as info:
        ex.place_batch(PlaceBatch(ALICE, orders), NOW)

    assert info.value.code == 1052  # BATCH_LIMIT_EXCEEDED
    assert info.value.message() == "The number exceeds the batch limit."
    assert snapshot(ex) == before
    assert ex.open_orders(ALICE) == []


def test_empty_batch_is_1066() -> None:
    ex = make_exchange()
    with pytest.raises(HtxError) as info:
        ex.place_batch(PlaceBatch(ALICE, []), NOW)
    assert info.value.code == 1066  # FIELD_EMPTY
    assert info.value.message() == empty("orders_data")


def test_an_order_of_another_uid_refuses_the_whole_batch_before_any_is_placed() -> None:
    ex = make_exchange()
    sell(ex, BOB, 1, "60000")
    orders = [order_cmd(ALICE, BUY, 1, "60000"), order_cmd(BOB, BUY, 1, "59000")]
    before = snapshot(ex)

    with pytest.raises(HtxError) as info:  # the HTTP layer never builds one; refuse, not crash
        ex.place_batch(PlaceBatch(ALICE, orders), NOW)

    assert info.value.code == ErrorCode.ILLEGAL_PARAMETER
    assert snapshot(ex) == before  # the first order did not trade before the refusal
    assert ex.state.traded == {}
