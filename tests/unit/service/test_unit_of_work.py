"""UnitOfWork.record knows every domain event: each event type of domain/events.py, found in
the module rather than listed here, is recorded without a TypeError and leaves a row to write.
A new event type fails here until the unit of work handles it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, get_args

import pytest

from htx_sandbox.domain import events
from htx_sandbox.domain.orders import Trade
from htx_sandbox.domain.settlement_records import Settlement
from htx_sandbox.domain.types import (
    UID,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderStatus,
    Role,
    TradeId,
)
from htx_sandbox.service.unit_of_work import UnitOfWork

EVENT_TYPES = sorted(
    (
        kind
        for kind in vars(events).values()
        if isinstance(kind, type)
        and dataclasses.is_dataclass(kind)
        and kind.__module__ == events.__name__
    ),
    key=lambda kind: kind.__name__,
)

TRADE = Trade(
    trade_id=TradeId(1),
    id="1-2-1",
    order_id=OrderId(2),
    uid=UID(3),
    contract_code="BTC-USD",
    direction=Direction.BUY,
    offset=Offset.OPEN,
    price=Decimal(50000),
    volume=1,
    turnover=Decimal(100),
    value=Decimal("0.002"),
    fee=Decimal("-0.000001"),
    fee_asset="BTC",
    role=Role.TAKER,
    profit=Decimal(0),
    created_at=Millis(4),
)
SAMPLES: dict[str, Any] = {
    "order_id": OrderId(2),
    "trade": TRADE,
    "status": OrderStatus.CANCELLED,
    "uid": UID(3),
    "symbol": "BTC",
    "contract_code": "BTC-USD",
    "lever_rate": 10,
    "trigger_time": Millis(5),
    "amount": Decimal(1),
    "type": 26,
    "at": Millis(6),
    "settlement": Settlement(Millis(7), (), ()),
}
"""A value for each field name the events use; a new field name needs one here."""


def sample(kind: type) -> Any:
    missing = [f.name for f in dataclasses.fields(kind) if f.name not in SAMPLES]
    assert not missing, f"add sample values for {kind.__name__}'s fields {missing}"
    return kind(**{f.name: SAMPLES[f.name] for f in dataclasses.fields(kind)})


def test_the_event_union_names_every_event_type_of_the_module() -> None:
    assert len(EVENT_TYPES) >= 12
    assert set(get_args(events.Event)) == set(EVENT_TYPES)


@pytest.mark.parametrize("kind", EVENT_TYPES, ids=lambda kind: kind.__name__)
def test_every_event_type_is_recorded(kind: type) -> None:
    unit = UnitOfWork()
    unit.record([sample(kind)])
    assert unit.touched, f"{kind.__name__} recorded, but nothing would be written"
    assert unit.commands == 1


def test_an_unknown_event_is_refused() -> None:
    @dataclasses.dataclass
    class Unknown:
        uid: UID

    with pytest.raises(TypeError):
        UnitOfWork().record([Unknown(UID(1))])  # type: ignore[list-item]
