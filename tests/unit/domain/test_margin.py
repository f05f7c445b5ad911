"""Mark-price figures: margin_balance, margin_position, margin_available, unrealized profit.

Expected amounts are computed here from the inverse formulas in Decimal at high precision, each
coin amount rounded half-even to 1e-18, independently of money.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder
from htx_sandbox.domain.contracts import Contract, ContractRegistry
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.margin import account_figures, margin_available, position_figures
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.types import (
    UID,
    ZERO,
    Direction,
    Millis,
    Offset,
    OrderPriceType,
)

Q = Decimal("1e-18")
BTC_SIZE = Decimal(100)
BTC_REFERENCE = Decimal(60000)
ALICE, BOB = UID(1), UID(2)
NOW = Millis(1_750_000_000_000)


def exact(formula: Callable[[], Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return formula().quantize(Q, rounding=ROUND_HALF_EVEN)


def value(volume: int, price: Decimal, size: Decimal = BTC_SIZE) -> Decimal:
    """volume x size / price on the 1e-18 grid."""
    return exact(lambda: volume * size / price)


def margin(volume: int, price: Decimal, lever: int, size: Decimal = BTC_SIZE) -> Decimal:
    """Initial margin: volume x size / (price x lever) on the 1e-18 grid."""
    return exact(lambda: volume * size / (price * lever))


def fresh_state() -> ExchangeState:
    return ExchangeState(ContractRegistry.with_defaults())


def test_empty_account() -> None:
    state = fresh_state()
    figures = account_figures(state, state.account(ALICE, "BTC"))
    assert figures.uid == ALICE
    assert figures.symbol == "BTC"
    for amount in (
        figures.margin_static,
        figures.margin_balance,
        figures.margin_position,
        figures.margin_frozen,
        figures.margin_available,
        figures.profit_real,
        figures.profit_unreal,
        figures.withdraw_available,
    ):
        assert amount == ZERO
    assert figures.lever_rate is None


def test_without_positions_available_is_static_less_frozen() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal("1.5")
    account.margin_frozen = Decimal("0.25")
    account.profit_real = Decimal("0.1")
    figures = account_figures(state, account)
    assert figures.margin_balance == Decimal("1.5")
    assert figures.margin_position == ZERO
    assert figures.margin_frozen == Decimal("0.25")
    assert figures.margin_available == Decimal("1.25")
    assert figures.profit_real == Decimal("0.1")
    assert figures.withdraw_available == Decimal("1.25")
    assert margin_available(state, account) == Decimal("1.25")


def test_position_margin_before_any_trade_is_at_the_reference_price() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 10
    holding.long.open(10, value(10, Decimal(50000)))
    figures = account_figures(state, account)
    assert "BTC-USD" not in state.last_price
    assert figures.margin_position == margin(10, BTC_REFERENCE, 10)
    assert figures.margin_position == Decimal("0.001666666666666667")
    # Long opened at 50000, marked at 60000: 10 x 100 x (1/50000 - 1/60000).
    unreal = exact(lambda: 10 * BTC_SIZE * (1 / Decimal(50000) - 1 / BTC_REFERENCE))
    assert figures.profit_unreal == unreal
    assert figures.lever_rate == 10


def test_position_margin_after_a_trade_is_at_the_last_trade_price() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 5
    holding.short.open(3, value(3, Decimal(50000)))
    last = Decimal("48000.5")
    state.last_price["BTC-USD"] = last
    figures = account_figures(state, account)
    assert figures.margin_position == margin(3, last, 5)
    # Short opened at 50000, marked at 48000.5: 3 x 100 x (1/48000.5 - 1/50000).
    assert figures.profit_unreal == value(3, last) - value(3, Decimal(50000))
    assert figures.profit_unreal > 0


def test_balance_and_available_formulas() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal("0.7")
    account.margin_frozen = Decimal("0.01")
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 20
    holding.long.open(40, value(40, Decimal(65000)))
    state.last_price["BTC-USD"] = Decimal(55000)
    figures = account_figures(state, account)

    unreal = value(40, Decimal(65000)) - value(40, Decimal(55000))
    assert unreal < 0
    position = margin(40, Decimal(55000), 20)
    assert figures.profit_unreal == unreal
    assert figures.margin_position == position
    # margin_balance = margin_static + profit_unreal (HTX FAQ Q28)
    assert figures.margin_balance == Decimal("0.7") + unreal
    # margin_available = margin_balance - margin_position - margin_frozen
    assert figures.margin_available == Decimal("0.7") + unreal - position - Decimal("0.01")
    assert figures.margin_static == Decimal("0.7")
    assert figures.margin_frozen == Decimal("0.01")
    # A loss reduces what can be withdrawn, one for one.
    assert figures.withdraw_available == figures.margin_available
    assert margin_available(state, account) == figures.margin_available


def test_unrealized_gain_is_not_withdrawable() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 10
    holding.long.open(10, value(10, Decimal(50000)))
    state.last_price["BTC-USD"] = Decimal(60000)
    figures = account_figures(state, account)
    assert figures.profit_unreal > 0
    assert figures.margin_available == (
        Decimal(1) + figures.profit_unreal - figures.margin_position
    )
    assert figures.withdraw_available == figures.margin_available - figures.profit_unreal


def test_a_hedged_holding_needs_the_margin_of_its_larger_side() -> None:
    """HTX's locked-margin rule: long + short - 100 % x min(long, short) = max(long, short)."""
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 10
    holding.long.open(4, value(4, Decimal(50000)))
    holding.short.open(6, value(6, Decimal(70000)))
    mark = Decimal(60000)
    state.last_price["BTC-USD"] = mark
    figures = account_figures(state, account)
    assert figures.margin_position == margin(6, mark, 10)
    long_unreal = value(4, Decimal(50000)) - value(4, mark)
    short_unreal = value(6, mark) - value(6, Decimal(70000))
    assert figures.profit_unreal == long_unreal + short_unreal


def test_only_contracts_of_the_accounts_coin_count() -> None:
    state = fresh_state()
    btc = state.account(ALICE, "BTC")
    btc.margin_static = Decimal(1)
    eth = state.account(ALICE, "ETH")
    eth.margin_static = Decimal(2)
    holding = state.holding(ALICE, "ETH-USD")
    holding.lever_rate = 5
    holding.long.open(10, value(10, Decimal(2500), Decimal(10)))
    btc_figures = account_figures(state, btc)
    assert btc_figures.margin_position == ZERO
    assert btc_figures.profit_unreal == ZERO
    assert btc_figures.margin_available == Decimal(1)
    eth_figures = account_figures(state, eth)
    # ETH-USD has not traded: marked at its reference price, 3000.
    assert eth_figures.margin_position == margin(10, Decimal(3000), 5, Decimal(10))
    assert eth_figures.profit_unreal == value(10, Decimal(2500), Decimal(10)) - value(
        10, Decimal(3000), Decimal(10)
    )


def test_another_users_positions_do_not_count() -> None:
    state = fresh_state()
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    other = state.holding(BOB, "BTC-USD")
    other.lever_rate = 10
    other.long.open(10, value(10, Decimal(50000)))
    figures = account_figures(state, account)
    assert figures.margin_position == ZERO
    assert figures.margin_available == Decimal(1)


def test_position_figures_at_the_mark() -> None:
    state = fresh_state()
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 10
    holding.long.open(1, value(1, Decimal(40000)))
    holding.long.open(1, value(1, Decimal(60000)))
    holding.long.frozen = 1
    mark = Decimal(50000)
    state.last_price["BTC-USD"] = mark
    figures = position_figures(state, holding.long, 10)
    assert figures.contract_code == "BTC-USD"
    assert figures.symbol == "BTC"
    assert figures.direction == "buy"
    assert figures.volume == 2
    assert figures.available == 1
    assert figures.frozen == 1
    assert figures.cost_open == Decimal(48000)  # harmonic mean of 40000 and 60000
    assert figures.cost_hold == figures.cost_open
    assert figures.position_margin == margin(2, mark, 10)
    assert figures.last_price == mark
    unreal = holding.long.cost_value - value(2, mark)
    assert figures.profit_unreal == unreal
    assert figures.profit_rate == unreal * 10 / holding.long.cost_value


def test_position_figures_before_any_trade_use_the_reference_price() -> None:
    state = fresh_state()
    holding = state.holding(ALICE, "BTC-USD")
    holding.lever_rate = 3
    holding.short.open(5, value(5, Decimal(50000)))
    figures = position_figures(state, holding.short, 3)
    assert figures.last_price == BTC_REFERENCE
    assert figures.position_margin == margin(5, BTC_REFERENCE, 3)
    assert figures.direction == "sell"


# -- through the exchange ------------------------------------------------------------------


def _limit(uid: UID, direction: Direction, volume: int, price: str) -> PlaceOrder:
    return PlaceOrder(
        uid,
        "BTC-USD",
        direction,
        Offset.OPEN,
        volume,
        10,
        OrderPriceType.LIMIT,
        price=Decimal(price),
    )


def test_account_after_a_trade_through_the_exchange() -> None:
    exchange = Exchange()
    for uid in (ALICE, BOB):
        exchange.open_user(OpenUser(uid), NOW)
        exchange.deposit(Deposit(uid, "BTC", Decimal(1)), NOW)
    before = exchange.account(ALICE, "BTC")
    assert before.margin_available == Decimal(1)

    exchange.place_order(_limit(BOB, Direction.SELL, 10, "50000"), NOW)
    after_rest = exchange.account(BOB, "BTC")
    assert after_rest.margin_frozen == margin(10, Decimal(50000), 10)
    assert after_rest.margin_available == Decimal(1) - margin(10, Decimal(50000), 10)

    exchange.place_order(_limit(ALICE, Direction.BUY, 10, "50000"), NOW)
    assert exchange.state.last_price["BTC-USD"] == Decimal(50000)
    alice = exchange.account(ALICE, "BTC")
    taker_fee = exact(lambda: value(10, Decimal(50000)) * Decimal("0.0005"))
    assert alice.margin_static == Decimal(1) - taker_fee
    assert alice.margin_frozen == ZERO
    assert alice.profit_unreal == ZERO  # marked at the trade price
    assert alice.margin_position == margin(10, Decimal(50000), 10)
    assert alice.margin_balance == alice.margin_static
    assert alice.margin_available == alice.margin_static - alice.margin_position

    bob = exchange.account(BOB, "BTC")
    maker_fee = exact(lambda: value(10, Decimal(50000)) * Decimal("0.0002"))
    assert bob.margin_static == Decimal(1) - maker_fee
    assert bob.margin_frozen == ZERO
    assert bob.margin_position == margin(10, Decimal(50000), 10)

    # A later trade elsewhere in the book moves the mark, and with it both accounts' figures.
    exchange.open_user(OpenUser(UID(3)), NOW)
    exchange.deposit(Deposit(UID(3), "BTC", Decimal(1)), NOW)
    exchange.place_order(_limit(UID(3), Direction.SELL, 1, "52000"), NOW)
    exchange.place_order(_limit(BOB, Direction.BUY, 1, "52000"), NOW)
    assert exchange.state.last_price["BTC-USD"] == Decimal(52000)
    alice = exchange.account(ALICE, "BTC")
    assert alice.profit_unreal == value(10, Decimal(50000)) - value(10, Decimal(52000))
    assert alice.margin_position == margin(10, Decimal(52000), 10)
    assert alice.margin_balance == alice.margin_static + alice.profit_unreal
    assert alice.margin_available == (
        alice.margin_balance - alice.margin_position - alice.margin_frozen
    )


def test_each_contract_of_a_coin_keeps_its_own_lever_rate() -> None:
    registry = ContractRegistry.with_defaults()
    btc = registry.get("BTC-USD")
    registry.add(Contract("BTC-USD-B", "BTC", btc.contract_size, btc.price_tick, BTC_REFERENCE))
    state = ExchangeState(registry)
    account = state.account(ALICE, "BTC")
    account.margin_static = Decimal(1)
    state.holding(ALICE, "BTC-USD").lever_rate = 10
    state.holding(ALICE, "BTC-USD-B").lever_rate = 20
    figures = account_figures(state, account)
    # swap_account_info answers a row per contract: each with its own lever rate, not the
    # last holding's.
    assert figures.lever_rates == {"BTC-USD": 10, "BTC-USD-B": 20}
    assert figures.lever_rate is None  # no single lever rate for the coin
    state.holding(ALICE, "BTC-USD-B").lever_rate = 10
    assert account_figures(state, account).lever_rate == 10
