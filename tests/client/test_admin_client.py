"""AdminClient against the real admin API, and a key it creates used by HtxSwapClient."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.client import (
    AdminClient,
    AuthenticationFailed,
    ContractNotFound,
    HtxApiError,
    HtxSwapClient,
    NoOrdersToCancel,
)

from .conftest import SANDBOX_URL, SyncASGITransport


def test_a_new_user_funded_and_keyed_through_the_admin_api_can_trade(
    admin: AdminClient, app: Any
) -> None:
    uid = admin.create_account()
    assert uid >= 10_000_001
    balance = admin.deposit(uid, "BTC", Decimal("1.5"))
    assert (balance.symbol, balance.margin_balance) == ("BTC", Decimal("1.5"))
    key = admin.create_api_key(uid, ["read", "trade"])
    assert key.uid == uid and key.secret_key and key.enabled
    assert sorted(key.permissions) == ["read", "trade"]

    trader = HtxSwapClient(
        key.access_key, key.secret_key, base_url=SANDBOX_URL, transport=SyncASGITransport(app)
    )
    [account] = trader.swap_account_info("BTC-USD")
    assert account.margin_balance == Decimal("1.5")
    placed = trader.swap_order(
        "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000"
    )
    [order] = admin.list_orders(uid)
    assert order.order_id == placed.order_id
    assert admin.list_orders(uid, "ETH-USD") == []

    [listed] = admin.list_api_keys(uid)
    assert listed.access_key == key.access_key and listed.secret_key is None
    disabled = admin.disable_api_key(key.access_key)
    assert disabled.enabled is False
    with pytest.raises(AuthenticationFailed):
        trader.swap_account_info()

    users = {u.uid: u for u in admin.list_accounts()}
    assert {a.symbol for a in users[uid].accounts} >= {"BTC"}
    trader.close()


def test_create_account_with_a_given_uid_and_refuse_it_twice(admin: AdminClient) -> None:
    assert admin.create_account(20_000_000) == 20_000_000
    with pytest.raises(HtxApiError) as caught:
        admin.create_account(20_000_000)
    assert caught.value.err_code == 1067


def test_contracts_add_and_set(admin: AdminClient) -> None:
    codes = {c.contract_code for c in admin.list_contracts()}
    assert {"BTC-USD", "ETH-USD"} <= codes
    added = admin.add_contract(
        "LTC-USD",
        symbol="LTC",
        contract_size=10,
        price_tick=Decimal("0.001"),
        reference_price="80",
    )
    assert (added.contract_code, added.contract_size, added.reference_price) == (
        "LTC-USD", Decimal(10), Decimal(80),
    )  # fmt: skip
    changed = admin.set_contract("LTC-USD", reference_price="85.5")
    assert changed.reference_price == Decimal("85.5")
    with pytest.raises(ContractNotFound):
        admin.set_contract("NOPE-USD", reference_price="1")


def test_bad_input_is_an_error_envelope(admin: AdminClient) -> None:
    with pytest.raises(HtxApiError) as caught:
        admin.deposit(99_999, "BTC", "1")
    assert caught.value.err_code == 1010


@pytest.mark.parametrize("token", ["wrong-token", None])
def test_a_wrong_or_missing_token_is_refused(app: Any, token: str | None) -> None:
    with AdminClient(SANDBOX_URL, token, transport=SyncASGITransport(app)) as client:
        with pytest.raises(AuthenticationFailed) as caught:
            client.create_account()
        assert caught.value.err_code == 401


def test_cancel_and_cancel_all_on_a_uids_behalf(admin: AdminClient, app: Any) -> None:
    uid = admin.create_account()
    admin.deposit(uid, "BTC", 1)
    key = admin.create_api_key(uid)
    trader = HtxSwapClient(
        key.access_key, key.secret_key, base_url=SANDBOX_URL, transport=SyncASGITransport(app)
    )
    ids = [
        trader.swap_order("BTC-USD", direction=side, offset="open", volume=1, lever_rate=5,
                          price=price).order_id
        for side, price in (("buy", "50000"), ("buy", "50100"), ("sell", "70000"))
    ]  # fmt: skip
    one = admin.cancel(uid, "BTC-USD", [ids[0]])
    assert one.successes == [ids[0]] and one.errors == []
    buys = admin.cancel_all(uid, "BTC-USD", direction="buy")
    assert buys.successes == [ids[1]]
    assert [o.order_id for o in trader.swap_openorders("BTC-USD").orders] == [ids[2]]
    assert admin.cancel_all(uid, "BTC-USD").successes == [ids[2]]
    with pytest.raises(NoOrdersToCancel):
        admin.cancel_all(uid, "BTC-USD")
    trader.close()
