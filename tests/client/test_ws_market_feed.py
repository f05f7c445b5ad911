"""MarketFeed and AsyncMarketFeed against the sandbox's /swap-ws, served by a real uvicorn
(tests/ws/conftest.py's `server`): typed pushes and replies, refusals as HtxApiError, the
the heartbeat and reconnection are in test_ws_market_heartbeat.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.client import (
    AsyncIndexFeed,
    HtxApiError,
    IndexFeed,
    MarketFeed,
)
from htx_sandbox.client import ws_models as m
from htx_sandbox.client._ws import MarketDialect

from .ws_served import *  # noqa: F403
from .ws_served import UID1, UID2, Served, base_url, place

TRADES = "market.BTC-USD.trade.detail"


def trade(served: Served, volume: int = 2) -> None:
    place(served.engine, UID1, "sell", "50000", volume)
    place(served.engine, UID2, "buy", "50000", volume)


def test_urls() -> None:
    assert MarketFeed().url == "wss://api.hbdm.com/swap-ws"
    assert IndexFeed().url == "wss://api.hbdm.com/ws_index"
    assert AsyncIndexFeed(base_url="ws://127.0.0.1:1").url == "ws://127.0.0.1:1/ws_index"


def test_the_dialect_answers_both_heartbeats_and_nothing_else() -> None:
    assert MarketDialect().heartbeat({"ping": 18212558000}) == {"pong": 18212558000}
    assert MarketDialect().heartbeat({"ch": "x", "tick": {}, "ping": 1}) is None


def test_sub_push_and_req_typed(server: Served) -> None:
    with MarketFeed(base_url=base_url(server)) as feed:
        reply = feed.subscribe("market.btc-usd.trade.detail")
        assert reply.status == "ok" and reply.subbed == TRADES
        trade(server)
        push = feed.recv()
        assert isinstance(push, m.MarketPush) and push.ch == TRADES
        assert isinstance(push.tick, m.TradeTick)
        [item] = push.tick.data
        assert (item.price, item.amount, item.direction) == (Decimal(50000), 4, "buy")
        assert item.quantity == Decimal("0.008")
        history = feed.request(TRADES, size=1)
        assert history.rep == TRADES and history.data is not None
        [newest] = history.data
        assert isinstance(newest, m.TradeItem) and newest.id == item.id
        assert newest.price == Decimal(50000)  # a string on the wire


def test_a_refused_sub_raises_with_htx_code_and_text(server: Served) -> None:
    with MarketFeed(base_url=base_url(server)) as feed:
        with pytest.raises(HtxApiError) as raised:
            feed.subscribe("market.XRP-USD.trade.detail")
        assert raised.value.err_code == "bad-request"
        assert raised.value.err_msg == "invalid topic market.XRP-USD.trade.detail"
        assert feed.topics == []
        feed.subscribe(TRADES)  # the connection stays
        assert feed.topics == [TRADES]


def test_unsubscribe_stops_the_pushes(server: Served) -> None:
    with MarketFeed(base_url=base_url(server)) as feed:
        feed.subscribe(TRADES)
        reply = feed.unsubscribe(TRADES)
        assert reply.unsubbed == TRADES and feed.topics == []
        trade(server, 2)  # not pushed
        feed.subscribe(TRADES)
        trade(server, 3)
        push = feed.recv()
        assert isinstance(push, m.MarketPush) and isinstance(push.tick, m.TradeTick)
        assert push.tick.data[0].amount == 6  # the trade of 3, not the one of 2
