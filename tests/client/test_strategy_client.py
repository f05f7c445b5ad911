"""The clients' strategy-order methods against the real app: orders of the three kinds placed
through their endpoints, cancelled and queried, each with its typed result."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AsyncHtxSwapClient,
    CancelResult,
    HtxApiError,
    HtxSwapClient,
    InvalidParameter,
    NoOrdersToCancel,
    RateLimited,
    StrategyOrdersPage,
    TpslHistoryOrder,
    TpslOrder,
    TrackHistoryOrder,
    TrackOrder,
    TriggerHistoryOrder,
    TriggerOrder,
)
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS, Key
from tests.texts import invalid

from .conftest import SANDBOX_URL, clock_now


def place(client: HtxSwapClient, **changes: Any) -> int:
    fields: dict[str, Any] = {
        "trigger_type": "ge", "trigger_price": "61000", "order_price": Decimal("61000.5"),
        "volume": 2, "direction": "buy", "offset": "open", "lever_rate": 5,
    }  # fmt: skip
    fields.update(changes)
    return client.swap_trigger_order("BTC-USD", **fields).order_id


def test_trigger_order_placed_listed_cancelled_and_in_history(
    trader: HtxSwapClient, clock: ManualClock
) -> None:
    order_id = place(trader)
    page = trader.swap_trigger_openorders("BTC-USD")
    assert isinstance(page, StrategyOrdersPage)
    (row,) = page.orders
    assert isinstance(row, TriggerOrder)
    assert (row.order_id, row.order_id_str, row.trigger_type) == (order_id, str(order_id), "ge")
    assert (row.trigger_price, row.order_price, row.volume) == (
        Decimal(61000), Decimal("61000.5"), Decimal(2),
    )  # fmt: skip
    assert isinstance(row.order_price, Decimal) and row.lever_rate == 5
    clock.advance(1000)
    result = trader.swap_trigger_cancel("BTC-USD", [order_id, 7002236])
    assert isinstance(result, CancelResult)
    assert result.successes == [order_id]
    assert [(e.order_id, e.err_code) for e in result.errors] == [("7002236", 1061)]
    history = trader.swap_trigger_hisorders("BTC-USD", status=[6], create_date=1)
    (done,) = history.orders
    assert isinstance(done, TriggerHistoryOrder)
    assert (done.status, done.relation_order_id, done.triggered_price) == (6, "-1", None)
    assert done.canceled_at == done.update_time == clock.now()
    assert (history.total_page, history.current_page, history.total_size) == (1, 1, 1)


def test_trigger_cancelall_with_filters_and_nothing_left(trader: HtxSwapClient) -> None:
    buy, sell = place(trader), place(trader, direction="sell", offset="close")
    assert trader.swap_trigger_cancelall("BTC-USD", direction="sell").successes == [sell]
    assert trader.swap_trigger_cancelall("BTC-USD", offset="open").successes == [buy]
    with pytest.raises(NoOrdersToCancel):
        trader.swap_trigger_cancelall("BTC-USD")


def test_trigger_open_orders_paged_and_filtered(trader: HtxSwapClient, clock: ManualClock) -> None:
    ids = []
    for _ in range(3):
        ids.append(place(trader, order_price_type="optimal_5", order_price=None))
        clock.advance(1000)  # HTX's 5 placements a second
    page = trader.swap_trigger_openorders("BTC-USD", page_index=2, page_size=2, trade_type=1)
    assert [o.order_id for o in page.orders] == [ids[0]]
    assert page.orders[0].order_price == 0
    assert trader.swap_trigger_openorders("BTC-USD", trade_type=4).orders == []


def test_bad_requests_raise_the_typed_error(trader: HtxSwapClient) -> None:
    with pytest.raises(InvalidParameter) as raised:
        trader.swap_trigger_hisorders("BTC-USD", status=2)
    assert (raised.value.err_code, raised.value.err_msg) == (
        1067,
        invalid("status"),
    )


def test_the_strategy_limit_raises_rate_limited(trader: HtxSwapClient) -> None:
    for _ in range(5):
        place(trader)
    with pytest.raises(RateLimited):
        place(trader)


def open_long(trader: HtxSwapClient, second: HtxSwapClient) -> None:
    """The trader buys 1 at 60000 from UID 2: the latest price stays the reference price."""
    second.swap_order("BTC-USD", direction="sell", offset="open", volume=1, lever_rate=5,
                      price=60000)  # fmt: skip
    trader.swap_order("BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5,
                      price=60000)  # fmt: skip


def test_tpsl_methods(trader: HtxSwapClient, second: HtxSwapClient) -> None:
    open_long(trader, second)
    placed = trader.swap_tpsl_order(
        "BTC-USD", direction="sell", volume=1, tp_trigger_price=62000, tp_order_price=62000,
        sl_trigger_price=58000, sl_order_price_type="optimal_5",
    )  # fmt: skip
    assert placed.tp_order is not None and placed.sl_order is not None
    tp, sl = placed.tp_order.order_id, placed.sl_order.order_id
    page = trader.swap_tpsl_openorders("BTC-USD", trade_type=4)
    legs = {o.order_id: o for o in page.orders}
    assert set(legs) == {tp, sl}
    assert all(isinstance(o, TpslOrder) for o in legs.values())
    assert (legs[tp].tpsl_order_type, legs[tp].relation_tpsl_order_id) == ("tp", str(sl))
    assert legs[sl].source_order_id is None
    assert trader.swap_tpsl_cancel("BTC-USD", str(tp)).successes == [tp]
    assert trader.swap_tpsl_cancelall("BTC-USD", direction="sell").successes == [sl]
    (first, second) = trader.swap_tpsl_hisorders("BTC-USD", sort_by="update_time").orders
    assert isinstance(first, TpslHistoryOrder) and first.status == 6
    assert {first.order_id, second.order_id} == {tp, sl}


def test_track_methods(trader: HtxSwapClient) -> None:
    order_id = trader.swap_track_order(
        "BTC-USD", direction="sell", offset="open", volume=1, callback_rate="0.003",
        active_price=61000, lever_rate=5,
    ).order_id  # fmt: skip
    (row,) = trader.swap_track_openorders("BTC-USD", page_size=50).orders
    assert isinstance(row, TrackOrder)
    assert (row.callback_rate, row.active_price, row.is_active) == (
        Decimal("0.003"), Decimal(61000), 0,
    )  # fmt: skip
    assert trader.swap_track_cancel("BTC-USD", order_id).successes == [order_id]
    with pytest.raises(NoOrdersToCancel):
        trader.swap_track_cancelall("BTC-USD", direction="sell", offset="open")
    (done,) = trader.swap_track_hisorders("BTC-USD", status=(4, 5, 6), sort_by="create_date").orders
    assert isinstance(done, TrackHistoryOrder)
    assert (done.order_id, done.status, done.real_volume, done.formula_price) == (
        order_id, 6, 0, None,
    )  # fmt: skip


def test_swap_track_order_placed_and_listed(trader: HtxSwapClient) -> None:
    placed = trader.swap_track_order(
        "BTC-USD", direction="buy", offset="open", volume=3, callback_rate=Decimal("0.005"),
        active_price="59000.5", lever_rate=5,
    )  # fmt: skip
    assert placed.order_id_str == str(placed.order_id) and placed.client_order_id is None
    (row,) = trader.swap_track_openorders("BTC-USD").orders
    assert (row.order_id, row.direction, row.offset, row.volume, row.lever_rate) == (
        placed.order_id, "buy", "open", 3, 5,
    )  # fmt: skip
    assert (row.callback_rate, row.active_price, row.is_active, row.order_price_type) == (
        Decimal("0.005"), Decimal("59000.5"), 0, "formula_price",
    )  # fmt: skip
    with pytest.raises(HtxApiError) as wrong_side:  # a sell activates above the latest price
        trader.swap_track_order(
            "BTC-USD", direction="sell", offset="open", volume=1, callback_rate="0.01",
            active_price=59000, order_price_type="optimal_5", lever_rate=5,
        )  # fmt: skip
    assert wrong_side.value.err_code == 1426


def async_client(app: Any, clock: ManualClock, key: Key) -> AsyncHtxSwapClient:
    return AsyncHtxSwapClient(
        key.access,
        key.secret,
        base_url=SANDBOX_URL,
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 123)),
        now=clock_now(clock),
    )


@pytest.fixture
async def async_trader(app: Any, clock: ManualClock) -> AsyncIterator[AsyncHtxSwapClient]:
    async with async_client(app, clock, KEYS.trader) as client:
        yield client


@pytest.fixture
async def async_second(app: Any, clock: ManualClock) -> AsyncIterator[AsyncHtxSwapClient]:
    async with async_client(app, clock, KEYS.second) as client:
        yield client


@pytest.mark.anyio
async def test_the_async_client_has_the_same_calls(
    async_trader: AsyncHtxSwapClient, async_second: AsyncHtxSwapClient
) -> None:
    placed = await async_trader.swap_trigger_order(
        "BTC-USD", trigger_type="le", trigger_price=59000, volume=1, direction="sell",
        offset="close", order_price_type="optimal_10",
    )  # fmt: skip
    page = await async_trader.swap_trigger_openorders("BTC-USD")
    assert [o.order_id for o in page.orders] == [placed.order_id]
    assert page.orders[0].lever_rate is None  # a close without one, and no holding yet
    assert (await async_trader.swap_trigger_cancelall("BTC-USD")).successes == [placed.order_id]
    history = await async_trader.swap_trigger_hisorders("BTC-USD")
    assert [o.order_id for o in history.orders] == [placed.order_id]
    await async_second.swap_order("BTC-USD", direction="sell", offset="open", volume=1,
                                  lever_rate=5, price=60000)  # fmt: skip
    await async_trader.swap_order("BTC-USD", direction="buy", offset="open", volume=1,
                                  lever_rate=5, price=60000)  # fmt: skip
    await async_trader.swap_tpsl_order(
        "BTC-USD", direction="sell", volume=1, tp_trigger_price=62000, tp_order_price=62000,
        sl_trigger_price=58000, sl_order_price_type="optimal_5",
    )  # fmt: skip
    await async_trader.swap_track_order(
        "BTC-USD", direction="buy", offset="open", volume=1, callback_rate="0.003",
        active_price=59000, lever_rate=5,
    )  # fmt: skip
    assert len((await async_trader.swap_tpsl_openorders("BTC-USD")).orders) == 2
    assert len((await async_trader.swap_tpsl_cancelall("BTC-USD")).successes) == 2
    assert (await async_trader.swap_tpsl_hisorders("BTC-USD", status=6)).total_size == 2
    (track,) = (await async_trader.swap_track_openorders("BTC-USD")).orders
    assert (await async_trader.swap_track_cancel("BTC-USD", track.order_id_str)).successes == [
        track.order_id
    ]
    assert (await async_trader.swap_track_hisorders("BTC-USD")).orders[0].status == 6
    with pytest.raises(NoOrdersToCancel):
        await async_trader.swap_track_cancelall("BTC-USD")
    placed = await async_trader.swap_track_order(
        "BTC-USD", direction="sell", offset="open", volume=1, callback_rate="0.02",
        active_price=Decimal(61000), order_price_type="optimal_20", lever_rate=5,
    )  # fmt: skip
    (track,) = (await async_trader.swap_track_openorders("BTC-USD")).orders
    assert (track.order_id, track.order_price_type) == (placed.order_id, "optimal_20")
    unknown = await async_trader.swap_tpsl_cancel("BTC-USD", "1")
    assert (unknown.successes, [e.err_code for e in unknown.errors]) == ([], [1061])
