"""Checks a signed request the way HTX's gateway does, and names what failed in its words."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from ...protocol import signature
from ...service.api_keys import ApiKey, ApiKeyRegistry

# The gateway's texts, "English [Chinese]", as HTX's contract gateway answers with err_code 403.
INCORRECT_ACCESS_KEY = "Incorrect Access key [Access key错误]"
VERIFICATION_FAILURE = "Verification failure [校验失败]"
INCORRECT_SIGNATURE_METHOD = "Incorrect signature method [错误的签名方法]"
INCORRECT_SIGNATURE_VERSION = "Incorrect signature version [错误的签名版本]"
TIME_REQUIRED = "Submission time is required [提交时间不能为空]"
INVALID_TIME = "Invalid submission time or incorrect time format [无效的提交时间，或时间格式错误]"
INCORRECT_IP = "Incorrect IP address [IP地址错误]"
KEY_EXPIRED = "API key has expired [API Key已经过期]"
USER_LOCKED = "Abnormal user status [用户状态不正常]"
NO_PERMISSION = "No permission for this operation [无此操作权限]"


class AuthError(Exception):
    """A rejection by the gateway; str() is the wire text."""


@dataclass(frozen=True, slots=True)
class AuthSettings:
    hosts: Sequence[str] = ("api.hbdm.com", "api.hbdm.vn")
    """Hosts a signature may be computed over, besides the request's Host header with and
    without its port."""
    window: timedelta = timedelta(minutes=5)


def authenticate(
    registry: ApiKeyRegistry,
    settings: AuthSettings,
    *,
    method: str,
    host_header: str,
    path: str,
    raw_query: str,
    client_ip: str | None,
    permission: str,
    now_ms: int,
    wall_ms: int | None = None,
) -> tuple[ApiKey, dict[str, str]]:
    """The request's key and its decoded query parameters, or an AuthError. The Timestamp must
    be within the window of `wall_ms` (the wall clock clients sign with, whatever the exchange
    clock says) or of `now_ms` (the exchange's time, which a client that sets its clock from
    /api/v1/timestamp signs with); the key's expiry is checked against `now_ms`."""
    pieces = signature.split_query(raw_query)
    params = {name: value for _, name, value in pieces}
    if params.get("SignatureMethod") != signature.SIGNATURE_METHOD:
        raise AuthError(INCORRECT_SIGNATURE_METHOD)
    if params.get("SignatureVersion") != signature.SIGNATURE_VERSION:
        raise AuthError(INCORRECT_SIGNATURE_VERSION)
    stamp = params.get("Timestamp")
    if not stamp:
        raise AuthError(TIME_REQUIRED)
    when = signature.timestamp_ms(stamp)
    # Repeats within the window are allowed: ccxt signs to the second and resends identical
    # signatures within a second.
    window = _milliseconds(settings.window)
    if when is None or (
        abs(now_ms - when) > window and (wall_ms is None or abs(wall_ms - when) > window)
    ):
        raise AuthError(INVALID_TIME)
    key = registry.get(params.get("AccessKeyId", ""))
    if key is None:
        raise AuthError(INCORRECT_ACCESS_KEY)
    given = params.get("Signature", "")
    query = signature.canonical_query_of(pieces)
    method = method.upper()
    for host in _candidate_hosts(host_header, settings):
        if signature.matches(key.secret_key, f"{method}\n{host}\n{path}\n{query}", given):
            break
    else:
        raise AuthError(VERIFICATION_FAILURE)
    if not key.enabled:
        raise AuthError(USER_LOCKED)
    if key.expires_at is not None and now_ms >= key.expires_at:
        raise AuthError(KEY_EXPIRED)
    if key.ip_whitelist and not _allowed(client_ip, key.ip_whitelist):
        raise AuthError(INCORRECT_IP)
    if permission not in key.permissions:
        raise AuthError(NO_PERMISSION)
    return key, params


@functools.cache
def _milliseconds(window: timedelta) -> float:
    return window / timedelta(milliseconds=1)


def _candidate_hosts(host_header: str, settings: AuthSettings) -> list[str]:
    """The Host header as sent and without its port (official SDKs drop or keep the port),
    then the configured canonical hosts (ccxt signs api.hbdm.vn unless told otherwise)."""
    key = (host_header, tuple(settings.hosts))
    found = _HOSTS.get(key)
    if found is None:
        host = host_header.strip().lower()
        candidates = [host, signature.host_without_port(host), *settings.hosts]
        found = list(dict.fromkeys(h.lower() for h in candidates if h))
        if len(_HOSTS) < 1024:  # a server sees a handful of Host headers
            _HOSTS[key] = found
    return found


_HOSTS: dict[tuple[str, tuple[str, ...]], list[str]] = {}


def _allowed(client_ip: str | None, whitelist: Sequence[str]) -> bool:
    if client_ip is None:
        return False
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    for entry in whitelist:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
