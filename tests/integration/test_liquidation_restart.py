"""A restart keeps what liquidation left and what it will do: the insurance fund's balance, its
positions and its history, the liquidation orders in the account's history and the public feed,
the contracts' own adjust-factor ladders, and the liquidation index (rebuilt from accounts and
holdings): after a restart the same index move liquidates the same accounts at the same prices,
on every store."""

from __future__ import annotations

from decimal import Decimal

from htx_sandbox.domain.adjust_factors import Ladder
from htx_sandbox.domain.commands import (
    Command,
    Deposit,
    ListContract,
    OpenUser,
    Outcome,
    PlaceOrder,
    SetIndexPrices,
)
from htx_sandbox.domain.contracts import Contract
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.insurance_fund import FUND, fund_balance
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType
from htx_sandbox.service.clock import ManualClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import LiquidationQuery, OrderQuery
from htx_sandbox.storage.memory import MemoryStore

from .conftest import StoreFactory, state_view

T0 = 1_764_000_000_000
BTC = "BTC-USD"
MAKER, RICH = UID(1), UID(2)
POOR = [UID(10), UID(11), UID(12)]


def run(engine: Engine, command: Command) -> Outcome:
    outcome = engine.execute(command)
    assert outcome.error is None, outcome.error
    return outcome


def order(uid: UID, direction: Direction, volume: int, price: int, lever: int) -> PlaceOrder:
    return PlaceOrder(uid, BTC, direction, Offset.OPEN, volume, lever, OrderPriceType.LIMIT,
                      Decimal(price))  # fmt: skip


def build(engine: Engine) -> None:
    """Three poor longs at 20x liquidated at different marks, a rich one far from it."""
    for uid, btc in ((MAKER, "100"), (RICH, "1"), *((u, "0.001") for u in POOR)):
        run(engine, OpenUser(uid))
        run(engine, Deposit(uid, "BTC", Decimal(btc)))
    for uid, volume in ((RICH, 10), (POOR[0], 10), (POOR[1], 9), (POOR[2], 8)):
        run(engine, order(MAKER, Direction.SELL, volume, 60000, 10))
        run(engine, order(uid, Direction.BUY, volume, 60000, 20))


def liquidated(exchange: Exchange) -> dict[UID, list[tuple[str, int, str]]]:
    orders = sorted(exchange.state.orders.values(), key=lambda o: o.order_id)
    return {
        uid: [
            (o.liquidation_type, o.volume, str(o.price))
            for o in orders
            if o.uid == uid and o.order_type == 3
        ]
        for uid in (RICH, *POOR)
    }


def test_the_fund_and_the_index_survive_a_restart(store_factory: StoreFactory) -> None:
    clock = ManualClock(T0)
    store = store_factory()
    engine = Engine(store, clock)
    engine.start()
    build(engine)
    clock.advance(1000)
    run(engine, SetIndexPrices({BTC: Decimal(57100)}))  # the first poor long only
    before = state_view(engine.exchange)
    index_before = dict(engine.exchange.state.liquidations.placed)
    fund_before = fund_balance(engine.exchange.state, "BTC")
    assert fund_before != 0 and liquidated(engine.exchange)[POOR[0]]
    engine.stop()
    store.close()

    store = store_factory()
    engine = Engine(store, clock)
    engine.start()
    try:
        state = engine.exchange.state
        assert state_view(engine.exchange) == before
        assert {k: v[:3] for k, v in state.liquidations.placed.items()} == {
            k: v[:3] for k, v in index_before.items()
        }
        assert fund_balance(state, "BTC") == fund_before
        assert state.holdings[(FUND, BTC)].long.volume == 10
        history, total = store.insurance_fund("BTC", 1, 100)
        assert total == 1 and history[0].balance == fund_before
        feed = store.liquidation_orders(LiquidationQuery(BTC, Millis(T0), Millis(T0 + 5000)))
        assert [(o.uid, o.liquidation_type, o.trade_volume) for o in feed] == [(POOR[0], "3", 10)]
        own, _ = store.orders_of(OrderQuery(POOR[0], BTC, Millis(T0), order_types=(3,)))
        assert [o.order_source for o in own] == ["risk"]
        clock.advance(1000)
        run(engine, SetIndexPrices({BTC: Decimal(56000)}))  # reaches the two others
        after_restart = liquidated(engine.exchange)
    finally:
        engine.stop()
        store.close()

    # The same commands without the restart liquidate the same accounts the same way.
    clock = ManualClock(T0)

    straight = Engine(MemoryStore(), clock)
    straight.start()
    try:
        build(straight)
        clock.advance(1000)
        run(straight, SetIndexPrices({BTC: Decimal(57100)}))
        clock.advance(1000)
        run(straight, SetIndexPrices({BTC: Decimal(56000)}))
        assert liquidated(straight.exchange) == after_restart
        assert after_restart[RICH] == [] and all(after_restart[u] for u in POOR)
    finally:
        straight.stop()


def test_a_contract_s_own_ladders_survive_a_restart(store_factory: StoreFactory) -> None:
    clock = ManualClock(T0)
    store = store_factory()
    engine = Engine(store, clock)
    engine.start()
    ladders = (Ladder(0, 0, 99, Decimal("0.4")), Ladder(1, 100, None, Decimal("0.45")))
    contract = Contract("SOL-USD", "SOL", Decimal(10), Decimal("0.001"), Decimal(150),
                        adjust_factors={20: ladders})  # fmt: skip
    run(engine, ListContract(contract))
    engine.stop()
    store.close()
    store = store_factory()
    engine = Engine(store, clock)
    try:
        assert engine.exchange.contracts.get("SOL-USD").ladders(20) == ladders
    finally:
        store.close()
