"""`market.$contract_code.trade.detail`: every round of matching of a taker order, pushed after
its commit; `req` answers the newest trades (`size` 1-50, default 50) from the tape.

Push: `{"ch", "ts", "tick": {"id", "ts", "data": [{"amount", "ts", "id", "price", "direction",
"quantity"}]}}` with numbers; the `req` reply's `amount`, `price` and `quantity` are strings, as
HTX prints them. `amount` and `quantity` count both sides of a match, as the REST tape does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....domain.events import OrderTraded
from ....domain.types import Role
from ....service.market import MarketData, Print
from ....service.push import Batch, PushHub
from ...core.envelopes import MarketError
from ...core.wire import num, text
from ...market.fields import SIDES
from ..fanout import Fanout
from ..feed import TopicFeed
from ..session import Session
from .topics import BAD_REQUEST, Topic

REQ_MAX_SIZE = 50
_REST = "trade.detail"


class TradeDetail(TopicFeed):
    def __init__(self, hub: PushHub, fanout: Fanout, market: MarketData) -> None:
        super().__init__(hub, fanout)
        self.market = market

    def match(self, rest: str) -> str | None:
        return rest if rest == _REST else None

    def check(self, topic: Topic, message: dict[str, Any]) -> None:
        pass

    def sub(self, session: Session, topic: Topic, message: dict[str, Any]) -> None:
        self.subscribe(topic.channel, topic.code, session.sender)

    def unsub(self, session: Session, topic: Topic) -> None:
        self.unsubscribe(topic.channel, session.sender)

    def closed(self, session: Session) -> None:
        self.drop(session.sender)

    async def req(self, session: Session, topic: Topic, message: dict[str, Any]) -> Any:
        size = message.get("size", REQ_MAX_SIZE)
        if isinstance(size, str) and size.isdigit() and len(size) < 5:
            size = int(size)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= REQ_MAX_SIZE:
            raise MarketError(f"invalid size, valid range: [1,{REQ_MAX_SIZE}]", BAD_REQUEST)
        prints = self.market.recent(topic.code, size)
        return [_req_print(p) for p in reversed(prints)]

    # -- pushes ----------------------------------------------------------------------------

    def capture(self, batch: Batch) -> object | None:
        codes = self.codes
        rounds: list[list[Print]] = []
        for event in batch.events:
            if type(event) is OrderTraded:
                trade = event.trade
                if trade.role is Role.TAKER and trade.contract_code in codes:
                    p = Print.of(trade)
                    last = rounds[-1] if rounds else None
                    if last and last[-1].order_id == p.order_id and last[-1].contract_code == (
                        p.contract_code
                    ):
                        last.append(p)
                    else:
                        rounds.append([p])
        return _Rounds(batch.now, rounds) if rounds else None

    def deliver(self, captured: object) -> None:
        assert isinstance(captured, _Rounds)
        for prints in captured.rounds:
            channel = f"market.{prints[0].contract_code}.{_REST}"
            if channel not in self.channels:
                continue
            data = [_print(p) for p in prints]
            tick = {"id": prints[0].trade_id, "ts": prints[-1].ts, "data": data}
            self.channels.publish(channel, {"ch": channel, "ts": captured.now, "tick": tick})


@dataclass(frozen=True, slots=True)
class _Rounds:
    now: int
    rounds: list[list[Print]]


def _print(p: Print) -> dict[str, Any]:
    return {
        "amount": p.volume * SIDES,
        "ts": p.ts,
        "id": p.trade_id,
        "price": num(p.price),
        "direction": p.direction.value,
        "quantity": num(p.value * SIDES),
    }


def _req_print(p: Print) -> dict[str, Any]:
    return {
        "amount": str(p.volume * SIDES),
        "ts": p.ts,
        "id": p.trade_id,
        "price": text(p.price),
        "direction": p.direction.value,
        "quantity": text(p.value * SIDES),
    }
