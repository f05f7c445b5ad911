"""`accounts.$contract_code` and `positions.$contract_code`: a UID's margin account and its
positions on a contract, pushed for every command that changed them (the figures as it left
them, sent once its batch is committed), with `event` saying why
(HTX's values: order.open, order.close, order.match, order.liquidation, order.cancel,
settlement, switch_lever_rate, contract.transfer, other; `init` right after a subscription,
`snapshot` every `snapshot_interval_s` to the subscriptions nothing else was pushed to
meanwhile). An opening order changes no field of a position: positions are not pushed for it.

The figures are swap_account_info's and swap_position_info's (http/shapes/accounts.py): one
`data` row per contract for accounts; the open positions of the contract for positions, `[]`
once none is left. The reason of a change is read from the events of the command that made it:
the domain closes each command's events with the accounts and holdings it touched.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ....domain.events import (
    AccountChanged,
    Deposited,
    Event,
    FundingSettled,
    LeverRateSwitched,
    OrderAccepted,
    OrderCancelled,
    OrderTraded,
    PositionChanged,
)
from ....domain.orders import ORDER_TYPE_LIQUIDATION
from ....domain.types import UID, Offset
from ....service.push import Batch, PushHub
from ....service.queries import Reads
from ...shapes import accounts as shapes
from ...shapes.pushes import notify
from ..fanout import Fanout
from ..sender import Sender
from ..session import Session
from .base import Direct, NotifyFeed, Owner, Push, Pushes
from .topics import ALL, Topic

INIT = "init"
OPENING = "order.open"
SNAPSHOT = "snapshot"


def _reason(uid: UID, causes: Sequence[Event], reads: Reads, *, position: bool) -> str:
    """HTX's `event` for a change of `uid`'s account or position made by `causes`."""
    found: set[str] = set()
    for event in causes:
        kind = type(event)
        if kind is FundingSettled:
            return "settlement"
        if kind is OrderTraded:
            assert isinstance(event, OrderTraded)
            if event.trade.uid == uid:
                order = reads.order(event.trade.order_id)
                liquidation = order is not None and order.order_type == ORDER_TYPE_LIQUIDATION
                found.add("order.liquidation" if liquidation else "order.match")
        elif kind is OrderCancelled or kind is OrderAccepted:
            assert isinstance(event, (OrderCancelled, OrderAccepted))
            order = reads.order(event.order_id)
            if order is not None and order.uid == uid:
                if kind is OrderCancelled:
                    found.add("order.cancel")
                else:
                    closing = position and order.offset is Offset.CLOSE
                    found.add("order.close" if closing else "order.open")
        elif kind is LeverRateSwitched:
            assert isinstance(event, LeverRateSwitched)
            if event.uid == uid:
                found.add("switch_lever_rate")
        elif kind is Deposited:
            assert isinstance(event, Deposited)
            if event.uid == uid:
                found.add("contract.transfer")
    for name in _PRECEDENCE:
        if name in found:
            return name
    return "other"


_PRECEDENCE = (
    "order.liquidation",
    "order.match",
    "order.cancel",
    "order.open",
    "order.close",
    "switch_lever_rate",
    "contract.transfer",
)


def _changes(batch: Batch, changed: type[AccountChanged] | type[PositionChanged]) -> list[
    tuple[AccountChanged | PositionChanged, Sequence[Event]]
]:
    """Each AccountChanged (or PositionChanged) of the batch with the events of its command."""
    out: list[tuple[AccountChanged | PositionChanged, Sequence[Event]]] = []
    start = 0
    causes: Sequence[Event] = ()
    closing = False  # inside the run of Account/PositionChanged that ends a command
    events = batch.events
    for i, event in enumerate(events):
        kind = type(event)
        if kind is AccountChanged or kind is PositionChanged:
            if not closing:
                closing = True
                causes = events[start:i]
            if kind is changed:
                assert isinstance(event, (AccountChanged, PositionChanged))
                out.append((event, causes))
        elif closing:
            closing = False
            start = i
    return out


class _Periodic(NotifyFeed):
    """An account or position topic: init on subscribe, a snapshot to quiet subscriptions."""

    each_command = True

    def __init__(self, hub: PushHub, fanout: Fanout, interval_s: float) -> None:
        super().__init__(hub, fanout)
        self.interval_s = interval_s
        self._last: dict[Sender, float] = {}
        """When each connection was last pushed to (monotonic seconds)."""
        self._timer: asyncio.Task[None] | None = None

    def rows(self, reads: Reads, uid: UID, code: str, now: int, event: str) -> dict[str, Any]:
        raise NotImplementedError

    def _codes(self, reads: Reads, code: str) -> list[str]:
        return [c.contract_code for c in reads.contracts(None if code == ALL else code)]

    def started(self, session: Session, owner: Owner, topic: Topic) -> None:
        assert owner is not None
        sender, channel = session.sender, self.channel(owner, topic.code)

        def capture(batch: Batch) -> object:
            codes = self._codes(batch.reads, topic.code)
            messages = [self.rows(batch.reads, owner, c, batch.now, INIT) for c in codes]
            return Direct(sender, channel, messages)

        self._last[sender] = time.monotonic()
        self.prime(capture)
        if self._timer is None or self._timer.done():
            self._timer = asyncio.get_running_loop().create_task(self._snapshots())

    async def _snapshots(self) -> None:
        while self.channels:
            await asyncio.sleep(self.interval_s)
            due = time.monotonic() - self.interval_s
            quiet: list[tuple[Sender, str, UID, str]] = []
            for channel in self.channels.channels():  # "<uid>|<kind>.<CODE>" (base.py)
                owner, _, topic = channel.partition("|")
                code = topic.partition(".")[2]
                for sender in self.channels.subscribers(channel):
                    if self._last.get(sender, 0.0) <= due:
                        quiet.append((sender, channel, UID(int(owner)), code))
            if quiet:
                self.prime(functools.partial(self._snapshot, quiet=quiet))

    def _snapshot(self, batch: Batch, quiet: list[tuple[Sender, str, UID, str]]) -> object:
        return _Directs(
            [
                Direct(
                    sender,
                    channel,
                    [self.rows(batch.reads, uid, c, batch.now, SNAPSHOT) for c in
                     self._codes(batch.reads, code)],
                )
                for sender, channel, uid, code in quiet
            ]
        )  # fmt: skip

    def deliver(self, captured: object) -> None:
        if isinstance(captured, _Directs):
            for direct in captured.directs:
                self._last[direct.sender] = time.monotonic()
                super().deliver(direct)
            return
        if isinstance(captured, Pushes):
            now = time.monotonic()
            for push in captured.pushes:
                for channel in (self.channel(push.owner, push.code), self.channel(push.owner, ALL)):
                    for sender in self.channels.subscribers(channel):
                        self._last[sender] = now
        super().deliver(captured)

    def drop(self, sender: Sender) -> None:
        self._last.pop(sender, None)
        super().drop(sender)


@dataclass(frozen=True, slots=True)
class _Directs:
    """Snapshots, each for one connection."""

    directs: list[Direct]


class Accounts(_Periodic):
    kind = "accounts"

    def rows(self, reads: Reads, uid: UID, code: str, now: int, event: str) -> dict[str, Any]:
        contract = reads.contract(code)
        figures = reads.account(uid, contract.symbol)
        data = [shapes.account(figures, code)]
        return notify(f"accounts.{code.lower()}", now, event=event, data=data, uid=str(uid))

    def capture(self, batch: Batch) -> object | None:
        reads = batch.reads
        pushes: list[Push] = []
        contracts = reads.contracts()
        for change, causes in _changes(batch, AccountChanged):
            assert isinstance(change, AccountChanged)
            uid = change.uid
            codes = [
                c.contract_code
                for c in contracts
                if c.symbol == change.symbol and self.listens(uid, c.contract_code)
            ]
            if not codes:
                continue
            event = _reason(uid, causes, reads, position=False)
            figures = reads.account(uid, change.symbol)
            for code in codes:
                data = [shapes.account(figures, code)]
                message = notify(
                    f"accounts.{code.lower()}", batch.now, event=event, data=data, uid=str(uid)
                )
                pushes.append(Push(uid, code, message))
        return Pushes(pushes) if pushes else None


class Positions(_Periodic):
    kind = "positions"

    def rows(self, reads: Reads, uid: UID, code: str, now: int, event: str) -> dict[str, Any]:
        data = [shapes.position(p) for p in reads.positions(uid, code)]
        topic = f"{self.kind}.{code.lower()}"
        return notify(topic, now, event=event, data=data, uid=str(uid))

    def capture(self, batch: Batch) -> object | None:
        reads = batch.reads
        pushes: list[Push] = []
        for change, causes in _changes(batch, PositionChanged):
            assert isinstance(change, PositionChanged)
            uid, code = change.uid, change.contract_code
            if not self.listens(uid, code):
                continue
            event = _reason(uid, causes, reads, position=True)
            if event == OPENING:  # an opening order changes no field of a position
                continue
            pushes.append(Push(uid, code, self.rows(reads, uid, code, batch.now, event)))
        return Pushes(pushes) if pushes else None


class CrossPositions(Positions):
    """`positions_cross.$contract_code`, the sandbox's alias of `positions` for ccxt.pro: its
    watch_positions subscribes `positions_cross.*` by default and, since it files every
    coin-margined position under cross margin, delivers no other topic's positions
    (docs/compatibility.md, "WebSocket notifications"). HTX's coin-margined swaps have no such
    topic."""

    kind = "positions_cross"
