"""/swap-notification: the `op` protocol, as HTX answers it.

    {"op": "ping", "ts": "<ms>"} every 5 s; the client answers {"op": "pong", "ts": ...}
      (a string or an integer)
    {"op": "auth", "type": "api", "AccessKeyId", "SignatureMethod", "SignatureVersion",
     "Timestamp", "Signature", "cid"?}
      -> {"op": "auth", "type": "api", "cid"?, "ts", "err-code": 0, "data": {"user-id": "<uid>"}}
    {"op": "sub" | "unsub", "topic", "cid"?}
      -> {"op", "cid"?, "topic", "ts", "err-code": 0}
    a refusal -> the same with "err-code": <2001...2040> and "err-msg"
    anything else -> {"op": "error", "ts"}, the connection stays

A failed authentication (2001, 2003, 2013, 2030) ends the connection, as HTX's errors during
connect and auth do: the reply, then {"op": "close", "ts"}, then a close frame. Frames are
handled strictly in order, so a `sub` sent right behind its `auth` (the official SDK does) finds
the connection authenticated. Private topics need authentication (2002); public.* ones do not.
At most `sub_quota` (40) sub and unsub frames a second per connection (2004, "Number of visits
exceeds limit.").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....domain.types import UID
from ....service.api_keys import ApiKeyRegistry
from ....service.push import PushHub
from ...auth.signed import AuthSettings
from ..fanout import Fanout
from ..session import Session
from ..settings import WsSettings
from . import auth as auth_frame
from .accounts import Accounts, CrossPositions, Positions
from .base import NotifyFeed
from .codes import (
    AUTHENTICATED_ALREADY,
    AUTHENTICATION_REQUIRED,
    CONNECTION_LIMIT,
    OK,
    TOO_MANY_VISITS,
    NotifyError,
)
from .orders import MatchOrders, Orders
from .public import ContractInfo, FundingRate, LiquidationOrders
from .topics import MAX_TOPIC, parse
from .trigger import TriggerOrders

MAX_CID = 64
AUTH_FAILED_CLOSE = 1008
"""RFC 6455 "Policy Violation": the close after a refused authentication."""
_UID = "uid"


def authenticated_uid(session: Session) -> UID | None:
    """The UID a /swap-notification session logged in as (None: not logged in, or another
    service's session)."""
    uid = session.state.get(_UID)
    return UID(uid) if isinstance(uid, int) else None


class NotificationService:
    name = "/swap-notification"

    def __init__(
        self,
        hub: PushHub,
        fanout: Fanout,
        known: Callable[[str], bool],
        keys: Callable[[], ApiKeyRegistry],
        auth: AuthSettings,
        settings: WsSettings,
    ) -> None:
        intervals = (
            settings.snapshot_interval_s, settings.funding_interval_s,
            settings.contract_info_interval_s,
        )  # fmt: skip
        if min(intervals) <= 0 or settings.max_connections_per_uid < 1:
            raise ValueError("/swap-notification's intervals and limits must be positive")
        self.known = known
        self.keys = keys
        """The engine's key registry, read at each auth as REST does."""
        self.auth = auth
        self.orders = Orders(hub, fanout)
        self.match_orders = MatchOrders(hub, fanout)
        self.accounts = Accounts(hub, fanout, settings.snapshot_interval_s)
        self.positions = Positions(hub, fanout, settings.snapshot_interval_s)
        self.trigger_orders = TriggerOrders(hub, fanout)
        self.cross_positions = CrossPositions(hub, fanout, settings.snapshot_interval_s)
        self.liquidation_orders = LiquidationOrders(hub, fanout)
        self.funding_rate = FundingRate(hub, fanout, settings.funding_interval_s)
        self.contract_info = ContractInfo(hub, fanout, settings.contract_info_interval_s)
        feeds: list[NotifyFeed] = [
            self.orders, self.match_orders, self.accounts, self.positions, self.trigger_orders,
            self.liquidation_orders, self.funding_rate, self.contract_info, self.cross_positions,
        ]  # fmt: skip
        self.feeds = {feed.kind: feed for feed in feeds}
        self.per_uid: dict[UID, int] = {}
        """Authenticated connections per UID."""

    def ping(self, ts: int) -> Any:
        return {"op": "ping", "ts": str(ts)}

    def invalid(self, session: Session, text: str) -> None:
        session.send({"op": "error", "ts": session.now()})

    def closed(self, session: Session) -> None:
        for feed in self.feeds.values():
            feed.closed(session)
        uid = session.state.pop(_UID, None)
        if uid is not None:
            left = self.per_uid[uid] - 1
            if left:
                self.per_uid[uid] = left
            else:
                del self.per_uid[uid]

    async def handle(self, session: Session, message: Any) -> None:
        op = message.get("op") if isinstance(message, dict) else None
        if op == "pong":
            ts = message.get("ts")
            if isinstance(ts, int | str) and not isinstance(ts, bool):
                session.answered()
                return
        elif op == "auth":
            self._auth(session, message)
            return
        elif op == "sub" or op == "unsub":
            self._sub(session, op, message)
            return
        session.send({"op": "error", "ts": session.now()})

    # -- auth ------------------------------------------------------------------------------

    def _auth(self, session: Session, message: dict[str, Any]) -> None:
        cid = _cid(message.get("cid"))
        reply: dict[str, Any] = {"op": "auth", "type": "api"}
        if cid is not None:
            reply["cid"] = cid
        if _UID in session.state:
            session.send(_refusal(reply, session, NotifyError(AUTHENTICATED_ALREADY)))
            return
        websocket = session.websocket
        try:
            key = auth_frame.verify(
                message,
                self.keys(),
                self.auth,
                host_header=websocket.headers.get("host", ""),
                client_ip=websocket.client.host if websocket.client else None,
                now_ms=session.now(),
            )
            if self.per_uid.get(key.uid, 0) >= session.settings.max_connections_per_uid:
                raise NotifyError(CONNECTION_LIMIT)
        except NotifyError as error:
            session.send(_refusal(reply, session, error))
            session.send({"op": "close", "ts": session.now()})
            session.sender.close_when_sent(AUTH_FAILED_CLOSE, str(error))
            return
        session.state[_UID] = key.uid
        self.per_uid[key.uid] = self.per_uid.get(key.uid, 0) + 1
        reply |= {"ts": session.now(), "err-code": OK, "data": {"user-id": str(key.uid)}}
        session.send(reply)

    # -- sub / unsub -----------------------------------------------------------------------

    def _sub(self, session: Session, op: str, message: dict[str, Any]) -> None:
        cid = _cid(message.get("cid"))
        reply: dict[str, Any] = {"op": op}
        if cid is not None:
            reply["cid"] = cid
        text = message.get("topic")
        if isinstance(text, str) and text:
            reply["topic"] = text[:MAX_TOPIC]
        try:
            self._limit(session)
            topic = parse(text, self.known)
            owner: UID | None = None
            if not topic.public:
                owner = session.state.get(_UID)
                if owner is None:
                    raise NotifyError(AUTHENTICATION_REQUIRED)
            feed = self.feeds[topic.kind]
            if op == "sub":
                feed.sub(session, owner, topic)
            else:
                feed.unsub(session, owner, topic)
        except NotifyError as error:
            session.send(_refusal(reply, session, error))
            return
        session.send(reply | {"ts": session.now(), "err-code": OK})
        if op == "sub":
            feed.started(session, owner, topic)


    @staticmethod
    def _limit(session: Session) -> None:
        """At most `sub_quota` sub and unsub frames a second (HTX: 40), else 2004."""
        if not session.within("sub", session.settings.sub_quota):
            raise NotifyError(TOO_MANY_VISITS)


def _refusal(reply: dict[str, Any], session: Session, error: NotifyError) -> dict[str, Any]:
    return reply | {"ts": session.now(), "err-code": error.code, "err-msg": str(error)}


def _cid(value: Any) -> str | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) <= MAX_CID:
        return value
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    return None


__all__ = ["NotificationService"]
