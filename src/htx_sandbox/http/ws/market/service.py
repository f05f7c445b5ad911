"""The request side of /swap-ws and /ws_index: `sub`, `unsub`, `req`, and the `{"ping": n}`
heartbeat, answered as HTX does:

    {"sub": "market.BTC-USD.kline.1min", "id": "id1"}
      -> {"id": "id1", "status": "ok", "subbed": "market.BTC-USD.kline.1min", "ts": ...}
    {"unsub": ..., "id": "id2"} -> {"id": "id2", "status": "ok", "unsubbed": ..., "ts": ...}
    {"req": ..., "id": "id4", "from": ..., "to": ...}
      -> {"id": "id4", "rep": ..., "wsid": ..., "status": "ok", "data": [...], "ts": ...}
    a refusal -> {"id": ..., "status": "error", "err-code": "bad-request", "err-msg": ...,
                  "ts": ...}

`id` is echoed when the client sent one (a string or an integer, at most 64 characters).
`req` is limited to `req_quota` per second and `sub` to `sub_quota` per second per connection;
over it the frame is refused with HTX's "Number of visits exceeds limit." (code
`too-many-requests`, as the REST market service) and changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from ....domain.errors import ErrorCode, HtxError
from ....service.engine import EngineUnavailableError
from ...core.envelopes import MarketError
from ..session import Session
from .topics import BAD_REQUEST, Kind, parse

MAX_ID = 64
TOO_MANY = "Number of visits exceeds limit."
TOO_MANY_REQUESTS = "too-many-requests"
SYSTEM_BUSY = "system-busy"
"""The REST market service's codes for these (http/core/envelopes.py)."""
_wsids = itertools.count(1)


class MarketService:
    def __init__(self, name: str, kinds: list[Kind], known: Callable[[str], bool]) -> None:
        self.name = name
        self.kinds = kinds
        self.known = known

    def ping(self, ts: int) -> Any:
        return {"ping": ts}

    def invalid(self, session: Session, text: str) -> None:
        self._error(session, None, MarketError("invalid request", BAD_REQUEST))

    def closed(self, session: Session) -> None:
        for kind in self.kinds:
            kind.closed(session)

    async def handle(self, session: Session, message: Any) -> None:
        if not isinstance(message, dict):
            self._error(session, None, MarketError("invalid request", BAD_REQUEST))
            return
        if "pong" in message:
            session.answered()
            return
        if "ping" in message:
            ping = message["ping"]
            session.send({"pong": ping if isinstance(ping, int | str) else session.now()})
            return
        id = _id(message.get("id"))
        try:
            if "sub" in message:
                self._limit(session, "sub", session.settings.sub_quota)
                topic, kind = parse(message["sub"], self.known, self.kinds)
                kind.check(topic, message)
                session.send(_ok(id, session, subbed=topic.channel))
                kind.sub(session, topic, message)
            elif "unsub" in message:
                topic, kind = parse(message["unsub"], self.known, self.kinds)
                kind.unsub(session, topic)
                session.send(_ok(id, session, unsubbed=topic.channel))
            elif "req" in message:
                self._limit(session, "req", session.settings.req_quota)
                topic, kind = parse(message["req"], self.known, self.kinds)
                data = await kind.req(session, topic, message)
                wsid = session.state.setdefault("wsid", next(_wsids))
                reply = {"id": id, "rep": topic.channel, "wsid": wsid, "status": "ok", "data": data}
                if id is None:
                    del reply["id"]
                reply["ts"] = session.now()
                session.send(reply)
            else:
                raise MarketError("invalid request", BAD_REQUEST)
        except MarketError as error:
            self._error(session, id, error)
        except EngineUnavailableError:  # a req while the exchange is stopped or its store down
            busy = HtxError(ErrorCode.SYSTEM_BUSY).wire_message()
            self._error(session, id, MarketError(busy, SYSTEM_BUSY))

    def _limit(self, session: Session, what: str, quota: int) -> None:
        """At most `quota` frames of a kind a second."""
        if not session.within(what, quota):
            raise MarketError(TOO_MANY, TOO_MANY_REQUESTS)

    @staticmethod
    def _error(session: Session, id: str | int | None, error: MarketError) -> None:
        reply: dict[str, Any] = {} if id is None else {"id": id}
        reply |= {"status": "error", "err-code": error.code, "err-msg": str(error)}
        reply["ts"] = session.now()
        session.send(reply)


def _id(value: Any) -> str | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) <= MAX_ID:
        return value
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    return None


def _ok(id: str | int | None, session: Session, **channel: str) -> dict[str, Any]:
    reply: dict[str, Any] = {} if id is None else {"id": id}
    return reply | {"status": "ok", **channel, "ts": session.now()}
