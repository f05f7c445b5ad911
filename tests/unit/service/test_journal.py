"""The journal's encoding: every kind of command comes back exactly, and a journal written by a
version whose commands had fewer fields still reads (the Start names them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from htx_sandbox.domain.commands import (
    CancelAfter,
    CancelOrders,
    Deposit,
    ListContract,
    PlaceBatch,
    PlaceOrder,
    SeedPosition,
    SetContract,
    SetIndexPrices,
    Tick,
    Tpsl,
    TpslLeg,
)
from htx_sandbox.domain.contracts import ContractRegistry
from htx_sandbox.domain.strategy_orders import StrategyPriceType
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    ContractStatus,
    Direction,
    Millis,
    Offset,
    OrderPriceType,
)
from htx_sandbox.service import journal
from htx_sandbox.service.api_keys import CreateApiKey, DisableApiKey

U = UID(10_000_001)
ORDER = PlaceOrder(
    U, "BTC-USD", Direction.BUY, Offset.OPEN, 3, 10, OrderPriceType.LIMIT, Decimal("59999.9"),
    ClientOrderId(7), tpsl=Tpsl(sl=TpslLeg(Decimal(59000), None, StrategyPriceType.OPTIMAL_5)),
)  # fmt: skip
COMMANDS: list[Any] = [
    ORDER,
    PlaceBatch(U, [ORDER, ORDER]),
    CancelOrders(U, "BTC-USD", ["1", "2"], ["3"]),
    Deposit(U, "ETH", Decimal("0.000000000000000001")),
    SetIndexPrices({"BTC-USD": Decimal("60000.5")}),
    SetContract("BTC-USD", ContractStatus.SUSPENSION, Decimal(1), None),
    ListContract(next(iter(ContractRegistry.with_defaults()))),
    CancelAfter(U, True, 6000),
    SeedPosition(U, "BTC-USD", Direction.SELL, 4, Decimal(61000), 20),
    Tick(),
    CreateApiKey("ak", "sk", U, frozenset({"read", "trade"}), ("10.0.0.0/8",), Millis(5)),
    DisableApiKey("ak"),
]
START = journal.Start([])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_every_kind_of_command_comes_back_exactly(command: Any) -> None:
    entry = journal.entry(3, Millis(1), command)
    assert entry.kind == type(command).__name__
    assert journal.decode(entry, START) == command


def test_a_journal_of_a_version_without_a_later_field_reads_with_its_default() -> None:
    older = journal.Start([], fields={**START.fields, "PlaceOrder": list(START.fields[
        "PlaceOrder"][:-1])})  # fmt: skip
    plain = PlaceOrder(U, "BTC-USD", Direction.SELL, Offset.CLOSE, 1, 5, OrderPriceType.OPTIMAL_5)
    entry = journal.entry(1, Millis(1), plain)
    entry.body = entry.body.rsplit(",", 1)[0] + "]"  # written without the last field
    assert journal.decode(entry, older) == plain


def test_an_entry_this_version_cannot_read_says_which() -> None:
    bad = journal.entry(9, Millis(1), Tick())
    bad.kind = "Teleport"
    with pytest.raises(ValueError, match='journal entry 9: unknown command "Teleport"'):
        journal.decode(bad, START)
    short = journal.entry(10, Millis(1), Deposit(U, "BTC", Decimal(1)))
    short.body = "[1]"
    with pytest.raises(ValueError, match="journal entry 10: not 3 values"):
        journal.decode(short, START)


def test_the_start_comes_back_with_its_contracts() -> None:
    start = journal.Start(list(ContractRegistry.with_defaults()), 500, 60_000)
    entry = journal.entry(1, Millis(1), start)
    assert journal.decode_start(entry) == start
