"""Crash test (issue 3): an engine killed with SIGKILL at random moments loses nothing it
acknowledged, and what it left behind is whole.

Each round starts tests/integration/crash_worker.py on the same store, streams a random mix of
commands from several UIDs into it (resting and crossing limit orders, opponent/optimal/ioc/fok/
post_only orders, closes, batches, cancels by order id and by client order id, cancel-all with
random filters, deposits; and strategy orders of every kind near the price, so that the stream's
trades fire them: trigger orders, TP/SL on positions and attached to opening orders, trailing
orders on a coarse-tick BTC-USD, with cancels by id and cancel-alls of each kind) with many in
flight at once, reads the acknowledgements the worker writes only after each command's commit, and
kills the worker with SIGKILL at a random point: after sending a random command, on a random
acknowledgement, after a random number of milliseconds, or while it is still starting up.
With the worker dead, the test opens the store itself, restores the exchange from it and
checks that

* every acknowledged command is there with its effects: an acknowledged order exists with the
  acknowledged order id, client order id and fields; an acknowledged rejection left no order; an
  acknowledged successful cancel (by id, by client id or cancel-all) left the order cancelled
  (5 or 7); every fill and cancel an acknowledgement reported is stored as reported; acknowledged
  deposits are credited; an acknowledged strategy order of any kind is stored as sent (an
  order's attached legs right after it), and every change an acknowledgement reported (an
  activation, a move of a trailing order's extreme, a firing with the order it placed, a
  failure, a cancel, an expiry) is stored as reported, or has only progressed since;
* commands that were not acknowledged may or may not be there, but never in part: the invariants
  tie every order, fill, account, position and counter to the others (frozen margin and frozen
  position volume equal what the open orders hold, each match stored on both sides, positions
  equal the sum of their fills, long == short, coin conservation exact to 1e-18, fees and
  realized profit agree between orders and accounts, no crossed book), the strategy orders
  satisfy the state machine's invariants (10 and 11 of tests/invariants.py, 16-19 of
  tests/strategy_invariants.py: indexes, TP/SL pairs, attached legs, trailing fields), and no
  strategy order fired twice: for each kind,
  the orders with that order_source are exactly the children its fired orders name, one each;
* what an earlier round stored is still there, final orders unchanged, and no order or trade id
  is ever reused after a restart.

The store is never reset between rounds, so the state grows across restarts. The seed (printed
in every assertion message; set HTX_CRASH_SEED to replay) fixes every random draw of the
command stream and kill plan; when exactly the kill lands among the commits is up to the
scheduler, which is the point. Rounds: HTX_CRASH_ROUNDS, else 25 under CI and 5 elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

from htx_sandbox.domain.exchange import Exchange
from htx_sandbox.domain.money import initial_margin
from htx_sandbox.domain.orders import Order
from htx_sandbox.domain.restore import restore
from htx_sandbox.domain.state import ExchangeState
from htx_sandbox.domain.strategy_orders import (
    StrategyKind,
    StrategyOrder,
    StrategyPriceType,
    StrategyStatus,
    TpslOrderType,
    TriggerType,
)
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    Direction,
    Millis,
    Offset,
    OrderId,
    OrderPriceType,
    OrderStatus,
    Role,
)
from htx_sandbox.service.ports import StorageError
from htx_sandbox.storage.sql import SqlStore
from tests.invariants import check_strategy_indexes, check_strategy_orders_fire_once
from tests.strategy_invariants import (
    check_attached_legs_follow_their_order,
    check_no_waiting_leg_without_position,
    check_tpsl_pairs,
    check_trailing_fields,
)

WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))
ROUNDS = int(os.environ.get("HTX_CRASH_ROUNDS", "25" if IN_CI else "5"))
UIDS = (101, 102, 103, 104)
FUNDS = {"BTC": Decimal("5"), "ETH": Decimal("500")}
CONTRACTS = {  # code: (symbol, mid price, tick)
    "BTC-USD": ("BTC", Decimal("60000"), Decimal("10")),
    "ETH-USD": ("ETH", Decimal("3000"), Decimal("0.01")),
}
"""BTC-USD gets a coarse tick (the worker's --tick), so that trailing orders' callbacks (0.1 %:
6 ticks) are within the 25 ticks around the mid the orders are priced at, and they fire."""
LEVER = 10
FINAL = (OrderStatus.PARTIALLY_FILLED_CANCELLED, OrderStatus.FILLED, OrderStatus.CANCELLED)
CANCELLED = {int(OrderStatus.PARTIALLY_FILLED_CANCELLED), int(OrderStatus.CANCELLED)}
ERR_ORDER_EXECUTED = 1063
ERR_REPEATED_CANCELLATION = 1071
TRADE_ID_START = 100_000_000_000
LONG_LOAD = 10**13
"""Retention and client-id window for the checker's load: every stored order comes back."""
READY_TIMEOUT_S = 60.0
STALL_TIMEOUT_S = 60.0
WINDOW = 48
"""At most this many commands in flight before the sender waits for acknowledgements."""

PRICE_TYPES = [
    (OrderPriceType.LIMIT, 50),
    (OrderPriceType.POST_ONLY, 7),
    (OrderPriceType.IOC, 7),
    (OrderPriceType.FOK, 5),
    (OrderPriceType.OPPONENT, 8),
    (OrderPriceType.OPPONENT_IOC, 6),
    (OrderPriceType.OPTIMAL_5, 4),
    (OrderPriceType.OPTIMAL_10_IOC, 3),
    (OrderPriceType.OPTIMAL_5_FOK, 3),
]
TRIGGER_PRICE_TYPES = [
    (StrategyPriceType.LIMIT, 70),
    (StrategyPriceType.OPTIMAL_5, 20),
    (StrategyPriceType.OPTIMAL_10, 10),
]
LIMIT_TRIGGER = StrategyPriceType.LIMIT
TRACK_PRICE_TYPES = [
    (StrategyPriceType.FORMULA_PRICE, 60),
    (StrategyPriceType.OPTIMAL_5, 30),
    (StrategyPriceType.OPTIMAL_20, 10),
]
CALLBACK_RATES = ["0.001", "0.001", "0.001", "0.002", "0.003"]
"""6 to 18 ticks of BTC-USD: within the swings of the stream's prices."""
KINDS = tuple(kind.value for kind in StrategyKind)
STRATEGY_FINAL = {int(s) for s in StrategyStatus if not s.is_open}

StoreOpener = Callable[[], SqlStore]


# -- the command stream ----------------------------------------------------------------------


@dataclass
class Model:
    """What the parent knows across rounds: every command sent, every acknowledgement read."""

    seed: int
    rng: random.Random
    next_seq: int = 0
    next_coid: int = 1
    sent: dict[int, dict[str, Any]] = field(default_factory=dict)
    acks: dict[int, dict[str, Any]] = field(default_factory=dict)
    round_of: dict[int, int] = field(default_factory=dict)
    coids: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    """Client order ids sent, per (uid, contract): cancels by client id pick from these."""
    order_ids: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    """Order ids seen in acknowledgements or in the store, per (uid, contract)."""
    strategy_ids: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    """Strategy order ids likewise, per (uid, contract, kind): what strategy cancels pick from."""
    sides: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    """Acknowledged order id -> (uid, contract, the side its fills open or close)."""
    positions: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    """(uid, contract, side) -> volume, as the acknowledged fills of known orders left it: a
    guess (children of strategy orders are not counted) that TP/SL on positions aim at."""
    last_price: dict[str, Decimal] = field(default_factory=dict)
    """The price of the last acknowledged trade per contract: what TP/SL and trailing orders
    are placed around."""
    previous_strategies: dict[int, StrategyRecord] = field(default_factory=dict)
    """After the last check: strategy order id -> what it was."""
    ever_ready: bool = False
    ready_rounds: int = 0
    previous: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    """After the last check: order id -> (status, trade_volume, number of trades)."""
    previous_last_order_id: int = 0
    previous_last_trade_id: int = TRADE_ID_START
    startup_s: float = 0.3
    """Spawn to ready, as last measured."""
    seconds_per_command: float = 0.001
    """Stream time per acknowledged command, as last measured."""
    commits: int = 0
    """Distinct commits that acknowledged commands named (group commit puts several in one)."""

    def place_spec(self, uid: int, code: str) -> dict[str, Any]:
        rng = self.rng
        _, mid, tick = CONTRACTS[code]
        kinds, weights = zip(*PRICE_TYPES, strict=True)
        kind: OrderPriceType = rng.choices(kinds, weights)[0]
        direction = rng.choice(["buy", "sell"])
        offset = "close" if rng.random() < 0.2 else "open"
        price = None
        if kind.needs_price:
            # Around a fixed mid: buys and sells overlap, so many orders cross and fill.
            price = str(mid + tick * rng.randint(-25, 25))
        spec: dict[str, Any] = {
            "uid": uid,
            "code": code,
            "direction": direction,
            "offset": offset,
            "volume": rng.randint(1, 40) if rng.random() < 0.1 else rng.randint(1, 10),
            "lever": LEVER if rng.random() < 0.97 else 20,  # 20: mostly 1349, sometimes taken
            "type": kind.value,
            "price": price,
            "coid": None,
            "smp": 0 if rng.random() < 0.15 else 1,
        }
        if offset == "open" and price is not None and rng.random() < 0.15:
            self.attach_legs(spec, Decimal(price), tick)
        if rng.random() < 0.85:
            spec["coid"] = self.next_coid
            self.coids.setdefault((uid, code), []).append(self.next_coid)
            self.next_coid += 1
        return spec

    def trigger_spec(self, uid: int, code: str) -> dict[str, Any]:
        """A trigger order near the mid, so that the stream's trades fire many of them."""
        rng = self.rng
        _, mid, tick = CONTRACTS[code]
        kinds, weights = zip(*TRIGGER_PRICE_TYPES, strict=True)
        kind: StrategyPriceType = rng.choices(kinds, weights)[0]
        return {
            "uid": uid,
            "code": code,
            "trigger_type": rng.choice(["ge", "le"]),
            "trigger_price": str(mid + tick * rng.randint(-20, 20)),
            "direction": rng.choice(["buy", "sell"]),
            "offset": "close" if rng.random() < 0.2 else "open",
            "volume": rng.randint(1, 5),
            "type": kind.value,
            "price": str(mid + tick * rng.randint(-25, 25)) if kind is LIMIT_TRIGGER else None,
            # None: the holding's lever rate, refused when opening without one
            "lever": LEVER if rng.random() < 0.95 else None,
        }

    def leg_spec(self, closing: str, take_profit: bool, reference: Decimal, tick: Decimal) -> Any:
        """A TP or SL 1 to 15 ticks beyond `reference` on the side it waits for (a TP of a long,
        closed by a sell, above it), now and then at it (1405/1407)."""
        rng = self.rng
        rises = take_profit == (closing == "sell")
        away = rng.randint(1, 15) if rng.random() < 0.95 else 0
        trigger = reference + (away if rises else -away) * tick
        kind = rng.choice(["limit", "limit", "optimal_5", "optimal_20"])
        price = None
        if kind == "limit":
            price = str(trigger + tick * rng.randint(-5, 5))
        return {"trigger": str(trigger), "price": price, "type": kind}

    def attach_legs(self, spec: dict[str, Any], price: Decimal, tick: Decimal) -> None:
        """A TP, an SL or both on an opening order, around its own price."""
        closing = "sell" if spec["direction"] == "buy" else "buy"
        which = self.rng.choice(["tp", "sl", "both", "both"])
        if which != "sl":
            spec["tp"] = self.leg_spec(closing, True, price, tick)
        if which != "tp":
            spec["sl"] = self.leg_spec(closing, False, price, tick)

    def tpsl_spec(self, uid: int, code: str) -> dict[str, Any]:
        """A TP and/or SL on a position the acknowledged fills gave the UID (or on none: 1048),
        around the last acknowledged price."""
        rng = self.rng
        _, mid, tick = CONTRACTS[code]
        held = [side for side in ("long", "short") if self.positions[(uid, code, side)] > 0]
        side = rng.choice(held) if held else rng.choice(["long", "short"])
        closing = "sell" if side == "long" else "buy"
        volume = max(1, min(self.positions[(uid, code, side)], rng.randint(1, 5)))
        reference = self.last_price.get(code, mid)
        spec: dict[str, Any] = {"uid": uid, "code": code, "direction": closing, "volume": volume}
        which = rng.choice(["tp", "sl", "both", "both"])
        spec["tp"] = self.leg_spec(closing, True, reference, tick) if which != "sl" else None
        spec["sl"] = self.leg_spec(closing, False, reference, tick) if which != "tp" else None
        return spec

    def track_spec(self, uid: int, code: str) -> dict[str, Any]:
        """A trailing order activated 1 to 10 ticks from the last acknowledged price on the
        side it activates from (a buy below it), now and then on the wrong side (1426)."""
        rng = self.rng
        _, mid, tick = CONTRACTS[code]
        direction = rng.choice(["buy", "sell"])
        away = rng.randint(1, 10) if rng.random() < 0.9 else -rng.randint(0, 3)
        active = self.last_price.get(code, mid) + (-away if direction == "buy" else away) * tick
        kinds, weights = zip(*TRACK_PRICE_TYPES, strict=True)
        kind: StrategyPriceType = rng.choices(kinds, weights)[0]
        return {
            "uid": uid,
            "code": code,
            "direction": direction,
            "offset": "close" if rng.random() < 0.2 else "open",
            "volume": rng.randint(1, 5),
            "callback": rng.choice(CALLBACK_RATES),
            "active": str(active),
            "type": kind.value,
            "lever": LEVER if rng.random() < 0.95 else None,
        }

    def command(self) -> dict[str, Any]:
        rng = self.rng
        uid = rng.choice(UIDS)
        code = rng.choice(list(CONTRACTS))
        roll = rng.random()
        seq = self.next_seq
        self.next_seq += 1
        if roll < 0.46:
            return {"seq": seq, "op": "place", "order": self.place_spec(uid, code)}
        if roll < 0.51:
            orders = [
                self.place_spec(uid, rng.choice(list(CONTRACTS))) for _ in range(rng.randint(2, 5))
            ]
            return {"seq": seq, "op": "batch", "uid": uid, "orders": orders}
        if roll < 0.67:
            message: dict[str, Any] = {
                "seq": seq,
                "op": "cancel",
                "uid": uid,
                "code": code,
                "order_ids": [],
                "client_order_ids": [],
            }
            if rng.random() < 0.6:
                known = self.order_ids.get((uid, code), [])
                ids = (
                    [str(rng.choice(known[-60:])) for _ in range(rng.randint(1, 4))]
                    if known
                    else []
                )
                if rng.random() < 0.15:  # another UID's order, or none at all: 1061
                    other = self.order_ids.get((rng.choice(UIDS), code), [])
                    ids.append(str(rng.choice(other)) if other else "12345")
                message["order_ids"] = ids or ["999"]
            else:
                sent = self.coids.get((uid, code), [])
                ids = (
                    [str(rng.choice(sent[-60:])) for _ in range(rng.randint(1, 4))]
                    if sent
                    else ["777"]
                )
                message["client_order_ids"] = ids
            return message
        if roll < 0.74:
            return {
                "seq": seq,
                "op": "cancel_all",
                "uid": uid,
                "code": code,
                "direction": rng.choice([None, None, "buy", "sell"]),
                "offset": rng.choice([None, None, "open", "close"]),
            }
        if roll < 0.79:
            return {"seq": seq, "op": "trigger", "trigger": self.trigger_spec(uid, code)}
        if roll < 0.83:
            return {"seq": seq, "op": "tpsl", "tpsl": self.tpsl_spec(uid, code)}
        if roll < 0.90:
            return {"seq": seq, "op": "track", "track": self.track_spec(uid, code)}
        kind = rng.choice(KINDS)
        if roll < 0.94:
            known = self.strategy_ids.get((uid, code, kind), [])
            ids = [str(rng.choice(known[-40:])) for _ in range(rng.randint(1, 3))] if known else []
            if not ids or rng.random() < 0.15:  # another UID's or kind's, or none at all: 1061
                other = self.strategy_ids.get((rng.choice(UIDS), code, rng.choice(KINDS)), [])
                ids.append(str(rng.choice(other)) if other else "12345")
            return {
                "seq": seq,
                "op": "strategy_cancel",
                "kind": kind,
                "uid": uid,
                "code": code,
                "order_ids": ids,
            }
        if roll < 0.96:
            return {
                "seq": seq,
                "op": "strategy_cancel_all",
                "kind": kind,
                "uid": uid,
                "code": code,
                "direction": rng.choice([None, None, "buy", "sell"]),
                "offset": rng.choice([None, None, "open", "close"]),
            }
        symbol = CONTRACTS[code][0]
        amount = Decimal(rng.randint(1, 10**6)) / 10**8
        return {"seq": seq, "op": "deposit", "uid": uid, "symbol": symbol, "amount": str(amount)}

    def learn(self, ack: dict[str, Any]) -> None:
        """Remember acknowledged order ids, strategy order ids, the sides the fills of known
        orders moved and the last price (called on the reader thread; appends and stores
        only)."""
        seq = ack.get("seq")
        if seq is None or seq < 0:
            return
        for entry in ack.get("strategies", []):
            key = (entry["uid"], entry["code"], entry["kind"])
            known = self.strategy_ids.setdefault(key, [])
            if entry["id"] not in known:
                known.append(entry["id"])
        message = self.sent.get(seq)
        if message is None or "reply" not in ack or ack["reply"] is None:
            return
        if message["op"] == "place" and "order_id" in ack["reply"]:
            self.know_order(message["order"], ack["reply"]["order_id"])
        elif message["op"] == "batch":
            for spec, (order_id, _, _) in zip(
                message["orders"], ack["reply"]["items"], strict=False
            ):
                if order_id is not None:
                    self.know_order(spec, order_id)
        for _, order_id, volume, price in ack.get("trades", []):
            side = self.sides.get(order_id)
            if side is not None:
                owner, contract_code, moved = side
                change = volume if moved[0] == "+" else -volume
                self.positions[(owner, contract_code, moved[1:])] += change
                self.last_price[contract_code] = Decimal(price)

    def know_order(self, spec: dict[str, Any], order_id: int) -> None:
        uid, code = spec["uid"], spec["code"]
        self.order_ids.setdefault((uid, code), []).append(order_id)
        # A buy opens the long or closes the short; a sell the reverse.
        long_side = (spec["direction"] == "buy") == (spec["offset"] == "open")
        sign = "+" if spec["offset"] == "open" else "-"
        # "+long": its fills add to the long, "-short": they take from the short, ...
        self.sides[order_id] = (uid, code, sign + ("long" if long_side else "short"))


# -- one round -------------------------------------------------------------------------------


@dataclass
class Round:
    number: int
    plan: str
    commands: int
    kill_at: int
    delay_s: float
    window: int
    """Commands in flight before the sender waits: large windows make large group commits,
    0 makes one commit per command (many commit boundaries for the kill to land in)."""
    ready: bool = False
    acked: int = 0
    sent: int = 0
    killed: bool = False
    stderr: str = ""

    def describe(self) -> str:
        return (
            f"round {self.number}: plan={self.plan} commands={self.commands} "
            f"kill_at={self.kill_at} delay={self.delay_s * 1000:.1f}ms "
            f"window={self.window} sent={self.sent} "
            f"acked={self.acked} ready={self.ready}"
        )


class Worker:
    """One worker process: stdin fed by the test, stdout read by a thread, stderr to a file."""

    def __init__(self, model: Model, rnd: Round, args: list[str], log: Path) -> None:
        self.model = model
        self.round = rnd
        self.cond = threading.Condition()
        self.ready = threading.Event()
        self.failures: list[str] = []
        self._log = log
        self._stderr = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def kill(self) -> None:
        with self.cond:
            if self.round.killed:
                return
            self.round.killed = True
            self.cond.notify_all()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        rnd, model = self.round, self.model
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                break  # cut short by the kill: not an acknowledgement
            message = json.loads(raw)
            if message.get("ready"):
                rnd.ready = True
                self.ready.set()
                continue
            if "engine_error" in message or "bad_command" in message:
                self.failures.append(json.dumps(message))
            seq = message["seq"]
            if seq >= 0:
                model.acks[seq] = message
                model.learn(message)
            with self.cond:
                if seq >= 0:
                    rnd.acked += 1
                self.cond.notify_all()
            if rnd.plan == "acks" and rnd.acked >= rnd.kill_at:
                self.kill()
        with self.cond:
            self.cond.notify_all()
        self.ready.set()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def finish(self) -> None:
        self.kill()
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()
        self.round.stderr = self._log.read_text(errors="replace")[-3000:]


def plan_round(model: Model, number: int) -> Round:
    """The round's command count and kill plan, all drawn from the seeded generator. Delays are
    fractions of what the previous rounds took (start-up time, time per command), so that the
    kill lands inside the start-up or inside the stream, whatever this machine's speed."""
    rng = model.rng
    commands = rng.randint(40, 300)
    plan = rng.choices(["sent", "acks", "timer", "startup"], [35, 30, 20, 15])[0]
    kill_at = rng.randint(1, commands)
    if number == 1:  # the first round gets going for sure, so that every run trades, cancels
        # and fires strategy orders of every kind
        commands = max(commands, 300)
        plan, kill_at = "acks", rng.randint(commands * 3 // 4, commands)
    share = rng.random()
    if plan == "sent":  # right after the command goes out, or a little later
        delay = share * rng.choice([0.0, 0.001, 0.005, 0.02])
    elif plan == "timer":  # a random moment of the stream (trickled streams take longer)
        delay = share * commands * model.seconds_per_command * 3
    elif plan == "startup":  # from spawn: restore and start-up, or just after ready
        delay = share * 1.3 * model.startup_s
    else:
        delay = 0.0
    window = rng.choice([0, 1, 3, WINDOW, WINDOW])
    return Round(number, plan, commands, kill_at, delay, window)


def run_round(model: Model, rnd: Round, worker_args: list[str], tmp: Path, context: str) -> None:
    spawned = time.monotonic()
    worker = Worker(
        model, rnd, [*worker_args, "--seed", str(model.seed)], tmp / f"worker-{rnd.number}.log"
    )
    timer: threading.Timer | None = None
    try:
        if rnd.plan == "startup":
            timer = threading.Timer(rnd.delay_s, worker.kill)
            timer.start()
        if not worker.ready.wait(READY_TIMEOUT_S) and not rnd.killed:
            worker.finish()
            pytest.fail(f"{context}: the worker never became ready\n{rnd.stderr}")
        if rnd.ready and not rnd.killed:
            started = time.monotonic()
            model.startup_s = started - spawned
            if rnd.plan == "timer":
                timer = threading.Timer(rnd.delay_s, worker.kill)
                timer.start()
            stream(model, rnd, worker, context)
            if rnd.acked:
                model.seconds_per_command = (time.monotonic() - started) / rnd.acked
        if not rnd.killed:  # everything sent (and perhaps acknowledged): kill it anyway
            time.sleep(model.rng.random() * 0.01)
        worker.kill()
    finally:
        if timer is not None:
            timer.cancel()
        worker.finish()
    if rnd.ready:
        model.ever_ready = True
        model.ready_rounds += 1
    assert not worker.failures, f"{context}: {worker.failures}\n{rnd.stderr}"
    assert rnd.ready or rnd.plan == "startup", (
        f"{context}: the worker died before it was ready\n{rnd.stderr}"
    )
    assert worker.proc.returncode == -signal.SIGKILL, (
        f"{context}: the worker exited by itself ({worker.proc.returncode})\n{rnd.stderr}"
    )


def stream(model: Model, rnd: Round, worker: Worker, context: str) -> None:
    stdin = worker.proc.stdin
    assert stdin is not None
    rng = model.rng
    burst = 0
    for index in range(rnd.commands):
        if rnd.killed:
            return
        message = model.command()
        seq = message["seq"]
        model.sent[seq] = message
        model.round_of[seq] = rnd.number
        rnd.sent += 1
        try:
            stdin.write((json.dumps(message) + "\n").encode())
            if burst <= 0 or (rnd.plan == "sent" and index + 1 == rnd.kill_at):
                stdin.flush()
        except OSError:  # BrokenPipeError included
            if rnd.killed:
                return
            raise
        if rnd.plan == "sent" and index + 1 == rnd.kill_at:
            time.sleep(rnd.delay_s)  # this command (and perhaps others) still in flight
            worker.kill()
            return
        if burst <= 0:
            burst = rng.randint(1, 16) if rnd.window else 1
            wait_for_acks(rnd, worker, context, limit=rnd.window)
        burst -= 1
    with contextlib.suppress(OSError):
        stdin.flush()
    # Let the tail run (or be killed in flight): wait for a random share of what is left.
    wait_for_acks(rnd, worker, context, limit=rng.randint(0, 8))


def wait_for_acks(rnd: Round, worker: Worker, context: str, limit: int = WINDOW) -> None:
    deadline = time.monotonic() + STALL_TIMEOUT_S
    with worker.cond:
        while rnd.sent - rnd.acked > limit and not rnd.killed:
            if not worker.alive() and not worker.reader.is_alive():
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{context}: the worker stalled: {rnd.describe()}")
            worker.cond.wait(0.2)
    if not worker.alive() and not rnd.killed:
        worker.finish()
        raise AssertionError(f"{context}: the worker died by itself\n{rnd.stderr}")


# -- the checks ------------------------------------------------------------------------------


def load(open_store: StoreOpener, context: str) -> tuple[Exchange | None, int]:
    """The exchange as the store holds it (None for a store with nothing committed), and the
    number of trade rows stored."""
    deadline = time.monotonic() + 30
    while True:
        try:
            store = open_store()
            break
        except StorageError as error:  # a killed session may hold PostgreSQL's lock briefly
            if "in use" not in str(error) or time.monotonic() > deadline:
                raise AssertionError(f"{context}: cannot open the store: {error}") from None
            time.sleep(0.05)
    try:
        now = Millis(int(time.time() * 1000))
        snapshot = store.load(now, retention_ms=LONG_LOAD, client_id_window_ms=LONG_LOAD)
        ((trade_rows,),) = store._execute("SELECT count(*) FROM trades")
    finally:
        store.close()
    if snapshot is None:
        return None, int(trade_rows)
    return restore(snapshot), int(trade_rows)


def placements(model: Model) -> Iterator[tuple[int, dict[str, Any], dict[str, Any] | None]]:
    """(seq, order spec, its acknowledgement or None) for every order sent."""
    for seq, message in model.sent.items():
        ack = model.acks.get(seq)
        if message["op"] == "place":
            if ack is None:
                yield seq, message["order"], None
            elif "err" in ack:
                yield seq, message["order"], {"err": ack["err"]}
            else:
                yield seq, message["order"], ack["reply"]
        elif message["op"] == "batch":
            for index, spec in enumerate(message["orders"]):
                if ack is None:
                    yield seq, spec, None
                elif "err" in ack:
                    yield seq, spec, {"err": ack["err"]}
                else:
                    order_id, coid, err = ack["reply"]["items"][index]
                    if err is not None:
                        yield seq, spec, {"err": err}
                    else:
                        yield seq, spec, {"order_id": order_id, "client_order_id": coid}


def same_order(order: Order, spec: dict[str, Any]) -> bool:
    kind = OrderPriceType(spec["type"])
    return (
        order.uid == spec["uid"]
        and order.contract_code == spec["code"]
        and order.direction is Direction(spec["direction"])
        and order.offset is Offset(spec["offset"])
        and order.volume == spec["volume"]
        and order.lever_rate == spec["lever"]
        and order.order_price_type is kind
        and int(order.self_match_prevent) == spec["smp"]
        and order.client_order_id == spec["coid"]
        and (not kind.needs_price or order.price == Decimal(spec["price"]))
    )


def check_acknowledged(model: Model, state: ExchangeState, context: str) -> None:
    """Every acknowledged command is in the store with its effects (all rounds so far)."""
    orders = state.orders
    by_coid = {
        (o.uid, o.client_order_id): o for o in orders.values() if o.client_order_id is not None
    }
    for seq, spec, result in placements(model):
        where = f"{context}: command {seq} (round {model.round_of[seq]}) {spec} -> {result}"
        coid = spec["coid"]
        found = by_coid.get((spec["uid"], coid)) if coid is not None else None
        if result is None:  # not acknowledged: absent, or present as sent
            assert found is None or same_order(found, spec), f"{where}: stored as {found!r}"
        elif "err" in result:
            assert found is None, f"{where}: rejected, yet stored as {found!r}"
        else:
            order = orders.get(result["order_id"])
            assert order is not None, f"{where}: acknowledged order missing from the store"
            assert same_order(order, spec), f"{where}: stored as {order!r}"
            assert result["client_order_id"] == coid, where
            if coid is not None:
                assert found is order, f"{where}: client order id maps to {found!r}"
    for seq, ack in model.acks.items():
        message = model.sent[seq]
        where = f"{context}: command {seq} (round {model.round_of[seq]}) {message} -> {ack}"
        for trade_id, order_id, volume, _ in ack.get("trades", []):
            order = orders.get(order_id)
            assert order is not None, f"{where}: order {order_id} of trade {trade_id} missing"
            assert any(t.trade_id == trade_id and t.volume == volume for t in order.trades), (
                f"{where}: trade {trade_id} ({volume}) of {order!r} missing: {order.trades}"
            )
        for order_id, status in ack.get("cancelled", []):
            order = orders.get(order_id)
            assert order is not None and int(order.status) == status, (
                f"{where}: order {order_id} acknowledged cancelled ({status}), stored {order!r}"
            )
        if message["op"] not in ("cancel", "cancel_all") or "err" in ack:
            continue
        by_client = message["op"] == "cancel" and not message["order_ids"]
        uid = message["uid"]

        def target(given: str, by_client: bool = by_client, uid: int = uid) -> Order | None:
            number = int(given)
            if by_client:
                return by_coid.get((UID(uid), ClientOrderId(number)))
            return orders.get(OrderId(number))

        for given in ack["reply"]["successes"]:
            order = target(given)
            assert order is not None and int(order.status) in CANCELLED, (
                f"{where}: cancel of {given} acknowledged, stored {order!r}"
            )
        for given, code in ack["reply"]["errors"]:
            if code == ERR_ORDER_EXECUTED:
                order = target(given)
                assert order is not None and order.status is OrderStatus.FILLED, (where, order)
            elif code == ERR_REPEATED_CANCELLATION:
                order = target(given)
                assert order is not None and int(order.status) in CANCELLED, (where, order)


def same_trigger(order: StrategyOrder, spec: dict[str, Any]) -> bool:
    price = spec["price"]
    return (
        order.kind is StrategyKind.TRIGGER
        and order.uid == spec["uid"]
        and order.contract_code == spec["code"]
        and order.trigger_type is TriggerType(spec["trigger_type"])
        and order.trigger_price == Decimal(spec["trigger_price"])
        and order.direction is Direction(spec["direction"])
        and order.offset is Offset(spec["offset"])
        and order.volume == spec["volume"]
        and order.order_price_type is StrategyPriceType(spec["type"])
        and order.order_price == (Decimal(price) if price is not None else None)
        and order.lever_rate == spec["lever"]
    )


def same_leg(
    order: StrategyOrder | None,
    spec: dict[str, Any],
    kind: TpslOrderType,
    closing: str,
    uid: int,
    code: str,
    source: int | None,
) -> bool:
    """A stored TP/SL leg is the one sent (its volume, which an opening order's fills move, is
    checked by the invariants)."""
    price = spec["price"]
    return (
        order is not None
        and order.kind is StrategyKind.TPSL
        and order.tpsl_order_type is kind
        and (order.uid, order.contract_code, order.source_order_id) == (uid, code, source)
        and order.direction is Direction(closing)
        and order.offset is Offset.CLOSE
        and order.trigger_price == Decimal(spec["trigger"])
        and order.order_price_type is StrategyPriceType(spec["type"])
        and order.order_price == (Decimal(price) if price is not None else None)
    )


def same_track(order: StrategyOrder, spec: dict[str, Any]) -> bool:
    return (
        order.kind is StrategyKind.TRACK
        and order.uid == spec["uid"]
        and order.contract_code == spec["code"]
        and order.direction is Direction(spec["direction"])
        and order.offset is Offset(spec["offset"])
        and order.volume == spec["volume"]
        and order.callback_rate == Decimal(spec["callback"])
        and order.trigger_price == Decimal(spec["active"])
        and order.order_price_type is StrategyPriceType(spec["type"])
        and order.lever_rate == spec["lever"]
    )


@dataclass(frozen=True, slots=True)
class StrategyRecord:
    """What a strategy order was, as an acknowledgement or an earlier check saw it."""

    status: int
    relation: int | None
    fail: int | None
    active: bool
    extreme: Decimal | None

    @classmethod
    def of(cls, order: StrategyOrder) -> StrategyRecord:
        return cls(
            int(order.status), order.relation_order_id, order.fail_code, order.is_active,
            order.market_limit_price,
        )  # fmt: skip

    @classmethod
    def acked(cls, entry: dict[str, Any]) -> StrategyRecord:
        extreme = entry["extreme"]
        return cls(
            entry["status"], entry["relation"], entry["fail"], entry["active"],
            Decimal(extreme) if extreme is not None else None,
        )  # fmt: skip


NEXT_STATUSES = {
    int(StrategyStatus.NOT_ACTIVATED): {int(s) for s in StrategyStatus},
    int(StrategyStatus.WAITING): {int(s) for s in StrategyStatus}
    - {int(StrategyStatus.NOT_ACTIVATED), int(StrategyStatus.NOT_ACTIVATED_EXPIRED)},
}
"""What an open strategy order can have become since: it never goes back to 1, and a leg
ends in 12 only from 1."""


def check_progress(seen: StrategyRecord, stored: StrategyOrder, where: str) -> None:
    """A strategy order as stored now is what it was when `seen`, or what that could become:
    a finished one exactly as it was; an open one in a later status, an activated trailing
    order still active, its extreme where it was or farther (lower for a buy)."""
    if seen.status in STRATEGY_FINAL:
        assert StrategyRecord.of(stored) == seen, f"{where}: was {seen}, stored {stored!r}"
        return
    assert int(stored.status) in NEXT_STATUSES[seen.status], f"{where}: was {seen}, {stored!r}"
    if seen.active:
        assert stored.is_active, f"{where}: was active, stored {stored!r}"
        extreme = stored.market_limit_price
        assert seen.extreme is not None and extreme is not None, (where, stored)
        buy = stored.direction is Direction.BUY
        assert (extreme <= seen.extreme) if buy else (extreme >= seen.extreme), (
            f"{where}: extreme was {seen.extreme}, stored {stored!r}"
        )


def check_strategies(model: Model, state: ExchangeState, context: str) -> None:
    """Acknowledged strategy orders of every kind (trigger, TP/SL on positions and attached
    to orders, trailing) are stored as sent; every change an acknowledgement reported
    (activation, a move of a trailing order's extreme, a firing with the order it placed, a
    failure, a cancel, an expiry) is stored as reported or has progressed since; every stored
    one is whole and indexed (the invariants of tests/invariants.py); none fired twice; none
    stored before is lost or changed after it finished."""
    strategies, orders = state.strategies.orders, state.orders
    for seq, ack in model.acks.items():
        message = model.sent[seq]
        where = f"{context}: command {seq} (round {model.round_of[seq]}) {message} -> {ack}"
        reply = ack.get("reply")
        op = message["op"]
        if op == "trigger" and reply:
            stored = strategies.get(reply["order_id"])
            assert stored is not None, f"{where}: acknowledged trigger order missing"
            assert same_trigger(stored, message["trigger"]), f"{where}: stored as {stored!r}"
        elif op == "track" and reply:
            stored = strategies.get(reply["order_id"])
            assert stored is not None, f"{where}: acknowledged trailing order missing"
            assert same_track(stored, message["track"]), f"{where}: stored as {stored!r}"
        elif op == "tpsl" and reply:
            spec = message["tpsl"]
            for leg_type, key, order_id in (
                (TpslOrderType.TP, "tp", reply["tp_order"]),
                (TpslOrderType.SL, "sl", reply["sl_order"]),
            ):
                assert (order_id is None) == (spec[key] is None), where
                if order_id is not None:
                    stored = strategies.get(order_id)
                    assert same_leg(
                        stored, spec[key], leg_type, spec["direction"], spec["uid"], spec["code"],
                        None,
                    ), f"{where}: {key} stored as {stored!r}"  # fmt: skip
        if op in ("place", "batch") and reply:
            placed = (
                [(message["order"], reply["order_id"])]
                if op == "place"
                else [
                    (spec, item[0])
                    for spec, item in zip(message["orders"], reply["items"], strict=True)
                    if item[0] is not None
                ]
            )
            for spec, order_id in placed:
                check_attached(spec, order_id, strategies, where)
        for entry in ack.get("strategies", []):
            stored = strategies.get(entry["id"])
            assert stored is not None, f"{where}: strategy order {entry['id']} missing"
            assert stored.kind.value == entry["kind"], (where, stored)
            check_progress(StrategyRecord.acked(entry), stored, f"{where}: {entry}")
            if entry["status"] == StrategyStatus.PLACED:
                child = orders.get(entry["relation"])
                assert child is not None, f"{where}: the order {entry['id']} placed is missing"
                assert child.order_source == entry["kind"], (where, child)
        if op in ("strategy_cancel", "strategy_cancel_all") and reply:
            for given in reply["successes"]:
                stored = strategies.get(OrderId(int(given)))
                assert stored is not None and stored.status is StrategyStatus.CANCELLED, (
                    f"{where}: cancel of {given} acknowledged, stored {stored!r}"
                )
                assert stored.kind.value == message["kind"], (where, stored)
    # Whole, indexed and fired once: the invariants the state machine checks after every
    # command hold on what a crash left, restored.
    for invariant in (
        check_strategy_orders_fire_once,
        check_strategy_indexes,
        check_tpsl_pairs,
        check_attached_legs_follow_their_order,
        check_no_waiting_leg_without_position,
        check_trailing_fields,
    ):
        try:
            invariant(state)
        except AssertionError as error:
            raise AssertionError(f"{context}: {invariant.__name__}: {error}") from error
    for order in strategies.values():
        assert order.order_id <= state.order_ids.last, f"{context}: {order!r}"
    # Fired once, kind by kind: the orders a kind placed are exactly those its fired orders
    # name, one each (invariant 10 says so for all kinds together).
    for kind in StrategyKind:
        relations = sorted(
            o.relation_order_id
            for o in strategies.values()
            if o.kind is kind and o.relation_order_id is not None
        )
        sourced = sorted(oid for oid, o in orders.items() if o.order_source == kind.value)
        assert relations == sourced, (
            f"{context}: {kind.value}-placed orders {sourced} != fired children {relations}"
        )
    # Nothing stored before is lost, and final ones stay as they were.
    for order_id, seen in model.previous_strategies.items():
        stored = strategies.get(OrderId(order_id))
        assert stored is not None, f"{context}: strategy order {order_id} stored earlier is gone"
        check_progress(seen, stored, f"{context}: strategy order {order_id} since the last check")
    model.previous_strategies = {oid: StrategyRecord.of(o) for oid, o in strategies.items()}
    # Open ones the parent never saw acknowledged become targets for later cancels.
    for order in strategies.values():
        owner = (int(order.uid), order.contract_code, order.kind.value)
        known = model.strategy_ids.setdefault(owner, [])
        if order.is_open and order.order_id not in known:
            known.append(order.order_id)


def check_attached(
    spec: dict[str, Any], order_id: int, strategies: dict[OrderId, StrategyOrder], where: str
) -> None:
    """An acknowledged order's legs are stored as sent, right after it (TP first)."""
    closing = "sell" if spec["direction"] == "buy" else "buy"
    next_id = order_id + 1
    for kind, key in ((TpslOrderType.TP, "tp"), (TpslOrderType.SL, "sl")):
        if spec.get(key) is None:
            continue
        stored = strategies.get(OrderId(next_id))
        assert same_leg(stored, spec[key], kind, closing, spec["uid"], spec["code"], order_id), (
            f"{where}: {key} of order {order_id} stored as {stored!r}"
        )
        next_id += 1


def check_deposits(model: Model, state: ExchangeState, context: str) -> None:
    acked: defaultdict[tuple[int, str], Decimal] = defaultdict(Decimal)
    pending: defaultdict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for seq, message in model.sent.items():
        if message["op"] == "deposit":
            key = (message["uid"], message["symbol"])
            ack = model.acks.get(seq)
            if ack is None:
                pending[key] += Decimal(message["amount"])
            elif "err" not in ack:
                acked[key] += Decimal(message["amount"])
    for uid in UIDS:
        if model.ever_ready:
            assert uid in state.users, f"{context}: UID {uid} was opened before ready"
        for symbol, funding in FUNDS.items():
            account = state.accounts.get((UID(uid), symbol))
            deposited = account.deposited if account is not None else Decimal(0)
            if not model.ever_ready:
                assert deposited in (0, funding), (context, uid, symbol, deposited)
                continue
            low = funding + acked[(uid, symbol)]
            high = low + pending[(uid, symbol)]
            assert low <= deposited <= high, (
                f"{context}: {uid} {symbol} deposited {deposited}, expected in [{low}, {high}]"
            )


def check_invariants(state: ExchangeState, trade_rows: int, context: str) -> None:
    orders = state.orders
    # Statuses agree with fills, and each order's stored trades add up to its fill figures.
    sides: dict[int, list[Any]] = {}
    for order in orders.values():
        where = f"{context}: {order!r}"
        tv = order.trade_volume
        assert 0 <= tv <= order.volume, where
        match order.status:
            case OrderStatus.SUBMITTED | OrderStatus.CANCELLED:
                assert tv == 0, where
            case OrderStatus.PARTIALLY_FILLED | OrderStatus.PARTIALLY_FILLED_CANCELLED:
                assert 0 < tv < order.volume, where
            case OrderStatus.FILLED:
                assert tv == order.volume, where
            case _:
                raise AssertionError(f"{where}: status 11 without a cancel delay")
        assert sum(t.volume for t in order.trades) == tv, (where, order.trades)
        assert sum((t.value for t in order.trades), Decimal(0)) == order.trade_value, where
        assert sum((t.fee for t in order.trades), Decimal(0)) == order.fee, where
        assert sum((t.profit for t in order.trades), Decimal(0)) == order.profit, where
        for trade in order.trades:
            assert trade.order_id == order.order_id and trade.uid == order.uid, where
            sides.setdefault(trade.trade_id, []).append(trade)
    # Every match is stored on both sides, and match ids run without a gap.
    assert sum(len(s) for s in sides.values()) == trade_rows, (
        f"{context}: {trade_rows} trade rows, {sum(len(s) for s in sides.values())} on orders"
    )
    # A match is one taker order's round: its fills in the order made (query_id) alternate
    # maker, taker, each pair alike but for the side.
    for trade_id, fills in sides.items():
        fills.sort(key=lambda t: t.query_id)
        assert len(fills) % 2 == 0, f"{context}: match {trade_id} stored as {fills}"
        assert len({t.order_id for t in fills[1::2]}) == 1, (context, fills)
        for maker, taker in zip(fills[::2], fills[1::2], strict=True):
            pair = [maker, taker]
            assert (maker.role, taker.role) == (Role.MAKER, Role.TAKER), (context, pair)
            assert maker.direction is not taker.direction, (context, pair)
            assert (maker.price, maker.volume, maker.value, maker.contract_code) == (
                taker.price,
                taker.volume,
                taker.value,
                taker.contract_code,
            ), (context, pair)
    # Every fill has its own query_id, numbered without a gap.
    fill_ids = sorted(t.query_id for fills in sides.values() for t in fills)
    assert fill_ids == list(range(1, state.last_fill_id + 1)), context
    last_trade = state.trade_ids.last
    expected_ids = set(range(TRADE_ID_START + 1, last_trade + 1))
    assert set(sides) == expected_ids, (
        f"{context}: match ids {sorted(expected_ids ^ set(sides))} missing or beyond "
        f"last_trade_id {last_trade}"
    )
    assert all(order_id <= state.order_ids.last for order_id in orders), context
    # Open orders rest in the book and in their holding's index, and nowhere else.
    open_ids = {oid for oid, o in orders.items() if o.status.is_open}
    in_book = [
        o.order_id
        for book in state.books.values()
        for side in (book.bids, book.asks)
        for o in side.orders()
    ]
    assert sorted(in_book) == sorted(open_ids), context
    in_index = [oid for h in state.holdings.values() for oid in h.open_orders]
    assert sorted(in_index) == sorted(open_ids), context
    for code, book in state.books.items():
        assert not book.is_crossed(), f"{context}: {code} book crossed"
    # Frozen margin is what the open opening orders hold; frozen position volume is what the
    # open close orders may still close.
    frozen: dict[tuple[Any, str], Decimal] = {}
    closing: Counter[tuple[Any, str, Direction]] = Counter()
    fills: Counter[tuple[Any, str, str]] = Counter()
    fees: dict[tuple[Any, str], Decimal] = {}
    profit: dict[tuple[Any, str], Decimal] = {}
    with localcontext() as wide:
        wide.prec = 60
        for order in orders.values():
            contract = state.contracts.get(order.contract_code)
            key = (order.uid, order.symbol)
            if order.offset is Offset.OPEN and order.status.is_open:
                expected = initial_margin(
                    order.remaining, contract.contract_size, order.price, order.lever_rate
                )
                assert order.margin_frozen == expected, (context, order, order.margin_frozen)
                frozen[key] = frozen.get(key, Decimal(0)) + order.margin_frozen
            else:
                assert order.margin_frozen == 0, (context, order, order.margin_frozen)
            if order.offset is Offset.CLOSE and order.status.is_open:
                closing[(order.uid, order.contract_code, order.direction)] += order.remaining
            fees[key] = fees.get(key, Decimal(0)) - order.fee
            profit[key] = profit.get(key, Decimal(0)) + order.profit
            # Buying opens the long or closes the short; selling the reverse.
            long_side = (order.direction is Direction.BUY) == (order.offset is Offset.OPEN)
            sign = 1 if order.offset is Offset.OPEN else -1
            side = "long" if long_side else "short"
            fills[(order.uid, order.contract_code, side)] += sign * order.trade_volume
        for key, account in state.accounts.items():
            where = f"{context}: account {key}"
            assert account.margin_frozen == frozen.pop(key, Decimal(0)), (where, account)
            assert account.fees_paid == fees.get(key, Decimal(0)), (where, account)
            assert account.profit_real == profit.get(key, Decimal(0)), (where, account)
            assert account.margin_static == (
                account.deposited - account.fees_paid + account.profit_real
            ), (where, account)
        assert not frozen, f"{context}: margin frozen for missing accounts: {frozen}"
        longs: Counter[str] = Counter()
        shorts: Counter[str] = Counter()
        for (uid, code), holding in state.holdings.items():
            where = f"{context}: holding {uid} {code}"
            for position, closer in (
                (holding.long, Direction.SELL),
                (holding.short, Direction.BUY),
            ):
                assert position.frozen == closing.pop((uid, code, closer), 0), (where, position)
                assert 0 <= position.frozen <= position.volume, where
                assert position.volume > 0 or position.cost_value == 0, where
            assert holding.long.volume == fills.pop((uid, code, "long"), 0), where
            assert holding.short.volume == fills.pop((uid, code, "short"), 0), where
            longs[code] += holding.long.volume
            shorts[code] += holding.short.volume
        assert not +closing, f"{context}: close orders without a holding: {closing}"
        assert not {k: v for k, v in fills.items() if v}, f"{context}: fills without holding"
        assert longs == shorts, f"{context}: long {longs} != short {shorts}"
        # Coin conservation, exact: nothing is created or destroyed by a fill or a fee.
        for symbol in {c.symbol for c in state.contracts}:
            pool = state.fee_pool.get(symbol, Decimal(0))
            accounts = [a for (_, s), a in state.accounts.items() if s == symbol]
            assert pool == sum((a.fees_paid for a in accounts), Decimal(0)), (context, symbol)
            total = pool + sum((a.margin_static for a in accounts), Decimal(0))
            total += state.funding_pool.get(symbol, Decimal(0))  # funding settlements' rounding
            for (_, code), holding in state.holdings.items():
                if state.contracts.get(code).symbol == symbol:
                    total += holding.long.cost_value - holding.short.cost_value
            deposits = sum((a.deposited for a in accounts), Decimal(0))
            assert total == deposits, f"{context}: {symbol} {total} != deposits {deposits}"


def check_history(model: Model, state: ExchangeState, context: str) -> None:
    """Nothing stored before is lost or changed after the fact; ids are never reused."""
    orders = state.orders
    for order_id, (status, trade_volume, trades) in model.previous.items():
        order = orders.get(OrderId(order_id))
        assert order is not None, f"{context}: order {order_id} stored earlier is gone"
        if OrderStatus(status) in FINAL:
            assert (int(order.status), order.trade_volume, len(order.trades)) == (
                status,
                trade_volume,
                trades,
            ), f"{context}: final order changed: was {(status, trade_volume)}, now {order!r}"
        else:
            assert order.trade_volume >= trade_volume, f"{context}: {order!r} lost fills"
    new = [oid for oid in orders if oid not in model.previous]
    assert all(oid > model.previous_last_order_id for oid in new), (
        f"{context}: order id reused after a restart (last was {model.previous_last_order_id})"
    )
    assert state.order_ids.last >= model.previous_last_order_id, context
    assert state.trade_ids.last >= model.previous_last_trade_id, context
    model.previous = {
        oid: (int(o.status), o.trade_volume, len(o.trades)) for oid, o in orders.items()
    }
    model.previous_last_order_id = state.order_ids.last
    model.previous_last_trade_id = state.trade_ids.last
    # Orders the parent never saw acknowledged (lost acks) become targets for later cancels.
    for order in orders.values():
        known = model.order_ids.setdefault((order.uid, order.contract_code), [])
        if order.status.is_open and order.order_id not in known:
            known.append(order.order_id)


def check_store(model: Model, open_store: StoreOpener, context: str) -> dict[str, int]:
    exchange, trade_rows = load(open_store, context)
    if exchange is None:
        assert not model.acks and not model.ever_ready, (
            f"{context}: the store is empty after acknowledged commands"
        )
        return {"orders": 0, "trades": 0}
    state = exchange.state
    check_invariants(state, trade_rows, context)
    check_acknowledged(model, state, context)
    check_deposits(model, state, context)
    check_history(model, state, context)
    check_strategies(model, state, context)
    strategies = state.strategies.orders.values()
    figures = {
        "orders": len(state.orders),
        "open": sum(1 for o in state.orders.values() if o.status.is_open),
        "trades": trade_rows // 2,
    }
    for kind in StrategyKind:
        of_kind = [o for o in strategies if o.kind is kind]
        figures[kind.value] = len(of_kind)
        placed = sum(1 for o in of_kind if o.status is StrategyStatus.PLACED)
        figures[f"{kind.value} fired"] = placed
    return figures


# -- the test --------------------------------------------------------------------------------


def crash_rounds(kind: str, target: str, open_store: StoreOpener, tmp: Path) -> None:
    """ROUNDS rounds of start, stream, SIGKILL and check, on one store that is never reset."""
    seed = int(os.environ.get("HTX_CRASH_SEED", random.randrange(2**32)))
    model = Model(seed, random.Random(seed))
    args = [
        kind,
        target,
        "--uids",
        ",".join(str(u) for u in UIDS),
        "--fund",
        ",".join(f"{s}={a}" for s, a in FUNDS.items()),
        "--tick",
        ",".join(f"{code}={tick}" for code, (_, _, tick) in CONTRACTS.items()),
    ]
    started = time.monotonic()
    figures: dict[str, int] = {}
    plans: Counter[str] = Counter()
    for number in range(1, ROUNDS + 1):
        rnd = plan_round(model, number)
        context = f"{kind} crash test, HTX_CRASH_SEED={seed}, {rnd.describe()}"
        run_round(model, rnd, args, tmp, context)
        context = f"{kind} crash test, HTX_CRASH_SEED={seed}, {rnd.describe()}"
        figures = check_store(model, open_store, context)
        plans[rnd.plan] += 1
        commits = {
            ack["commit"] for seq, ack in model.acks.items() if model.round_of[seq] == number
        }
        model.commits += len(commits)
        print(
            f"{rnd.describe()} in_flight_at_kill={rnd.sent - rnd.acked} "
            f"commits={len(commits)} store={figures}"
        )
    elapsed = time.monotonic() - started
    acked = len(model.acks)
    print(
        f"{kind}: seed {seed}, {ROUNDS} rounds {dict(plans)}, {model.next_seq} commands sent, "
        f"{acked} acknowledged in {model.commits} commits, store {figures}, {elapsed:.1f}s"
    )
    assert model.ready_rounds > 0, f"{kind} crash test, seed {seed}: no round got going"
    # The stream must have exercised what the test is about.
    assert figures.get("trades", 0) > 0, f"{kind} crash test, seed {seed}: nothing ever filled"
    assert any(ack.get("cancelled") for ack in model.acks.values()), (
        f"{kind} crash test, seed {seed}: nothing was ever cancelled"
    )
    for strategy_kind in KINDS:
        assert figures.get(f"{strategy_kind} fired", 0) > 0, (
            f"{kind} crash test, seed {seed}: no {strategy_kind} order ever fired"
        )


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_acknowledged_commands_survive_sigkill(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        from htx_sandbox.storage.sqlite import SqliteStore

        path = tmp_path / "crash.sqlite3"
        crash_rounds("sqlite", str(path), lambda: SqliteStore(path), tmp_path)
    else:
        # The throwaway cluster of tests/integration/postgres.py: skipped without the server
        # binaries (`apt-get install postgresql`), except under CI, where it must run.
        from htx_sandbox.storage.postgres import PostgresStore

        url: str = request.getfixturevalue("postgres_url")
        crash_rounds("postgres", url, lambda: PostgresStore(url), tmp_path)
