"""What a price move costs the liquidation check: only the accounts the new mark reaches are
looked at (the index hands them out in O(log n) each), whatever else is open; an account
nobody touched is never recomputed. Counted, not timed: the exact check and the trigger
computation are wrapped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain import liquidation
from htx_sandbox.domain.types import UID

from .helpers import BOB, buy, fund, liquidation_orders, make_exchange, sell, set_index

FAR = [UID(100 + i) for i in range(300)]
NEAR = [UID(1000 + i) for i in range(3)]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            counted[name] += 1
            return real(*args)

        return wrapper

    monkeypatch.setattr(liquidation, "at_risk", counting("at_risk", liquidation.at_risk))
    monkeypatch.setattr(liquidation, "trigger", counting("trigger", liquidation.trigger))
    return counted


def test_a_move_that_reaches_no_one_looks_at_no_one(calls: Counter[str]) -> None:
    ex = make_exchange((BOB,), btc=Decimal(1000))
    for uid in [*FAR, *NEAR]:
        fund(ex, uid, "1" if uid in FAR else "0.001")
        sell(ex, BOB, 10, 60000)
        buy(ex, uid, 10, 60000, lever=20)
    # BOB's short is backed by far more than its value: no mark liquidates it, not indexed.
    assert len(ex.state.liquidations) == len(FAR) + len(NEAR)
    calls.clear()
    set_index(ex, 58000)  # every trigger is below 57200
    assert calls == Counter()
    set_index(ex, 57000)  # reaches the three near ones only
    # A few exact checks for each account found (before, and between the procedure's steps),
    # none for the 300 others.
    assert len(NEAR) <= calls["at_risk"] <= 4 * len(NEAR)
    assert calls["trigger"] == 0  # liquidated, they hold nothing left to index
    assert all(liquidation_orders(ex, uid) for uid in NEAR)
    assert not any(liquidation_orders(ex, uid) for uid in FAR)
