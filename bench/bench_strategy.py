"""In-process benchmark of strategy orders: what waiting, cancelling and firing cost.

    python bench/bench_strategy.py [--repeat 5] [--waiting 10000] [--trades 20000] [--fire 1000]

Medians over --repeat runs of:
(a) one trade (a taker limit buy crossing one resting ask) with no trigger order on the
    contract and with --waiting trigger orders none of the trades cross (half ge above the
    price, half le below); the ratio should stay close to 1: waiting orders cost a trade
    nothing but a look at the top of each heap;
(b) one swap_trigger_cancelall of --waiting trigger orders of one UID, against a
    swap_cancelall of as many resting ordinary orders of one UID;
(c) one trade that fires --fire trigger orders, each placing a resting limit order, against
    placing as many such orders directly; once alone on the contract and once among --waiting
    trigger orders that the trade does not cross.
Each figure runs in turn with its baseline, --repeat times, and a ratio is the median of the
run-by-run ratios; every figure is also given in iterations of bench_core.py's calibration
loop, measured in the same run (the machines here are shared and noisy: ratios travel,
absolute figures do not).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bench_core import calibration, timed

from htx_sandbox.domain.commands import (
    CancelAll,
    CancelAllStrategy,
    Deposit,
    OpenUser,
    PlaceOrder,
    PlaceTriggerOrder,
)
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.strategy_book import StrategyLimits
from htx_sandbox.domain.strategy_orders import StrategyKind, StrategyStatus, TriggerType
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType

T0 = Millis(1_764_000_000_000)
CODE = "BTC-USD"
TICK = Decimal("0.1")
PRICE = Decimal(60000)
"""Where every benchmark trade happens."""
MAKERS = [UID(u) for u in range(1000, 1010)]
"""Enough of them to rest --trades asks (a UID may keep 10,000 opening orders per contract)."""
TAKER = UID(1010)
ME = UID(7)
"""The UID whose trigger orders wait, are cancelled or fire."""
BIG = StrategyLimits(per_contract=100_000, platform=100_000)
"""The default limits (100 per contract) raised so that one UID can hold every order here."""


def new_exchange() -> Exchange:
    ex = Exchange(strategy_limits=BIG)
    for uid in (*MAKERS, TAKER, ME):
        ex.open_user(OpenUser(uid), T0)
        ex.deposit(Deposit(uid, "BTC", Decimal(1_000_000)), T0)
    return ex


def limit(uid: UID, direction: Direction, price: Decimal) -> PlaceOrder:
    return PlaceOrder(uid, CODE, direction, Offset.OPEN, 1, 10, OrderPriceType.LIMIT, price)


def trigger(trigger_type: TriggerType, trigger_price: Decimal) -> PlaceTriggerOrder:
    """ME's opening buy of 1 contract at 59000 once the price meets the trigger."""
    return PlaceTriggerOrder(
        ME,
        CODE,
        trigger_type,
        trigger_price,
        Direction.BUY,
        Offset.OPEN,
        1,
        order_price=Decimal(59000),
        lever_rate=10,
    )


def add_waiting(ex: Exchange, n: int) -> None:
    """n trigger orders that no trade at PRICE crosses: ge from 60500 up, le from 59500 down,
    500 price levels each."""
    for i in range(n):
        away = (500 + i // 2 % 500) * TICK * 10
        if i % 2:
            ex.place_trigger_order(trigger(TriggerType.GE, PRICE + away), T0)
        else:
            ex.place_trigger_order(trigger(TriggerType.LE, PRICE - away), T0)


def add_asks(ex: Exchange, n: int) -> None:
    for i in range(n):
        ex.place_order(limit(MAKERS[i % len(MAKERS)], Direction.SELL, PRICE), T0)


TAKE = limit(TAKER, Direction.BUY, PRICE)
"""Crosses exactly one resting ask of 1 contract at PRICE."""


def bench_trades(trades: int, waiting: int, chunk: int = 500) -> tuple[float, float]:
    """Seconds for `trades` trades, each its own command, on an exchange with no trigger order
    and on one with `waiting` of them: in chunks of `chunk` trades, one exchange then the
    other, so that both see the same load to the millisecond."""
    bare, crowded = new_exchange(), new_exchange()
    for ex in (bare, crowded):
        add_asks(ex, trades)
    add_waiting(crowded, waiting)
    now = Millis(T0 + 1)
    def take(ex: Exchange) -> Callable[[], object]:
        return lambda: [ex.place_order(TAKE, now) for _ in range(chunk)]

    seconds = [0.0, 0.0]
    for _ in range(trades // chunk):
        seconds[0] += timed(take(bare))
        seconds[1] += timed(take(crowded))
    for ex in (bare, crowded):  # everything traded and nothing fired: they measured that
        assert ex.state.books[CODE].asks.best_ticks() is None
    assert sum(len(book) for book in crowded.state.strategies.books.values()) == waiting
    return seconds[0], seconds[1]


def bench_trigger_cancel_all(n: int) -> float:
    ex = new_exchange()
    add_waiting(ex, n)
    cmd = CancelAllStrategy(StrategyKind.TRIGGER, ME, CODE)
    seconds = timed(lambda: ex.cancel_all_strategy(cmd, Millis(T0 + 1)))
    assert not ex.state.strategies.by_owner and not ex.state.strategies.books[CODE]
    return seconds


def bench_cancel_all(n: int) -> float:
    """The baseline of (b): swap_cancelall of n resting orders of one UID."""
    ex = new_exchange()
    for i in range(n):
        ex.place_order(limit(ME, Direction.BUY, Decimal(59000) - (i % 500) * TICK), T0)
    seconds = timed(lambda: ex.cancel_all(CancelAll(ME, CODE), Millis(T0 + 1)))
    assert not ex.open_orders(ME, CODE)
    return seconds


def bench_firing(fire: int, waiting: int) -> float:
    """Seconds for one trade at PRICE that fires `fire` ge triggers (spread over the 100 ticks
    up to PRICE), each placing a resting buy, among `waiting` triggers it does not cross."""
    ex = new_exchange()
    add_asks(ex, 1)
    add_waiting(ex, waiting)
    for i in range(fire):
        ex.place_trigger_order(trigger(TriggerType.GE, PRICE - (i % 100) * TICK), T0)
    seconds = timed(lambda: ex.place_order(TAKE, Millis(T0 + 1)))
    strategies = ex.state.strategies
    placed = sum(1 for o in strategies.orders.values() if o.status is StrategyStatus.PLACED)
    assert placed == fire and len(strategies.books[CODE]) == waiting
    return seconds


def bench_places(n: int) -> float:
    """The baseline of (c): n resting buys placed directly, one command each."""
    ex = new_exchange()
    cmd = limit(ME, Direction.BUY, Decimal(59000))
    return timed(lambda: [ex.place_order(cmd, T0) for _ in range(n)])


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    runs: list[float]
    """Seconds of each run, in run order."""
    count: int
    """Operations (trades, orders) each run covers."""

    def per_op_us(self) -> float:
        return statistics.median(self.runs) / self.count * 1e6

    def ratio_to(self, other: Figure) -> float:
        """Median of the run-by-run ratios: each pair ran back to back, under the same load."""
        return statistics.median(
            (mine / self.count) / (theirs / other.count)
            for mine, theirs in zip(self.runs, other.runs, strict=True)
        )


def alternating(repeat: int, *fns: Callable[[], float]) -> list[list[float]]:
    """The runs of each fn, one of each in turn, `repeat` times: drift in the machine's load
    then hits them alike."""
    runs: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, runs, strict=True):
            out.append(fn())
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--trades", type=int, default=20_000)
    parser.add_argument("--fire", type=int, default=1_000)
    args = parser.parse_args()
    repeat, waiting, trades, fire = args.repeat, args.waiting, args.trades, args.fire

    base_rate = 50_000 / statistics.median(alternating(repeat, lambda: calibration(50_000))[0])
    print(f"calibration loop: {base_rate:,.0f} it/s (bench_core.py's baseline)")

    def show(figure: Figure, against: Figure | None = None) -> None:
        us = figure.per_op_us()
        line = f"{figure.name:>44}: {us:8.2f} us each ({us * base_rate / 1e6:6.1f} it)"
        if against is not None:
            line += f"   ratio to {against.name}: {figure.ratio_to(against):.2f}"
        print(line)

    # (a)
    pairs = [bench_trades(trades, waiting) for _ in range(repeat)]
    bare, crowded = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
    trade = Figure("trade, no trigger order", bare, trades)
    show(trade)
    show(Figure(f"trade, {waiting:,} waiting", crowded, trades), trade)

    # (b)
    plain, strategic = alternating(
        repeat, lambda: bench_cancel_all(waiting), lambda: bench_trigger_cancel_all(waiting)
    )
    cancel_all = Figure(f"swap_cancelall of {waiting:,}", plain, waiting)
    show(cancel_all)
    show(Figure(f"swap_trigger_cancelall of {waiting:,}", strategic, waiting), cancel_all)
    print(
        f"{'':>44}  (whole calls: {statistics.median(plain) * 1e3:.1f} ms and"
        f" {statistics.median(strategic) * 1e3:.1f} ms)"
    )

    # (c)
    direct, alone, among = alternating(
        repeat,
        lambda: bench_places(fire),
        lambda: bench_firing(fire, 0),
        lambda: bench_firing(fire, waiting),
    )
    places = Figure(f"{fire:,} resting places", direct, fire)
    show(places)
    show(Figure(f"trade firing {fire:,}", alone, fire), places)
    show(Figure(f"trade firing {fire:,} among {waiting:,} waiting", among, fire), places)


if __name__ == "__main__":
    main()
