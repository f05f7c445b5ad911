"""The auth frame's check against the WebSocket test vector of the reference (htx-swap-api.md
1.5: computed independently over GET, api.hbdm.com, /swap-notification)."""

from __future__ import annotations

import calendar
import time

import pytest

from htx_sandbox.domain.types import UID, Millis
from htx_sandbox.http.auth.signed import AuthSettings
from htx_sandbox.http.ws.notification.auth import verify
from htx_sandbox.http.ws.notification.codes import NotifyError
from htx_sandbox.service.api_keys import ApiKey, ApiKeyRegistry

ACCESS = "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"
SECRET = "b0xxxxxx-c6xxxxxx-94xxxxxx-dxxxx"
STAMP = "2017-05-11T15:19:30"
SIGNATURE = "/ULbHWQz/WvfELwULmX2873/v1PeaBsslsUXNsOw+nE="
NOW = calendar.timegm(time.strptime(STAMP, "%Y-%m-%dT%H:%M:%S")) * 1000


def _frame(**changes: str) -> dict[str, str]:
    frame = {
        "op": "auth", "type": "api", "AccessKeyId": ACCESS, "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2", "Timestamp": STAMP, "Signature": SIGNATURE, "cid": "any",
    }  # fmt: skip
    return frame | changes


def _check(frame: dict[str, str], host: str = "127.0.0.1:8080") -> UID:
    key = ApiKey(ACCESS, SECRET, UID(7), frozenset({"read", "trade"}), Millis(0))
    registry = ApiKeyRegistry({ACCESS: key})
    found = verify(
        frame, registry, AuthSettings(), host_header=host, client_ip="127.0.0.1", now_ms=NOW
    )
    return found.uid


def test_the_reference_vector_authenticates() -> None:
    assert _check(_frame()) == UID(7)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"Signature": SIGNATURE.replace("/", "+", 1)}, 2003),
        ({"Timestamp": "2017-05-11T15:19:31"}, 2003),  # signed for another second
        ({"AccessKeyId": "other"}, 2003),
        ({"type": "ticket"}, 2013),
        ({"SignatureVersion": "2.1"}, 2001),
    ],
)
def test_anything_else_is_refused(changes: dict[str, str], code: int) -> None:
    with pytest.raises(NotifyError) as refused:
        _check(_frame(**changes))
    assert refused.value.code == code


def test_cid_and_type_are_not_signed() -> None:
    assert _check(_frame(cid="something else entirely")) == UID(7)
