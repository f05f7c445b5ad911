"""Typed exceptions for the server's error answers, and signatures the real server accepts."""

from __future__ import annotations

import pytest

from htx_sandbox.client import (
    AuthenticationFailed,
    ContractNotFound,
    CredentialsRequired,
    HtxApiError,
    HtxHttpError,
    HtxSwapClient,
    InsufficientMargin,
    InvalidParameter,
    NoOrdersToCancel,
    OrderNotFound,
    RateLimited,
)
from tests.http.conftest import KEYS, Key

from .conftest import ClientFactory


def test_no_orders_to_cancel_is_1051(trader: HtxSwapClient) -> None:
    with pytest.raises(NoOrdersToCancel) as caught:
        trader.swap_cancelall("BTC-USD")
    assert caught.value.err_code == 1051
    assert caught.value.err_msg
    assert isinstance(caught.value, HtxApiError)


def test_a_second_leverage_switch_within_3_seconds_is_rate_limited(
    trader: HtxSwapClient,
) -> None:
    trader.swap_switch_lever_rate("BTC-USD", 10)
    with pytest.raises(RateLimited) as caught:
        trader.swap_switch_lever_rate("BTC-USD", 20)
    assert caught.value.err_code == 1032


def test_insufficient_margin_is_1047(make_client: ClientFactory) -> None:
    unfunded = make_client(KEYS.unfunded)
    with pytest.raises(InsufficientMargin) as caught:
        unfunded.swap_order(
            "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000"
        )
    assert caught.value.err_code == 1047


def test_unknown_contract_and_order(trader: HtxSwapClient) -> None:
    with pytest.raises(ContractNotFound) as caught:
        trader.swap_account_info("DOGE-USD")
    assert caught.value.err_code == 1014
    with pytest.raises(OrderNotFound) as missing:
        trader.swap_order_info("BTC-USD", order_id=12345)
    assert missing.value.err_code == 1017


def test_bad_parameters(trader: HtxSwapClient, public: HtxSwapClient) -> None:
    with pytest.raises(InvalidParameter) as caught:
        trader.swap_openorders(page_size=51)
    assert caught.value.err_code == 1067
    with pytest.raises(InvalidParameter) as market:
        public.market_depth("DOGE-USD")
    assert market.value.err_code == "invalid-request"
    assert market.value.err_msg == "invalid contract code"


def test_other_codes_are_plain_htx_api_errors(trader: HtxSwapClient) -> None:
    with pytest.raises(HtxApiError) as caught:
        trader.swap_order(
            "BTC-USD", direction="buy", offset="open", volume=1, lever_rate=5, price="50000.05"
        )
    assert type(caught.value) is HtxApiError
    assert caught.value.err_code == 1038


def test_a_wrong_secret_is_refused_with_403(make_client: ClientFactory) -> None:
    forged = make_client(Key(KEYS.trader.access, "not-the-secret", KEYS.trader.uid))
    with pytest.raises(AuthenticationFailed) as caught:
        forged.swap_account_info()
    assert caught.value.err_code == 403
    assert caught.value.err_msg.startswith("Verification failure")


def test_a_read_only_key_cannot_trade(make_client: ClientFactory) -> None:
    reader = make_client(KEYS.reader)
    assert reader.swap_account_info("BTC-USD")
    with pytest.raises(AuthenticationFailed) as caught:
        reader.swap_cancelall("BTC-USD")
    assert caught.value.err_msg.startswith("No permission")


def test_private_endpoints_need_keys(public: HtxSwapClient) -> None:
    with pytest.raises(CredentialsRequired):
        public.swap_account_info()


def test_a_wrong_base_url_is_an_http_error(make_client: ClientFactory) -> None:
    client = make_client(base_url="http://sandbox.test:8080/wrong-prefix")
    with pytest.raises(HtxHttpError) as caught:
        client.heartbeat()
    assert caught.value.status_code == 404


# -- signing ---------------------------------------------------------------------------------


def test_signs_over_the_host_of_the_base_url(make_client: ClientFactory) -> None:
    """sandbox.test is no host the server knows by name: it checks the signature against the
    Host header, so only a signature over the URL's own host passes."""
    for base_url in ("http://sandbox.test:8080", "http://sandbox.test", "http://127.0.0.1:9"):
        client = make_client(KEYS.trader, base_url=base_url)
        assert client.swap_account_info("BTC-USD")[0].contract_code == "BTC-USD"


def test_sign_host_overrides_the_signed_host(make_client: ClientFactory) -> None:
    canonical = make_client(KEYS.trader, sign_host="api.hbdm.com")
    assert canonical.swap_account_info("BTC-USD")
    elsewhere = make_client(KEYS.trader, sign_host="elsewhere.test")
    with pytest.raises(AuthenticationFailed) as caught:
        elsewhere.swap_account_info("BTC-USD")
    assert caught.value.err_msg.startswith("Verification failure")


def test_signs_with_the_wall_clock_and_refuses_a_stale_time(make_client: ClientFactory) -> None:
    from datetime import UTC, datetime

    client = make_client(KEYS.trader, now=lambda: datetime.now(UTC))
    assert client.swap_position_info() == []
    stale = make_client(KEYS.trader, now=lambda: datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(AuthenticationFailed) as caught:
        stale.swap_position_info()
    assert caught.value.err_msg.startswith("Invalid submission time")


def test_market_data_over_its_limit_is_rate_limited() -> None:
    """HTX answers it under the generic invalid-parameter, with the text "request limit"."""
    from htx_sandbox.client.errors import RateLimited, api_error

    assert isinstance(api_error("invalid-parameter", "request limit"), RateLimited)
    assert not isinstance(api_error("invalid-parameter", "invalid size"), RateLimited)
