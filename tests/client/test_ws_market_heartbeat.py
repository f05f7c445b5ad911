"""The feeds on a /swap-ws and /swap-notification whose heartbeat is short (a ping every 50 ms,
the close after 3 unanswered): reading answers it, a feed not read is closed with 1008 and
reconnects with its topics renewed, or raises ConnectionLost when told not to reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from htx_sandbox.client import AsyncMarketFeed, AsyncNotificationFeed, ConnectionLost, MarketFeed
from htx_sandbox.client import ws_models as m
from htx_sandbox.http.ws import WsSettings

from .test_ws_market_feed import TRADES, trade
from .ws_served import *  # noqa: F403
from .ws_served import Served, base_url


@pytest.fixture
def ws_settings() -> WsSettings:
    return WsSettings(ping_interval_s=0.05, ping_misses=3)


@pytest.mark.anyio
async def test_reading_keeps_the_heartbeat_answered(server: Served) -> None:
    # The server pings every 50 ms and closes after 3 unanswered: a feed that keeps reading
    # for many intervals stays on its first connection.
    async with AsyncMarketFeed(base_url=base_url(server), reconnect=False) as feed:
        await feed.subscribe(TRADES)
        waiting = asyncio.get_running_loop().create_task(feed.recv())
        await asyncio.sleep(0.5)
        assert not waiting.done()
        trade(server)
        push = await asyncio.wait_for(waiting, 10)
    assert isinstance(push, m.MarketPush) and push.ch == TRADES


def test_a_feed_not_read_is_closed_by_the_heartbeat_and_reconnects(server: Served) -> None:
    with MarketFeed(base_url=base_url(server), reconnect_delay=0.01) as feed:
        feed.subscribe(TRADES)
        time.sleep(0.5)  # not reading: the server's pings go unanswered, it closes (1008)
        trade(server, 1)  # pushed to the connection being closed, or lost with it
        first = feed.recv()
        if isinstance(first, m.MarketPush):  # it made it into the socket before the close
            first = feed.recv()
        assert isinstance(first, m.Reconnected)
        assert "1008" in first.reason and first.attempts == 1
        assert feed.topics == [TRADES]
        trade(server, 3)
        push = feed.recv()
    assert isinstance(push, m.MarketPush) and isinstance(push.tick, m.TradeTick)
    assert push.tick.data[0].amount == 6  # the renewed subscription's push


def test_without_reconnect_the_close_is_raised_with_its_code(server: Served) -> None:
    with MarketFeed(base_url=base_url(server), reconnect=False) as feed:
        feed.subscribe(TRADES)
        time.sleep(0.5)
        with pytest.raises(ConnectionLost) as raised:
            while True:
                feed.recv()
    assert raised.value.code == 1008
    assert "heartbeat lost" in raised.value.reason


@pytest.mark.anyio
async def test_the_notification_heartbeat_is_answered_too(server: Served) -> None:
    # /swap-notification pings {"op": "ping", "ts": "<ms>"}; the feed's pongs keep it open.
    async with AsyncNotificationFeed(base_url=base_url(server), reconnect=False) as feed:
        waiting = asyncio.get_running_loop().create_task(feed.recv())
        await asyncio.sleep(0.5)
        assert not waiting.done()  # a close (1008) would have ended it with ConnectionLost
        waiting.cancel()  # and ended before the feed closes: a pong it is sending completes
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
