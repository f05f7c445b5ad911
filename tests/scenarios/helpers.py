"""Shared builders for scenario tests: an exchange with funded users, and terse order placement.

Usage::

    ex = make_exchange()                      # ALICE, BOB, CAROL opened, 10 BTC and 100 ETH each
    ask = sell(ex, BOB, 5, "60000")           # resting limit sell, returns the Order
    bid = buy(ex, ALICE, 2, "60000")          # crosses; `bid.status` is 6
    err = rejected(ex, order_cmd(ALICE, BUY, 0, "60000"))   # the HtxError, state untouched

Every helper applies commands through the typed Exchange methods at the fixed time NOW (pass
`now=` to change it). Prices may be given as str, int or Decimal; they are converted to Decimal.
This module is imported by several test modules: keep its names and signatures stable.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from htx_sandbox.domain.commands import Deposit, OpenUser, Outcome, PlaceOrder, SetIndexPrices
from htx_sandbox.domain.contracts import ContractRegistry
from htx_sandbox.domain.errors import HtxError
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderPriceType,
    SelfMatchPrevent,
)

BTC = "BTC-USD"
ETH = "ETH-USD"
ALICE = UID(1)
BOB = UID(2)
CAROL = UID(3)
USERS = (ALICE, BOB, CAROL)
NOW = Millis(1_700_000_000_000)
BTC_FUNDS = Decimal(10)
ETH_FUNDS = Decimal(100)
LEVER = 10
BUY = Direction.BUY
SELL = Direction.SELL
OPEN = Offset.OPEN
CLOSE = Offset.CLOSE

PriceLike = Decimal | str | int


def D(value: PriceLike) -> Decimal:  # noqa: N802 - reads like a literal
    """Decimal from a str/int/Decimal (never from a float)."""
    return value if isinstance(value, Decimal) else Decimal(value)


def make_exchange(
    users: tuple[UID, ...] = USERS,
    *,
    btc: Decimal = BTC_FUNDS,
    eth: Decimal = ETH_FUNDS,
    contracts: ContractRegistry | None = None,
    cancel_delay_ms: int = 0,
) -> Exchange:
    """An Exchange (default contracts unless given) with `users` opened and funded.

    Each user gets `btc` BTC and `eth` ETH deposited (a zero amount skips that deposit; a symbol
    without a listed contract is skipped too).
    """
    ex = Exchange(contracts, cancel_delay_ms=cancel_delay_ms)
    symbols = {c.symbol for c in ex.contracts}
    for uid in users:
        ex.open_user(OpenUser(uid), NOW)
        for symbol, amount in (("BTC", btc), ("ETH", eth)):
            if amount and symbol in symbols:
                ex.deposit(Deposit(uid, symbol, amount), NOW)
    return ex


def order_cmd(
    uid: UID,
    direction: Direction,
    volume: int,
    price: PriceLike | None = None,
    *,
    offset: Offset = OPEN,
    kind: OrderPriceType = OrderPriceType.LIMIT,
    code: str = BTC,
    lever: int = LEVER,
    coid: int | None = None,
    smp: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER,
) -> PlaceOrder:
    """A PlaceOrder with defaults: open, limit, BTC-USD, lever 10, no client id, cancel-taker."""
    return PlaceOrder(
        uid=uid,
        contract_code=code,
        direction=direction,
        offset=offset,
        volume=volume,
        lever_rate=lever,
        order_price_type=kind,
        price=None if price is None else D(price),
        client_order_id=None if coid is None else ClientOrderId(coid),
        self_match_prevent=smp,
    )


def submit(ex: Exchange, cmd: PlaceOrder, now: Millis = NOW) -> Order:
    """Place `cmd` (must be accepted) and return the exchange's live Order object."""
    placed = ex.place_order(cmd, now).reply
    order = ex.order(placed.order_id)
    assert order is not None
    return order


def place(
    ex: Exchange,
    uid: UID,
    direction: Direction,
    volume: int,
    price: PriceLike | None = None,
    *,
    now: Millis = NOW,
    offset: Offset = OPEN,
    kind: OrderPriceType = OrderPriceType.LIMIT,
    code: str = BTC,
    lever: int = LEVER,
    coid: int | None = None,
    smp: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER,
) -> Order:
    """Build with order_cmd and submit; returns the Order."""
    cmd = order_cmd(
        uid, direction, volume, price,
        offset=offset, kind=kind, code=code, lever=lever, coid=coid, smp=smp,
    )
    return submit(ex, cmd, now)


def buy(
    ex: Exchange,
    uid: UID,
    volume: int,
    price: PriceLike | None = None,
    *,
    now: Millis = NOW,
    offset: Offset = OPEN,
    kind: OrderPriceType = OrderPriceType.LIMIT,
    code: str = BTC,
    lever: int = LEVER,
    coid: int | None = None,
    smp: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER,
) -> Order:
    """place() a buy."""
    return place(
        ex, uid, BUY, volume, price,
        now=now, offset=offset, kind=kind, code=code, lever=lever, coid=coid, smp=smp,
    )


def sell(
    ex: Exchange,
    uid: UID,
    volume: int,
    price: PriceLike | None = None,
    *,
    now: Millis = NOW,
    offset: Offset = OPEN,
    kind: OrderPriceType = OrderPriceType.LIMIT,
    code: str = BTC,
    lever: int = LEVER,
    coid: int | None = None,
    smp: SelfMatchPrevent = SelfMatchPrevent.CANCEL_TAKER,
) -> Order:
    """place() a sell."""
    return place(
        ex, uid, SELL, volume, price,
        now=now, offset=offset, kind=kind, code=code, lever=lever, coid=coid, smp=smp,
    )


def snapshot(ex: Exchange) -> object:
    """A deep copy of the comparable parts of the exchange's state, for "nothing changed" checks.

    Compare two snapshots with ==: accounts, positions, open orders, orders' statuses and fills,
    client order ids, books (as depth), fee pool and last prices.
    """
    state = ex.state
    return copy.deepcopy(
        (
            {key: (a.margin_static, a.margin_frozen, a.profit_real, a.fees_paid, a.deposited)
             for key, a in state.accounts.items()},
            {key: (h.lever_rate, h.long.volume, h.long.frozen, h.long.cost_value,
                   h.short.volume, h.short.frozen, h.short.cost_value, sorted(h.open_orders))
             for key, h in state.holdings.items()},
            {oid: (o.status, o.trade_volume, o.margin_frozen, o.fee)
             for oid, o in state.orders.items()},
            dict(state.client_orders),
            {c.contract_code: ex.depth(c.contract_code) for c in ex.contracts},
            dict(state.fee_pool),
            dict(state.last_price),
        )
    )


def rejected(ex: Exchange, cmd: PlaceOrder, now: Millis = NOW) -> HtxError:
    """Place `cmd`, assert it raises HtxError and leaves the state unchanged; return the error."""
    before = snapshot(ex)
    with pytest.raises(HtxError) as info:
        ex.place_order(cmd, now)
    assert snapshot(ex) == before, "a rejected order changed the exchange"
    return info.value


# -- risk and liquidation --------------------------------------------------------------------

DAVE = UID(4)
"""A UID of the liquidation scenarios: opened with only what `fund` gives it."""


def fund(ex: Exchange, uid: UID, btc: PriceLike, *, now: Millis = NOW) -> None:
    """Open `uid` (if it is not) and deposit `btc` BTC."""
    ex.open_user(OpenUser(uid), now)
    ex.deposit(Deposit(uid, "BTC", D(btc)), now)


def set_index(ex: Exchange, price: PriceLike, *, code: str = BTC, now: Millis = NOW) -> Outcome:
    """Feed an index price through execute (so that what it sets off runs too)."""
    outcome = ex.execute(SetIndexPrices({code: D(price)}), now)
    assert outcome.error is None, outcome.error
    return outcome


def liquidation_orders(ex: Exchange, uid: UID) -> list[Order]:
    """The UID's liquidation orders (order_type 3), oldest first."""
    return sorted(
        (o for o in ex.state.orders.values() if o.uid == uid and o.order_type == 3),
        key=lambda o: o.order_id,
    )
