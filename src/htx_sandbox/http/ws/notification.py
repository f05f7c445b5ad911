"""/swap-notification: the `op` protocol. For now only its heartbeat (`{"op": "ping", "ts":
"<ms>"}` every 5 s, the pong's `ts` accepted as a string or an integer); every other frame is
answered `{"op": "error", "ts": ...}`, HTX's answer to an illegal op. Authentication and the
topics come in their own modules (`Session.state` is where a connection keeps its login)."""

from __future__ import annotations

from typing import Any

from .session import Session


class NotificationService:
    name = "/swap-notification"

    def ping(self, ts: int) -> Any:
        return {"op": "ping", "ts": str(ts)}

    def invalid(self, session: Session, text: str) -> None:
        session.send({"op": "error", "ts": session.now()})

    def closed(self, session: Session) -> None:
        pass

    async def handle(self, session: Session, message: Any) -> None:
        if isinstance(message, dict) and message.get("op") == "pong":
            ts = message.get("ts")
            if isinstance(ts, int | str) and not isinstance(ts, bool):
                session.answered()
                return
        session.send({"op": "error", "ts": session.now()})
