"""ccxt's order and trade history (fetch_orders, fetch_closed_orders, fetch_canceled_orders,
fetch_my_trades) against a real server, sync and async, with `since`/`limit` paging; every
result checked against the server's own answer (HtxSwapClient signed with the same key).

ccxt calls v3 swap_hisorders (`contract`, `type` 1, `trade_type` 0, `status` "0" / "6" /
"5,7", `start_time` = since) and v3 swap_matchresults_exact (`contract`, `trade_type` 0,
`start_time` = since, and `page_size` = limit, which HTX's v3 does not know: ccxt applies the
limit itself, to the oldest of the rows it got)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.client import ExactHistoryOrder, HtxSwapClient, MatchResult

from .conftest import CODE, SYMBOL, Account, Sandbox, run_snippet

ccxt = pytest.importorskip("ccxt")

FAR_BID = 40000
TAKING_BID = 62000
OPEN = {"offset": "open", "leverRate": 5}
CCXT_STATUS = {3: "open", 4: "open", 5: "canceled", 6: "closed", 7: "canceled"}


@pytest.fixture
def account(sandbox: Sandbox) -> Account:
    return sandbox.account()


@pytest.fixture
def exchange(make_exchange: Callable[[Account], Any], account: Account) -> Any:
    return make_exchange(account)


@pytest.fixture
def server(sandbox: Sandbox, account: Account) -> Iterator[HtxSwapClient]:
    with sandbox.client(account) as client:
        yield client


def next_ms() -> None:
    """Orders a millisecond apart, so that `since` can tell them apart (not a timing check)."""
    time.sleep(0.003)


def make_history(exchange: Any) -> tuple[list[str], int, int]:
    """Three resting bids (the first cancelled), then (after `middle`) two taking bids and a
    bid cancelled at once: the ids in order of creation, the server's time before them all
    and `middle`."""
    start = exchange.fetch_time()
    next_ms()
    ids = []
    for n in range(3):
        ids.append(exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID + n, OPEN)["id"])
        next_ms()
    exchange.cancel_order(ids[0], SYMBOL)
    middle = exchange.fetch_time()
    next_ms()
    for _ in range(2):
        ids.append(exchange.create_order(SYMBOL, "limit", "buy", 3, TAKING_BID, OPEN)["id"])
        next_ms()
    ids.append(exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)["id"])
    exchange.cancel_order(ids[-1], SYMBOL)
    return ids, start, middle


def check_against_server(orders: list[dict[str, Any]], rows: list[ExactHistoryOrder]) -> None:
    """ccxt's orders are the server's rows: same ids, status, amounts, prices and times."""
    by_id = {str(r.order_id): r for r in rows}
    assert sorted(o["id"] for o in orders) == sorted(by_id)
    for order in orders:
        row = by_id[order["id"]]
        assert order["status"] == CCXT_STATUS[row.status]
        assert (order["amount"], order["filled"]) == (row.volume, row.trade_volume)
        assert Decimal(str(order["price"])) == row.price
        assert order["timestamp"] == row.create_date
        assert (order["side"], order["symbol"]) == (row.direction, SYMBOL)


def check_trades(trades: list[dict[str, Any]], fills: list[MatchResult]) -> None:
    by_id = {f.id: f for f in fills}
    assert sorted(t["id"] for t in trades) == sorted(by_id)
    for trade in trades:
        fill = by_id[trade["id"]]
        assert trade["order"] == fill.order_id_str
        assert Decimal(str(trade["price"])) == fill.trade_price
        assert trade["amount"] == fill.trade_volume
        assert trade["takerOrMaker"] == fill.role.lower()
        assert trade["timestamp"] == fill.create_date
        assert Decimal(str(trade["fee"]["cost"])) == -fill.trade_fee


def kept(rows: list[Any], limit: int, key: Callable[[Any], int], *, since: bool) -> list[Any]:
    """What ccxt keeps of an answer for `limit` after a stable sort by time: with `since` the
    oldest, without it the newest (base/exchange.py filter_by_since_limit)."""
    ordered = sorted(rows, key=key)
    return ordered[:limit] if since else ordered[-limit:]


def date(fill: MatchResult) -> int:
    return fill.create_date


def test_fetch_orders_closed_and_canceled_with_since_and_limit(
    exchange: Any, server: HtxSwapClient
) -> None:
    ids, start, middle = make_history(exchange)
    rows = server.swap_hisorders_v3(CODE, size=100)
    assert [str(r.order_id) for r in rows] == ids[::-1]  # newest first

    check_against_server(exchange.fetch_orders(SYMBOL), rows)
    closed = exchange.fetch_closed_orders(SYMBOL)
    check_against_server(closed, [r for r in rows if r.status == 6])
    assert {o["id"] for o in closed} == set(ids[3:5])  # the two taking bids filled
    canceled = exchange.fetch_canceled_orders(SYMBOL)
    check_against_server(canceled, server.swap_hisorders_v3(CODE, status=[5, 7]))
    assert {o["id"] for o in canceled} == {ids[0], ids[5]}
    # since is the window's start_time: the orders created from then on
    later = exchange.fetch_orders(SYMBOL, since=middle)
    check_against_server(later, server.swap_hisorders_v3(CODE, start_time=middle))
    assert [o["id"] for o in later] == ids[3:]
    # limit: ccxt keeps the newest of what the server answered (the oldest, given since)
    two = exchange.fetch_orders(SYMBOL, limit=2)
    newest = kept(rows, 2, lambda r: r.create_date, since=False)
    assert [o["id"] for o in two] == [str(r.order_id) for r in newest] == ids[4:]
    # paging by since and limit walks every order once, oldest first
    walked: list[str] = []
    since = start
    while True:
        page = exchange.fetch_orders(SYMBOL, since=since, limit=2)
        if not page:
            break
        walked += [o["id"] for o in page]
        since = page[-1]["timestamp"] + 1
    assert walked == ids
    # HTX's own paging goes through params: direct next from a query_id
    after = exchange.fetch_orders(SYMBOL, params={"direct": "next", "from_id": int(ids[1])})
    assert [o["id"] for o in after] == ids[2:]


def test_fetch_my_trades_with_since_and_limit(exchange: Any, server: HtxSwapClient) -> None:
    ids, start, middle = make_history(exchange)
    fills = server.swap_matchresults_exact_v3(CODE, size=100)
    assert {f.order_id_str for f in fills} == set(ids[3:5])
    for order_id in ids[3:5]:  # one match id per taking order, whatever it swept
        assert len({f.match_id for f in fills if f.order_id_str == order_id}) == 1

    mine = exchange.fetch_my_trades(SYMBOL)
    check_trades(mine, fills)
    later = exchange.fetch_my_trades(SYMBOL, since=middle)
    check_trades(later, server.swap_matchresults_exact_v3(CODE, start_time=middle))
    two = exchange.fetch_my_trades(SYMBOL, limit=2)
    assert [t["id"] for t in two] == [f.id for f in kept(fills, 2, date, since=False)]
    first = exchange.fetch_my_trades(SYMBOL, since=start, limit=1)
    assert [t["id"] for t in first] == [f.id for f in kept(fills, 1, date, since=True)]
    # paging by since (the fills of one match share a millisecond: the next page starts at
    # the last one's time, and ids already seen are dropped)
    walked: dict[str, None] = {}
    since = start
    while True:
        page = exchange.fetch_my_trades(SYMBOL, since=since, limit=4)
        new = [t["id"] for t in page if t["id"] not in walked]
        if not new:
            break
        walked.update(dict.fromkeys(new))
        since = page[-1]["timestamp"]
    assert list(walked) == [f.id for f in sorted(fills, key=lambda f: f.query_id or 0)]


def test_the_async_exchange_fetches_the_same_history(
    sandbox: Sandbox, exchange: Any, account: Account, server: HtxSwapClient
) -> None:
    ids, _, middle = make_history(exchange)
    cls = run_snippet(2, sandbox, account)["AsyncHtxSandbox"]

    async def main() -> tuple[list[Any], ...]:
        async_exchange = cls({
            "apiKey": account.access_key,
            "secret": account.secret_key,
            "enableRateLimit": False,
            "has": {"fetchCurrencies": False},
            "options": {"defaultType": "swap", "defaultSubType": "inverse"},
            "urls": {
                "hostnames": {"contract": f"127.0.0.1:{sandbox.port}"},
                "api": {"contract": "http://{hostname}"},
            },
        })  # fmt: skip
        try:
            await async_exchange.load_markets()
            return await asyncio.gather(
                async_exchange.fetch_orders(SYMBOL),
                async_exchange.fetch_closed_orders(SYMBOL),
                async_exchange.fetch_canceled_orders(SYMBOL),
                async_exchange.fetch_orders(SYMBOL, since=middle, limit=2),
                async_exchange.fetch_my_trades(SYMBOL),
                async_exchange.fetch_my_trades(SYMBOL, since=middle, limit=1),
            )
        finally:
            await async_exchange.close()

    orders, closed, canceled, page, trades, first_trade = asyncio.run(main())
    rows = server.swap_hisorders_v3(CODE, size=100)
    check_against_server(orders, rows)
    check_against_server(closed, [r for r in rows if r.status == 6])
    check_against_server(canceled, [r for r in rows if r.status in (5, 7)])
    assert [o["id"] for o in page] == ids[3:5]
    fills = server.swap_matchresults_exact_v3(CODE, size=100)
    check_trades(trades, fills)
    assert [t["id"] for t in first_trade] == [f.id for f in kept(fills, 1, date, since=True)]
