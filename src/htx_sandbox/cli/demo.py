"""`serve --demo`: a funded demo UID with a read+trade key, and what to paste to use it.

The credentials are written once to <data-dir>/demo-credentials.json (mode 0600) and reused on
later starts for as long as the store still knows their key.
"""

from __future__ import annotations

import json
import logging
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from ..domain.commands import Deposit, OpenUser, Outcome
from ..domain.events import UserOpened
from ..domain.exchange import Exchange
from ..domain.types import UID
from ..http.admin.accounts import FIRST_UID
from ..service.api_keys import READ, TRADE, CreateApiKey, new_key
from ..service.engine import Engine
from ..service.ports import Store
from ..service.queries import Reads
from .files import write_private

log = logging.getLogger(__name__)

CREDENTIALS_FILE = "demo-credentials.json"
"""Where the admin API starts numbering UIDs too."""
SIGN_HOST = "api.hbdm.com"
"""The host clients sign for, as they would against HTX itself; the sandbox accepts it."""
DEFAULT_DEPOSITS: Mapping[str, Decimal] = {"BTC": Decimal(10), "ETH": Decimal(100)}
OTHER_COIN_USD = Decimal(300_000)
"""Coins without a default are funded with this much USD at the contract's reference price."""


class DemoError(Exception):
    """The demo account could not be prepared (one line, for the CLI)."""


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    uid: int
    access_key: str
    secret_key: str
    base_url: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "uid": self.uid,
                "access_key": self.access_key,
                "secret_key": self.secret_key,
                "base_url": self.base_url,
            },
            indent=2,
        )


def prepare_demo(
    engine: Engine,
    data_dir: Path,
    base_url: str,
    *,
    deposits: Mapping[str, Decimal] = DEFAULT_DEPOSITS,
) -> DemoCredentials:
    """The demo UID's credentials: those in <data_dir>/demo-credentials.json while the engine
    still knows their key (enabled, same UID), else a new funded UID and key. The file is
    (re)written with the current base_url, mode 0600. The engine must be running."""
    path = data_dir / CREDENTIALS_FILE
    saved = _load(path)
    if saved is not None and _still_valid(engine, saved):
        credentials = DemoCredentials(saved.uid, saved.access_key, saved.secret_key, base_url)
        if credentials != saved:
            _write(path, credentials)
        return credentials
    uid = _open_new_uid(engine)
    _fund(engine, uid, deposits)
    access_key, secret_key = new_key_pair()
    _check(engine.execute(CreateApiKey(access_key, secret_key, uid, frozenset({READ, TRADE}))))
    credentials = DemoCredentials(int(uid), access_key, secret_key, base_url)
    _write(path, credentials)
    return credentials


def new_key_pair() -> tuple[str, str]:
    """An access key and a secret shaped like HTX's."""
    return new_key(), new_key()


def demo_banner(credentials: DemoCredentials) -> str:
    """What to paste: a ccxt snippet and curl examples, with the demo credentials filled in."""
    base = credentials.base_url.rstrip("/")
    host = urlsplit(base).netloc or base
    ak, sk = credentials.access_key, credentials.secret_key
    path = "/swap-api/v1/swap_account_info"
    signer = (
        "from datetime import datetime, UTC; from urllib.parse import urlencode; "
        "from htx_sandbox.protocol.signature import signed_params; "
        f'print(urlencode(signed_params("{ak}", "{sk}", "POST", "{SIGN_HOST}", "{path}", '
        "datetime.now(UTC))))"
    )
    python = shlex.quote(sys.executable or "python3")
    return f"""\
HTX swap sandbox demo account (uid {credentials.uid}) at {base}
  access key: {ak}
  secret key: {sk}

ccxt (pip install ccxt):

import ccxt

class HtxSandbox(ccxt.htx):
    def fetch_markets(self, params={{}}):  # coin-margined swaps only
        return self.fetch_markets_by_type_and_sub_type("swap", "inverse", params)

exchange = HtxSandbox({{
    "apiKey": "{ak}",
    "secret": "{sk}",
    "has": {{"fetchCurrencies": False}},
    "options": {{"defaultType": "swap", "defaultSubType": "inverse"}},
    "urls": {{
        "hostnames": {{"contract": "{SIGN_HOST}"}},  # the host requests are signed for
        "api": {{"contract": "{base}"}},  # where they are sent
    }},
}})
exchange.load_markets()
print(exchange.fetch_order_book("BTC/USD:BTC"))
order = exchange.create_order(
    "BTC/USD:BTC", "limit", "buy", 1, 50000, {{"offset": "open", "leverRate": 5}}
)
print(order["id"])
print(exchange.cancel_all_orders("BTC/USD:BTC"))

curl, public (contract info; {host}):

curl -s '{base}/swap-api/v1/swap_contract_info?contract_code=BTC-USD'

curl, signed (curl cannot sign: the query comes from htx_sandbox.protocol.signature):

Q=$({python} -c '{signer}')
curl -s -X POST -H 'Content-Type: application/json' -d '{{}}' '{base}{path}?'"$Q"
"""


# -- helpers ---------------------------------------------------------------------------------


def _load(path: Path) -> DemoCredentials | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("ignoring %s: %s", path, error)
        return None
    try:
        uid, access_key = raw["uid"], raw["access_key"]
        secret_key, base_url = raw["secret_key"], raw["base_url"]
    except (TypeError, KeyError):
        log.warning("ignoring %s: not demo credentials", path)
        return None
    if not (
        isinstance(uid, int)
        and isinstance(access_key, str)
        and isinstance(secret_key, str)
        and isinstance(base_url, str)
    ):
        log.warning("ignoring %s: not demo credentials", path)
        return None
    return DemoCredentials(uid, access_key, secret_key, base_url)


def _still_valid(engine: Engine, saved: DemoCredentials) -> bool:
    key = engine.api_keys.get(saved.access_key)
    return (
        key is not None
        and key.enabled
        and key.uid == saved.uid
        and key.secret_key == saved.secret_key
        and key.expires_at is None
        and {READ, TRADE} <= key.permissions
    )


def _open_new_uid(engine: Engine) -> UID:
    while True:  # OpenUser of a taken UID succeeds without opening: try the next one
        uid = engine.query(partial(_free_uid, engine.store)).result()
        outcome = _check(engine.execute(OpenUser(uid)))
        if any(isinstance(event, UserOpened) for event in outcome.events):
            return uid


def _fund(engine: Engine, uid: UID, deposits: Mapping[str, Decimal]) -> None:
    def amounts(exchange: Exchange) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for contract in exchange.state.contracts:
            if contract.symbol in out:
                continue
            default = deposits.get(contract.symbol)
            if default is None:
                default = (OTHER_COIN_USD / contract.reference_price).quantize(Decimal("1e-8"))
            if default > 0:
                out[contract.symbol] = default
        return out

    for symbol, amount in sorted(engine.query(amounts).result().items()):
        _check(engine.execute(Deposit(uid, symbol, amount)))


def _check(outcome: Outcome) -> Outcome:
    if outcome.error is not None:
        raise DemoError(f"cannot prepare the demo account: {outcome.error.message()}")
    return outcome


def _write(path: Path, credentials: DemoCredentials) -> None:
    """Whole or not at all, readable by the owner only (cli/files.py)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, credentials.to_json() + "\n", replace=True)
    except OSError as error:
        raise DemoError(f"cannot write {path}: {error.strerror}") from None


def _free_uid(store: Store, exchange: Exchange) -> UID:
    """The uid the admin API would open next: the demo's account is an ordinary one."""
    return Reads(exchange, store).free_uid(FIRST_UID)
