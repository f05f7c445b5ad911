"""Rejected requests leave no reference cycles behind. An HtxError travels from the engine to
the reply as a value; with its traceback it would tie itself to the frames it passed through,
and every 1051 or 1047 would leave a cycle that only the cyclic GC frees, whose full passes then
stalled a busy server for 0.4 s (seen in bench/bench_http.py's p99 before the fix)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from .conftest import SignedClient

pytestmark = pytest.mark.anyio
CANCEL_ALL = "/swap-api/v1/swap_cancelall"
ORDER = "/swap-api/v1/swap_order"
REQUESTS = 50


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def cycles_left_by(
    signed: SignedClient, path: str, body: dict[str, object], code: int
) -> int:
    """Objects the cyclic GC finds after REQUESTS requests that each answer `code`, less what
    the same number of successful reads leave (the HTTP client's own share)."""

    async def run(path: str, payload: dict[str, object], expected: int | None) -> int:
        gc.collect()
        for _ in range(REQUESTS):
            reply = (await signed.post(path, payload)).json()
            assert reply.get("err_code") == expected, reply
        return gc.collect()

    baseline = await run("/swap-api/v1/swap_openorders", {"contract_code": "BTC-USD"}, None)
    return await run(path, body, code) - baseline


@pytest.mark.usefixtures("collector_paused")
async def test_a_cancel_all_with_nothing_to_cancel_leaves_no_cycle(signed: SignedClient) -> None:
    body = {"contract_code": "BTC-USD"}
    assert await cycles_left_by(signed, CANCEL_ALL, body, 1051) < REQUESTS


@pytest.mark.usefixtures("collector_paused")
async def test_an_order_without_the_margin_leaves_no_cycle(signed: SignedClient) -> None:
    body = {
        "contract_code": "BTC-USD", "direction": "buy", "offset": "open", "volume": 100_000,
        "lever_rate": 10, "order_price_type": "limit", "price": "50000",
    }  # fmt: skip
    assert await cycles_left_by(signed, ORDER, body, 1047) < REQUESTS
