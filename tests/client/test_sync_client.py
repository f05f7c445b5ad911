"""HtxSwapClient against the real app: every endpoint's happy path and its typed result."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.client import (
    Account,
    BatchResult,
    CancelResult,
    Depth,
    HtxSwapClient,
    Level,
    NoOrdersToCancel,
    Order,
    OrderPlaced,
    OrderRequest,
    Position,
)
from htx_sandbox.domain.commands import SetIndexPrices
from htx_sandbox.service.engine import Engine


def rest_sell(client: HtxSwapClient, price: str = "60000", volume: int = 2) -> OrderPlaced:
    return client.swap_order(
        "BTC-USD",
        direction="sell",
        offset="open",
        volume=volume,
        lever_rate=5,
        order_price_type="limit",
        price=price,
    )


def test_swap_order_returns_the_order_id_as_int(trader: HtxSwapClient) -> None:
    placed = trader.swap_order(
        "btc-usd",
        direction="buy",
        offset="open",
        volume=1,
        lever_rate=5,
        price=Decimal("59000.1"),
        client_order_id=77,
    )
    assert isinstance(placed.order_id, int)
    assert placed.order_id_str == str(placed.order_id)
    assert placed.client_order_id == 77
    [order] = trader.swap_order_info("BTC-USD", order_id=placed.order_id)
    assert order.price == Decimal("59000.1")
    assert isinstance(order.price, Decimal)
    assert (order.direction, order.offset, order.volume, order.lever_rate) == ("buy", "open", 1, 5)
    assert order.status == 3
    assert order.client_order_id == 77


def test_swap_batchorder_reports_each_order(trader: HtxSwapClient) -> None:
    good = OrderRequest(
        contract_code="BTC-USD",
        direction="buy",
        offset="open",
        volume=1,
        lever_rate=5,
        price=Decimal("50000"),
    )
    off_tick = OrderRequest(
        contract_code="BTC-USD",
        direction="buy",
        offset="open",
        volume=1,
        lever_rate=5,
        price=Decimal("50000.05"),
    )
    result = trader.swap_batchorder([good, off_tick, good])
    assert isinstance(result, BatchResult)
    assert [s.index for s in result.success] == [1, 3]
    assert all(isinstance(s.order_id, int) for s in result.success)
    [error] = result.errors
    assert (error.index, error.err_code) == (2, 1038)
    assert error.err_msg


def test_swap_cancel_by_ids_lists_cancelled_ids_and_per_order_errors(
    trader: HtxSwapClient,
) -> None:
    first = rest_sell(trader, "61000", 1)
    second = rest_sell(trader, "62000", 1)
    result = trader.swap_cancel("BTC-USD", order_id=[first.order_id, second.order_id, 999])
    assert isinstance(result, CancelResult)
    assert sorted(result.successes) == sorted([first.order_id, second.order_id])
    [error] = result.errors
    assert (error.order_id, error.err_code) == ("999", 1061)
    assert trader.swap_openorders("BTC-USD").orders == []


def test_swap_cancel_by_client_order_id(trader: HtxSwapClient) -> None:
    placed = trader.swap_order(
        "BTC-USD",
        direction="buy",
        offset="open",
        volume=1,
        lever_rate=5,
        price="50000",
        client_order_id=5,
    )
    result = trader.swap_cancel("BTC-USD", client_order_id=5)
    assert result.successes == [5]  # named as the request named them, as on HTX
    assert result.errors == []
    [order] = trader.swap_order_info("BTC-USD", order_id=placed.order_id)
    assert order.status == 7


def test_swap_cancelall_cancels_only_the_matching_side(trader: HtxSwapClient) -> None:
    sell = rest_sell(trader)
    buy = trader.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000"
    )
    result = trader.swap_cancelall("BTC-USD", direction="sell")
    assert result.successes == [sell.order_id]
    assert [o.order_id for o in trader.swap_openorders("BTC-USD").orders] == [buy.order_id]
    assert trader.swap_cancelall("BTC-USD").successes == [buy.order_id]
    with pytest.raises(NoOrdersToCancel):
        trader.swap_cancelall("BTC-USD")


def test_swap_switch_lever_rate(trader: HtxSwapClient) -> None:
    result = trader.swap_switch_lever_rate("eth-usd", 10)
    assert (result.contract_code, result.lever_rate) == ("ETH-USD", 10)
    [account] = trader.swap_account_info("ETH-USD")
    assert account.lever_rate == 10


def test_swap_cancel_after_arms_and_disarms_the_switch(trader: HtxSwapClient) -> None:
    armed = trader.swap_cancel_after(True, 10_000)
    assert armed.trigger_time == armed.current_time + 10_000
    disarmed = trader.swap_cancel_after(False)
    assert disarmed.trigger_time is None


def test_swap_openorders_pages(trader: HtxSwapClient) -> None:
    ids = [rest_sell(trader, str(60000 + i), 1).order_id for i in range(3)]
    page = trader.swap_openorders("BTC-USD", page_index=1, page_size=2)
    assert (page.total_size, page.total_page, page.current_page) == (3, 2, 1)
    assert [o.order_id for o in page.orders] == ids[::-1][:2]
    assert all(isinstance(o, Order) and o.update_time is not None for o in page.orders)
    assert trader.swap_openorders(trade_type=1).orders == []


def test_a_trade_shows_in_detail_history_positions_accounts_and_market_data(
    trader: HtxSwapClient, second: HtxSwapClient, public: HtxSwapClient
) -> None:
    maker = rest_sell(trader, "60000", 2)
    taker = second.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5,
        order_price_type="opponent",
    )  # fmt: skip

    detail = trader.swap_order_detail("BTC-USD", maker.order_id)
    assert detail.order_id == maker.order_id
    assert detail.trade_volume == 1
    assert detail.status == 4
    [fill] = detail.trades
    assert fill.trade_price == Decimal(60000)
    assert fill.trade_volume == 1
    assert fill.role == "maker"
    assert isinstance(fill.trade_fee, Decimal) and fill.trade_fee < 0
    assert detail.total_size == 1

    history = second.swap_hisorders("BTC-USD", type=2, status=[6], create_date=1)
    assert [o.order_id for o in history.orders] == [taker.order_id]
    assert history.orders[0].order_price_type == 3  # opponent, as an integer code
    assert history.orders[0].trade_avg_price == Decimal(60000)

    [position] = second.swap_position_info("BTC-USD")
    assert isinstance(position, Position)
    assert (position.direction, position.volume, position.lever_rate) == ("buy", 1, 5)
    assert position.cost_open == Decimal(60000)

    accounts = second.swap_account_info()
    assert {a.contract_code for a in accounts} == {"BTC-USD", "ETH-USD"}
    btc = next(a for a in accounts if a.contract_code == "BTC-USD")
    assert isinstance(btc, Account)
    assert btc.margin_position > 0
    assert btc.margin_static < Decimal(10)  # the taker fee was paid

    depth = public.market_depth("BTC-USD")
    assert isinstance(depth, Depth)
    assert depth.ch == "market.BTC-USD.depth.step0"
    assert depth.asks == [Level(Decimal(60000), 1)]
    assert depth.bids == []

    merged = public.market_detail_merged("BTC-USD")
    assert merged.close == Decimal(60000)
    assert (merged.vol, merged.count) == (2, 2)  # HTX counts both sides
    assert merged.ask == Level(Decimal(60000), 1)
    assert merged.bid is None

    trades = public.market_trade("BTC-USD")
    [printed] = trades.data
    assert (printed.price, printed.amount, printed.direction) == (Decimal(60000), 2, "buy")
    assert public.market_trade().ch == "market.*.trade.detail"


def test_swap_order_info_by_client_order_ids(trader: HtxSwapClient) -> None:
    for coid in (1, 2):
        trader.swap_order(
            "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000",
            client_order_id=coid,
        )  # fmt: skip
    orders = trader.swap_order_info("BTC-USD", client_order_id=[1, 2])
    assert sorted(o.client_order_id or 0 for o in orders) == [1, 2]


def test_public_endpoints_need_no_keys(public: HtxSwapClient, clock_ms: int) -> None:
    contracts = public.swap_contract_info()
    btc = next(c for c in contracts if c.contract_code == "BTC-USD")
    assert (btc.contract_size, btc.price_tick) == (Decimal(100), Decimal("0.1"))
    assert [c.contract_code for c in public.swap_contract_info("eth-usd")] == ["ETH-USD"]
    assert public.timestamp() == clock_ms
    beat = public.heartbeat()
    assert beat.heartbeat == 1 and beat.swap_heartbeat == 1


def test_empty_book_detail_merged_has_no_sides(public: HtxSwapClient) -> None:
    merged = public.market_detail_merged("ETH-USD")
    assert merged.bid is None and merged.ask is None
    assert merged.vol == 0


def test_context_manager_closes_the_client(make_client: object) -> None:
    with HtxSwapClient(base_url="http://sandbox.test") as client:
        assert str(client.base_url) == "http://sandbox.test"
    with pytest.raises(RuntimeError):
        client.heartbeat()


def test_base_url_defaults_to_htx() -> None:
    with HtxSwapClient() as client:
        assert str(client.base_url) == "https://api.hbdm.com"


def test_swap_lightning_close_position_closes_a_long(
    trader: HtxSwapClient, second: HtxSwapClient
) -> None:
    rest_sell(second, "60000", 2)
    trader.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=2, lever_rate=5, price="60000"
    )
    second.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=2, lever_rate=5, price="59000"
    )
    placed = trader.swap_lightning_close_position(
        "BTC-USD", direction="sell", volume=2, client_order_id=5
    )
    assert placed.client_order_id == 5
    [order] = trader.swap_order_info("BTC-USD", order_id=placed.order_id)
    assert (order.order_price_type, order.offset, order.status) == ("lightning", "close", 6)
    assert trader.swap_position_info("BTC-USD") == []


def test_klines_tickers_and_open_interest(
    trader: HtxSwapClient, second: HtxSwapClient, public: HtxSwapClient, engine: Engine
) -> None:
    rest_sell(trader, "60000", 2)
    second.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=2, lever_rate=5,
        order_price_type="opponent",
    )  # fmt: skip
    klines = public.market_history_kline("BTC-USD", "1min", size=3)
    assert klines.ch == "market.BTC-USD.kline.1min"
    [bar] = klines.data
    assert (bar.open, bar.close, bar.vol, bar.count) == (Decimal(60000), Decimal(60000), 4, 2)
    ranged = public.market_history_kline("BTC-USD", "1day", start=bar.id, end=bar.id + 60)
    assert [b.vol for b in ranged.data] == [4]
    mark = public.swap_mark_price_kline("BTC-USD", "1min", 1)
    assert mark.ch == "market.BTC-USD.mark_price.1min"
    assert (mark.data[0].close, mark.data[0].vol) == (Decimal(60000), 0)
    ticks = {t.contract_code: t for t in public.market_batch_merged()}
    assert set(ticks) == {"BTC-USD", "ETH-USD"}
    assert (ticks["BTC-USD"].vol, ticks["BTC-USD"].number_of) == (4, None)
    [v2] = public.market_batch_merged("BTC-USD", v2=True)
    assert (v2.vol, v2.number_of) == (400, 4)
    [interest] = public.swap_open_interest("BTC-USD")
    assert (interest.volume, interest.trade_volume) == (2, 4)
    history = public.swap_his_open_interest("BTC-USD", "60min", size=1)
    assert [(t.volume, t.amount_type) for t in history.tick] == [(2, 1)]
    engine.execute(SetIndexPrices({"BTC-USD": Decimal(59000)}))
    [basis] = public.swap_basis("BTC-USD", "1min", 2, basis_price_type="close").data
    assert (basis.id, basis.contract_price, basis.index_price) == (bar.id, 60000, 59000)
    assert (basis.basis, basis.basis_rate) == (1000, Decimal("0.016949152542372881"))
