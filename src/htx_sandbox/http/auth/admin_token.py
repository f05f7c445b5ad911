"""The admin API's bearer token: `Authorization: Bearer <token>`, compared in constant time."""

from __future__ import annotations

import asyncio
import hmac


class AdminToken:
    """The token, and a lock that makes "find a free uid, then open it" (and "refuse an
    existing uid, else open it") one step for concurrent admin requests."""

    def __init__(self, token: str | None) -> None:
        # An empty token would let an empty Authorization through: treat it as no token.
        self._token = token.encode() if token else None
        self.accounts_lock = asyncio.Lock()

    def allows(self, authorization: str | None) -> bool:
        if self._token is None or authorization is None:
            return False
        scheme, _, given = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        # Constant time over the token's bytes: the answer's timing says nothing of its prefix.
        given = given.strip()
        return bool(given) and hmac.compare_digest(given.encode(), self._token)
