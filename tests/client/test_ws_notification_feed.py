"""NotificationFeed and AsyncNotificationFeed against a server speaking HTX's documented
/swap-notification frames (tests/client/ws_fake.py; the sandbox's own service comes with
issue 15's notification branch): the auth frame and its signature, sub/unsub with cid, HTX's
example pushes decoded to typed messages, the `op: ping` heartbeat, errors, and reconnection
with a new login and every subscription renewed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from htx_sandbox.client import (
    AsyncNotificationFeed,
    AuthenticationFailed,
    ConnectionLost,
    HtxApiError,
    NotificationFeed,
    _ws,
)
from htx_sandbox.client import ws_models as m

from . import ws_fake
from .ws_fake import ACCESS_KEY, SECRET_KEY, FakeNotification

WHEN = datetime(2017, 5, 11, 15, 19, 30, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeNotification]:
    yield from ws_fake.run(FakeNotification())


def feed(fake: FakeNotification, **options: object) -> NotificationFeed:
    return NotificationFeed(ACCESS_KEY, SECRET_KEY, base_url=fake.base_url, **options)  # type: ignore[arg-type]


def test_the_auth_frame_matches_htx_test_vector() -> None:
    frame = _ws.auth_frame(ACCESS_KEY, SECRET_KEY, "api.hbdm.com", WHEN)
    assert frame == {
        "op": "auth",
        "type": "api",
        "AccessKeyId": ACCESS_KEY,
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2017-05-11T15:19:30",
        "Signature": "/ULbHWQz/WvfELwULmX2873/v1PeaBsslsUXNsOw+nE=",  # htx-swap-api.md 1.5
    }


def test_urls_default_to_htx_and_take_the_sandbox_rest_url() -> None:
    assert NotificationFeed().url == "wss://api.hbdm.com/swap-notification"
    assert NotificationFeed(base_url="http://127.0.0.1:8080/").url == (
        "ws://127.0.0.1:8080/swap-notification"
    )
    assert NotificationFeed(base_url="https://api.hbdm.vn").sign_host == "api.hbdm.vn"
    with pytest.raises(ValueError, match="not a WebSocket base URL"):
        NotificationFeed(base_url="ftp://example.com")


def test_login_then_sub_and_every_documented_push_typed(fake: FakeNotification) -> None:
    fake.pushes = [
        ws_fake.ORDER_PUSH, ws_fake.MATCH_PUSH, ws_fake.ACCOUNTS_PUSH, ws_fake.POSITIONS_PUSH,
        ws_fake.TRIGGER_PUSH,
    ]  # fmt: skip
    with feed(fake) as notifications:
        assert notifications.user_id == ws_fake.USER_ID
        reply = notifications.subscribe("orders.*")
        assert reply.op == "sub" and reply.topic == "orders.*" and reply.err_code == 0
        order, match, accounts, positions, trigger = (notifications.recv() for _ in range(5))
    [auth, sub] = fake.received[0]
    assert auth["op"] == "auth" and auth["type"] == "api" and auth["AccessKeyId"] == ACCESS_KEY
    assert sub == {"op": "sub", "cid": reply.cid, "topic": "orders.*"}

    assert isinstance(order, m.OrderNotify)
    assert order.order_id == 771068893090799616 and order.status == 6
    assert order.fee == Decimal("-0.00791251918785903") and order.price == Decimal("0.63191")
    [fill] = order.trade
    assert fill.id == "49703426706-771068893090799616-1" and fill.role == "taker"
    assert fill.trade_fee == Decimal("-0.00791251918785903")
    assert isinstance(match, m.MatchOrderNotify) and match.trade[0].trade_fee is None
    assert isinstance(accounts, m.AccountsNotify) and accounts.event == "order.match"
    assert accounts.data[0].margin_balance == Decimal("621.187560151491928452")  # no float
    assert isinstance(positions, m.PositionsNotify)
    assert positions.data[0].direction == "sell" and positions.data[0].volume == 1
    assert isinstance(trigger, m.TriggerOrderNotify)
    assert trigger.data[0].triggered_price is None and trigger.data[0].trigger_type == "le"


def test_public_topics_need_no_keys(fake: FakeNotification) -> None:
    fake.pushes = [ws_fake.LIQUIDATION_PUSH, ws_fake.FUNDING_PUSH, ws_fake.CONTRACT_INFO_PUSH]
    with NotificationFeed(base_url=fake.base_url) as public:
        public.subscribe("public.*.funding_rate")
        liquidation, funding, info = public.recv(), public.recv(), public.recv()
    assert [frame["op"] for frame in fake.received[0]] == ["sub"]  # no auth without keys
    assert isinstance(liquidation, m.LiquidationOrdersNotify)
    assert liquidation.data[0].price == Decimal("17102.9")
    assert isinstance(funding, m.FundingRateNotify)
    assert funding.data[0].funding_rate == Decimal("0.000100000000000000")
    assert funding.data[0].funding_time == 1603879620000  # HTX sends it as a string
    assert isinstance(info, m.ContractInfoNotify) and info.data[0].contract_size == 100


def test_a_push_of_an_unknown_topic_arrives_as_plain_data(fake: FakeNotification) -> None:
    fake.pushes = ['{"op":"notify","topic":"liquidation_warning.btc-usdt","ts":5,"data":[]}']
    with feed(fake) as notifications:
        notifications.subscribe("orders.*")
        push = notifications.recv()
    assert isinstance(push, m.Notify) and push.topic == "liquidation_warning.btc-usdt"
    assert push.fields["data"] == []


def test_the_heartbeat_is_answered_with_the_same_ts(fake: FakeNotification) -> None:
    fake.ping_first = True
    fake.pushes = [ws_fake.ORDER_PUSH]
    with feed(fake) as notifications:
        notifications.subscribe("orders.theta-usd")
        assert isinstance(notifications.recv(), m.OrderNotify)
    assert {"op": "pong", "ts": "1492420473058"} in fake.received[0]


def test_a_bad_signature_raises_authentication_failed(fake: FakeNotification) -> None:
    notifications = NotificationFeed(ACCESS_KEY, "wrong", base_url=fake.base_url)
    with pytest.raises(AuthenticationFailed) as raised:
        notifications.connect()
    assert raised.value.err_code == 2003


def test_an_op_error_answers_the_request_waiting(fake: FakeNotification) -> None:
    fake.error_ops = {"auth"}
    with pytest.raises(HtxApiError, match=r'refused with ."op": "error".'):
        feed(fake, reply_timeout=30).connect()  # at once, not after reply_timeout


def test_the_signature_covers_sign_host_when_given(fake: FakeNotification) -> None:
    fake.host = "api.hbdm.com"
    with feed(fake, sign_host="API.HBDM.COM") as notifications:
        assert notifications.user_id == ws_fake.USER_ID
    with pytest.raises(AuthenticationFailed):
        feed(fake).connect()  # over 127.0.0.1, which this server does not take


def test_a_refused_sub_raises_and_leaves_the_feed_usable(fake: FakeNotification) -> None:
    fake.refuse["orders.xrp-usd"] = (2011, "Contract doesn't exist.")
    fake.pushes = [ws_fake.ORDER_PUSH]
    with feed(fake) as notifications:
        with pytest.raises(HtxApiError) as raised:
            notifications.subscribe("orders.xrp-usd")
        assert (raised.value.err_code, raised.value.err_msg) == (2011, "Contract doesn't exist.")
        notifications.subscribe("orders.theta-usd")
        assert notifications.topics == ["orders.theta-usd"]


def test_a_private_sub_without_keys_is_refused_by_the_server(fake: FakeNotification) -> None:
    with NotificationFeed(base_url=fake.base_url) as anonymous, pytest.raises(
        AuthenticationFailed
    ) as raised:
        anonymous.subscribe("orders.*")
    assert raised.value.err_code == 2002


def test_unsubscribe_is_sent_with_a_cid_and_forgotten(fake: FakeNotification) -> None:
    with feed(fake) as notifications:
        notifications.subscribe("orders.*")
        reply = notifications.unsubscribe("orders.*")
        assert reply.op == "unsub" and notifications.topics == []
    assert fake.received[0][-1] == {"op": "unsub", "cid": reply.cid, "topic": "orders.*"}


def test_reconnects_logs_in_again_and_renews_every_topic(fake: FakeNotification) -> None:
    fake.pushes = [ws_fake.ORDER_PUSH]
    fake.drop_after_sub = 2  # the first connection drops after orders.*, the second after ...
    with feed(fake, reconnect_delay=0.01) as notifications:
        notifications.subscribe("orders.*")
        assert isinstance(notifications.recv(), m.OrderNotify)
        lost = notifications.recv()
        assert isinstance(lost, m.Reconnected) and lost.attempts == 1
        assert "1011" in lost.reason
        # ... its first renewed topic: the next connection works.
        assert isinstance(notifications.recv(), m.OrderNotify)
        again = notifications.recv()
        assert isinstance(again, m.Reconnected)
        assert isinstance(notifications.recv(), m.OrderNotify)
    assert len(fake.received) == 3
    for frames in fake.received:
        assert [frame["op"] for frame in frames[:2]] == ["auth", "sub"]
        assert frames[1]["topic"] == "orders.*"


def test_without_reconnect_a_lost_connection_raises_and_the_feed_stays_closed(
    fake: FakeNotification,
) -> None:
    fake.pushes = [ws_fake.ORDER_PUSH]
    fake.drop_after_sub = 1
    with feed(fake, reconnect=False) as notifications:
        notifications.subscribe("orders.*")
        notifications.recv()
        with pytest.raises(ConnectionLost) as raised:
            notifications.recv()
        assert raised.value.code == 1011
        with pytest.raises(ConnectionLost, match="closed"):
            notifications.recv()
    assert len(fake.received) == 1


def test_a_refused_connection_raises_connection_lost() -> None:
    with pytest.raises(ConnectionLost):
        NotificationFeed(base_url="ws://127.0.0.1:9", open_timeout=2).connect()


@pytest.mark.anyio
async def test_the_async_feed_does_the_same(fake: FakeNotification) -> None:
    fake.ping_first = True
    fake.pushes = [ws_fake.ACCOUNTS_PUSH]
    fake.drop_after_sub = 1
    async with AsyncNotificationFeed(
        ACCESS_KEY, SECRET_KEY, base_url=fake.base_url, reconnect_delay=0.01
    ) as notifications:
        await notifications.subscribe("accounts.*")
        seen = []
        async for message in notifications:
            seen.append(type(message))
            if len(seen) == 3:
                break
    assert seen == [m.AccountsNotify, m.Reconnected, m.AccountsNotify]
    assert {"op": "pong", "ts": "1492420473058"} in fake.received[0]
    renewed = [frame["op"] for frame in fake.received[1] if frame["op"] != "pong"]
    assert renewed[:2] == ["auth", "sub"]
