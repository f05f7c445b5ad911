"""The crashing inputs the fuzzer found, one test each, with the answer a user should get. Every
request goes through the fuzzer's harness, so each test also checks the envelope, that the
engine still runs, that nothing was logged at ERROR and that the invariants hold (a rejection
changes nothing); then it checks the error code itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from htx_sandbox.domain.errors import ErrorCode

from .harness import TOKEN, Harness
from .requests import Arr, J, Obj, Raw, Request, Value

E = ErrorCode
PRICE_CODES = (E.PRICE_PRECISION, E.PRICE_NOT_REASONABLE)
"""1038 (off the tick grid) or 1069 (not a reasonable price): either is HTX's answer for a
price no tick count can express; which one depends on where the fix refuses it."""
ADMIN_AUTH = (("Authorization", f"Bearer {TOKEN}"),)


def body(**fields: Any) -> Obj:
    return Obj(
        tuple((k, v if isinstance(v, Raw | J | Obj | Arr) else J(v)) for k, v in fields.items())
    )


def order(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
        "lever_rate": 10, "order_price_type": "limit", "price": "59000",
    }  # fmt: skip
    base.update(fields)
    return base


def signed(path: str, payload: Value, key: str = "trader") -> Request:
    envelope = "v3" if path.endswith("swap-cancel-after") else "v1"
    return Request("v1", envelope, "POST", "/swap-api/v1/" + path, body=payload, key=key)


def admin_post(path: str, payload: Value) -> Request:
    return Request("admin", "v1", "POST", "/sandbox-api/v1" + path, body=payload,
                   headers=ADMIN_AUTH)  # fmt: skip


def on_fresh_exchange(test: Callable[[Harness], Awaitable[None]]) -> None:
    harness = Harness()

    async def main() -> None:
        try:
            await test(harness)
            # The next request is served as usual.
            reply = await harness.send(signed("swap_openorders", body(contract_code="BTC-USD")))
            assert reply["status"] == "ok", reply
        finally:
            await harness.client.aclose()

    try:
        asyncio.run(main())
    finally:
        harness.close()


def err_code(reply: Any) -> Any:
    assert reply["status"] == "error", reply
    return reply["err_code"]


# -- found by the fuzzer -----------------------------------------------------------------------


def test_swap_order_price_1e_minus_999999999_is_a_price_error() -> None:
    """swap_order with "price": "1e-999999999" (as a string and as a JSON number), and
    1e-1000100: below Decimal's smallest exponent the tick-grid remainder rounds to 0, so the
    price passed Contract.ticks as 0 ticks and initial_margin divided by zero on the engine
    thread (decimal.DivisionByZero, domain/money.py:37 from placement.py:106), which stopped the
    engine. Expected: 1038 or 1069, the engine running."""

    async def test(h: Harness) -> None:
        for price in (J("1e-999999999"), Raw("1e-999999999"), J("1e-1000100"), Raw("1e-1000100")):
            reply = await h.send(signed("swap_order", body(**order(price=price))))
            assert err_code(reply) in PRICE_CODES, (price, reply)

    on_fresh_exchange(test)


def test_swap_batchorder_with_price_1e_minus_999999999_fails_that_order_alone() -> None:
    """swap_batchorder whose first order has "price": "1e-999999999": the same DivisionByZero
    (placement.py:106 via PlaceBatch) stopped the engine. Expected: the batch answers ok, the
    first order in `errors` with 1038 or 1069, the second placed."""

    async def test(h: Harness) -> None:
        orders = Arr((body(**order(price="1e-999999999")), body(**order())))
        reply = await h.send(signed("swap_batchorder", body(orders_data=orders)))
        assert reply["status"] == "ok", reply
        errors, success = reply["data"]["errors"], reply["data"]["success"]
        assert [e["index"] for e in errors] == [1], reply
        assert errors[0]["err_code"] in PRICE_CODES, reply
        assert [s["index"] for s in success] == [2], reply

    on_fresh_exchange(test)


def test_switch_lever_rate_without_an_account_in_that_coin_is_served() -> None:
    """swap_switch_lever_rate {"contract_code": "BTC-USD", "lever_rate": 5} signed by UID 4,
    opened but never funded (so it has no BTC account): the switch touched the account, and the
    commit then looked it up (KeyError (4, 'BTC') at service/unit_of_work.py:99, from
    engine.py:231), which stopped the engine. The same for UID 1 on a contract listed after its
    deposits (DOGE-USD). Expected: the switch succeeds (an account with nothing in it is an
    account with zeros, as swap_account_info shows), the engine running."""

    async def test(h: Harness) -> None:
        payload = body(contract_code="BTC-USD", lever_rate=5)
        reply = await h.send(signed("swap_switch_lever_rate", payload, key="unfunded"))
        assert reply["status"] == "ok", reply
        assert reply["data"] == {"contract_code": "BTC-USD", "lever_rate": 5}, reply
        listing = body(contract_code="DOGE-USD", symbol="DOGE", contract_size=10,
                       price_tick="0.0001", reference_price="0.5")  # fmt: skip
        assert (await h.send(admin_post("/contracts", listing)))["status"] == "ok"
        payload = body(contract_code="DOGE-USD", lever_rate=5)
        reply = await h.send(signed("swap_switch_lever_rate", payload))
        assert reply["status"] == "ok", reply

    on_fresh_exchange(test)


def test_swap_hisorders_status_of_4500_digits_is_an_illegal_parameter() -> None:
    """swap_hisorders with "status": "9" * 4500: int() of more than 4,300 digits raises
    ValueError (routes_read.py:293, _history_statuses), answered 1000 and logged as our bug.
    Expected: 1067 (status is not one of 0, 3, 4, 5, 6, 7)."""

    async def test(h: Harness) -> None:
        for status in ("9" * 4500, "3," + "9" * 60000):
            payload = body(contract_code="BTC-USD", trade_type=0, type=1, status=status,
                           create_date=7)  # fmt: skip
            reply = await h.send(signed("swap_hisorders", payload))
            assert err_code(reply) == E.ILLEGAL_PARAMETER, reply

    on_fresh_exchange(test)


def test_history_trade_size_of_4500_digits_is_an_invalid_parameter() -> None:
    """GET /swap-ex/market/history/trade?contract_code=BTC-USD&size=999...9 (4,500 digits):
    int() raises ValueError (routes_extra.py:87, _size), outside the handler's MarketError
    catch, so the app raised and answered a bare HTTP 500. Expected: the market error envelope
    {"status": "error", "err-code": "invalid-parameter", "err-msg": "invalid size"}."""

    async def test(h: Harness) -> None:
        request = Request("market", "market", "GET", "/swap-ex/market/history/trade",
                          params=(("contract_code", "BTC-USD"), ("size", "9" * 4500)))  # fmt: skip
        reply = await h.send(request)
        assert reply["status"] == "error", reply
        assert reply["err-code"] == "invalid-parameter", reply
        assert reply["err-msg"] == "invalid size", reply

    on_fresh_exchange(test)


def test_listing_a_reference_price_below_one_tick_is_refused() -> None:
    """POST /sandbox-api/v1/contracts with "price_tick": "1e-999999" and "reference_price":
    "1e-1000100": the grid check (admin.py _reference_price, price % tick) rounds the remainder
    below Decimal's smallest exponent to 0, so a reference price of zero ticks was listed.
    Expected: 1067 (reference_price is not a positive multiple of the tick)."""

    async def test(h: Harness) -> None:
        listing = body(contract_code="DOGE-USD", symbol="DOGE", contract_size=10,
                       price_tick="1e-999999", reference_price="1e-1000100")  # fmt: skip
        reply = await h.send(admin_post("/contracts", listing))
        assert err_code(reply) == E.ILLEGAL_PARAMETER, reply

    on_fresh_exchange(test)


def test_an_order_on_a_contract_with_tick_1e_minus_999999_is_answered() -> None:
    """A contract listed with "price_tick": "1e-999999" and "reference_price": "1e-999999" (one
    tick), then swap_order buy 1 at "price": "1e-999999" on it: initial_margin's quotient needs
    more digits than Decimal can hold (decimal.InvalidOperation at domain/money.py:37, from
    placement.py:106), which stopped the engine. Expected: either the listing is refused (1067)
    or the order is answered with HTX's error envelope; the engine running either way."""

    async def test(h: Harness) -> None:
        listing = body(contract_code="DOGE-USD", symbol="DOGE", contract_size=10,
                       price_tick="1e-999999", reference_price="1e-999999")  # fmt: skip
        reply = await h.send(admin_post("/contracts", listing))
        if reply["status"] == "error":
            assert reply["err_code"] == E.ILLEGAL_PARAMETER, reply
            return
        deposit = body(uid=1, symbol="DOGE", amount="1000")
        assert (await h.send(admin_post("/deposits", deposit)))["status"] == "ok"
        payload = body(**order(contract_code="DOGE-USD", price="1e-999999"))
        reply = await h.send(signed("swap_order", payload))
        assert err_code(reply) in (*PRICE_CODES, E.INSUFFICIENT_MARGIN), reply

    on_fresh_exchange(test)


def test_a_rejected_opponent_order_on_an_empty_book_leaves_no_trace() -> None:
    """swap_order {"order_price_type": "opponent"} by UID 1 on DOGE-USD, just listed, on which
    nobody has ordered yet: answered 1016 (no bid offer), but placement had already created
    the contract's empty order book (state.book, domain/placement.py:87, books are made on
    first use), so a rejected command changed the state (invariant 7; fingerprint part 3, the
    books). Minor: any order rejected after that line on a fresh contract does it. Expected:
    1016 and no change."""

    async def test(h: Harness) -> None:
        listing = body(contract_code="DOGE-USD", symbol="DOGE", contract_size=10,
                       price_tick="0.0001", reference_price="0.5")  # fmt: skip
        assert (await h.send(admin_post("/contracts", listing)))["status"] == "ok"
        deposit = body(uid=1, symbol="DOGE", amount="1000")
        assert (await h.send(admin_post("/deposits", deposit)))["status"] == "ok"
        fields = order(contract_code="DOGE-USD", order_price_type="opponent")
        del fields["price"]
        reply = await h.send(signed("swap_order", body(**fields)))
        assert err_code(reply) == E.BID_OFFER_NOT_EXIST, reply

    on_fresh_exchange(test)


def test_setting_a_contract_at_an_empty_path_code_answers_json() -> None:
    """POST /sandbox-api/v1/contracts/ (an empty contract code) with a valid body: Starlette's
    trailing-slash redirect answers HTTP 307 with an empty body, pointing the client at POST
    /sandbox-api/v1/contracts, which lists a contract. Expected: JSON, either the 404 shape of
    unknown paths or HTX's error envelope, never a redirect."""

    async def test(h: Harness) -> None:
        request = Request("admin", "v1", "POST", "/sandbox-api/v1/contracts/{}", segment="",
                          body=body(contract_status=1), headers=ADMIN_AUTH)  # fmt: skip
        await h.send(request)

    on_fresh_exchange(test)
