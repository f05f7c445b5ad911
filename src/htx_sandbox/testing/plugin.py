"""The pytest plugin (entry point `pytest11`): a real sandbox for a test suite, no configuration
needed.

Fixtures:

- `htx_sandbox` (session): a `SandboxServer` on a free loopback port with a fresh data
  directory, one per pytest-xdist worker. Each test that uses it starts from a reset exchange
  (empty, or the fixtures file of the ini option `htx_sandbox_fixtures`; no fault armed, the
  clock live, default cancel delay and rate limits), unless marked
  `@pytest.mark.htx_keep_state`.
- `htx_account`: a funded account (10 BTC, 100 ETH) with a read+trade key.
- `htx_client`, `htx_async_client`: the project's HTX clients signed with that key.
- `htx_ccxt`, `htx_ccxt_async`: ccxt's htx configured for it as docs/ccxt.md shows (markets
  narrowed to the sandbox's coin-margined swaps); skipped, saying why, without ccxt.

Ini options: `htx_sandbox_fixtures` (a fixtures TOML file, relative to the rootdir),
`htx_sandbox_market_maker` (true: quote every contract). Nothing here runs, or even imports the
server, in a test that does not ask for these fixtures.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..client import AsyncHtxSwapClient, HtxSwapClient
    from .server import Account, SandboxServer

KEEP_STATE = "htx_keep_state"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "htx_sandbox_fixtures",
        "htx_sandbox: a fixtures TOML file the sandbox starts from and resets to",
        default="",
    )
    parser.addini(
        "htx_sandbox_market_maker",
        "htx_sandbox: run the market maker (quotes on every contract)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{KEEP_STATE}: the htx_sandbox fixture is not reset before this test",
    )


@pytest.fixture(scope="session")
def htx_sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxServer]:
    from .server import SandboxServer

    config = request.config
    fixtures = str(config.getini("htx_sandbox_fixtures"))
    server = SandboxServer(
        tmp_path_factory.mktemp("htx-sandbox"),
        fixtures=config.rootpath / fixtures if fixtures else None,
        market_maker=bool(config.getini("htx_sandbox_market_maker")),
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _htx_sandbox_reset(request: pytest.FixtureRequest) -> None:
    """Each test that uses the sandbox starts from its reset state (the first one too: a
    session fixture may have been used by another test already)."""
    if "htx_sandbox" not in request.fixturenames:
        return
    if request.node.get_closest_marker(KEEP_STATE) is not None:
        return
    server: SandboxServer = request.getfixturevalue("htx_sandbox")
    server.reset()


@pytest.fixture
def htx_account(htx_sandbox: SandboxServer) -> Account:
    return htx_sandbox.new_account()


@pytest.fixture
def htx_client(htx_sandbox: SandboxServer, htx_account: Account) -> Iterator[HtxSwapClient]:
    from ..client import HtxSwapClient

    with HtxSwapClient(
        htx_account.access_key, htx_account.secret_key, base_url=htx_sandbox.base_url
    ) as client:
        yield client


@pytest.fixture
def htx_async_client(
    htx_sandbox: SandboxServer, htx_account: Account
) -> Iterator[AsyncHtxSwapClient]:
    """For async tests (anyio, pytest-asyncio): closed after the test, on a loop of its own
    when the test's loop is gone."""
    from ..client import AsyncHtxSwapClient

    client = AsyncHtxSwapClient(
        htx_account.access_key, htx_account.secret_key, base_url=htx_sandbox.base_url
    )
    yield client
    _close_later(client.aclose)


def _ccxt_options(server: SandboxServer, account: Account) -> dict[str, Any]:
    """docs/ccxt.md's smallest configuration that works, without the client-side throttle."""
    return {
        "apiKey": account.access_key,
        "secret": account.secret_key,
        "has": {"fetchCurrencies": False},
        "options": {"defaultType": "swap", "defaultSubType": "inverse"},
        "urls": {
            "hostnames": {"contract": "api.hbdm.com"},
            "api": {"contract": server.base_url},
        },
        "enableRateLimit": False,
    }


@pytest.fixture
def htx_ccxt(htx_sandbox: SandboxServer, htx_account: Account) -> Any:
    ccxt = pytest.importorskip("ccxt", reason="htx_ccxt needs ccxt (pip install ccxt)")

    class HtxSandbox(ccxt.htx):  # type: ignore[misc, name-defined]
        def fetch_markets(self, params: Any = None) -> Any:  # coin-margined swaps only
            return self.fetch_markets_by_type_and_sub_type("swap", "inverse", params or {})

    return HtxSandbox(_ccxt_options(htx_sandbox, htx_account))


@pytest.fixture
def htx_ccxt_async(htx_sandbox: SandboxServer, htx_account: Account) -> Iterator[Any]:
    """For async tests: closed after the test (on a loop of its own when the test's is gone)."""
    ccxt_async = pytest.importorskip(
        "ccxt.async_support", reason="htx_ccxt_async needs ccxt (pip install ccxt)"
    )

    class AsyncHtxSandbox(ccxt_async.htx):  # type: ignore[misc, name-defined]
        async def fetch_markets(self, params: Any = None) -> Any:
            return await self.fetch_markets_by_type_and_sub_type("swap", "inverse", params or {})

    exchange = AsyncHtxSandbox(_ccxt_options(htx_sandbox, htx_account))
    yield exchange
    _close_later(exchange.close)


def _close_later(close: Callable[[], Any]) -> None:
    # Its loop may be gone with its connections: then nothing is left to close.
    with contextlib.suppress(Exception):
        asyncio.run(close())



