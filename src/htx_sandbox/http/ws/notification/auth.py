"""`op: auth` of /swap-notification: Signature Version 2 over `GET`, the host candidates REST
accepts (http/auth/signed.py) and the path `/swap-notification`.

Signed are all the frame's fields but `op`, `type`, `cid` and `Signature` (the four auth
parameters for every ordinary client; Huobi's own test client adds `Accept-language` and signs
it too). ccxt.pro signs the URL less `wss://<hostname>` as the path, so over a `ws://` URL it
signs the whole URL: `ws://<Host>/swap-notification` and `wss://<Host>/swap-notification`
(the Host header the connection was opened with) are accepted as the path too
(docs/compatibility.md, "WebSocket notifications").
"""

from __future__ import annotations

from typing import Any

from ....protocol import signature
from ....service.api_keys import ApiKey, ApiKeyRegistry
from ...auth import signed
from .codes import AUTHENTICATION_FAILED, AUTHENTICATION_TYPE, INVALID_AUTHENTICATION, NotifyError

PATH = "/swap-notification"
NOT_SIGNED = frozenset({"op", "type", "cid", "Signature"})
REQUIRED = ("AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "Signature")
MAX_FIELD = 256
"""Longer field values are refused unread (an access key is 36 characters, a signature 44)."""
MAX_FIELDS = 16
_MALFORMED = frozenset(
    {
        signed.INCORRECT_SIGNATURE_METHOD,
        signed.INCORRECT_SIGNATURE_VERSION,
        signed.TIME_REQUIRED,
        signed.INVALID_TIME,
    }
)


def verify(
    frame: dict[str, Any],
    registry: ApiKeyRegistry,
    settings: signed.AuthSettings,
    *,
    host_header: str,
    client_ip: str | None,
    now_ms: int,
) -> ApiKey:
    """The key that signed `frame`; NotifyError 2013 (type), 2001 (a missing or malformed
    parameter) or 2003 (a key or signature that does not check) otherwise."""
    if frame.get("type") != "api":
        raise NotifyError(AUTHENTICATION_TYPE)
    if len(frame) > MAX_FIELDS:
        raise NotifyError(INVALID_AUTHENTICATION)
    pieces: list[str] = []
    for name, value in frame.items():
        if name in NOT_SIGNED and name != "Signature":
            continue
        if not isinstance(value, str) or len(value) > MAX_FIELD:
            raise NotifyError(INVALID_AUTHENTICATION)
        pieces.append(f"{signature.encode(name)}={signature.encode(value)}")
    if any(not frame.get(name) for name in REQUIRED):
        raise NotifyError(INVALID_AUTHENTICATION)
    raw_query = "&".join(pieces)
    host = host_header.strip().lower()
    paths = [PATH, f"ws://{host}{PATH}", f"wss://{host}{PATH}"] if host else [PATH]
    for path in paths:
        try:
            key, _ = signed.authenticate(
                registry,
                settings,
                method="GET",
                host_header=host_header,
                path=path,
                raw_query=raw_query,
                client_ip=client_ip,
                permission="read",
                now_ms=now_ms,
            )
        except signed.AuthError as error:
            text = str(error)
            if text == signed.VERIFICATION_FAILURE:
                continue  # the next spelling of the path
            raise NotifyError(
                INVALID_AUTHENTICATION if text in _MALFORMED else AUTHENTICATION_FAILED
            ) from None
        return key
    raise NotifyError(AUTHENTICATION_FAILED)
