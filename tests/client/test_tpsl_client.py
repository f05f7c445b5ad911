"""The clients' take-profit / stop-loss calls against the real app: swap_tpsl_order,
swap_relation_tpsl_order, and tp_*/sl_* on swap_order and in batch orders (sync and async)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AsyncHtxSwapClient,
    HtxApiError,
    HtxSwapClient,
    OrderRequest,
    RelationTpslOrder,
    TpslPlaced,
)
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS

from .conftest import SANDBOX_URL, clock_now


def open_long(trader: HtxSwapClient, second: HtxSwapClient, volume: int = 2) -> None:
    second.swap_order("BTC-USD", direction="sell", offset="open", volume=volume, lever_rate=5,
                      price="60000")  # fmt: skip
    trader.swap_order("BTC-USD", direction="buy", offset="open", volume=volume, lever_rate=5,
                      price="60000")  # fmt: skip


def test_swap_tpsl_order_places_both_legs(trader: HtxSwapClient, second: HtxSwapClient) -> None:
    open_long(trader, second)
    placed = trader.swap_tpsl_order(
        "BTC-USD", direction="sell", volume=2,
        tp_trigger_price=61000, tp_order_price="61000",
        sl_trigger_price=Decimal(59000), sl_order_price_type="optimal_5",
    )  # fmt: skip
    assert isinstance(placed, TpslPlaced)
    assert placed.tp_order is not None and placed.sl_order is not None
    assert placed.sl_order.order_id == placed.tp_order.order_id + 1
    only = trader.swap_tpsl_order("BTC-USD", direction="sell", volume=1, sl_trigger_price=58000,
                                  sl_order_price=58000)  # fmt: skip
    assert only.tp_order is None and only.sl_order is not None


def test_swap_tpsl_order_errors_are_typed(trader: HtxSwapClient) -> None:
    with pytest.raises(HtxApiError) as info:
        trader.swap_tpsl_order("BTC-USD", direction="sell", volume=1, tp_trigger_price=61000,
                               tp_order_price=61000)  # fmt: skip
    assert info.value.err_code == 1048


def test_swap_order_with_legs_and_the_relation(trader: HtxSwapClient) -> None:
    placed = trader.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="60000",
        tp_trigger_price="62000", tp_order_price_type="optimal_5",
        sl_trigger_price="59000", sl_order_price="58990",
    )  # fmt: skip
    relation = trader.swap_relation_tpsl_order("BTC-USD", placed.order_id)
    assert isinstance(relation, RelationTpslOrder)
    assert relation.order_id == placed.order_id and relation.status == 3
    tp, sl = relation.tpsl_order_info
    assert (tp.tpsl_order_type, tp.trigger_price, tp.order_price) == ("tp", Decimal(62000), 0)
    assert (sl.tpsl_order_type, sl.order_price, sl.status) == ("sl", Decimal(58990), 1)
    assert tp.relation_tpsl_order_id == sl.order_id_str and tp.relation_order_id == "-1"
    [order] = trader.swap_order_info("BTC-USD", order_id=placed.order_id)
    assert order.is_tpsl == 1


def test_batch_orders_carry_legs(trader: HtxSwapClient) -> None:
    with_legs = OrderRequest(
        contract_code="BTC-USD", direction="sell", offset="open", volume=1, lever_rate=5,
        price=Decimal(61000), sl_trigger_price=Decimal(62000), sl_order_price_type="optimal_5",
    )  # fmt: skip
    result = trader.swap_batchorder([with_legs])
    [success] = result.success
    [sl] = trader.swap_relation_tpsl_order("BTC-USD", success.order_id).tpsl_order_info
    assert (sl.direction, sl.trigger_type) == ("buy", "ge")


@pytest.mark.anyio
async def test_the_async_client_has_the_same_calls(app: Any, clock: ManualClock) -> None:
    async with AsyncHtxSwapClient(
        KEYS.trader.access, KEYS.trader.secret, base_url=SANDBOX_URL, now=clock_now(clock),
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 123)),
    ) as client:  # fmt: skip
        placed = await client.swap_order(
            "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="60000",
            sl_trigger_price=59000, sl_order_price=59000,
        )  # fmt: skip
        relation = await client.swap_relation_tpsl_order("BTC-USD", str(placed.order_id))
        assert [leg.tpsl_order_type for leg in relation.tpsl_order_info] == ["sl"]
        with pytest.raises(HtxApiError) as info:
            await client.swap_tpsl_order("BTC-USD", direction="buy", volume=1,
                                         tp_trigger_price=59000, tp_order_price=59000)  # fmt: skip
        assert info.value.err_code == 1048
