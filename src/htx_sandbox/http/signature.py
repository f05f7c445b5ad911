"""HTX Signature Version 2 (HmacSHA256), shared by the server's check and the client's signing.

The pre-sign text is `METHOD\\nhost\\npath\\nquery`, where query is every parameter except
Signature, each name and value percent-encoded as UTF-8 with upper-case hex escapes, sorted by
name and joined with `&`. The signature is the Base64 of HMAC-SHA256 over that text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote

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


def parse_timestamp(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


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
