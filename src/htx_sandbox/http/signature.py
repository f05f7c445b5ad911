"""HTX Signature Version 2 (HmacSHA256): the server's check, and signing for clients of it.

The pre-sign text is `METHOD\\nhost\\npath\\nquery`, where query is every parameter except
Signature, each name and value percent-encoded as UTF-8 with upper-case hex escapes, sorted by
name and joined with `&`. The signature is the Base64 of HMAC-SHA256 over that text.
"""

from __future__ import annotations

import base64
import calendar
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
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")
# Already canonical: unreserved characters and upper-case %XX escapes only, `name=value` pieces
# joined by `&` (one match over the whole query instead of one per piece).
_UNIT = r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*"
_PIECE = rf"{_UNIT}(?:={_UNIT})?"
_CANONICAL_QUERY = re.compile(rf"{_PIECE}(?:&{_PIECE})*\Z")


def timestamp_ms(value: str) -> int | None:
    """`YYYY-MM-DDThh:mm:ss` (UTC) as ms since the epoch; None if malformed or impossible."""
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
    kept = [p for p in pieces if p[1] != "Signature"]
    if _CANONICAL_QUERY.match("&".join(piece for piece, _, _ in kept)):
        ordered = sorted(kept, key=lambda p: tuple(p[0].partition("=")[::2]))
        return "&".join(piece if "=" in piece else piece + "=" for piece, _, _ in ordered)
    return canonical_query((name, value) for _, name, value in kept)


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
    return hmac.compare_digest(signature(secret, text).encode(), given.encode())
