"""The fuzzer's checks can fail: a stopped engine, a wrong envelope and a broken invariant are
each noticed (faults injected here, so these hold whatever the exchange's bugs)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest

from htx_sandbox.domain.commands import PlaceOrder
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.service.engine import Engine

from .harness import Harness, check_envelope
from .requests import J, Obj, Request

ORDER = Obj(
    tuple(
        (k, J(v))
        for k, v in {
            "contract_code": "BTC-USD", "volume": 1, "direction": "buy", "offset": "open",
            "lever_rate": 10, "order_price_type": "limit", "price": "59000",
        }.items()
    )
)  # fmt: skip
SWAP_ORDER = Request("v1", "v1", "POST", "/swap-api/v1/swap_order", body=ORDER)


def send(harness: Harness, request: Request) -> None:
    async def main() -> None:
        try:
            await harness.send(request)
        finally:
            await harness.client.aclose()

    try:
        asyncio.run(main())
    finally:
        harness.close()


def test_a_plain_order_passes_every_check() -> None:
    send(Harness(), SWAP_ORDER)


def test_a_command_refused_for_a_bug_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    harness = Harness()
    execute = Exchange.execute

    def failing(self: Exchange, command: Any, now: Any) -> Any:
        if isinstance(command, PlaceOrder):
            raise ZeroDivisionError("injected")
        return execute(self, command, now)

    monkeypatch.setattr(Exchange, "execute", failing)
    # The engine survives it (refused alone, 1000), but a bug was hit: the fuzzer says so.
    with pytest.raises(AssertionError, match="command refused"):
        send(harness, SWAP_ORDER)


def test_an_engine_stopped_by_its_own_loop_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    harness = Harness()
    apply = Engine._apply

    def broken(self: Engine, jobs: Any) -> None:
        if any(isinstance(job.command, PlaceOrder) for job in jobs):
            raise ZeroDivisionError("injected")
        apply(self, jobs)

    monkeypatch.setattr(Engine, "_apply", broken)
    with pytest.raises(AssertionError, match="engine"):
        send(harness, SWAP_ORDER)


def test_a_broken_invariant_is_noticed() -> None:
    harness = Harness()

    def corrupt(exchange: Exchange) -> None:
        next(iter(exchange.state.accounts.values())).margin_static += Decimal("1e-18")

    harness.engine.query(corrupt).result()
    with pytest.raises(AssertionError, match="invariant broken"):
        send(harness, SWAP_ORDER)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"Internal Server Error"),
        (200, b'{"status":"ok","ts":1}'),
        (200, b'{"status":"error","err_code":1000,"err_msg":"System error.","ts":1}'),
        (200, b'{"status":"error","err_code":99999,"err_msg":"x","ts":1}'),
        (200, b'{"code":200,"msg":"","data":null,"ts":1}'),
    ],
)
def test_a_wrong_answer_is_noticed(status: int, body: bytes) -> None:
    headers = {"content-type": "text/plain" if status == 500 else "application/json"}
    response = httpx.Response(status, content=body, headers=headers)
    with pytest.raises(AssertionError, match="wrong answer"):
        check_envelope(SWAP_ORDER, response)


def body(**fields: Any) -> Obj:
    return Obj(tuple((k, J(v)) for k, v in fields.items()))


def test_orders_a_trailing_order_places_are_expected_by_the_ids_invariant() -> None:
    # No reply names the order a fired trailing order places; the harness must still count it.
    harness = Harness()
    track = body(
        contract_code="BTC-USD", direction="sell", offset="open", lever_rate=10, volume=1,
        callback_rate="0.001", active_price="60000.5", order_price_type="formula_price",
    )  # fmt: skip

    def order(direction: str, volume: int, price: str) -> Request:
        fields = body(
            contract_code="BTC-USD", volume=volume, direction=direction, offset="open",
            lever_rate=10, order_price_type="limit", price=price,
        )  # fmt: skip
        return Request("v1", "v1", "POST", "/swap-api/v1/swap_order", body=fields, key="third")

    async def main() -> None:
        try:
            await harness.send(Request("v1", "v1", "POST", "/swap-api/v1/swap_track_order",
                                       body=track))  # fmt: skip
            await harness.send(order("buy", 8, "60000.5"))  # up to 60000.5: activates it
            await harness.send(order("sell", 19, "59000"))  # down to 59000: fires it
        finally:
            await harness.client.aclose()

    try:
        asyncio.run(main())
        sources = harness.engine.query(
            lambda ex: [o.order_source for o in ex.state.orders.values()]
        ).result()
        assert sources.count("track") == 1
    finally:
        harness.close()
