"""HTX Signature v2 as a client computes it, checked against the reference vectors and against
the running app through ASGITransport.

The signer below is written here from the reference (hmac/hashlib/base64/urllib), on purpose
not importing htx_sandbox.protocol.signature: a shared bug would otherwise cancel out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from htx_sandbox.http.auth.signed import VERIFICATION_FAILURE
from htx_sandbox.http.core.endpoint import Call, private
from htx_sandbox.http.core.gateway import Gateway, HttpSettings
from htx_sandbox.protocol import signature as server_signature
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine

from .conftest import KEYS, UID1, ClientFactory, Key

pytestmark = pytest.mark.anyio

ORDER = "/swap-api/v1/swap_order"
CANCEL_ALL = "/swap-api/v1/swap_cancelall"

# Reference section 1.5: computed vectors (secret, access key and time of the Huobi docs).
VECTOR_ACCESS = "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"
VECTOR_SECRET = "b0xxxxxx-c6xxxxxx-94xxxxxx-dxxxx"
VECTOR_TIME = "2017-05-11T15:19:30"
VECTOR_QUERY = (
    "AccessKeyId=e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx&SignatureMethod=HmacSHA256"
    "&SignatureVersion=2&Timestamp=2017-05-11T15%3A19%3A30"
)
VECTORS = [
    ("POST", "/swap-api/v1/swap_cancelall", "nutamlX718pxFkxv4GSFV7Q4o9u8yq1cIt0cij4vEoc="),
    ("POST", "/swap-api/v1/swap_order", "04uYyOJwPF+GsC5Z3P1yk8BdV1KwwwAgV51Nf+suyZQ="),
    ("GET", "/swap-notification", "/ULbHWQz/WvfELwULmX2873/v1PeaBsslsUXNsOw+nE="),
]


# -- the independent client-side signer ----------------------------------------------------


def encode(value: str) -> str:
    """UTF-8 percent-encoding with upper-case hex; only unreserved characters stay as they are."""
    return quote(value, safe="-_.~", encoding="utf-8")


def lower_hex(value: str) -> str:
    """The same encoding with lower-case hex escapes: what a sloppy client would sign."""
    encoded = encode(value)
    out, i = [], 0
    while i < len(encoded):
        if encoded[i] == "%":
            out.append(encoded[i : i + 3].lower())
            i += 3
        else:
            out.append(encoded[i])
            i += 1
    return "".join(out)


def pre_sign(
    method: str,
    host: str,
    path: str,
    params: Sequence[tuple[str, str]],
    enc: Callable[[str], str] = encode,
) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params if k != "Signature")
    )
    return "\n".join([method.upper(), host.lower(), path, query])


def sign(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def auth_params(access: str, when: str) -> list[tuple[str, str]]:
    return [
        ("AccessKeyId", access),
        ("SignatureMethod", "HmacSHA256"),
        ("SignatureVersion", "2"),
        ("Timestamp", when),
    ]


def stamp(clock: ManualClock) -> str:
    return datetime.fromtimestamp(clock.now() / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def signed_url(
    key: Key,
    method: str,
    host: str,
    path: str,
    when: str,
    extra: Sequence[tuple[str, str]] = (),
    *,
    signed_extra: Sequence[tuple[str, str]] | None = None,
    enc: Callable[[str], str] = encode,
) -> str:
    """The request target: path and query, every value percent-encoded by this module (so the
    bytes on the wire are ours, not httpx's), Signature last."""
    params = [*auth_params(key.access, when), *extra]
    covered = [*auth_params(key.access, when), *(extra if signed_extra is None else signed_extra)]
    sig = sign(key.secret, pre_sign(method, host, path, covered, enc))
    query = "&".join(f"{encode(k)}={encode(v)}" for k, v in [*params, ("Signature", sig)])
    return f"{path}?{query}"


def order_body(price: str = "50000") -> dict[str, Any]:
    return {
        "contract_code": "BTC-USD",
        "volume": 1,
        "direction": "buy",
        "offset": "open",
        "lever_rate": 5,
        "order_price_type": "limit",
        "price": price,
    }


def assert_placed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["status"] == "ok", body
    assert isinstance(body["data"]["order_id"], int)
    return body


def assert_refused(response: httpx.Response, message: str = VERIFICATION_FAILURE) -> None:
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "err_code", "err_msg", "ts"}
    assert body["status"] == "error"
    assert body["err_code"] == 403
    assert body["err_msg"] == message
    assert isinstance(body["ts"], int)


# -- the reference vectors --------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "expected"), VECTORS)
def test_reference_vectors_with_the_independent_signer(
    method: str, path: str, expected: str
) -> None:
    text = pre_sign(method, "api.hbdm.com", path, auth_params(VECTOR_ACCESS, VECTOR_TIME))
    assert text == f"{method}\napi.hbdm.com\n{path}\n{VECTOR_QUERY}"
    assert sign(VECTOR_SECRET, text) == expected


@pytest.mark.parametrize(("method", "path", "expected"), VECTORS)
def test_reference_vectors_with_the_server_module(method: str, path: str, expected: str) -> None:
    params = auth_params(VECTOR_ACCESS, VECTOR_TIME)
    text = server_signature.pre_sign_text(method, "api.hbdm.com", path, params)
    assert text == f"{method}\napi.hbdm.com\n{path}\n{VECTOR_QUERY}"
    assert server_signature.signature(VECTOR_SECRET, text) == expected
    when = datetime(2017, 5, 11, 15, 19, 30, tzinfo=UTC)
    query = server_signature.signed_params(
        VECTOR_ACCESS, VECTOR_SECRET, method, "api.hbdm.com", path, when
    )
    assert query[-1] == ("Signature", expected)
    assert dict(query)["Timestamp"] == VECTOR_TIME


def test_the_signature_is_sent_url_encoded() -> None:
    # 1.5: "+", "/" and "=" of the Base64 signature are escaped in the URL.
    assert encode("04uYyOJwPF+GsC5Z3P1yk8BdV1KwwwAgV51Nf+suyZQ=") == (
        "04uYyOJwPF%2BGsC5Z3P1yk8BdV1KwwwAgV51Nf%2BsuyZQ%3D"
    )


# -- the server accepts the independent signer -----------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "signed_host"),
    [
        ("http://localhost:8080", "localhost:8080"),  # the Host header with its port
        ("http://localhost:8080", "localhost"),  # ... and without it
        ("http://localhost:8080", "api.hbdm.com"),  # the canonical host (official SDKs)
        ("http://localhost:8080", "api.hbdm.vn"),  # ccxt's default host
        ("http://api.hbdm.com", "api.hbdm.com"),
        ("http://127.0.0.1:9000", "127.0.0.1:9000"),
        ("http://127.0.0.1:9000", "127.0.0.1"),
    ],
)
async def test_a_signature_over_each_accepted_host_is_accepted(
    make_client: ClientFactory, clock: ManualClock, base_url: str, signed_host: str
) -> None:
    client = make_client(base_url=base_url)
    url = signed_url(KEYS.trader, "POST", signed_host, ORDER, stamp(clock))
    assert_placed(await client.post(url, json=order_body()))


async def test_a_signature_over_the_host_in_upper_case_is_accepted(
    make_client: ClientFactory, clock: ManualClock
) -> None:
    # The pre-sign host is lower case whatever the client typed.
    client = make_client(base_url="http://API.HBDM.COM")
    url = signed_url(KEYS.trader, "POST", "API.HBDM.COM", ORDER, stamp(clock))
    assert_placed(await client.post(url, json=order_body()))


@pytest.mark.parametrize("signed_host", ["evil.example.com", "api.huobi.pro", "localhost:9999"])
async def test_a_signature_over_another_host_is_refused(
    make_client: ClientFactory, clock: ManualClock, engine: Engine, signed_host: str
) -> None:
    client = make_client(base_url="http://localhost:8080")
    url = signed_url(KEYS.trader, "POST", signed_host, ORDER, stamp(clock))
    assert_refused(await client.post(url, json=order_body()))
    assert engine.query(lambda ex: ex.open_orders(UID1)).result() == []


async def test_a_signature_over_another_method_or_path_is_refused(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    when = stamp(clock)
    signed_as_get = signed_url(KEYS.trader, "GET", "api.hbdm.com", ORDER, when)
    assert_refused(await client.post(signed_as_get, json=order_body()))
    # Signed for cancel-all, sent to swap_order.
    other_path = signed_url(KEYS.trader, "POST", "api.hbdm.com", CANCEL_ALL, when)
    assert_refused(await client.post(ORDER + other_path[len(CANCEL_ALL) :], json=order_body()))


async def test_a_signature_made_with_another_secret_is_refused(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    forged = Key(KEYS.trader.access, KEYS.second.secret, UID1)
    assert_refused(
        await client.post(
            signed_url(forged, "POST", "api.hbdm.com", ORDER, stamp(clock)), json=order_body()
        )
    )


async def test_the_post_body_is_not_signed(client: httpx.AsyncClient, clock: ManualClock) -> None:
    # POST business parameters travel in the JSON body, outside the signature (1.3).
    url = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, stamp(clock))
    assert_placed(await client.post(url, json=order_body("50000")))
    assert_placed(await client.post(url, json=order_body("49000")))


async def test_extra_query_parameters_of_a_post_are_signed(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    when = stamp(clock)
    extra = [("contract_code", "BTC-USD"), ("note", "a b/c:d+e")]
    url = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, when, extra)
    assert_placed(await client.post(url, json=order_body()))
    unsigned = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, when, extra, signed_extra=[])
    assert_refused(await client.post(unsigned, json=order_body()))


def echo_app(engine: Engine, clock: ManualClock) -> Starlette:
    """A private GET endpoint wired through the real gateway: there is no private GET route in
    the app yet, and a GET's own parameters are what the signature must cover."""

    @private("read")
    async def echo(call: Call) -> Any:
        return {"uid": call.uid, "query": call.query}

    app = Starlette(routes=[Route("/swap-api/v1/echo", echo, methods=["GET"])])
    app.state.gateway = Gateway(engine, clock, HttpSettings())
    return app


async def test_get_parameters_are_signed(engine: Engine, clock: ManualClock) -> None:
    transport = httpx.ASGITransport(app=echo_app(engine, clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.hbdm.com") as client:
        path, when = "/swap-api/v1/echo", stamp(clock)
        extra = [("contract_code", "BTC-USD"), ("page_size", "50"), ("zeta", "ä ö/ü")]
        response = await client.get(
            signed_url(KEYS.trader, "GET", "api.hbdm.com", path, when, extra)
        )
        body = response.json()
        assert body["status"] == "ok", body
        assert body["data"]["uid"] == UID1
        assert body["data"]["query"]["zeta"] == "ä ö/ü"

        without = signed_url(
            KEYS.trader, "GET", "api.hbdm.com", path, when, extra, signed_extra=extra[:1]
        )
        assert_refused(await client.get(without))
        # A parameter changed after signing.
        url = signed_url(KEYS.trader, "GET", "api.hbdm.com", path, when, extra)
        assert_refused(await client.get(url.replace("page_size=50", "page_size=20")))
        # Signed as POST, sent as GET.
        as_post = signed_url(KEYS.trader, "POST", "api.hbdm.com", path, when, extra)
        assert_refused(await client.get(as_post))


async def test_percent_encoding_is_upper_case_hex(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    # The Timestamp's ":" is always escaped, so every signature depends on the hex case.
    when = stamp(clock)
    extra = [("note", "100% sure: a/b")]
    upper = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, when, extra)
    assert "%3A" in upper and "%3a" not in upper
    assert_placed(await client.post(upper, json=order_body()))
    lower = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, when, extra, enc=lower_hex)
    assert_refused(await client.post(lower, json=order_body()))


async def test_the_same_signed_request_twice_within_the_window_is_accepted(
    client: httpx.AsyncClient, clock: ManualClock, engine: Engine
) -> None:
    # ccxt signs to the second and may repeat a request within it: no nonce check.
    url = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, stamp(clock))
    first = assert_placed(await client.post(url, json=order_body()))
    clock.advance(1000)
    second = assert_placed(await client.post(url, json=order_body()))
    assert first["data"]["order_id"] != second["data"]["order_id"]
    assert len(engine.query(lambda ex: ex.open_orders(UID1)).result()) == 2


async def test_the_signature_query_parameter_must_be_present(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    url = signed_url(KEYS.trader, "POST", "api.hbdm.com", ORDER, stamp(clock))
    without = url[: url.index("&Signature=")]
    assert_refused(await client.post(without, json=order_body()))
