"""AdminClient: the sandbox's own admin API (/sandbox-api/v1/), with the admin bearer token.

Accounts, deposits, API keys and contracts of a running sandbox; what the admin CLI drives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from . import _ops as ops
from .models import ApiKey, Balance, Order, SandboxContract, SandboxUser

T = TypeVar("T")
PREFIX = "/sandbox-api/v1/"
DEFAULT_ADMIN_URL = "http://127.0.0.1:8080"


class AdminClient:
    """A blocking client of the sandbox admin API. Errors raise the same typed exceptions as
    the trading client (a wrong or missing token: AuthenticationFailed with err_code 401)."""

    def __init__(
        self,
        base_url: str = DEFAULT_ADMIN_URL,
        admin_token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = ops.DEFAULT_TIMEOUT,
    ) -> None:
        headers = {"authorization": f"Bearer {admin_token}"} if admin_token else {}
        self._http = httpx.Client(
            base_url=base_url, transport=transport, timeout=timeout, headers=headers
        )

    @property
    def base_url(self) -> httpx.URL:
        return self._http.base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _get(self, path: str, kind: type[T], params: Mapping[str, str] | None = None) -> T:
        response = self._http.get(PREFIX + path, params=params)
        return ops.convert(ops.payload(response, "v1"), kind)

    def _post(self, path: str, kind: type[T], body: Mapping[str, Any]) -> T:
        content = ops.Op("POST", "", lambda d: d, body=dict(body)).content
        response = self._http.post(PREFIX + path, content=content, headers=ops.JSON_HEADERS)
        return ops.convert(ops.payload(response, "v1"), kind)

    # -- accounts ----------------------------------------------------------------------------

    def create_account(self, uid: int | None = None) -> int:
        """Open a UID (the next free one when not given); returns it."""
        body = {} if uid is None else {"uid": uid}
        data = self._post("accounts", dict[str, int], body)
        return data["uid"]

    def list_accounts(self) -> list[SandboxUser]:
        return self._get("accounts", list[SandboxUser])

    def deposit(self, uid: int, symbol: str, amount: Decimal | int | str) -> Balance:
        """Credit `amount` of a coin to the UID's margin account; returns that account."""
        body = {"uid": uid, "symbol": symbol, "amount": str(amount)}
        return self._post("deposits", Balance, body)

    # -- API keys ----------------------------------------------------------------------------

    def create_api_key(
        self,
        uid: int,
        permissions: Iterable[str] = ("read", "trade"),
        *,
        ip_whitelist: Iterable[str] | None = None,
        expires_at: int | None = None,
    ) -> ApiKey:
        """A new key for the UID; the answer is the only time its `secret_key` is shown."""
        body: dict[str, Any] = {"uid": uid, "permissions": list(permissions)}
        if ip_whitelist is not None:
            body["ip_whitelist"] = list(ip_whitelist)
        if expires_at is not None:
            body["expires_at"] = expires_at
        return self._post("api-keys", ApiKey, body)

    def list_api_keys(self, uid: int | None = None) -> list[ApiKey]:
        params = None if uid is None else {"uid": str(uid)}
        return self._get("api-keys", list[ApiKey], params)

    def disable_api_key(self, access_key: str) -> ApiKey:
        return self._post(f"api-keys/{quote(access_key, safe='')}/disable", ApiKey, {})

    # -- contracts ---------------------------------------------------------------------------

    def list_contracts(self) -> list[SandboxContract]:
        return self._get("contracts", list[SandboxContract])

    def add_contract(
        self,
        contract_code: str,
        *,
        symbol: str,
        contract_size: Decimal | int | str,
        price_tick: Decimal | int | str,
        reference_price: Decimal | int | str,
        **settings: Any,
    ) -> SandboxContract:
        """List a new contract; `settings` are optional fields (max_order_volume, lever_rates,
        maker_fee_rate, ...) passed as the admin API names them."""
        body = {
            "contract_code": contract_code,
            "symbol": symbol,
            "contract_size": str(contract_size),
            "price_tick": str(price_tick),
            "reference_price": str(reference_price),
            **{k: str(v) if isinstance(v, Decimal) else v for k, v in settings.items()},
        }
        return self._post("contracts", SandboxContract, body)

    def set_contract(
        self,
        contract_code: str,
        *,
        contract_status: int | None = None,
        reference_price: Decimal | int | str | None = None,
    ) -> SandboxContract:
        body: dict[str, Any] = {}
        if contract_status is not None:
            body["contract_status"] = contract_status
        if reference_price is not None:
            body["reference_price"] = str(reference_price)
        return self._post(f"contracts/{quote(contract_code, safe='')}", SandboxContract, body)

    # -- orders ------------------------------------------------------------------------------

    def list_orders(self, uid: int, contract_code: str | None = None) -> list[Order]:
        """The UID's open orders (on one contract if given)."""
        params = {"uid": str(uid)}
        if contract_code is not None:
            params["contract_code"] = contract_code
        return self._get("orders", list[Order], params)
