"""NotificationFeed against the sandbox's own /swap-notification (test_ws_notification_feed.py
checks the same feed against an in-test server speaking HTX's documented frames): a trade seen
as typed orders, accounts and positions pushes of the trader's side, and contract info."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from htx_sandbox.client import NotificationFeed
from htx_sandbox.client import ws_models as m
from htx_sandbox.service.clock import ManualClock
from tests.http.conftest import KEYS

from .ws_served import *  # noqa: F403
from .ws_served import UID1, UID2, Served, base_url, place


def test_a_trade_arrives_as_typed_pushes(server: Served, clock: ManualClock) -> None:
    def now() -> datetime:
        return datetime.fromtimestamp(clock.now() / 1000, UTC)

    with NotificationFeed(
        KEYS.trader.access, KEYS.trader.secret, base_url=base_url(server), now=now
    ) as feed:
        assert feed.user_id == str(KEYS.trader.uid)
        for topic in ("orders.btc-usd", "accounts.*", "positions.*",
                      "public.BTC-USD.contract_info"):  # fmt: skip
            feed.subscribe(topic)
        place(server.engine, UID1, "sell", "50000", 2)
        place(server.engine, UID2, "buy", "50000", 2)
        orders: list[m.OrderNotify] = []
        seen: set[type] = set()
        for _ in range(40):
            message = feed.recv()
            seen.add(type(message))
            if isinstance(message, m.OrderNotify):
                orders.append(message)
            wanted = {m.OrderNotify, m.AccountsNotify, m.PositionsNotify, m.ContractInfoNotify}
            if wanted <= seen and any(o.status == 6 for o in orders):
                break
    assert {m.AccountsNotify, m.PositionsNotify, m.ContractInfoNotify} <= seen
    filled = [o for o in orders if o.status == 6]
    assert filled, orders
    (order,) = filled
    assert (order.contract_code, order.direction, order.volume) == ("BTC-USD", "sell", Decimal(2))
    assert order.uid == str(KEYS.trader.uid)
