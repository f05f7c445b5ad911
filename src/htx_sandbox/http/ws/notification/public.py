"""The public topics of /swap-notification (no authentication):

`public.$contract_code.liquidation_orders`: each liquidation order that filled, once it is
done (the rows of swap_liquidation_orders: `price` the bankruptcy price, `amount` the coin
value there, `volume` what filled), pushed with the batch that finished it.

`public.$contract_code.funding_rate`: every `funding_interval_s` (HTX: 60 s) the live rate of
the current period (swap_funding_rate's, as strings), `funding_time` the minute it was computed
at and `settlement_time` when the period settles, as in HTX's example; `estimated_rate` null
(deprecated in HTX's current table). Nothing is pushed at subscribe time.

`public.$contract_code.contract_info`: swap_contract_info's row, `init` right after the
subscription, `update` after each batch that changed the contract, `snapshot` every
`contract_info_interval_s` (HTX: 60 s).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from ....domain.contracts import Contract
from ....domain.events import ContractChanged, OrderTraded
from ....domain.money import contract_value
from ....domain.orders import ORDER_TYPE_LIQUIDATION, Order
from ....domain.types import Millis
from ....service.push import Batch, PushHub
from ....service.queries import Reads
from ...core.wire import num
from ...shapes import contracts as contract_shapes
from ...shapes import funding as funding_shapes
from ...shapes.pushes import notify
from ..fanout import Fanout
from ..session import Session
from .base import Direct, NotifyFeed, Owner, Push, Pushes
from .topics import ALL, Topic

MINUTE_MS = 60_000
TAKEN_OVER = "1"
"""liquidation_type of a position the insurance fund took over: not in the public feed."""


def _topic(code: str, kind: str) -> str:
    return f"public.{code}.{kind}"


class _Public(NotifyFeed):
    def wanted_contracts(self, reads: Reads) -> list[Contract]:
        codes = self.codes
        if ALL in codes:
            return reads.contracts()
        return [reads.contract(code) for code in sorted(codes)]


class LiquidationOrders(_Public):
    kind = "liquidation_orders"

    def capture(self, batch: Batch) -> object | None:
        reads = batch.reads
        done: dict[int, Order] = {}
        for event in batch.events:
            if type(event) is OrderTraded:
                assert isinstance(event, OrderTraded)
                trade = event.trade
                if trade.order_id in done or not self.listens(None, trade.contract_code):
                    continue
                order = reads.order(trade.order_id)
                if (
                    order is not None
                    and order.order_type == ORDER_TYPE_LIQUIDATION
                    and order.liquidation_type != TAKEN_OVER
                    and not order.status.is_open
                ):
                    done[order.order_id] = order
        pushes = [
            Push(None, o.contract_code, self._push(reads, o, batch.now)) for o in done.values()
        ]
        return Pushes(pushes) if pushes else None

    def _push(self, reads: Reads, order: Order, now: int) -> dict[str, Any]:
        size = reads.contract(order.contract_code).contract_size
        row = {
            "contract_code": order.contract_code,
            "symbol": order.symbol,
            "direction": order.direction.value,
            "offset": order.offset.value,
            "volume": order.trade_volume,
            "price": num(order.price),
            "created_at": order.created_at,
            "amount": num(contract_value(order.trade_volume, size, order.price)),
        }
        return notify(_topic(order.contract_code, self.kind), now, data=[row])


class _Timed(_Public):
    """A public topic pushed to all its subscribers every `interval_s`."""

    def __init__(self, hub: PushHub, fanout: Fanout, interval_s: float) -> None:
        super().__init__(hub, fanout)
        self.interval_s = interval_s
        self._timer: asyncio.Task[None] | None = None

    def started(self, session: Session, owner: Owner, topic: Topic) -> None:
        if self._timer is None or self._timer.done():
            self._timer = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while self.channels:
            await asyncio.sleep(self.interval_s)
            if self.channels:
                self.prime(self._periodic)

    def _periodic(self, batch: Batch) -> object | None:
        pushes = [
            Push(None, c.contract_code, message)
            for c, message in self.periodic(batch, self.wanted_contracts(batch.reads))
        ]
        return Pushes(pushes) if pushes else None

    def periodic(
        self, batch: Batch, contracts: list[Contract]
    ) -> Iterable[tuple[Contract, dict[str, Any]]]:
        raise NotImplementedError


class FundingRate(_Timed):
    kind = "funding_rate"

    def capture(self, batch: Batch) -> object | None:
        return None  # pushed by the clock only

    def periodic(
        self, batch: Batch, contracts: list[Contract]
    ) -> Iterable[tuple[Contract, dict[str, Any]]]:
        now = batch.now
        for c in contracts:
            rate, settles = batch.reads.funding_rate(c, now)
            row = funding_shapes.funding_rate(c, rate, settles)
            del row["next_funding_time"]
            row["funding_time"] = str(now - now % MINUTE_MS)
            row["settlement_time"] = str(settles)
            yield c, notify(_topic(c.contract_code, self.kind), now, data=[row])


class ContractInfo(_Timed):
    kind = "contract_info"

    def _message(self, c: Contract, now: Millis, event: str) -> dict[str, Any]:
        row = contract_shapes.contract(c, now)
        return notify(_topic(c.contract_code, self.kind), now, event=event, data=[row])

    def started(self, session: Session, owner: Owner, topic: Topic) -> None:
        sender, channel = session.sender, self.channel(None, topic.code)

        def capture(batch: Batch) -> object:
            code = None if topic.code == ALL else topic.code
            contracts = batch.reads.contracts(code)
            return Direct(sender, channel, [self._message(c, batch.now, "init") for c in contracts])

        self.prime(capture)
        super().started(session, owner, topic)

    def periodic(
        self, batch: Batch, contracts: list[Contract]
    ) -> Iterable[tuple[Contract, dict[str, Any]]]:
        for c in contracts:
            yield c, self._message(c, batch.now, "snapshot")

    def capture(self, batch: Batch) -> object | None:
        reads = batch.reads
        changed: dict[str, None] = {}
        for event in batch.events:
            if type(event) is ContractChanged:
                assert isinstance(event, ContractChanged)
                code = event.contract_code.upper()
                if self.listens(None, code):
                    changed[code] = None
        pushes = [
            Push(None, code, self._message(reads.contract(code), batch.now, "update"))
            for code in changed
        ]
        return Pushes(pushes) if pushes else None
