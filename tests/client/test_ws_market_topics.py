"""Every /swap-ws and /ws_index topic the sandbox serves, read through MarketFeed and IndexFeed:
each push and `req` reply arrives typed (its tick by channel), amounts as Decimal whether the
wire has numbers or strings."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.client import IndexFeed, MarketFeed
from htx_sandbox.client import ws_models as m
from htx_sandbox.domain.commands import SetIndexPrices

from .ws_served import *  # noqa: F403
from .ws_served import UID1, UID2, Served, base_url, place


def next_push(feed: MarketFeed | IndexFeed, channel: str) -> m.MarketPush:
    for _ in range(20):  # bounded: a missing push fails the test instead of hanging it
        message = feed.recv()
        if isinstance(message, m.MarketPush) and message.ch == channel:
            return message
    raise AssertionError(f"no push on {channel}")


def set_index(served: Served, price: str) -> None:
    assert served.engine.execute(SetIndexPrices({"BTC-USD": Decimal(price)})).error is None


def test_depth_and_bbo(server: Served) -> None:
    place(server.engine, UID1, "buy", "49000", 2)
    with MarketFeed(base_url=base_url(server)) as feed:
        feed.subscribe("market.BTC-USD.depth.step0")
        feed.subscribe("market.BTC-USD.bbo")
        book = next_push(feed, "market.BTC-USD.depth.step0").tick
        assert isinstance(book, m.DepthTick)
        assert book.bids == [m.Level(Decimal(49000), 2)] and book.asks == []
        place(server.engine, UID2, "sell", "51000", 5)
        bbo = next_push(feed, "market.BTC-USD.bbo").tick
        while isinstance(bbo, m.BboTick) and bbo.ask is None:  # the sub-time bbo first
            bbo = next_push(feed, "market.BTC-USD.bbo").tick
        assert isinstance(bbo, m.BboTick)
        assert bbo.bid == (Decimal(49000), 2) and bbo.ask == (Decimal(51000), 5)


def test_incremental_depth_snapshot_then_updates_one_version_apart(server: Served) -> None:
    channel = "market.BTC-USD.depth.size_20.high_freq"
    place(server.engine, UID1, "buy", "49000", 2)
    with MarketFeed(base_url=base_url(server)) as feed:
        feed.subscribe(channel, data_type="incremental")
        snapshot = next_push(feed, channel).tick
        assert isinstance(snapshot, m.DepthTick) and snapshot.event == "snapshot"
        place(server.engine, UID1, "buy", "49000", 1)
        update = next_push(feed, channel).tick
    assert isinstance(update, m.DepthTick) and update.event == "update"
    assert update.version == snapshot.version + 1
    assert update.bids == [m.Level(Decimal(49000), 3)]


def test_detail_and_kline_with_req(server: Served) -> None:
    with MarketFeed(base_url=base_url(server)) as feed:
        feed.subscribe("market.BTC-USD.detail")
        feed.subscribe("market.BTC-USD.kline.1min")
        place(server.engine, UID1, "sell", "50000", 3)
        place(server.engine, UID2, "buy", "50000", 3)
        latest: dict[str, m.MarketTick | dict[str, object]] = {}
        for _ in range(20):  # until both show the trade (the sub-time detail shows none)
            push = feed.recv()
            if isinstance(push, m.MarketPush):
                latest[push.ch] = push.tick
            ticks = list(latest.values())
            if len(ticks) == 2 and all(getattr(t, "count", 0) > 0 for t in ticks):
                break
        bar, detail = latest["market.BTC-USD.kline.1min"], latest["market.BTC-USD.detail"]
        assert isinstance(bar, m.KlineTick)
        assert (bar.open, bar.close, bar.vol) == (Decimal(50000), Decimal(50000), 6)
        assert isinstance(detail, m.DetailTick) and detail.close == Decimal(50000)
        bars = feed.request(
            "market.BTC-USD.kline.1min", **{"from": bar.id - 60, "to": bar.id + 60}
        )
    assert bars.data is not None and [b.id for b in bars.data] == [bar.id]
    assert isinstance(bars.data[0], m.KlineTick) and bars.data[0].vol == 6


def test_index_and_basis_ticks_in_strings_arrive_as_decimals(server: Served) -> None:
    set_index(server, "49990")
    place(server.engine, UID1, "sell", "50000", 3)
    place(server.engine, UID2, "buy", "50000", 1)
    with IndexFeed(base_url=base_url(server)) as feed:
        reply = feed.subscribe("market.btc-usd.index.1min")
        assert reply.subbed == "market.BTC-USD.index.1min"
        feed.subscribe("market.BTC-USD.basis.1min.close")
        set_index(server, "49980.5")
        index_ch, basis_ch = "market.BTC-USD.index.1min", "market.BTC-USD.basis.1min.close"
        latest: dict[str, object] = {}
        for _ in range(20):  # until both show the new index price
            push = feed.recv()
            if isinstance(push, m.MarketPush):
                latest[push.ch] = push.tick
            index, basis = latest.get(index_ch), latest.get(basis_ch)
            if (
                isinstance(index, m.KlineTick) and index.close == Decimal("49980.5")
                and isinstance(basis, m.BasisTick) and basis.index_price == Decimal("49980.5")
            ):  # fmt: skip
                break
    assert isinstance(index, m.KlineTick) and index.vol == 0
    assert isinstance(basis, m.BasisTick) and basis.basis == Decimal("19.5")
