"""ccxt's sync `htx` against a real server: every result checked against the server's own view
(HtxSwapClient signed with the same key, or the admin API)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.client import HtxSwapClient

from .conftest import CODE, SYMBOL, Account, Sandbox, doc_snippets, fill, run_snippet

ccxt = pytest.importorskip("ccxt")

FAR_BID = 40000  # the maker quotes around 60000: these rest
FAR_ASK = 80000
TAKING_BID = 62000
"""Above the maker's asks, and within the price band (63600 around an index near 60000)."""
OPEN = {"offset": "open", "leverRate": 5}
CLOSE = {"offset": "close", "leverRate": 5}


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


def info(server: HtxSwapClient, order_id: str) -> Any:
    [order] = server.swap_order_info(contract_code=CODE, order_id=order_id)
    return order


def open_ids(server: HtxSwapClient) -> set[str]:
    return {str(o.order_id) for o in server.swap_openorders(contract_code=CODE).orders}


# -- the documented snippets -------------------------------------------------------------------


def test_the_documented_snippets_run(sandbox: Sandbox, account: Account) -> None:
    namespace = run_snippet(0, sandbox, account)
    namespace["exchange"].enableRateLimit = False
    code = fill(doc_snippets()[1])
    exec(compile(code, "docs/ccxt.md[python block 1]", "exec"), namespace)
    with sandbox.client(account) as server:
        # the usage block ends with cancel_all_orders: nothing is left open
        assert server.swap_openorders(contract_code=CODE).orders == []


def test_load_markets_gives_the_servers_inverse_swaps(exchange: Any, server: HtxSwapClient) -> None:
    contracts = {c.contract_code: c for c in server.swap_contract_info()}
    markets = {m["id"]: m for m in exchange.markets.values()}
    assert set(markets) == set(contracts)
    btc = exchange.market(SYMBOL)
    assert btc["id"] == CODE and btc["swap"] and btc["inverse"] and not btc["linear"]
    assert btc["settle"] == "BTC" and btc["active"]
    for code, contract in contracts.items():
        assert Decimal(str(markets[code]["contractSize"])) == Decimal(contract.contract_size)
        assert Decimal(str(markets[code]["precision"]["price"])) == Decimal(contract.price_tick)


def test_fetch_time_and_status(exchange: Any, server: HtxSwapClient) -> None:
    assert abs(exchange.fetch_time() - server.timestamp()) < 5000
    status = exchange.fetch_status()
    assert status["status"] == "ok"
    assert server.heartbeat().heartbeat == 1


# -- orders ------------------------------------------------------------------------------------


def test_limit_order_open(exchange: Any, server: HtxSwapClient) -> None:
    order = exchange.create_order(SYMBOL, "limit", "buy", 2, FAR_BID, OPEN)
    seen = info(server, order["id"])
    assert (seen.status, seen.order_price_type, seen.direction, seen.offset) == (
        3, "limit", "buy", "open")  # fmt: skip
    assert seen.volume == 2 and Decimal(seen.price) == FAR_BID and seen.lever_rate == 5
    fetched = exchange.fetch_order(order["id"], SYMBOL)
    assert fetched["status"] == "open" and fetched["amount"] == 2 and fetched["price"] == FAR_BID
    assert fetched["side"] == "buy" and fetched["symbol"] == SYMBOL


@pytest.mark.parametrize("params", [{"postOnly": True}, {"order_price_type": "post_only"}])
def test_post_only(exchange: Any, server: HtxSwapClient, params: dict[str, Any]) -> None:
    resting = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, {**OPEN, **params})
    seen = info(server, resting["id"])
    assert (seen.order_price_type, seen.status) == ("post_only", 3)
    taking = exchange.create_order(SYMBOL, "limit", "buy", 1, TAKING_BID, {**OPEN, **params})
    assert info(server, taking["id"]).status == 7  # would take: cancelled, as HTX documents
    assert exchange.fetch_order(taking["id"], SYMBOL)["status"] == "canceled"


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"timeInForce": "IOC"}, "ioc"),
        ({"timeInForce": "FOK"}, "fok"),
        ({"order_price_type": "ioc"}, "ioc"),
        ({"order_price_type": "fok"}, "fok"),
    ],
)
def test_ioc_and_fok(
    exchange: Any, server: HtxSwapClient, params: dict[str, Any], kind: str
) -> None:
    unfilled = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, {**OPEN, **params})
    seen = info(server, unfilled["id"])
    assert (seen.order_price_type, seen.status, seen.trade_volume) == (kind, 7, 0)
    filled = exchange.create_order(SYMBOL, "limit", "buy", 1, TAKING_BID, {**OPEN, **params})
    seen = info(server, filled["id"])
    assert (seen.status, seen.trade_volume) == (6, 1)
    assert exchange.fetch_order(filled["id"], SYMBOL)["status"] == "closed"


def test_opponent_open_then_close_and_reduce_only(exchange: Any, server: HtxSwapClient) -> None:
    opponent = {"order_price_type": "opponent"}
    opened = exchange.create_order(SYMBOL, "limit", "buy", 3, None, {**OPEN, **opponent})
    seen = info(server, opened["id"])
    assert (seen.order_price_type, seen.status, seen.trade_volume) == ("opponent", 6, 3)
    [long] = [p for p in server.swap_position_info(CODE) if p.direction == "buy"]
    assert long.volume == 3
    positions = exchange.fetch_positions([SYMBOL])
    [mine] = [p for p in positions if p["side"] == "long"]
    assert mine["contracts"] == 3 and mine["symbol"] == SYMBOL

    closed = exchange.create_order(SYMBOL, "limit", "sell", 1, None, {**CLOSE, **opponent})
    seen = info(server, closed["id"])
    assert (seen.offset, seen.direction, seen.status) == ("close", "sell", 6)
    reduced = exchange.create_order(
        SYMBOL, "limit", "sell", 2, None, {**CLOSE, **opponent, "reduceOnly": True}
    )
    seen = info(server, reduced["id"])
    assert (seen.offset, seen.status, seen.trade_volume) == ("close", 6, 2)
    assert [p for p in server.swap_position_info(CODE) if p.volume] == []
    assert [p for p in exchange.fetch_positions([SYMBOL]) if p["contracts"]] == []


def test_close_position_is_a_lightning_close(exchange: Any, server: HtxSwapClient) -> None:
    opponent = {"order_price_type": "opponent"}
    opened = exchange.create_order(SYMBOL, "limit", "buy", 2, None, {**OPEN, **opponent})
    assert info(server, opened["id"]).status == 6
    # ccxt's close_position for an inverse swap: swap_lightning_close_position, amount required.
    closed = exchange.close_position(SYMBOL, "sell", {"amount": 2})
    # ccxt parses an inverse swap's whole reply as the order, so its id is only in `info`.
    assert closed["id"] is None and closed["info"]["status"] == "ok"
    seen = info(server, closed["info"]["data"]["order_id_str"])
    kind = (seen.order_price_type, seen.offset, seen.direction, seen.status, seen.lever_rate)
    assert kind == ("lightning", "close", "sell", 6, 5)
    assert [p for p in server.swap_position_info(CODE) if p.volume] == []
    with pytest.raises(ccxt.InsufficientFunds, match="1048"):  # nothing left to close
        exchange.close_position(SYMBOL, "sell", {"amount": 1})


def test_market_type_is_rejected_as_htx_documents(exchange: Any) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="1034"):
        exchange.create_order(SYMBOL, "market", "buy", 1, None, OPEN)


def test_fetch_open_orders_and_fetch_order(exchange: Any, server: HtxSwapClient) -> None:
    a = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)
    b = exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_ASK, OPEN)
    mine = exchange.fetch_open_orders(SYMBOL)
    assert {o["id"] for o in mine} == {a["id"], b["id"]} == open_ids(server)
    assert {o["side"] for o in mine} == {"buy", "sell"}
    assert {o["id"] for o in exchange.fetch_open_orders()} == {a["id"], b["id"]}


def test_cancel_order_by_id_and_by_client_order_id(exchange: Any, server: HtxSwapClient) -> None:
    by_id = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)
    with_cid = {**OPEN, "clientOrderId": 777}
    by_cid = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, with_cid)
    assert info(server, by_cid["id"]).client_order_id == 777
    assert exchange.fetch_order(None, SYMBOL, {"clientOrderId": 777})["id"] == by_cid["id"]

    cancelled = exchange.cancel_order(by_id["id"], SYMBOL)
    assert cancelled["id"] == by_id["id"] and cancelled["status"] == "canceled"
    assert info(server, by_id["id"]).status == 7
    cancelled = exchange.cancel_order(None, SYMBOL, {"clientOrderId": 777})
    assert cancelled["status"] == "canceled"
    assert info(server, by_cid["id"]).status == 7
    assert open_ids(server) == set()


def test_cancel_orders(exchange: Any, server: HtxSwapClient) -> None:
    ids = [exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)["id"] for _ in range(3)]
    result = exchange.cancel_orders(ids[:2], SYMBOL)
    assert sorted(o["id"] for o in result) == sorted(ids[:2])
    assert all(o["status"] == "canceled" for o in result)
    assert [info(server, i).status for i in ids] == [7, 7, 3]
    assert open_ids(server) == {ids[2]}


# -- cancel_all_orders -------------------------------------------------------------------------


def _four(exchange: Any) -> dict[tuple[str, str], str]:
    """One resting order per (direction, offset): closes need a position of each side first."""
    taker = {"order_price_type": "opponent"}
    exchange.create_order(SYMBOL, "limit", "buy", 2, None, {**OPEN, **taker})
    exchange.create_order(SYMBOL, "limit", "sell", 2, None, {**OPEN, **taker})
    return {
        ("buy", "open"): exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)["id"],
        ("sell", "open"): exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_ASK, OPEN)["id"],
        ("buy", "close"): exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, CLOSE)["id"],
        ("sell", "close"): exchange.create_order(SYMBOL, "limit", "sell", 1, FAR_ASK, CLOSE)["id"],
    }


@pytest.mark.parametrize(
    "params",
    [{}, {"direction": "buy"}, {"offset": "close"}, {"direction": "sell", "offset": "open"}],
    ids=["no-filter", "direction", "offset", "both"],
)
def test_cancel_all_orders(exchange: Any, server: HtxSwapClient, params: dict[str, str]) -> None:
    placed = _four(exchange)
    expected = {
        order_id
        for (direction, offset), order_id in placed.items()
        if params.get("direction", direction) == direction
        and params.get("offset", offset) == offset
    }
    result = exchange.cancel_all_orders(SYMBOL, params)
    returned = {o["id"] for o in result}
    assert returned == expected
    assert all(o["status"] == "canceled" for o in result)
    for order_id in returned:
        assert info(server, order_id).status in (5, 7)
    assert open_ids(server) == set(placed.values()) - expected
    if params:
        exchange.cancel_all_orders(SYMBOL)
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL, params)


def test_cancel_all_orders_with_nothing_open(exchange: Any) -> None:
    with pytest.raises(ccxt.InvalidOrder, match="1051"):
        exchange.cancel_all_orders(SYMBOL)
    exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)
    with pytest.raises(ccxt.InvalidOrder, match="1051"):  # nothing matches the filter
        exchange.cancel_all_orders(SYMBOL, {"direction": "sell"})


# -- account, market data, trades ---------------------------------------------------------------


def test_fetch_balance_agrees_with_the_account(
    exchange: Any, server: HtxSwapClient, sandbox: Sandbox
) -> None:
    before = exchange.fetch_balance()
    assert before["BTC"]["total"] == 10 and before["BTC"]["used"] == 0
    exchange.create_order(SYMBOL, "limit", "buy", 5, FAR_BID, OPEN)
    balance = exchange.fetch_balance()
    [account] = server.swap_account_info(CODE)
    btc = balance["BTC"]
    assert Decimal(str(btc["total"])) == Decimal(account.margin_balance)
    assert Decimal(str(btc["free"])) == Decimal(account.margin_available)
    assert Decimal(str(btc["used"])) == Decimal(account.margin_frozen) + Decimal(
        account.margin_position
    )
    assert btc["used"] > 0


def test_fetch_order_book_and_ticker(exchange: Any, server: HtxSwapClient) -> None:
    # the market maker may requote between two reads: compare snapshots until two agree
    for _ in range(5):
        book = exchange.fetch_order_book(SYMBOL)
        depth = server.market_depth(CODE)
        ticker = exchange.fetch_ticker(SYMBOL)
        merged = server.market_detail_merged(CODE)
        ccxt_view = (book["bids"][:5], book["asks"][:5], ticker["bid"], ticker["ask"])
        server_view = (
            [[float(p), float(v)] for p, v in depth.bids[:5]],
            [[float(p), float(v)] for p, v in depth.asks[:5]],
            float(merged.bid[0]) if merged.bid else None,
            float(merged.ask[0]) if merged.ask else None,
        )
        if ccxt_view == server_view:
            break
    assert ccxt_view == server_view
    assert book["bids"][0][0] < book["asks"][0][0]
    assert book["symbol"] == ticker["symbol"] == SYMBOL


def test_fetch_trades_and_my_trades(exchange: Any, server: HtxSwapClient) -> None:
    order = exchange.create_order(
        SYMBOL, "limit", "buy", 2, None, {**OPEN, "order_price_type": "opponent"}
    )
    detail = server.swap_order_detail(contract_code=CODE, order_id=order["id"])
    fills = {t.id for t in detail.trades}
    assert fills
    public = exchange.fetch_trades(SYMBOL)
    assert public and all(t["symbol"] == SYMBOL for t in public)
    assert any(t["order"] is None or t["side"] == "buy" for t in public)
    mine = exchange.fetch_my_trades(SYMBOL)
    assert {t["id"] for t in mine if t["order"] == order["id"]} == fills
    assert sum(t["amount"] for t in mine if t["order"] == order["id"]) == 2


# -- authentication and signing hosts --------------------------------------------------------


def test_a_wrong_secret_raises_authentication_error(
    make_exchange: Callable[[Account], Any], account: Account
) -> None:
    wrong = Account(account.uid, account.access_key, "0" * len(account.secret_key))
    bad = make_exchange(wrong)  # load_markets is public: it works with any secret
    with pytest.raises(ccxt.AuthenticationError):
        bad.fetch_open_orders(SYMBOL)


@pytest.mark.parametrize("variant", ["urls_hbdm_com", "urls_default", "urls_own_host"])
def test_signing_hosts(
    sandbox: Sandbox, account: Account, server: HtxSwapClient, variant: str
) -> None:
    cls = run_snippet(0, sandbox, account)["HtxSandbox"]
    urls = run_snippet(3, sandbox, account)[variant]
    exchange = cls({
        "apiKey": account.access_key,
        "secret": account.secret_key,
        "enableRateLimit": False,
        "has": {"fetchCurrencies": False},
        "options": {"defaultType": "swap", "defaultSubType": "inverse"},
        "urls": urls,
    })  # fmt: skip
    expected_host = {
        "urls_hbdm_com": "api.hbdm.com",
        "urls_default": "api.hbdm.vn",
        "urls_own_host": f"127.0.0.1:{sandbox.port}",
    }[variant]
    assert exchange.urls["hostnames"]["contract"] == expected_host
    exchange.load_markets()
    order = exchange.create_order(SYMBOL, "limit", "buy", 1, FAR_BID, OPEN)
    assert open_ids(server) == {order["id"]}
    assert {o["id"] for o in exchange.cancel_all_orders(SYMBOL)} == {order["id"]}
    assert open_ids(server) == set()


def test_a_second_account_trades_against_the_first(
    sandbox: Sandbox, make_exchange: Callable[[Account], Any]
) -> None:
    seller_account, buyer_account = sandbox.account(), sandbox.account()
    seller, buyer = make_exchange(seller_account), make_exchange(buyer_account)
    book = buyer.fetch_order_book(SYMBOL)
    price = round(book["asks"][0][0] - 0.1, 1)  # inside the market maker's spread
    assert price > book["bids"][0][0]
    resting = seller.create_order(SYMBOL, "limit", "sell", 1, price, {**OPEN, "postOnly": True})
    taking = buyer.create_order(SYMBOL, "limit", "buy", 1, price, {**OPEN, "timeInForce": "IOC"})
    assert seller.fetch_order(resting["id"], SYMBOL)["status"] == "closed"
    assert buyer.fetch_order(taking["id"], SYMBOL)["status"] == "closed"
    [sold] = seller.fetch_my_trades(SYMBOL)
    [bought] = buyer.fetch_my_trades(SYMBOL)
    assert (sold["takerOrMaker"], bought["takerOrMaker"]) == ("maker", "taker")
    assert sold["price"] == bought["price"] == price
    assert sold["id"].split("-")[0] == bought["id"].split("-")[0]  # one match, two sides
    with sandbox.client(seller_account) as seller_view:
        [short] = seller_view.swap_position_info(CODE)
        assert (short.direction, short.volume) == ("sell", 1)
        [account] = seller_view.swap_account_info(CODE)
    [position] = seller.fetch_positions([SYMBOL])
    assert (position["side"], position["contracts"]) == ("short", 1)
    fee = Decimal(str(sold["fee"]["cost"]))
    assert Decimal(account.margin_static) == 10 - fee  # the maker fee, from the balance


def test_the_trade_history_endpoints_wire_shapes(exchange: Any, server: HtxSwapClient) -> None:
    """routes_extra: HTX's shapes and validation, through ccxt's implicit methods."""
    taker = {**OPEN, "order_price_type": "opponent"}
    exchange.create_order(SYMBOL, "limit", "buy", 1, None, taker)
    public = exchange.contract_public_get_swap_ex_market_history_trade(
        {"contract_code": CODE, "size": 2}
    )
    assert public["status"] == "ok" and public["ch"] == f"market.{CODE}.trade.detail"
    rows = [row for group in public["data"] for row in group["data"]]
    assert 1 <= len(rows) <= 2
    # HTX's documented fields (no trade_turnover), amount, quantity and price as JSON numbers
    assert set(rows[0]) == {"amount", "quantity", "direction", "id", "price", "ts"}
    assert all(isinstance(rows[0][k], int | float) for k in ("amount", "quantity", "price"))
    with pytest.raises(ccxt.ExchangeError, match="invalid size"):
        exchange.contract_public_get_swap_ex_market_history_trade(
            {"contract_code": CODE, "size": 2001}
        )

    mine = exchange.contract_private_post_swap_api_v3_swap_matchresults_exact(
        {"contract": CODE, "trade_type": 1}
    )
    assert mine["code"] == 200 and len(mine["data"]) == 1
    [row] = mine["data"]
    assert (row["direction"], row["offset"], row["role"]) == ("buy", "open", "Taker")
    assert (
        exchange.contract_private_post_swap_api_v3_swap_matchresults_exact(
            {"contract": CODE, "trade_type": 2}
        )["data"]
        == []
    )
    with pytest.raises(ccxt.ExchangeError):  # a window over 48 hours: an illegal parameter
        exchange.contract_private_post_swap_api_v3_swap_matchresults_exact(
            {"contract": CODE, "trade_type": 0, "start_time": 0}
        )


def test_swap_index_and_swap_price_limit_through_ccxts_implicit_api(
    exchange: Any, server: HtxSwapClient
) -> None:
    """No unified call of ccxt reads them (fetch_mark_price and the like go elsewhere); its
    implicit methods for the declared paths do, and get HTX's shapes."""
    index = exchange.contract_public_get_swap_api_v1_swap_index({"contract_code": CODE})
    assert index["status"] == "ok"
    [row] = index["data"]
    assert sorted(row) == ["contract_code", "index_price", "index_ts"]
    assert row["contract_code"] == CODE and 50000 < row["index_price"] < 70000
    limits = exchange.contract_public_get_swap_api_v1_swap_price_limit({"contract_code": CODE})
    [band] = limits["data"]
    assert sorted(band) == ["contract_code", "high_limit", "low_limit", "symbol"]
    assert band["low_limit"] < row["index_price"] < band["high_limit"]
    [seen] = server.swap_price_limit(CODE)
    assert seen.high_limit - seen.low_limit > 0
    with pytest.raises(ccxt.InvalidOrder, match="1039"):  # beyond the band, as on HTX
        exchange.create_order(SYMBOL, "limit", "buy", 1, 2 * band["high_limit"], OPEN)
