"""In-process benchmark of the liquidation check: what an index move costs among many positions.

    python bench/bench_liquidation.py [--repeat 5] [--positions 100000] [--near 10]

Every account holds a long of one BTC-USD contract at 20x; the index price moves, one
SetIndexPrices command each (the mark follows it: the book has no bids). Medians over --repeat
runs of:
(a) an index move that reaches no account, among --positions positions, against the same move
    among 1,000 positions and among none: the ratios should stay close to 1 (the index is
    asked for the accounts at the top of its heaps, nothing else);
(b) an index move that reaches --near accounts (and liquidates them: their orders cancelled,
    their positions taken over by the insurance fund), among --positions and among 1,000
    positions: again close to 1, the cost being the --near liquidations;
(c) the baseline of a check without the index: the exact margin ratio of every account with a
    position, once (what a scan after each move would cost).
Each pair of (a) and (b) runs in turn, so that the machine's load hits both alike; every figure
is also given in iterations of bench_core.py's calibration loop measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
from decimal import Decimal

from bench_core import calibration, timed

from htx_sandbox.domain.commands import Deposit, OpenUser, PlaceOrder, SetIndexPrices
from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.insurance_fund import FUND
from htx_sandbox.domain.risk import at_risk
from htx_sandbox.domain.types import UID, Direction, Millis, Offset, OrderPriceType

T0 = Millis(1_764_000_000_000)
CODE = "BTC-USD"
PRICE = Decimal(60000)
MAKER = UID(1)
RICH = Decimal(1)
"""A long of one contract on 1 BTC: its liquidation price is below 1,000."""
POOR = Decimal("0.0001")
"""On 0.0001 BTC (0.0000833 of it margin at 20x): liquidated some 2 % below its price."""
QUIET = (Decimal(59700), Decimal(59850))
"""Two index prices between which nobody is liquidated (every poor account opens at 60000)."""
DOWN = Decimal(57000)
"""Reaches every poor account."""


class Market:
    """An exchange with `positions` longs, each its own account, and a maker short against them
    (one order of `positions + spare` contracts, so that later accounts can open too)."""

    def __init__(self, positions: int, spare: int) -> None:
        self.exchange = Exchange()
        self.next_uid = 100
        ex = self.exchange
        ex.open_user(OpenUser(MAKER), T0)
        ex.deposit(Deposit(MAKER, "BTC", Decimal(10) ** 9), T0)
        ex.place_order(self._order(MAKER, Direction.SELL, positions + spare, 10), T0)
        for _ in range(positions):
            self.open_long(RICH)

    @staticmethod
    def _order(uid: UID, direction: Direction, volume: int, lever: int) -> PlaceOrder:
        return PlaceOrder(uid, CODE, direction, Offset.OPEN, volume, lever,
                          OrderPriceType.LIMIT, PRICE)  # fmt: skip

    def open_long(self, btc: Decimal) -> UID:
        uid = UID(self.next_uid)
        self.next_uid += 1
        ex = self.exchange
        ex.open_user(OpenUser(uid), T0)
        ex.deposit(Deposit(uid, "BTC", btc), T0)
        placed = ex.place_order(self._order(uid, Direction.BUY, 1, 20), T0)
        assert ex.state.orders[placed.reply.order_id].trade_volume == 1
        return uid

    def move(self, price: Decimal) -> float:
        command = SetIndexPrices({CODE: price})
        return timed(lambda: self.exchange.execute(command, T0))

    def quiet_moves(self, moves: int) -> float:
        """Seconds for `moves` index moves that reach nobody (timed together)."""
        ex = self.exchange
        commands = [SetIndexPrices({CODE: QUIET[i % 2]}) for i in range(moves)]
        return timed(lambda: [ex.execute(c, T0) for c in commands])

    def crash(self, near: int) -> float:
        """Seconds for one index move that reaches (and liquidates) `near` fresh accounts; the
        index is then moved back (not timed)."""
        self.move(PRICE)  # the poor ones open at the mark: 60000
        fresh = [self.open_long(POOR) for _ in range(near)]
        seconds = self.move(DOWN)
        state = self.exchange.state
        assert all(not state.holdings[(uid, CODE)].long.volume for uid in fresh)
        self.move(QUIET[0])
        return seconds

    def scan(self) -> float:
        """Seconds for the exact margin ratio of every account holding a position."""
        state = self.exchange.state
        accounts = [a for (uid, _), a in state.accounts.items() if uid not in (MAKER, FUND)]
        return timed(lambda: [at_risk(state, a) for a in accounts])


def median_ratio(mine: list[float], theirs: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(mine, theirs, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--near", type=int, default=10)
    parser.add_argument("--moves", type=int, default=2_000, help="index moves per run of (a)")
    args = parser.parse_args()
    spare = args.near * (args.repeat + 1)
    big, small, none = Market(args.positions, spare), Market(1_000, spare), Market(0, spare)
    for market in (big, small, none):
        market.move(QUIET[0])
    assert len(big.exchange.state.liquidations) == args.positions
    calibrated = calibration(200_000) / 200_000
    quiet: dict[str, list[float]] = {"big": [], "small": [], "none": []}
    crash: dict[str, list[float]] = {"big": [], "small": []}
    chunk = max(1, args.moves // 20)
    for _ in range(args.repeat):
        seconds = {"big": 0.0, "small": 0.0, "none": 0.0}
        for _ in range(args.moves // chunk):  # in turn, a few moves each: the same load
            for name, market in (("big", big), ("small", small), ("none", none)):
                seconds[name] += market.quiet_moves(chunk)
        for name, total in seconds.items():
            quiet[name].append(total / (args.moves // chunk * chunk))
        for name, market in (("big", big), ("small", small)):
            crash[name].append(market.crash(args.near))
    scan = statistics.median(big.scan() for _ in range(max(1, args.repeat // 2)))

    def line(label: str, seconds: float, extra: str = "") -> None:
        print(f"{label:>58}: {seconds * 1e6:10.1f} us  ({seconds / calibrated:9.0f} "
              f"baseline it){extra}")  # fmt: skip

    print(f"calibration loop: {1 / calibrated:,.0f} it/s (baseline for the figures)")
    n = f"{args.positions:,}"
    line(f"(a) index move reaching nobody, {n} positions",
         statistics.median(quiet["big"]),
         f"   ratio to 1,000: {median_ratio(quiet['big'], quiet['small']):.2f}, "
         f"to none: {median_ratio(quiet['big'], quiet['none']):.2f}")  # fmt: skip
    line("(a) the same, 1,000 positions", statistics.median(quiet["small"]))
    line("(a) the same, no position", statistics.median(quiet["none"]))
    line(f"(b) index move liquidating {args.near}, {n} positions",
         statistics.median(crash["big"]),
         f"   ratio to 1,000: {median_ratio(crash['big'], crash['small']):.2f}")  # fmt: skip
    line("(b) the same, 1,000 positions", statistics.median(crash["small"]))
    line(f"(c) exact check of all {n} positions (a scan)", scan,
         f"   {scan / statistics.median(quiet['big']):,.0f} x (a)")  # fmt: skip


if __name__ == "__main__":
    main()
