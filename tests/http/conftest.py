"""Shared fixtures for the HTTP tests: the app driven in-process through httpx.ASGITransport.

Async tests run on anyio's pytest plugin (shipped with anyio, which httpx depends on): mark a
module with ``pytestmark = pytest.mark.anyio``; ``anyio_backend`` below pins asyncio.

Fixtures
--------
``clock``
    A ``ManualClock`` started at the wall-clock time. Nothing moves it but the test
    (``clock.advance(ms)``), so rate-limit windows (3 s) and the leverage-switch limit only
    reset when a test advances it. Signatures made by ``SignedClient`` use this clock's time.
``store``
    A ``MemoryStore``; override it in a module to run the engine on another store.
``engine``
    A started ``Engine`` on ``store`` with that clock, stopped after the test. UIDs 1, 2
    and 3 (``UID1``, ``UID2``, ``UID3``) are opened and funded with ``FUNDS`` (10 BTC and 100
    ETH each); ``UID_UNFUNDED`` (4) is opened with nothing deposited. The keys in ``KEYS`` are
    created with ``CreateApiKey`` (the disabled one then disabled with ``DisableApiKey``).
``seed(engine, clock)``
    What ``engine`` opens on a started engine (the UIDs, funds and keys above), for tests that
    build their own engine (the fuzzer's, tests/fuzz).
``keys``
    ``KEYS``: a ``Keys`` namespace of ``Key(access, secret, uid)``:
    ``trader`` (UID 1, read+trade), ``reader`` (UID 1, read only), ``trade_only`` (UID 1, trade
    only), ``whitelisted`` (UID 1, read+trade, IP whitelist ``WHITELIST`` = 10.0.0.0/8 and
    127.0.0.1, the address ASGITransport reports by default), ``expired`` (UID 1, read+trade,
    expired one minute before the start), ``disabled`` (UID 1, read+trade, disabled),
    ``second`` (UID 2, read+trade), ``third`` (UID 3, read+trade), ``unfunded`` (UID 4,
    read+trade).
``http_settings``
    ``HttpSettings()`` (rate limits on). Override this fixture in a module to change them.
``app``
    ``create_app(engine, clock, http_settings)``.
``client``
    An ``httpx.AsyncClient`` on ``ASGITransport(app=app)`` with base URL
    ``http://api.hbdm.com`` (so the Host header is ``api.hbdm.com``). ``make_client(...)``
    builds others (another client address, another base URL).
``signed``
    ``SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)``.
``signed_for``
    ``signed_for(key, client=None)``: a ``SignedClient`` for another ``Key``.

SignedClient
------------
``SignedClient(client, access, secret, host="api.hbdm.com", *, clock=None)`` signs requests
with HTX Signature v2 (HmacSHA256) the way a client does and sends them through ``client``.
``host`` is the host the signature is computed over (the Host header is whatever ``client``
sends, i.e. its base URL's host, unless ``headers={"host": ...}`` is given). The timestamp is
``clock.now()`` when a clock is given, else the wall clock.

``await signed.post(path, body=None, *, params=None, host_in_signature=None, timestamp=None,
headers=None, auth=None, signature=None)`` sends a signed POST:

- ``body``: a dict/list is sent as JSON; ``bytes``/``str`` are sent verbatim (malformed JSON);
  ``None`` sends an empty body.
- ``params``: extra query parameters, signed with the rest.
- ``host_in_signature``: sign over this host instead of ``host``.
- ``timestamp``: a ``datetime`` (formatted as HTX wants) or a raw ``str`` sent as is.
- ``auth``: overrides of the signing parameters (``AccessKeyId``, ``SignatureMethod``,
  ``SignatureVersion``, ``Timestamp``); a value of ``None`` removes that parameter. The request
  is still signed correctly over whatever is sent.
- ``signature``: send this ``Signature`` instead of the computed one.
- ``headers``: extra request headers (e.g. ``{"Accept-Language": "zh-CN"}``).

``await signed.get(path, params=None, *, ...)`` is the same for GET (parameters in the query,
signed). ``signed.sign(method, path, params=None, ...)`` returns the query list without sending.
``SignedClient.json(response)`` returns the decoded body, asserting HTTP 200 and JSON.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser
from htx_sandbox.domain.contracts import FUNDING_INTERVAL_MS
from htx_sandbox.domain.funding_clock import next_settlement_after
from htx_sandbox.domain.types import UID, Millis
from htx_sandbox.http.app import create_app
from htx_sandbox.http.core.gateway import HttpSettings
from htx_sandbox.protocol.signature import pre_sign_text, signature, timestamp
from htx_sandbox.service.api_keys import CreateApiKey, DisableApiKey
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import Store
from htx_sandbox.storage.memory import MemoryStore

UID1, UID2, UID3, UID_UNFUNDED = UID(1), UID(2), UID(3), UID(4)
FUNDS = {"BTC": Decimal(10), "ETH": Decimal(100)}
WHITELIST = ("10.0.0.0/8", "127.0.0.1")
BASE_URL = "http://api.hbdm.com"
READ_TRADE = frozenset({"read", "trade"})


@dataclass(frozen=True, slots=True)
class Key:
    access: str
    secret: str
    uid: UID


@dataclass(frozen=True, slots=True)
class Keys:
    trader: Key
    reader: Key
    trade_only: Key
    whitelisted: Key
    expired: Key
    disabled: Key
    second: Key
    third: Key
    unfunded: Key


KEYS = Keys(
    trader=Key("ak-trader", "sk-trader", UID1),
    reader=Key("ak-reader", "sk-reader", UID1),
    trade_only=Key("ak-trade-only", "sk-trade-only", UID1),
    whitelisted=Key("ak-whitelisted", "sk-whitelisted", UID1),
    expired=Key("ak-expired", "sk-expired", UID1),
    disabled=Key("ak-disabled", "sk-disabled", UID1),
    second=Key("ak-second", "sk-second", UID2),
    third=Key("ak-third", "sk-third", UID3),
    unfunded=Key("ak-unfunded", "sk-unfunded", UID_UNFUNDED),
)


class SignedClient:
    """Signs and sends HTX private requests; see the module docstring."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        access: str,
        secret: str,
        host: str = "api.hbdm.com",
        *,
        clock: ManualClock | None = None,
    ) -> None:
        self.client = client
        self.access = access
        self.secret = secret
        self.host = host
        self.clock = clock

    def now(self) -> datetime:
        if self.clock is not None:
            return datetime.fromtimestamp(self.clock.now() / 1000, UTC)
        return datetime.now(UTC)

    def sign(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        host_in_signature: str | None = None,
        timestamp: datetime | str | None = None,
        auth: Mapping[str, str | None] | None = None,
        signature: str | None = None,
    ) -> list[tuple[str, str]]:
        when = self.now() if timestamp is None else timestamp
        stamp = when if isinstance(when, str) else _format(when)
        base: dict[str, str | None] = {
            "AccessKeyId": self.access,
            "SignatureMethod": "HmacSHA256",
            "SignatureVersion": "2",
            "Timestamp": stamp,
        }
        base.update(auth or {})
        query = [(k, v) for k, v in base.items() if v is not None]
        query.extend((params or {}).items())
        host = host_in_signature or self.host
        computed = _sign(self.secret, pre_sign_text(method, host, path, query))
        query.append(("Signature", computed if signature is None else signature))
        return query

    async def post(
        self,
        path: str,
        body: Any = None,
        *,
        params: Mapping[str, str] | None = None,
        host_in_signature: str | None = None,
        timestamp: datetime | str | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Mapping[str, str | None] | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        query = self.sign(
            "POST",
            path,
            params,
            host_in_signature=host_in_signature,
            timestamp=timestamp,
            auth=auth,
            signature=signature,
        )
        if body is None:
            content: bytes = b""
            sent_headers = dict(headers or {})
        elif isinstance(body, bytes | str):
            content = body.encode() if isinstance(body, str) else body
            sent_headers = {"content-type": "application/json", **(headers or {})}
        else:
            content = httpx.Request("POST", BASE_URL, json=body).content
            sent_headers = {"content-type": "application/json", **(headers or {})}
        return await self.client.post(
            path, params=tuple(query), content=content, headers=sent_headers
        )

    async def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        host_in_signature: str | None = None,
        timestamp: datetime | str | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Mapping[str, str | None] | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        query = self.sign(
            "GET",
            path,
            params,
            host_in_signature=host_in_signature,
            timestamp=timestamp,
            auth=auth,
            signature=signature,
        )
        return await self.client.get(path, params=tuple(query), headers=dict(headers or {}))

    @staticmethod
    def json(response: httpx.Response) -> Any:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


def _format(when: datetime) -> str:
    return timestamp(when)


def _sign(secret: str, text: str) -> str:
    return signature(secret, text)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(int(datetime.now(UTC).timestamp() * 1000))


def between_settlements() -> ManualClock:
    """A clock today, halfway between two funding settlements, for a module whose tests count
    settlements: moved by minutes or hours it crosses none it did not ask for, whatever the time
    of day the suite runs at (the wall clock's now may be a minute before one)."""
    now = int(datetime.now(UTC).timestamp() * 1000)
    return ManualClock(next_settlement_after(now) - FUNDING_INTERVAL_MS // 2)


@pytest.fixture
def store() -> Store:
    """The engine's store: a MemoryStore (override it in a module for another)."""
    return MemoryStore()


@pytest.fixture
def engine(clock: ManualClock, store: Store) -> Iterator[Engine]:
    engine = Engine(store, clock)
    engine.start()
    try:
        seed(engine, clock)
        yield engine
    finally:
        engine.stop()


def seed(engine: Engine, clock: ManualClock) -> None:
    """What the ``engine`` fixture opens on a started engine: the UIDs, their funds, ``KEYS``."""
    for uid in (UID1, UID2, UID3, UID_UNFUNDED):
        _ok(engine.execute(OpenUser(uid)))
    for uid in (UID1, UID2, UID3):
        for symbol, amount in FUNDS.items():
            _ok(engine.execute(Deposit(uid, symbol, amount)))
    now = clock.now()
    creates = [
        CreateApiKey(KEYS.trader.access, KEYS.trader.secret, UID1, READ_TRADE),
        CreateApiKey(KEYS.reader.access, KEYS.reader.secret, UID1, frozenset({"read"})),
        CreateApiKey(KEYS.trade_only.access, KEYS.trade_only.secret, UID1, frozenset({"trade"})),
        CreateApiKey(
            KEYS.whitelisted.access,
            KEYS.whitelisted.secret,
            UID1,
            READ_TRADE,
            ip_whitelist=WHITELIST,
        ),
        CreateApiKey(
            KEYS.expired.access,
            KEYS.expired.secret,
            UID1,
            READ_TRADE,
            expires_at=Millis(now - 60_000),
        ),
        CreateApiKey(KEYS.disabled.access, KEYS.disabled.secret, UID1, READ_TRADE),
        CreateApiKey(KEYS.second.access, KEYS.second.secret, UID2, READ_TRADE),
        CreateApiKey(KEYS.third.access, KEYS.third.secret, UID3, READ_TRADE),
        CreateApiKey(KEYS.unfunded.access, KEYS.unfunded.secret, UID_UNFUNDED, READ_TRADE),
    ]
    for create in creates:
        _ok(engine.execute(create))
    _ok(engine.execute(DisableApiKey(KEYS.disabled.access)))


def _ok(outcome: Any) -> None:
    assert outcome.error is None, outcome.error


@pytest.fixture
def keys() -> Keys:
    return KEYS


@pytest.fixture
def http_settings() -> HttpSettings:
    return HttpSettings()


@pytest.fixture
def app(engine: Engine, clock: ManualClock, http_settings: HttpSettings) -> Any:
    return create_app(engine, clock, http_settings)


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def make_client(app: Any) -> AsyncIterator[ClientFactory]:
    made: list[httpx.AsyncClient] = []

    def make(
        client_address: tuple[str, int] = ("127.0.0.1", 123), base_url: str = BASE_URL
    ) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=client_address)
        made.append(httpx.AsyncClient(transport=transport, base_url=base_url))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def client(make_client: ClientFactory) -> httpx.AsyncClient:
    return make_client()


@pytest.fixture
def signed(client: httpx.AsyncClient, clock: ManualClock) -> SignedClient:
    return SignedClient(client, KEYS.trader.access, KEYS.trader.secret, clock=clock)


@pytest.fixture
def signed_for(client: httpx.AsyncClient, clock: ManualClock) -> Callable[..., SignedClient]:
    def make(key: Key, other: httpx.AsyncClient | None = None) -> SignedClient:
        return SignedClient(other or client, key.access, key.secret, clock=clock)

    return make
