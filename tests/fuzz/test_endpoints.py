"""No request can stop the exchange: Hypothesis drives every endpoint (HTX's signed trade and read
endpoints, v1 and v3, the public and market endpoints, the admin API with and without its
token) with plausible requests carrying hostile values (exponents of +-10^9, NaN, Infinity, -0,
30-digit and 4,000-digit integers, empty and huge strings, lists, objects, bools, null, unicode,
keys repeated in the JSON text, numbers as JSON numbers and as strings, bodies that are no JSON
object at all), and after every request checks what tests/fuzz/harness.py lists: HTTP 200 with
that path's envelope, no bug answer, the engine running, the invariants intact.

Each example is a fresh exchange (tests/fuzz/harness.py) and a sequence of 3 to 6 requests, so
that a contract listed or an order placed by one request meets the next. One test per endpoint
family; under CI=true each runs 400 examples (derandomized, no example database: the same
requests every run), at least 7,200 requests in all; locally 25 each (at least 450 requests),
randomized. HTX_FUZZ_EXAMPLES=<n> runs n per family, to search longer by hand.
A failure names the offending request (method, path, key, query, body) in its message, and
Hypothesis prints the shrunk sequence.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .harness import TOKEN, Harness
from .requests import (
    Request,
    admin_request,
    crossing_order,
    listed_then_traded,
    plain_trigger_order,
    public_request,
    read_requests,
    strategy_requests,
    trade_requests,
)

CI = bool(os.environ.get("CI"))
EXAMPLES = int(os.environ.get("HTX_FUZZ_EXAMPLES", 400 if CI else 25))
"""Per family; HTX_FUZZ_EXAMPLES overrides it (to search longer by hand)."""
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=CI,  # the same requests on every CI run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
if CI:  # and no example database there: a run depends on nothing but the code
    SETTINGS = settings(SETTINGS, database=None)
MIN_REQUESTS, MAX_REQUESTS = 3, 6

admin = admin_request(TOKEN)
FAMILIES: dict[str, st.SearchStrategy[Request]] = {
    "trade": trade_requests,
    "read": st.one_of(read_requests, read_requests, trade_requests),
    "public_and_market": st.one_of(public_request(), public_request(), trade_requests),
    "admin": st.one_of(admin, admin, admin, listed_then_traded(TOKEN)),
    "strategy": st.one_of(
        strategy_requests, strategy_requests, plain_trigger_order(), crossing_order()
    ),
    "everything": st.one_of(
        trade_requests,
        read_requests,
        public_request(),
        admin,
        listed_then_traded(TOKEN),
        strategy_requests,
    ),
}


def run(requests: list[Request]) -> None:
    """A fresh exchange, the requests in order, every check after each (see harness.py)."""
    harness = Harness()

    async def main() -> None:
        try:
            for request in requests:
                await harness.send(request)
        finally:
            await harness.client.aclose()

    try:
        asyncio.run(main())
    finally:
        harness.close()


def sequences(requests: st.SearchStrategy[Request]) -> st.SearchStrategy[list[Request]]:
    return st.lists(requests, min_size=MIN_REQUESTS, max_size=MAX_REQUESTS)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_request_stops_the_exchange(family: str) -> None:
    @SETTINGS
    @given(requests=sequences(FAMILIES[family]))
    def fuzz(requests: list[Request]) -> None:
        run(requests)

    fuzz()
