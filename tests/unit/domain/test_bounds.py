"""The bounds of domain/bounds.py keep the domain's arithmetic inside its 60-digit context: no
value a client may send, on a contract an operator may list, makes anything but an HtxError
come out of the exchange. Hypothesis picks contracts and orders at and between the extremes."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from htx_sandbox.domain import bounds
from htx_sandbox.domain.bounds import decimals, within
from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.errors import ErrorCode, HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.money import MONEY_PRECISION
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType

T0 = Millis(1_764_000_000_000)


@pytest.fixture(autouse=True)
def engine_context() -> Iterator[None]:
    """The engine thread's context (service/engine.py), with its default traps."""
    with decimal.localcontext(decimal.Context(prec=MONEY_PRECISION)):
        yield


def test_decimals_counts_places_without_rounding() -> None:
    assert decimals(Decimal("1.50")) == 1
    assert decimals(Decimal("100")) == 0
    assert decimals(Decimal("1E+3")) == 0
    assert decimals(Decimal("0.000")) == 0
    assert decimals(Decimal("1.0000000000000000000000000000000000001")) == 37
    assert decimals(Decimal("1e-999999999")) == 999999999


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("60000.1", True),
        ("0.000000000001", True),
        ("0.0000000000001", False),
        ("999999999999999", True),
        ("1e15", False),
        ("1e-999999999", False),
        ("1e999999999", False),
        ("60000.10000000000000000000", True),  # trailing zeros are not places
        ("NaN", False),
        ("Infinity", False),
        ("-0", True),  # in range: the sign is each field's own check
    ],
)
def test_within_price_bounds(text: str, ok: bool) -> None:
    assert within(Decimal(text), digits=15, places=12) is ok


def _grid(places: int, digits: int) -> st.SearchStrategy[Decimal]:
    """Positive values with at most `places` decimals below 10^digits, edges included."""
    quantum = Decimal(10) ** -places
    top = 10 ** (digits + places) - 1
    return st.one_of(
        st.sampled_from([1, 2, top, top - 1, 10**places]),
        st.integers(min_value=1, max_value=top),
    ).map(lambda units: units * quantum)


contracts = st.builds(
    lambda size, tick, ref_ticks, volume_cap: Contract(
        "ZZZ-USD",
        "ZZZ",
        size,
        tick,
        tick * ref_ticks,
        max_order_volume=volume_cap,
    ),
    size=_grid(bounds.MAX_CONTRACT_SIZE_DECIMALS, bounds.MAX_CONTRACT_SIZE_DIGITS),
    tick=_grid(bounds.MAX_PRICE_DECIMALS, 3),
    ref_ticks=st.integers(min_value=1, max_value=10**6),
    volume_cap=st.sampled_from([1, 1000, bounds.MAX_ORDER_VOLUME]),
)


@settings(max_examples=300, deadline=None)
@given(
    contract=contracts,
    price_ticks=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6),
    volumes=st.lists(st.integers(min_value=1, max_value=bounds.MAX_ORDER_VOLUME), min_size=6),
    lever_rate=st.sampled_from([1, 5, 125]),
)
def test_nothing_but_htx_errors_on_any_bounded_contract(
    contract: Contract, price_ticks: list[int], volumes: list[int], lever_rate: int
) -> None:
    registry = ContractRegistry()
    registry.add(contract)
    exchange = Exchange(registry)
    for uid in (UID(1), UID(2)):
        exchange.execute(OpenUser(uid), T0)
        for _ in range(3):
            exchange.execute(Deposit(uid, "ZZZ", bounds.MAX_DEPOSIT), T0)
    # Bids from one account, asks crossing them from the other: fills, positions, margin.
    for n, ticks in enumerate(price_ticks):
        price = contract.price_tick * ticks
        if not within(price, digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS):
            continue
        for uid, direction in ((UID(1), Direction.BUY), (UID(2), Direction.SELL)):
            volume = min(volumes[n], contract.max_order_volume)
            command = PlaceOrder(
                uid, contract.contract_code, direction, Offset.OPEN, volume, lever_rate,
                OrderPriceType.LIMIT, price,
            )  # fmt: skip
            outcome = exchange.execute(command, T0)
            assert outcome.error is None or isinstance(outcome.error, HtxError)
    # Then both close what they hold at the other end of the range: realised profit and loss.
    for n, ticks in enumerate(reversed(price_ticks)):
        price = contract.price_tick * ticks
        if not within(price, digits=bounds.MAX_PRICE_DIGITS, places=bounds.MAX_PRICE_DECIMALS):
            continue
        for uid, direction in ((UID(1), Direction.SELL), (UID(2), Direction.BUY)):
            command = PlaceOrder(
                uid, contract.contract_code, direction, Offset.CLOSE,
                min(volumes[n], contract.max_order_volume), lever_rate,
                OrderPriceType.LIMIT, price,
            )  # fmt: skip
            outcome = exchange.execute(command, T0)
            assert outcome.error is None or isinstance(outcome.error, HtxError)
    for uid in (UID(1), UID(2)):
        exchange.accounts(uid)
        exchange.positions(uid)
    exchange.depth(contract.contract_code)


@pytest.mark.parametrize(
    "price",
    ["1e-999999999", "1e-13", "0.00000000000001", "-1e-999999999", "1e999999999", "0", "-0"],
)
def test_an_unreasonable_price_is_an_htx_error_before_any_arithmetic(price: str) -> None:
    contract = ContractRegistry.with_defaults().get("BTC-USD")
    with pytest.raises(HtxError) as raised:
        contract.ticks(Decimal(price))
    assert raised.value.code in (ErrorCode.PRICE_PRECISION, ErrorCode.PRICE_NOT_REASONABLE)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price_tick", Decimal("1e-999999")),
        ("price_tick", Decimal("1e-13")),
        ("contract_size", Decimal("1e9")),
        ("contract_size", Decimal("0.0001")),
        ("reference_price", Decimal("1e-1000100")),
        ("max_order_volume", bounds.MAX_ORDER_VOLUME + 1),
    ],
)
def test_a_contract_outside_the_bounds_cannot_exist(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "contract_code": "ZZZ-USD",
        "symbol": "ZZZ",
        "contract_size": Decimal(10),
        "price_tick": Decimal("0.01"),
        "reference_price": Decimal(100),
        field: value,
    }
    with pytest.raises(ValueError):
        Contract(**fields)  # type: ignore[arg-type]
