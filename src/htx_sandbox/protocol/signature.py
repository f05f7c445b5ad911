"""HTX Signature Version 2 (HmacSHA256): the server's check, and signing for clients of it.

The pre-sign text is `METHOD\\nhost\\npath\\nquery`, where query is every parameter except
Signature, each name and value percent-encoded as UTF-8 with upper-case hex escapes, sorted by
name and joined with `&`. The signature is the Base64 of HMAC-SHA256 over that text.
"""

from __future__ import annotations

import binascii
import calendar
import functools
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote, unquote_plus

SIGNATURE_METHOD = "HmacSHA256"
SIGNATURE_VERSION = "2"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"


def encode(value: str) -> str:
    """RFC 3986 percent-encoding with upper-case hex, as HTX and its clients write it."""
    return quote(value, safe="-_.~")


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    pairs = sorted((encode(k), encode(v)) for k, v in params if k != "Signature")
    return "&".join(f"{k}={v}" for k, v in pairs)


def pre_sign_text(method: str, host: str, path: str, params: Iterable[tuple[str, str]]) -> str:
    return f"{method.upper()}\n{host.lower()}\n{path}\n{canonical_query(params)}"


def signature(secret: str, text: str) -> str:
    return _signature_bytes(secret, text).decode()


def _signature_bytes(secret: str, text: str) -> bytes:
    keyed = _KEYED.get(secret)
    if keyed is None:
        keyed = hmac.new(secret.encode(), digestmod=hashlib.sha256)
        if len(_KEYED) >= 65536:  # a bound, not an eviction policy: servers hold few keys
            _KEYED.clear()
        _KEYED[secret] = keyed
    mac = keyed.copy()  # a copy of the keyed state costs a third less than keying anew
    mac.update(text.encode())
    return binascii.b2a_base64(mac.digest(), newline=False)


_KEYED: dict[str, hmac.HMAC] = {}


def timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")
# A query already in canonical form (unreserved characters and upper-case %XX escapes only, at
# most one `=` per `&`-separated piece) is recognised by three scans that the regex engine runs
# without backtracking; one pattern for the whole shape cost three times as much.
_CANONICAL_CHARS = re.compile(r"[A-Za-z0-9._~%=&-]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-F]{2})")
_SECOND_EQUALS = re.compile(r"=[^&]*=")


@functools.lru_cache(maxsize=1024)
def timestamp_ms(value: str) -> int | None:
    """`YYYY-MM-DDThh:mm:ss` (UTC) as ms since the epoch; None if malformed or impossible.
    Cached: every client signing within the same second sends the same text."""
    found = _TIMESTAMP.match(value)
    if found is None:
        return None
    year, month, day, hour, minute, second = map(int, found.groups())
    if not (year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return calendar.timegm((year, month, day, hour, minute, second)) * 1000


def host_without_port(host: str) -> str:
    """`example.com:8080` -> `example.com`; `[::1]:8080` -> `[::1]` (lower case)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.split(":", 1)[0] if host.count(":") == 1 else host


def split_query(raw: str) -> list[tuple[str, str, str]]:
    """(raw piece, decoded name, decoded value) of each parameter of a raw query string."""
    out = []
    for piece in raw.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        # Decode only what is encoded: most names and values are plain.
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = _decode(value)
        out.append((piece, name, value))
    return out


def _decode(value: str) -> str:
    """unquote_plus, with a fast path for the escapes every signed request carries (the
    Timestamp's colons, the Signature's Base64 characters)."""
    if "+" not in value:
        fast = (
            value.replace("%3A", ":").replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
        )
        if "%" not in fast:
            return fast
    return unquote_plus(value)


def canonical_query_of(pieces: list[tuple[str, str, str]]) -> str:
    """The canonical query of a parsed request: its own text when the client already encoded
    it canonically (ccxt and the SDKs do), else re-encoded from the decoded values."""
    kept = [piece for piece, name, _ in pieces if name != "Signature"]
    text = "&".join(kept)
    if (
        _CANONICAL_CHARS.fullmatch(text)
        and _BAD_ESCAPE.search(text) is None
        and _SECOND_EQUALS.search(text) is None
    ):
        # Sorted by (name, value): partition's middle "=" (or "") never changes that order.
        ordered = sorted([piece.partition("=") for piece in kept])
        return "&".join([f"{name}={value}" for name, _, value in ordered])
    return canonical_query((name, value) for _, name, value in pieces if name != "Signature")


def signed_params(
    access_key: str,
    secret: str,
    method: str,
    host: str,
    path: str,
    when: datetime,
    params: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The query parameters of a signed request, Signature last (what a client sends)."""
    query = [
        ("AccessKeyId", access_key),
        ("SignatureMethod", SIGNATURE_METHOD),
        ("SignatureVersion", SIGNATURE_VERSION),
        ("Timestamp", timestamp(when)),
        *(params or {}).items(),
    ]
    query.append(("Signature", signature(secret, pre_sign_text(method, host, path, query))))
    return query


def matches(secret: str, text: str, given: str) -> bool:
    """Constant-time comparison of the expected signature with the one given."""
    return hmac.compare_digest(_signature_bytes(secret, text), given.encode())
