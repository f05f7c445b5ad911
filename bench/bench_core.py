"""In-process benchmark of the exchange core (issue 2's targets).

    python bench/bench_core.py [--repeat 5] [--book 100000] [--index]

Reports medians over --repeat runs of: resting places/s, cancels/s, aggressive sweep orders/s,
and cancel-all time for k = 10, 100, 1,000, 10,000 own orders in a book of --book orders. Machines
here are shared and noisy, so each figure is also given as a ratio to a calibration loop measured
in the same run (Decimal arithmetic plus a dict insert per item: the cheapest work a place does).
--index gives BTC-USD an index price (60000), so that every order also meets the price band.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from htx_sandbox.domain.commands import (
    CancelAll,
    CancelOrders,
    Deposit,
    OpenUser,
    PlaceOrder,
    SetIndexPrices,
)
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderId, OrderPriceType

T0 = Millis(1_764_000_000_000)
CODE = "BTC-USD"
TICK = Decimal("0.1")
MAKERS = [UID(u) for u in range(1000, 1050)]
ME = UID(7)
TAKER = UID(8)
INDEX: list[Decimal] = []
"""The index price to give BTC-USD (--index): none by default."""


def new_exchange() -> Exchange:
    ex = Exchange()
    for uid in [*MAKERS, ME, TAKER]:
        ex.open_user(OpenUser(uid), T0)
        ex.deposit(Deposit(uid, "BTC", Decimal(1_000_000)), T0)
    if INDEX:  # a band of 56400 to 63600: every benchmarked price is inside it
        ex.execute(SetIndexPrices({CODE: INDEX[0]}), T0)
    return ex


def resting(uid: UID, direction: Direction, price: Decimal, volume: int = 1) -> PlaceOrder:
    return PlaceOrder(uid, CODE, direction, Offset.OPEN, volume, 10, OrderPriceType.LIMIT, price)


def fill_book(ex: Exchange, n: int) -> list[OrderId]:
    """n resting orders from the makers, bids below 59000 and asks above 61000, 500 levels each."""
    ids: list[OrderId] = []
    for i in range(n):
        uid = MAKERS[i % len(MAKERS)]
        if i % 2:
            price = Decimal(59000) - (i // 2 % 500) * TICK
            cmd = resting(uid, Direction.BUY, price)
        else:
            price = Decimal(61000) + (i // 2 % 500) * TICK
            cmd = resting(uid, Direction.SELL, price)
        ids.append(ex.place_order(cmd, Millis(T0 + i)).reply.order_id)
    return ids


def timed(fn: Callable[[], object]) -> float:
    """Wall time of fn with the cyclic GC paused (a collection pass would land on whichever
    operation happens to trigger it). No gc.collect() first: walking every object just before
    the timed call would leave the caches cold in a way no running exchange sees."""
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def calibration(n: int) -> float:
    """Seconds for n iterations of the baseline loop."""
    size, lever = Decimal(100), 10
    prices = [Decimal(59000) - (i % 500) * TICK for i in range(n)]
    sink: dict[int, Decimal] = {}

    def loop() -> None:
        for i, price in enumerate(prices):
            sink[i] = size / (price * lever)

    return timed(loop)


def bench_places(n: int) -> float:
    ex = new_exchange()
    cmds = [
        resting(MAKERS[i % len(MAKERS)], Direction.BUY, Decimal(59000) - (i % 500) * TICK)
        for i in range(n)
    ]
    return timed(lambda: [ex.place_order(c, Millis(T0 + i)) for i, c in enumerate(cmds)])


def bench_cancels(n: int) -> float:
    ex = new_exchange()
    ids = fill_book(ex, n)
    owners = {oid: ex.state.orders[oid].uid for oid in ids}
    cmds = [CancelOrders(owners[oid], CODE, order_ids=[str(oid)]) for oid in ids]
    return timed(lambda: [ex.cancel_orders(c, Millis(T0 + n)) for c in cmds])


def bench_sweeps(n: int, depth: int = 5) -> float:
    """n aggressive buys, each taking `depth` resting asks of one contract at rising prices."""
    ex = new_exchange()
    for i in range(n * depth):
        price = Decimal(60000) + (i % 1000) * TICK
        ex.place_order(resting(MAKERS[i % len(MAKERS)], Direction.SELL, price), Millis(T0))
    sweep = PlaceOrder(
        TAKER, CODE, Direction.BUY, Offset.OPEN, depth, 10, OrderPriceType.OPTIMAL_5_IOC
    )
    return timed(lambda: [ex.place_order(sweep, Millis(T0 + 1)) for _ in range(n)])


def bench_cancel_all(ex: Exchange, k: int, at: int) -> float:
    """Time one cancel-all of k fresh own orders resting among the book's others."""
    for i in range(k):
        price = Decimal(59000) - (i % 500) * TICK
        ex.place_order(resting(ME, Direction.BUY, price), Millis(T0 + at))
    return timed(lambda: ex.cancel_all(CancelAll(ME, CODE), Millis(T0 + at)))


def median_of(repeat: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--book", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=50_000, help="orders per throughput run")
    parser.add_argument("--index", action="store_true", help="give BTC-USD an index price")
    args = parser.parse_args()
    if args.index:
        INDEX.append(Decimal(60000))
    n, repeat = args.n, args.repeat

    base = median_of(repeat, lambda: calibration(n))
    base_rate = n / base
    print(f"calibration loop: {base_rate:,.0f} it/s (baseline for the ratios)")
    rows = [
        ("resting places", median_of(repeat, lambda: bench_places(n))),
        ("cancels by id", median_of(repeat, lambda: bench_cancels(n))),
        ("sweeps (5 levels each)", median_of(repeat, lambda: bench_sweeps(n // 5))),
    ]
    for name, seconds in rows:
        count = n // 5 if name.startswith("sweeps") else n
        rate = count / seconds
        print(f"{name:>24}: {rate:>10,.0f} /s   ratio to baseline {rate / base_rate:.3f}")
    ex = new_exchange()
    fill_book(ex, args.book)
    bench_cancel_all(ex, 10, 0)  # warm up the cancel path once
    for k in (10, 100, 1_000, 10_000):
        seconds = statistics.median(bench_cancel_all(ex, k, r) for r in range(1, repeat + 1))
        print(
            f"cancel-all k={k:>6} in a {args.book + k:,}-order book: {seconds * 1000:8.3f} ms"
            f"   ({seconds / k * 1e6:.2f} us/order,"
            f" {seconds * base_rate / k:.2f} baseline it/order)"
        )


if __name__ == "__main__":
    main()
