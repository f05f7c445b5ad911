"""Closing WebSocket sessions from a test (`POST /sessions/close`): `{"uid": 1}` closes that
UID's /swap-notification sessions, `{}` every session of the three services, each with close
code 1012 ("Service Restart") and a reason saying the sandbox closed it, as a test of a bot's
reconnection needs. Answers `{"closed": n}`."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ...domain.errors import ErrorCode, HtxError
from ..core.endpoint import Call, admin
from . import fields


@admin
async def close_sessions(call: Call) -> Any:
    body = call.body
    unknown = sorted(set(body.fields) - {"uid"})
    if unknown:
        raise HtxError(ErrorCode.ILLEGAL_PARAMETER, unknown[0])
    uid = fields.uid(body)
    sessions = call.gateway.sessions
    if sessions is None:  # an app without the WebSocket services has no session to close
        return {"closed": 0}
    closed = sessions.close_sessions(uid, "closed by the sandbox's admin API")
    return {"closed": closed}


routes = [Route(f"{fields.PREFIX}/sessions/close", close_sessions, methods=["POST"])]
