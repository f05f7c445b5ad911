"""The feeds' I/O-free half: what a frame becomes (client/_ws.py)."""

from __future__ import annotations

import gzip
from decimal import Decimal

import pytest

from htx_sandbox.client import UnexpectedResponse
from htx_sandbox.client import ws_models as m
from htx_sandbox.client._ws import MarketDialect, NotificationDialect, unpack, ws_url


def test_frames_are_gunzipped_and_numbers_stay_exact() -> None:
    frame = gzip.compress(b'{"ch":"x","ts":1,"tick":{"price":0.123456789012345678901}}')
    assert unpack(frame)["tick"]["price"] == Decimal("0.123456789012345678901")
    assert unpack('{"ping": 5}') == {"ping": 5}  # text frames are read too
    with pytest.raises(UnexpectedResponse):
        unpack(b"\x1f\x8b not gzip")


def test_a_channel_the_client_does_not_know_keeps_its_tick_as_data() -> None:
    push = MarketDialect().decode({"ch": "market.BTC-USD.liquidity", "ts": 1, "tick": {"a": 1}})
    assert isinstance(push, m.MarketPush) and push.tick == {"a": 1}


def test_a_known_push_of_the_wrong_shape_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponse, match=r"market.BTC-USD.trade.detail: .* `ts`"):
        MarketDialect().decode({"ch": "market.BTC-USD.trade.detail", "ts": 1, "tick": {"id": 1}})


def test_topics_are_matched_case_insensitively() -> None:
    dialect = NotificationDialect()
    base = {"op": "notify", "ts": 1, "uid": "1", "event": "snapshot", "data": []}
    assert isinstance(dialect.decode({**base, "topic": "ACCOUNTS.BTC-USD"}), m.AccountsNotify)
    assert isinstance(dialect.decode({**base, "topic": "positions"}), m.PositionsNotify)


def test_replies_are_keyed_by_id_or_cid() -> None:
    assert MarketDialect().reply_key({"id": 7, "status": "ok", "subbed": "x"}) == "7"
    assert MarketDialect().reply_key({"ch": "x", "tick": {}, "status": "ok"}) is None
    notification = NotificationDialect()
    assert notification.reply_key({"op": "sub", "cid": "3", "err-code": 0}) == "3"
    assert notification.reply_key({"op": "auth", "err-code": 0}) == "auth"
    assert notification.reply_key({"op": "notify", "topic": "orders.*"}) is None


def test_ws_urls() -> None:
    assert ws_url("https://api.hbdm.vn", "/swap-ws") == "wss://api.hbdm.vn/swap-ws"
    assert ws_url("ws://[::1]:8080/prefix/", "/ws_index") == "ws://[::1]:8080/prefix/ws_index"
