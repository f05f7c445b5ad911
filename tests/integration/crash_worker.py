"""The engine process that tests/integration/test_crash.py kills with SIGKILL.

Not a test module (pytest does not collect it). Run as::

    python tests/integration/crash_worker.py sqlite /tmp/x.sqlite --uids 1,2,3 \
        --fund BTC=5,ETH=500 --tick BTC-USD=10
    python -m tests.integration.crash_worker postgres postgresql://... --uids ...

It builds ``Engine(store, SystemClock())`` on the store (which restores whatever the store
holds; a new store gets the default contracts, with the price ticks ``--tick`` gives), opens
and funds the given UIDs when they are not yet (acknowledging each of those commands too),
prints ``{"ready": ...}``, then reads one JSON command per line from stdin and submits it to
the engine without waiting for earlier ones, so several commands are in flight at once and
the engine commits them in groups. One JSON acknowledgement per command is written to stdout
only from the outcome's done-callback, that is after the commit that made the command durable,
so every line the parent reads names a command whose effects must survive a kill. Logs go to
stderr.

Commands (``seq`` is the parent's sequence number, echoed in the ack)::

    {"seq", "op": "place", "order": ORDER}
    {"seq", "op": "batch", "uid", "orders": [ORDER, ...]}
    {"seq", "op": "cancel", "uid", "code", "order_ids": [str], "client_order_ids": [str]}
    {"seq", "op": "cancel_all", "uid", "code", "direction": str|null, "offset": str|null}
    {"seq", "op": "deposit", "uid", "symbol", "amount": str}
    {"seq", "op": "trigger", "trigger": TRIGGER}
    {"seq", "op": "tpsl", "tpsl": TPSL}
    {"seq", "op": "track", "track": TRACK}
    {"seq", "op": "strategy_cancel", "kind", "uid", "code", "order_ids": [str]}
    {"seq", "op": "strategy_cancel_all", "kind", "uid", "code", "direction": str|null,
     "offset": str|null}
    ORDER = {"uid", "code", "direction", "offset", "volume", "lever", "type", "price": str|null,
             "coid": int|null, "smp": 0|1, "tp": LEG|null, "sl": LEG|null}
    TRIGGER = {"uid", "code", "trigger_type", "trigger_price": str, "direction", "offset",
               "volume", "type", "price": str|null, "lever": int|null}
    TPSL = {"uid", "code", "direction", "volume", "tp": LEG|null, "sl": LEG|null}
    LEG = {"trigger": str, "price": str|null, "type"}
    TRACK = {"uid", "code", "direction", "offset", "volume", "callback": str, "active": str,
             "type", "lever": int|null}

``kind`` is ``trigger``, ``tpsl`` or ``track``; an ORDER's ``tp``/``sl`` are legs attached to it.

Acks: ``{"seq", "err": code}`` for a rejected command, else ``{"seq", "reply": ...}`` plus the
fills (``"trades": [[trade_id, order_id, volume, price], ...]``) and final cancels
(``"cancelled": [[order_id, status], ...]``) the command caused, read from its events, the
strategy orders it changed as its commit left them (``"strategies": [STRATEGY, ...]``:
placed, attached, activated, moved, fired, failed, cancelled, expired), and ``"commit"``: the
number of the engine's commit that made it durable::

    STRATEGY = {"id", "kind", "uid", "code", "status", "relation": int|null, "fail": int|null,
                "source": int|null, "volume", "active": bool, "extreme": str|null}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from concurrent.futures import Future
from decimal import Decimal
from typing import Any

from htx_sandbox.domain.commands import (
    BatchItem,
    CancelAll,
    CancelAllStrategy,
    CancelOrders,
    CancelReply,
    CancelStrategyOrders,
    Command,
    Deposit,
    OpenUser,
    OrderPlaced,
    Outcome,
    PlaceBatch,
    PlaceOrder,
    PlaceTpsl,
    PlaceTrackOrder,
    PlaceTriggerOrder,
    Tpsl,
    TpslLeg,
    TpslPlaced,
)
from htx_sandbox.domain.contracts import ContractRegistry, default_contracts
from htx_sandbox.domain.events import OrderCancelled, OrderTraded, StrategyOrderChanged
from htx_sandbox.domain.strategy_orders import StrategyKind, StrategyPriceType, TriggerType
from htx_sandbox.domain.types import (
    UID,
    ClientOrderId,
    Direction,
    Offset,
    OrderPriceType,
    SelfMatchPrevent,
)
from htx_sandbox.service.clock import SystemClock
from htx_sandbox.service.engine import Engine
from htx_sandbox.service.ports import StorageError, Store

# A killed predecessor's PostgreSQL session may hold the advisory lock for a moment after the
# kill, until the server notices the closed connection; a dead process's flock is gone at once.
LOCK_WAIT_S = 30.0

_out_lock = threading.Lock()


def emit(message: dict[str, Any]) -> None:
    """One line on stdout, written with os.write so that nothing sits in a buffer: the line is in
    the pipe (readable by the parent even if we die the next instant) when this returns."""
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
    with _out_lock:
        view = memoryview(data)
        while view:
            written = os.write(1, view)
            view = view[written:]


def log(text: str) -> None:
    print(f"crash_worker[{os.getpid()}]: {text}", file=sys.stderr, flush=True)


def open_store(kind: str, target: str) -> Store:
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            if kind == "sqlite":
                from pathlib import Path

                from htx_sandbox.storage.sqlite import SqliteStore

                return SqliteStore(Path(target))
            if kind == "postgres":
                from htx_sandbox.storage.postgres import PostgresStore

                return PostgresStore(target)
            raise SystemExit(f"unknown store kind {kind!r}")
        except StorageError as error:
            if "in use" not in str(error) or time.monotonic() > deadline:
                raise
            log(f"waiting for the store: {error}")
            time.sleep(0.05)


def contracts_with_ticks(ticks: dict[str, Decimal]) -> ContractRegistry:
    """The default contracts, with the price ticks given (a coarse tick brings the callback
    rates of trailing orders within the few ticks the test trades across)."""
    registry = ContractRegistry()
    for contract in default_contracts():
        contract.price_tick = ticks.get(contract.contract_code, contract.price_tick)
        registry.add(contract)
    return registry


def leg(spec: dict[str, Any] | None) -> TpslLeg | None:
    if spec is None:
        return None
    price = spec.get("price")
    return TpslLeg(
        Decimal(spec["trigger"]),
        Decimal(price) if price is not None else None,
        StrategyPriceType(spec["type"]),
    )


def place_command(spec: dict[str, Any]) -> PlaceOrder:
    price = spec.get("price")
    coid = spec.get("coid")
    tp, sl = leg(spec.get("tp")), leg(spec.get("sl"))
    return PlaceOrder(
        uid=UID(spec["uid"]),
        contract_code=spec["code"],
        direction=Direction(spec["direction"]),
        offset=Offset(spec["offset"]),
        volume=int(spec["volume"]),
        lever_rate=int(spec["lever"]),
        order_price_type=OrderPriceType(spec["type"]),
        price=Decimal(price) if price is not None else None,
        client_order_id=ClientOrderId(coid) if coid is not None else None,
        self_match_prevent=SelfMatchPrevent(spec.get("smp", 1)),
        tpsl=Tpsl(tp, sl) if tp is not None or sl is not None else None,
    )


def trigger_command(spec: dict[str, Any]) -> PlaceTriggerOrder:
    price, lever = spec.get("price"), spec.get("lever")
    return PlaceTriggerOrder(
        uid=UID(spec["uid"]),
        contract_code=spec["code"],
        trigger_type=TriggerType(spec["trigger_type"]),
        trigger_price=Decimal(spec["trigger_price"]),
        direction=Direction(spec["direction"]),
        offset=Offset(spec["offset"]),
        volume=int(spec["volume"]),
        order_price_type=StrategyPriceType(spec["type"]),
        order_price=Decimal(price) if price is not None else None,
        lever_rate=int(lever) if lever is not None else None,
    )


def tpsl_command(spec: dict[str, Any]) -> PlaceTpsl:
    return PlaceTpsl(
        uid=UID(spec["uid"]),
        contract_code=spec["code"],
        direction=Direction(spec["direction"]),
        volume=int(spec["volume"]),
        tp=leg(spec.get("tp")),
        sl=leg(spec.get("sl")),
    )


def track_command(spec: dict[str, Any]) -> PlaceTrackOrder:
    lever = spec.get("lever")
    return PlaceTrackOrder(
        uid=UID(spec["uid"]),
        contract_code=spec["code"],
        direction=Direction(spec["direction"]),
        offset=Offset(spec["offset"]),
        volume=int(spec["volume"]),
        callback_rate=Decimal(spec["callback"]),
        active_price=Decimal(spec["active"]),
        order_price_type=StrategyPriceType(spec["type"]),
        lever_rate=int(lever) if lever is not None else None,
    )


def decode(message: dict[str, Any]) -> Command:
    op = message["op"]
    if op == "place":
        return place_command(message["order"])
    if op == "batch":
        return PlaceBatch(UID(message["uid"]), [place_command(o) for o in message["orders"]])
    if op == "cancel":
        return CancelOrders(
            UID(message["uid"]),
            message["code"],
            order_ids=list(message.get("order_ids", [])),
            client_order_ids=list(message.get("client_order_ids", [])),
        )
    if op == "cancel_all":
        direction, offset = message.get("direction"), message.get("offset")
        return CancelAll(
            UID(message["uid"]),
            message["code"],
            direction=Direction(direction) if direction else None,
            offset=Offset(offset) if offset else None,
        )
    if op == "deposit":
        return Deposit(UID(message["uid"]), message["symbol"], Decimal(message["amount"]))
    if op == "trigger":
        return trigger_command(message["trigger"])
    if op == "tpsl":
        return tpsl_command(message["tpsl"])
    if op == "track":
        return track_command(message["track"])
    if op == "strategy_cancel":
        return CancelStrategyOrders(
            StrategyKind(message["kind"]), UID(message["uid"]), message["code"],
            message["order_ids"],
        )  # fmt: skip
    if op == "strategy_cancel_all":
        direction, offset = message.get("direction"), message.get("offset")
        return CancelAllStrategy(
            StrategyKind(message["kind"]),
            UID(message["uid"]),
            message["code"],
            direction=Direction(direction) if direction else None,
            offset=Offset(offset) if offset else None,
        )
    raise ValueError(f"unknown op {op!r}")


def encode(seq: int, outcome: Outcome, engine: Engine) -> dict[str, Any]:
    ack: dict[str, Any] = {"seq": seq}
    if outcome.error is not None:
        ack["err"] = outcome.error.code
    else:
        reply = outcome.reply
        if isinstance(reply, OrderPlaced):
            ack["reply"] = {"order_id": reply.order_id, "client_order_id": reply.client_order_id}
        elif isinstance(reply, TpslPlaced):
            ack["reply"] = {"tp_order": reply.tp_order, "sl_order": reply.sl_order}
        elif isinstance(reply, CancelReply):
            ack["reply"] = {
                "successes": list(reply.successes),
                "errors": [[e.order_id, e.error.code] for e in reply.errors],
            }
        elif isinstance(reply, list):
            items: list[BatchItem] = reply
            ack["reply"] = {
                "items": [
                    [
                        item.placed.order_id if item.placed else None,
                        item.placed.client_order_id if item.placed else None,
                        item.error.code if item.error else None,
                    ]
                    for item in items
                ]
            }
        else:
            ack["reply"] = None
    trades: list[list[int | str]] = []
    cancelled: list[list[int]] = []
    strategies: list[dict[str, Any]] = []
    held = engine.exchange.state.strategies.orders
    for event in outcome.events:
        if isinstance(event, OrderTraded):
            trade = event.trade
            trades.append(
                [int(trade.trade_id), int(trade.order_id), trade.volume, str(trade.price)]
            )
        elif isinstance(event, OrderCancelled):
            cancelled.append([int(event.order_id), int(event.status)])
        elif isinstance(event, StrategyOrderChanged):
            # Read as the commit left it: this runs on the engine thread, before the next batch.
            order = held.get(event.order_id)
            if order is not None:
                relation, source = order.relation_order_id, order.source_order_id
                extreme = order.market_limit_price
                strategies.append(
                    {
                        "id": int(order.order_id),
                        "kind": order.kind.value,
                        "uid": int(order.uid),
                        "code": order.contract_code,
                        "status": int(order.status),
                        "relation": int(relation) if relation is not None else None,
                        "fail": order.fail_code,
                        "source": int(source) if source is not None else None,
                        "volume": order.volume,
                        "active": order.is_active,
                        "extreme": str(extreme) if extreme is not None else None,
                    }
                )
    if trades:
        ack["trades"] = trades
    if cancelled:
        ack["cancelled"] = cancelled
    if strategies:
        ack["strategies"] = strategies
    return ack


def acknowledge(seq: int, engine: Engine) -> Any:
    """The done-callback that acknowledges command `seq`. The engine resolves a future only after
    the commit that holds the command, and runs this on its own thread right then; the ack names
    that commit ("commit": the engine's commit count), which shows the group commits."""

    def done(future: Future[Outcome]) -> None:
        try:
            outcome = future.result()
        except BaseException as error:  # the engine stopped: say so, never ack as success
            emit({"seq": seq, "engine_error": repr(error)})
            return
        ack = encode(seq, outcome, engine)
        ack["commit"] = engine.commits
        emit(ack)

    return done


def set_up(engine: Engine, uids: list[int], funds: dict[str, Decimal]) -> None:
    """Open and fund each UID that is not yet: idempotent, so a kill half-way is repaired by
    the next start. Each command is acknowledged like any other (seq is negative)."""
    state = engine.exchange.state
    futures: list[Future[Outcome]] = []
    seq = -1
    for uid in uids:
        if UID(uid) not in state.users:
            future = engine.submit(OpenUser(UID(uid)))
            future.add_done_callback(acknowledge(seq, engine))
            futures.append(future)
            seq -= 1
    for future in futures:
        assert future.result().error is None
    futures = []
    for uid in uids:
        for symbol, amount in funds.items():
            account = state.accounts.get((UID(uid), symbol))
            if account is None or account.deposited == 0:
                future = engine.submit(Deposit(UID(uid), symbol, amount))
                future.add_done_callback(acknowledge(seq, engine))
                futures.append(future)
                seq -= 1
    for future in futures:
        assert future.result().error is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=["sqlite", "postgres"])
    parser.add_argument("target", help="SQLite file path or PostgreSQL URL")
    parser.add_argument("--uids", required=True, help="comma-separated UIDs to open and fund")
    parser.add_argument("--fund", required=True, help="SYMBOL=amount,... deposited per UID")
    parser.add_argument("--seed", default="", help="for the log only")
    parser.add_argument(
        "--tick", default="", help="CODE=tick,...: price ticks of a new store's contracts"
    )
    args = parser.parse_args(argv)
    uids = [int(u) for u in args.uids.split(",") if u]
    funds = {
        symbol.upper(): Decimal(amount)
        for symbol, amount in (item.split("=", 1) for item in args.fund.split(",") if item)
    }
    ticks = {
        code.upper(): Decimal(tick)
        for code, tick in (item.split("=", 1) for item in args.tick.split(",") if item)
    }
    log(f"starting on {args.kind} (seed {args.seed})")
    store = open_store(args.kind, args.target)
    engine = Engine(store, SystemClock(), contracts=contracts_with_ticks(ticks))
    engine.start()
    set_up(engine, uids, funds)
    state = engine.exchange.state
    emit(
        {
            "ready": True,
            "pid": os.getpid(),
            "last_order_id": state.order_ids.last,
            "orders": len(state.orders),
            "strategy_orders": len(state.strategies.orders),
        }
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        seq = int(message["seq"])
        try:
            command = decode(message)
        except (KeyError, ValueError) as error:
            emit({"seq": seq, "bad_command": repr(error)})
            continue
        engine.submit(command).add_done_callback(acknowledge(seq, engine))
    engine.stop()
    store.close()
    log("stdin closed: stopped cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
