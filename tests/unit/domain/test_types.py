"""HTX's enumerations: wire values, and the properties the rest of the domain relies on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from htx_sandbox.domain.types import (
    CLIENT_ORDER_ID_MAX,
    LIGHTNING_PRICE_TYPES,
    SWAP_ORDER_PRICE_TYPES,
    UID,
    ZERO,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    PositionSide,
    Role,
    SelfMatchPrevent,
    TimeInForce,
)

OPT = OrderPriceType
TIF = TimeInForce

# order_price_type -> (needs a price, time in force, optimal depth, is optimal, is opponent)
PRICE_TYPES: dict[OrderPriceType, tuple[bool, TimeInForce, int, bool, bool]] = {
    OPT.LIMIT: (True, TIF.GTC, 1, False, False),
    OPT.POST_ONLY: (True, TIF.POST_ONLY, 1, False, False),
    OPT.IOC: (True, TIF.IOC, 1, False, False),
    OPT.FOK: (True, TIF.FOK, 1, False, False),
    OPT.OPPONENT: (False, TIF.GTC, 1, False, True),
    OPT.OPPONENT_IOC: (False, TIF.IOC, 1, False, True),
    OPT.OPPONENT_FOK: (False, TIF.FOK, 1, False, True),
    OPT.OPTIMAL_5: (False, TIF.GTC, 5, True, False),
    OPT.OPTIMAL_10: (False, TIF.GTC, 10, True, False),
    OPT.OPTIMAL_20: (False, TIF.GTC, 20, True, False),
    OPT.OPTIMAL_5_IOC: (False, TIF.IOC, 5, True, False),
    OPT.OPTIMAL_10_IOC: (False, TIF.IOC, 10, True, False),
    OPT.OPTIMAL_20_IOC: (False, TIF.IOC, 20, True, False),
    OPT.OPTIMAL_5_FOK: (False, TIF.FOK, 5, True, False),
    OPT.OPTIMAL_10_FOK: (False, TIF.FOK, 10, True, False),
    OPT.OPTIMAL_20_FOK: (False, TIF.FOK, 20, True, False),
    OPT.LIGHTNING: (False, TIF.GTC, 30, False, False),
    OPT.LIGHTNING_IOC: (False, TIF.IOC, 30, False, False),
    OPT.LIGHTNING_FOK: (False, TIF.FOK, 30, False, False),
}


def test_direction_wire_values_and_opposite() -> None:
    assert [d.value for d in Direction] == ["buy", "sell"]
    assert Direction.BUY.opposite is Direction.SELL
    assert Direction.SELL.opposite is Direction.BUY
    assert Direction("buy") is Direction.BUY


def test_offset_wire_values() -> None:
    assert [o.value for o in Offset] == ["open", "close"]


def test_order_price_type_has_exactly_the_sixteen_swap_order_values() -> None:
    assert {t.value for t in SWAP_ORDER_PRICE_TYPES} == {
        "limit", "post_only", "ioc", "fok",
        "opponent", "opponent_ioc", "opponent_fok",
        "optimal_5", "optimal_10", "optimal_20",
        "optimal_5_ioc", "optimal_10_ioc", "optimal_20_ioc",
        "optimal_5_fok", "optimal_10_fok", "optimal_20_fok",
    }  # fmt: skip
    assert len(SWAP_ORDER_PRICE_TYPES) == 16
    # ... and the lightning close's three, which only it places.
    lightning = {t.value for t in LIGHTNING_PRICE_TYPES}
    assert lightning == {"lightning", "lightning_ioc", "lightning_fok"}
    assert set(OrderPriceType) == SWAP_ORDER_PRICE_TYPES | LIGHTNING_PRICE_TYPES
    assert set(PRICE_TYPES) == set(OrderPriceType)


@pytest.mark.parametrize("kind", list(OrderPriceType), ids=lambda k: str(k.value))
def test_order_price_type_properties(kind: OrderPriceType) -> None:
    needs_price, tif, depth, is_optimal, is_opponent = PRICE_TYPES[kind]
    assert kind.needs_price is needs_price
    assert kind.time_in_force is tif
    assert kind.optimal_depth == depth
    assert kind.is_optimal is is_optimal
    assert kind.is_opponent is is_opponent


def test_time_in_force_values() -> None:
    assert {t.value for t in TimeInForce} == {"gtc", "ioc", "fok", "post_only"}


def test_order_status_codes_are_htx_codes() -> None:
    assert [int(s) for s in OrderStatus] == [3, 4, 5, 6, 7, 11]
    assert OrderStatus(11) is OrderStatus.CANCELLING
    assert OrderStatus(5) is OrderStatus.PARTIALLY_FILLED_CANCELLED


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (OrderStatus.SUBMITTED, True),
        (OrderStatus.PARTIALLY_FILLED, True),
        (OrderStatus.CANCELLING, True),
        (OrderStatus.PARTIALLY_FILLED_CANCELLED, False),
        (OrderStatus.FILLED, False),
        (OrderStatus.CANCELLED, False),
    ],
)
def test_order_status_open_and_final(status: OrderStatus, is_open: bool) -> None:
    # HTX: 5, 6 and 7 are terminal; 11 is still pending (and fillable) until the cancel lands.
    assert status.is_open is is_open
    assert status.is_final is (not is_open)


def test_self_match_prevent_values() -> None:
    assert int(SelfMatchPrevent.ALLOW) == 0
    assert int(SelfMatchPrevent.CANCEL_TAKER) == 1
    assert SelfMatchPrevent(1) is SelfMatchPrevent.CANCEL_TAKER


def test_contract_status_values() -> None:
    assert [int(s) for s in ContractStatus] == list(range(9))
    assert ContractStatus(1) is ContractStatus.LISTING
    assert ContractStatus(5) is ContractStatus.IN_SETTLEMENT
    assert ContractStatus(8) is ContractStatus.DELIVERED


def test_position_side_is_named_by_the_opening_direction() -> None:
    assert PositionSide.LONG.value == Direction.BUY.value == "buy"
    assert PositionSide.SHORT.value == Direction.SELL.value == "sell"


def test_role_values() -> None:
    assert {r.value for r in Role} == {"maker", "taker"}


def test_new_types_are_plain_ints_and_constants() -> None:
    assert UID(5) == 5
    assert type(OrderId(7)) is int
    assert type(Millis(1)) is int
    assert CLIENT_ORDER_ID_MAX == 9223372036854775807
    assert Decimal(0) == ZERO
    assert isinstance(ZERO, Decimal)
