"""The estimated liquidation price swap_account_info shows is where liquidation happens: HTX's
formula (htx-market-and-funding.md 5.4, checked against both of HTX's examples in
tests/unit/domain/test_risk.py), the mark at which margin_balance falls to adjust_factor x
margin_position. A cent on the safe side of it nothing happens, a cent beyond it the position
is liquidated, for a long as the mark falls and for a short as it rises."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

import pytest

from htx_sandbox.domain.types import Direction

from .helpers import (
    BOB,
    BTC,
    CAROL,
    DAVE,
    buy,
    fund,
    liquidation_orders,
    make_exchange,
    sell,
    set_index,
)

CENT = Decimal("0.01")


def shown_price(direction: Direction, btc: str, lever: int):  # type: ignore[no-untyped-def]
    ex = make_exchange((BOB, CAROL))
    fund(ex, DAVE, btc)
    if direction is Direction.BUY:
        sell(ex, BOB, 10, 60000)
        buy(ex, DAVE, 10, 60000, lever=lever)
    else:
        buy(ex, BOB, 10, 60000)
        sell(ex, DAVE, 10, 60000, lever=lever)
    risk = ex.account(DAVE, "BTC").risk
    assert risk is not None
    price = risk.contracts[BTC].liquidation_price
    assert price is not None
    return ex, price.quantize(CENT, rounding=ROUND_FLOOR)


@pytest.mark.parametrize(("btc", "lever"), [("0.001", 20), ("0.004", 5), ("0.0009", 125)])
def test_a_long_is_liquidated_a_cent_below_its_liquidation_price(btc: str, lever: int) -> None:
    ex, price = shown_price(Direction.BUY, btc, lever)
    set_index(ex, price + CENT)
    assert liquidation_orders(ex, DAVE) == []
    set_index(ex, price)  # the displayed price is truncated: this is at or below it
    assert [o.liquidation_type for o in liquidation_orders(ex, DAVE)] == ["3"]


@pytest.mark.parametrize(("btc", "lever"), [("0.001", 20), ("0.0009", 125)])
def test_a_short_is_liquidated_a_cent_above_its_liquidation_price(btc: str, lever: int) -> None:
    ex, price = shown_price(Direction.SELL, btc, lever)
    set_index(ex, price - CENT)
    assert liquidation_orders(ex, DAVE) == []
    set_index(ex, price + CENT)
    assert [o.liquidation_type for o in liquidation_orders(ex, DAVE)] == ["3"]


def test_a_mark_a_hair_above_the_price_keeps_the_account_indexed() -> None:
    """The index reports an account slightly early (its prices are widened by 1e-9 of
    themselves, against the rounding of the exact ratio); the exact check keeps it, still
    indexed, and the next move past its price liquidates it."""
    ex, _ = shown_price(Direction.BUY, "0.001", 20)
    risk = ex.account(DAVE, "BTC").risk
    assert risk is not None
    exact = risk.contracts[BTC].liquidation_price
    assert exact is not None
    hair = Decimal("0.000001")
    set_index(ex, (exact + hair).quantize(hair))
    assert liquidation_orders(ex, DAVE) == []
    assert (DAVE, "BTC") in ex.state.liquidations.placed
    set_index(ex, (exact - hair).quantize(hair))
    assert [o.liquidation_type for o in liquidation_orders(ex, DAVE)] == ["3"]
