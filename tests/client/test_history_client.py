"""The clients' history methods (v3 swap_hisorders, _exact, swap_matchresults, _exact; v1
swap_hisorders_exact, swap_matchresults, swap_matchresults_exact) against the real app, each
with its typed result and the paging it offers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.client import (
    AsyncHtxSwapClient,
    ExactHistoryOrder,
    ExactHistoryPage,
    HtxSwapClient,
    InvalidParameter,
    MatchResult,
    MatchResultsExactPage,
    MatchResultsPage,
)
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS

from .conftest import SANDBOX_URL, clock_now


def sweep(trader: HtxSwapClient, second: HtxSwapClient) -> int:
    """Two asks of `second` taken by one buy of `trader`: one match of two fills."""
    for price in (60000, 60010):
        second.swap_order("BTC-USD", direction="sell", offset="open", volume=1, lever_rate=5,
                          price=price)  # fmt: skip
    return trader.swap_order("BTC-USD", direction="buy", offset="open", volume=2,
                             lever_rate=5, price=60010).order_id  # fmt: skip


def test_order_history_with_query_id_paging(
    trader: HtxSwapClient, second: HtxSwapClient, clock: ManualClock
) -> None:
    ids = []
    for n in range(3):
        placed = trader.swap_order("BTC-USD", direction="buy", offset="open", volume=1,
                                   lever_rate=5, price=50000 + n)  # fmt: skip
        ids.append(placed.order_id)
        clock.advance(1000)
    taker = sweep(trader, second)

    rows = trader.swap_hisorders_v3("BTC-USD", size=2)
    assert all(isinstance(r, ExactHistoryOrder) for r in rows)
    assert [r.query_id for r in rows] == [taker, ids[2]]
    assert rows[0].update_time is not None and rows[0].order_price_type == "limit"
    avg = rows[0].trade_avg_price  # the harmonic mean of 60000 and 60010 (an inverse swap)
    assert rows[0].status == 6 and avg is not None and 60000 < avg < 60005
    rest = trader.swap_hisorders_v3("BTC-USD", from_id=rows[-1].query_id)
    assert [r.query_id for r in rest] == [ids[1], ids[0]]
    finished = trader.swap_hisorders_exact_v3("BTC-USD", type=2)
    assert [(r.order_id, r.update_time) for r in finished] == [(taker, None)]

    page = trader.swap_hisorders_exact("BTC-USD", status=[3], size=2)
    assert isinstance(page, ExactHistoryPage)
    assert ([o.order_id for o in page.orders], page.remain_size, page.next_id) == (
        [ids[2], ids[1]], 1, ids[0],
    )  # fmt: skip
    last = trader.swap_hisorders_exact("BTC-USD", status=[3], size=2, from_id=page.next_id)
    assert ([o.order_id for o in last.orders], last.next_id) == ([ids[0]], None)
    with pytest.raises(InvalidParameter):
        trader.swap_hisorders_exact("BTC-USD", size=51)


def test_match_results_share_the_match_id_of_one_taker_order(
    trader: HtxSwapClient, second: HtxSwapClient
) -> None:
    taker = sweep(trader, second)

    fills = trader.swap_matchresults_exact_v3("BTC-USD")
    assert all(isinstance(f, MatchResult) for f in fills)
    assert [f.order_id for f in fills] == [taker, taker]
    assert len({f.match_id for f in fills}) == 1 and len({f.query_id for f in fills}) == 2
    assert [f.trade_price for f in fills] == [Decimal(60010), Decimal(60000)]
    assert trader.swap_matchresults_v3("BTC-USD", direct="next") == fills[::-1]
    makers = second.swap_matchresults_v3("BTC-USD", trade_type=2)
    assert {(f.match_id, f.role) for f in makers} == {(fills[0].match_id, "Maker")}

    page = trader.swap_matchresults("BTC-USD", create_date=1000, page_size=1)
    assert isinstance(page, MatchResultsPage)
    assert (page.total_size, page.total_page, page.trades[0].query_id) == (2, 2, None)
    exact = trader.swap_matchresults_exact("BTC-USD", size=1)
    assert isinstance(exact, MatchResultsExactPage)
    assert (exact.trades[0].query_id, exact.remain_size, exact.next_id) == (
        fills[0].query_id, 1, fills[1].query_id,
    )  # fmt: skip


@pytest.mark.anyio
async def test_the_async_client_has_the_same_calls(
    app: Any, clock: ManualClock, trader: HtxSwapClient, second: HtxSwapClient
) -> None:
    taker = sweep(trader, second)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 123))
    async with AsyncHtxSwapClient(
        KEYS.trader.access, KEYS.trader.secret, base_url=SANDBOX_URL, transport=transport,
        now=clock_now(clock),
    ) as client:  # fmt: skip
        assert [r.order_id for r in await client.swap_hisorders_v3("BTC-USD")] == [taker]
        assert [r.order_id for r in await client.swap_hisorders_exact_v3("BTC-USD")] == [taker]
        assert [o.order_id for o in (await client.swap_hisorders_exact("BTC-USD")).orders] == [
            taker
        ]
        fills = await client.swap_matchresults_v3("BTC-USD")
        assert await client.swap_matchresults_exact_v3("BTC-USD") == fills
        assert len((await client.swap_matchresults("BTC-USD")).trades) == 2
        assert (await client.swap_matchresults_exact("BTC-USD")).trades == fills
